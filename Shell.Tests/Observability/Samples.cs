using System.Collections.Immutable;
using MarketMaker.Core;

namespace MarketMaker.Shell.Tests.Observability;

/// <summary>Hand-built snapshots and decisions for the observability tests.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Snapshot Snapshot(string symbol = MarketSpec.SpotSymbol)
    {
        var market = MarketSpec.For(symbol, 0.01m);
        var book = new MarketData(
            [new BookOrder("other:1", "0xother", Side.Buy, 1499.5m, 10m, Now.AddMinutes(-3))],
            [new BookOrder("other:2", "0xother", Side.Sell, 1500.5m, 10m, Now.AddMinutes(-3))],
            []);
        return new Snapshot(
            Now,
            market,
            Input<MarketData>.Fresh(book, Now.AddSeconds(-2)),
            Input<LiveOrders>.Fresh(LiveOrders.Empty, Now.AddSeconds(-1)),
            Input<Balances>.Fresh(new Balances(250.5m, 400000m), Now.AddSeconds(-3)),
            Input<AnchorReading>.Missing,
            Input<AnchorReading>.Fresh(new AnchorReading(1501m, Now.AddSeconds(-20)), Now.AddSeconds(-5)),
            false,
            ImmutableSortedDictionary<string, FinalStatus>.Empty);
    }

    public static MetricValues Metrics(
        int placements = 2,
        int replaceCancels = 1,
        int riskCancels = 0,
        decimal? quoteAge = 12m,
        decimal netInventory = 250.5m,
        decimal? deviation = 3.25m) =>
        new(
            QuoteAgeSeconds: quoteAge,
            ExchangeQuoteAgeSeconds: 14m,
            MarketDataAgeSeconds: 2m,
            BalanceAgeSeconds: 3m,
            AnchorAgeSeconds: 5m,
            ExternalAnchorAgeSeconds: 20m,
            LiveQuotedSpreadBps: 50m,
            NetInventory: netInventory,
            AnchorDeviationBps: deviation,
            CancelsInWindow: 4,
            OpenBidPresent: true,
            OpenAskPresent: false,
            LiveBids: 1,
            LiveAsks: 0,
            Placements: placements,
            CancelsByCategory: ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, int>
            {
                [CancelCategory.ReplaceDriven] = replaceCancels,
                [CancelCategory.RiskTriggered] = riskCancels,
            }),
            SuppressedReplaces: 1,
            QuoteRefresh: true,
            ExternalAnchorAccepted: 1,
            ExternalAnchorRejected: 2);

    public static Decision Decision(
        Halt? halt = null,
        Readiness? readiness = null,
        ReferenceSource source = ReferenceSource.Book,
        ImmutableArray<Fill>? fills = null,
        MetricValues? metrics = null,
        DateTimeOffset? now = null,
        PnlReport? pnl = null,
        ImmutableArray<Markout>? markouts = null,
        DependencyHealth? dependencies = null) =>
        new(
            Now: now ?? Now,
            ReferencePrice: 1500m,
            ReferenceSource: source,
            LocalReference: 1500m,
            AnchorPrice: null,
            ExternalAnchorPrice: 1501m,
            Targets: [new TargetQuote(Side.Buy, 0, 1496.25m, 100m), new TargetQuote(Side.Sell, 0, 1503.75m, 100m)],
            Suppressions: [],
            Halt: halt,
            Readiness: readiness ?? (halt is null ? Readiness.Ok : new Readiness.Halted(halt.Reason)),
            Cancels: [],
            Placements: [],
            SuppressedReplaces: [],
            Reconciliation: null,
            Fills: fills ?? [new Fill("mm:USDCcNGN-SPOT:buy:10", Side.Buy, 5m, true, "order_state"), new Fill("mm:USDCcNGN-SPOT:sell:11", Side.Sell, 100m, false, "order_state")],
            InventoryDelta: null,
            ExternalAnchorRejection: null,
            SyncSkipped: null,
            InputAnomalies: [],
            DryRun: false,
            PersistRequired: false,
            Metrics: metrics ?? Metrics(),
            Pnl: pnl ?? Pnl(),
            Markouts: markouts ?? [],
            NextState: new BotState())
        {
            Dependencies = dependencies ?? Dependencies(),
        };

    /// <summary>Market data fetched 2 s ago, balances 3 s, the anchor 5 s; nothing stale, every input answered.</summary>
    public static DependencyHealth Dependencies() =>
        new(Now.AddSeconds(-2), Now.AddSeconds(-3), Now.AddSeconds(-5), false, false, false, []);

    /// <summary>Long 95 at an average cost of 1490, marked at 1500: unrealized 950, realized 12.5, peak 1000.</summary>
    public static PnlReport Pnl() => new(
        Position: 95m, AverageCost: 1490m, Realized: 12.5m, Unrealized: 950m, Total: 962.5m, Drawdown: 37.5m, MaxDrawdown: 40m,
        Mark: 1500m, Fees: 0m, BoughtSize: 105m, SoldSize: 10m, FillCount: 3, SpreadCaptureBps: 24.5m,
        Markout1sBps: 20m, Markout10sBps: 10m, Markout60sBps: -5m);
}
