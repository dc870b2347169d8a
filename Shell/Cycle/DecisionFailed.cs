using MarketMaker.Core;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Cycle;

/// <summary>Told when a decision could not be made (readiness and metrics; docs/hostile-input.md, rule 2).</summary>
public interface IDecisionFailureObserver
{
    void OnDecisionFailed(Snapshot snapshot, string error);
}

/// <summary>The cycle's decision threw: the cycle was treated as a halt (managed orders cancelled, nothing placed).</summary>
public sealed class DecisionFailedException(Exception inner) : Exception($"{DecisionFailed.Reason}: {inner.Message}", inner);

/// <summary>
/// What the shell does when <c>Decider.Decide</c> throws (it should never: the core turns bad inputs into halts, but
/// the shell does not bet money on that): a halt. Every managed order of the market that the last live-order read
/// showed is cancelled (category <c>risk_triggered</c>, reason <c>halt</c>; nothing in dry run), nothing is placed,
/// the state is not advanced, <c>/readyz</c> answers 503 <c>decision failed</c> and
/// <c>mm_bot_decision_failures_total</c> counts it. The next cycle decides again.
/// </summary>
public static class DecisionFailed
{
    public const string Reason = "decision failed";

    public static async Task HaltAsync(Snapshot snapshot, BotConfig config, IOrderGateway gateway, ICycleObserver? observer, ILogger log, Exception error, CancellationToken ct)
    {
        log.LogError("decision failed, halting: cancelling managed orders and placing nothing: {Error}", error.Message);
        (observer as IDecisionFailureObserver)?.OnDecisionFailed(snapshot, error.Message);
        if (config.DryRun)
        {
            return;
        }

        var prefix = config.ManagedPrefix;
        foreach (var order in snapshot.Orders.Value?.Items ?? [])
        {
            if (!order.OrderId.StartsWith(prefix, StringComparison.Ordinal) || order.Matching
                || config.ProtectedOrderIdPrefixes.Any(p => p.Length > 0 && order.OrderId.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var cancel = new CancelAction(order.OrderId, order.Nonce, order.Side, SyncReasons.Halt, CancelCategory.RiskTriggered);
            try
            {
                var outcome = await gateway.CancelAsync(cancel, ct);
                if (!outcome.Ok)
                {
                    log.LogWarning("cancel {OrderId} after a failed decision failed: {Error}", order.OrderId, outcome.Error);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("cancel {OrderId} after a failed decision failed: {Error}", order.OrderId, ex.Message);
            }
        }
    }
}
