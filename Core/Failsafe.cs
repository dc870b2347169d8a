using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>
/// The decision when the ordinary one cannot be computed because an input makes decimal or nonce arithmetic overflow
/// (docs/hostile-input.md, rule 2): a halt <c>reference price unavailable</c> that cancels every managed order, places
/// nothing and keeps the rest of the state as it was. Built from the raw inputs with no arithmetic that can fail.
/// </summary>
internal static class Failsafe
{
    public static Decision ArithmeticHalt(Snapshot snapshot, BotState state, BotConfig config, ArithmeticException error)
    {
        var now = snapshot.Now;
        var kill = snapshot.KillSwitchPresent;
        Halt halt = kill
            ? new Halt.KillSwitchActive("kill switch file present")
            : new Halt.ReferencePriceUnavailable($"arithmetic overflow on the inputs: {error.Message}");
        var prefix = config.ManagedPrefix;
        var live = snapshot.Orders.Value?.Items ?? [];
        var managed = live.Where(o => o.OrderId.StartsWith(prefix, StringComparison.Ordinal)).ToImmutableArray();
        var cancels = config.OperatorMode == OperatorMode.DryRunHealth && !kill
            ? []
            : managed
                .Where(o => !o.Matching && !config.ProtectedOrderIdPrefixes.Any(p => p.Length > 0 && o.OrderId.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(o => o.OrderId, StringComparer.Ordinal)
                .Select(o => new CancelAction(o.OrderId, o.Nonce, o.Side, SyncReasons.Halt, halt.Category))
                .ToImmutableArray();
        var canceled = cancels.Select(c => c.OrderId).ToHashSet(StringComparer.Ordinal);
        var bids = managed.Count(o => o.Side == Side.Buy && !canceled.Contains(o.OrderId));
        var asks = managed.Count(o => o.Side == Side.Sell && !canceled.Contains(o.OrderId));
        var byCategory = cancels.IsEmpty
            ? ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal)
            : ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal).Add(halt.Category, cancels.Length);
        var suppressions = ImmutableArray.Create(
            new Suppression(Side.Buy, SuppressionReasons.Halted, halt.Reason),
            new Suppression(Side.Sell, SuppressionReasons.Halted, halt.Reason));
        var next = state with
        {
            Persisted = state.Persisted with { LastHaltReason = halt.Reason },
            CurrentHaltReason = halt.Reason,
            BidMissingSince = bids > 0 ? null : state.BidMissingSince ?? now,
            AskMissingSince = asks > 0 ? null : state.AskMissingSince ?? now,
        };
        var marketDataAt = Freshness.Older(snapshot.MarketData.FetchedAt, snapshot.Orders.FetchedAt);
        var metrics = new MetricValues(
            QuoteAgeSeconds: null,
            ExchangeQuoteAgeSeconds: 0m,
            MarketDataAgeSeconds: null,
            BalanceAgeSeconds: null,
            AnchorAgeSeconds: null,
            ExternalAnchorAgeSeconds: null,
            LiveQuotedSpreadBps: 0m,
            NetInventory: snapshot.Balances.Value?.BaseTotal ?? 0m,
            AnchorDeviationBps: null,
            CancelsInWindow: state.CancelWindow.Length,
            OpenBidPresent: bids > 0,
            OpenAskPresent: asks > 0,
            LiveBids: bids,
            LiveAsks: asks,
            Placements: 0,
            CancelsByCategory: byCategory,
            SuppressedReplaces: 0,
            QuoteRefresh: false,
            ExternalAnchorAccepted: 0,
            ExternalAnchorRejected: 0);
        return new Decision(
            now,
            null,
            ReferenceSource.None,
            null,
            null,
            null,
            [],
            suppressions,
            halt,
            new Readiness.Halted(halt.Reason),
            cancels,
            [],
            [],
            null,
            [],
            null,
            null,
            null,
            [new InputAnomaly(InputAnomalyKinds.ArithmeticOverflow, "decision", error.Message)],
            config.DryRun,
            !next.Persisted.SameAs(state.Persisted),
            metrics,
            null,
            [],
            next)
        {
            // Anchors are not judged here (no reference is computed): only the inputs the halt does not depend on.
            Dependencies = new DependencyHealth(
                marketDataAt,
                snapshot.Balances.FetchedAt,
                null,
                Freshness.IsStale(now, marketDataAt, config.StaleMarketDataTimeoutSeconds),
                Freshness.IsStale(now, snapshot.Balances.FetchedAt, config.StaleBalanceTimeoutSeconds),
                false,
                DependencyHealth.NotAnsweringIn(snapshot)),
        };
    }
}
