using System.Collections.Immutable;
using MarketMaker.Core;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Cycle;

/// <summary>Per-source timeouts of the gather step.</summary>
public sealed record SourceTimeouts(TimeSpan MarketData, TimeSpan Orders, TimeSpan Balances, TimeSpan Anchor)
{
    public static readonly SourceTimeouts Default = new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
}

/// <summary>The adapters one bot uses. Anchors are optional.</summary>
public sealed record CyclePorts(
    IMarketDataSource MarketData,
    ILiveOrderSource Orders,
    IBalanceSource Balances,
    IAnchorSource? Anchor,
    IAnchorSource? ExternalAnchor,
    IOrderGateway Gateway,
    IStateStore State,
    IKillSwitch KillSwitch,
    ICycleRecorder? Recorder = null);

/// <summary>What the apply step did with a decision.</summary>
public sealed record CycleOutcome(
    Snapshot Snapshot,
    Decision Decision,
    ImmutableArray<(CancelAction Cancel, ActionOutcome Outcome)> Cancels,
    ImmutableArray<(PlaceAction Placement, ActionOutcome Outcome)> Placements,
    ImmutableArray<string> SourceErrors,
    string? PersistError,
    int AnchorFetchFailures,
    int ExternalAnchorFetches,
    int ExternalAnchorFetchFailures);

/// <summary>Receives every cycle's outcome (metrics, readiness, soak lines).</summary>
public interface ICycleObserver
{
    void OnCycle(CycleOutcome outcome);
}

/// <summary>
/// One bot's cycle: gather (in parallel, each source with its own timeout) → decide (pure core) →
/// persist (before any new nonce is sent) → apply (cancels, then placements; nothing in dry run) → record.
/// A failed source keeps its previous value and age; the core turns staleness into halts.
/// </summary>
public sealed class CycleRunner
{
    private readonly BotConfig _config;
    private readonly MarketSpec _market;
    private readonly CyclePorts _ports;
    private readonly SourceTimeouts _timeouts;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ICycleObserver? _observer;

    private Input<MarketData> _marketData = Input<MarketData>.Missing;
    private Input<LiveOrders> _orders = Input<LiveOrders>.Missing;
    private Input<Balances> _balances = Input<Balances>.Missing;
    private Input<AnchorReading> _anchor = Input<AnchorReading>.Missing;
    private Input<AnchorReading> _external = Input<AnchorReading>.Missing;

    public CycleRunner(BotConfig config, MarketSpec market, CyclePorts ports, SourceTimeouts timeouts, TimeProvider time, ILogger log, ICycleObserver? observer = null)
    {
        _config = config;
        _market = market;
        _ports = ports;
        _timeouts = timeouts;
        _time = time;
        _log = log;
        _observer = observer;
        State = BotState.Fresh(ports.State.Load());
    }

    public BotState State { get; private set; }

    public Decision? LastDecision { get; private set; }

    /// <summary>The decision function (the core's; a test may put one that fails, to prove the halt below).</summary>
    internal Func<Snapshot, BotState, BotConfig, Decision> DecideFunction { get; init; } = Decider.Decide;

    public async Task<CycleOutcome> RunOnceAsync(CancellationToken ct)
    {
        // 1. Gather.
        var errors = new List<string>();
        var marketTask = Fetch("market_data", _marketData, _ports.MarketData.FetchAsync, _timeouts.MarketData, errors, ct);
        var ordersTask = Fetch("live_orders", _orders, async c => new LiveOrders(await _ports.Orders.FetchLiveAsync(c)), _timeouts.Orders, errors, ct);
        var balancesTask = Fetch("balances", _balances, _ports.Balances.FetchAsync, _timeouts.Balances, errors, ct);
        var anchorTask = _ports.Anchor is { } anchor
            ? Fetch("anchor", _anchor, anchor.FetchAsync, _timeouts.Anchor, errors, ct)
            : Task.FromResult(_anchor);
        var wantExternal = _ports.ExternalAnchor is not null && State.ExternalAnchor.Wanted;
        var externalTask = wantExternal
            ? Fetch("external_anchor", _external, _ports.ExternalAnchor!.FetchAsync, _timeouts.Anchor, errors, ct)
            : Task.FromResult(_external with { FreshThisCycle = false });
        var killSwitch = _ports.KillSwitch.IsPresent();
        await Task.WhenAll(marketTask, ordersTask, balancesTask, anchorTask, externalTask);
        _marketData = await marketTask;
        _orders = await ordersTask;
        _balances = await balancesTask;
        _anchor = await anchorTask;
        _external = await externalTask;
        var finals = await FetchFinalStatusesAsync(errors, ct);

        var snapshot = new Snapshot(_time.GetUtcNow(), _market, _marketData, _orders, _balances, _anchor, _external, killSwitch, finals);

        // 2. Decide.
        var before = State;
        Decision decision;
        try
        {
            decision = DecideFunction(snapshot, before, _config);
        }
        catch (Exception ex)
        {
            await DecisionFailed.HaltAsync(snapshot, _config, _ports.Gateway, _observer, _log, ex, ct);
            throw new DecisionFailedException(ex);
        }

        // 3. Persist before anything with a new nonce is sent.
        string? persistError = null;
        if (decision.PersistRequired)
        {
            try
            {
                _ports.State.Save(decision.NextState.Persisted);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or MarketMaker.Shell.State.StateFileException)
            {
                persistError = ex.Message;
                _log.LogError("state file not saved, placements withheld this cycle: {Error}", ex.Message);
            }
        }

        // 4. Apply: cancels first, then placements; nothing in dry run.
        var cancelOutcomes = ImmutableArray.CreateBuilder<(CancelAction, ActionOutcome)>();
        var placeOutcomes = ImmutableArray.CreateBuilder<(PlaceAction, ActionOutcome)>();
        if (!decision.DryRun)
        {
            foreach (var cancel in decision.Cancels)
            {
                var outcome = await Guard(() => _ports.Gateway.CancelAsync(cancel, ct));
                cancelOutcomes.Add((cancel, outcome));
                if (!outcome.Ok)
                {
                    _log.LogWarning("cancel {OrderId} ({Reason}) failed: {Error}; re-checked from exchange state next cycle", cancel.OrderId, cancel.Reason, outcome.Error);
                }
            }

            if (persistError is null)
            {
                // A side whose cancel failed this cycle gets no new order: the old one may still rest (for example
                // held by the matcher), and two of our orders on one side is what the cancel was meant to prevent.
                // The next cycle decides again from the exchange's state.
                var blockedSides = cancelOutcomes.Where(c => !c.Item2.Ok).Select(c => c.Item1.Side).ToHashSet();
                foreach (var placement in decision.Placements)
                {
                    if (blockedSides.Contains(placement.Side))
                    {
                        var withheld = new ActionOutcome(false, "withheld: a cancel on this side failed this cycle");
                        placeOutcomes.Add((placement, withheld));
                        _log.LogWarning("place {OrderId} {Side} withheld: a cancel on this side failed this cycle; re-decided next cycle (the nonce is not reused)", placement.OrderId, placement.Side.Wire());
                        continue;
                    }

                    var outcome = await Guard(() => _ports.Gateway.PlaceAsync(placement, ct));
                    placeOutcomes.Add((placement, outcome));
                    if (!outcome.Ok)
                    {
                        _log.LogWarning("place {OrderId} {Side} {Size}@{Price} failed: {Error}; the nonce is not reused", placement.OrderId, placement.Side.Wire(), placement.Size, placement.Price, outcome.Error);
                    }
                }
            }
        }

        // 5. Record, then carry the state forward.
        _ports.Recorder?.Record(snapshot, before, _config, decision);
        State = decision.NextState;
        LastDecision = decision;
        LogDecision(decision);

        var outcomeRecord = new CycleOutcome(
            snapshot,
            decision,
            cancelOutcomes.ToImmutable(),
            placeOutcomes.ToImmutable(),
            [.. errors],
            persistError,
            _ports.Anchor is not null && !_anchor.FreshThisCycle ? 1 : 0,
            wantExternal ? 1 : 0,
            wantExternal && !_external.FreshThisCycle ? 1 : 0);
        _observer?.OnCycle(outcomeRecord);
        return outcomeRecord;
    }

    private async Task<ImmutableSortedDictionary<string, FinalStatus>> FetchFinalStatusesAsync(List<string> errors, CancellationToken ct)
    {
        if (!_orders.FreshThisCycle || _orders.Value is not { } live)
        {
            return ImmutableSortedDictionary<string, FinalStatus>.Empty;
        }

        var liveIds = live.Items.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        var vanished = State.Fills.Orders.Keys.Where(id => !liveIds.Contains(id)).Take(32).ToList();
        var result = ImmutableSortedDictionary.CreateBuilder<string, FinalStatus>(StringComparer.Ordinal);
        foreach (var id in vanished)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(_timeouts.Orders);
            try
            {
                if (await _ports.Orders.FetchFinalAsync(id, cts.Token) is { } final)
                {
                    result[id] = final;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                lock (errors)
                {
                    errors.Add($"final_status {id}: {ex.Message}");
                }
            }
        }

        return result.ToImmutable();
    }

    private async Task<Input<T>> Fetch<T>(string name, Input<T> previous, Func<CancellationToken, Task<T>> fetch, TimeSpan timeout, List<string> errors, CancellationToken ct)
        where T : class
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var value = await fetch(cts.Token).WaitAsync(cts.Token);
            return Input<T>.Fresh(value, _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = ex is OperationCanceledException or TimeoutException ? $"timed out after {timeout.TotalMilliseconds:0} ms" : ex.Message;
            lock (errors)
            {
                errors.Add($"{name}: {message}");
            }

            _log.LogWarning("{Source} fetch failed, keeping the previous value: {Error}", name, message);
            return previous.Failed(message);
        }
    }

    private static async Task<ActionOutcome> Guard(Func<Task<ActionOutcome>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ActionOutcome(false, ex.Message);
        }
    }

    private void LogDecision(Decision d)
    {
        if (d.Reconciliation is { } r)
        {
            _log.LogInformation(
                "startup reconciliation result adopted_bid={AdoptedBid} adopted_ask={AdoptedAsk} canceled={Canceled} reasons={Reasons}",
                r.AdoptedBidOrderId ?? "", r.AdoptedAskOrderId ?? "", string.Join(",", r.CanceledOrderIds),
                string.Join(",", r.RejectedReasons.Select(kv => $"{kv.Key}={kv.Value}")));
        }

        if (d.Halt is { } halt && halt.Reason != LastHaltLogged)
        {
            _log.LogWarning("halted reason={Reason} detail={Detail} reference={Reference}", halt.Reason, halt.Detail, d.ReferencePrice);
        }

        LastHaltLogged = d.Halt?.Reason;
        if (d.ChangesAnything)
        {
            _log.LogInformation(
                "decision ref={Reference} source={Source} cancels={Cancels} placements={Placements} fills={Fills} halt={Halt} dry_run={DryRun}",
                d.ReferencePrice, d.ReferenceSource.Wire(),
                string.Join(",", d.Cancels.Select(c => $"{c.OrderId}:{c.Reason}:{c.Category}")),
                string.Join(",", d.Placements.Select(p => $"{p.OrderId}:{p.Size}@{p.Price}")),
                string.Join(",", d.Fills.Select(f => $"{f.OrderId}:{f.Side.Wire()}:{f.Size}:{f.Source}")),
                d.Halt?.Reason ?? "", d.DryRun ? "true" : "false");
        }
    }

    private string? LastHaltLogged { get; set; }
}
