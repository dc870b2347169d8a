using System.Collections.Immutable;
using MarketMaker.Core;

namespace MarketMaker.Core.Tests;

public sealed class DeciderSmokeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private const string Us = "0x00000000000000000000000000000000000000aa";

    private static Snapshot Snap(DateTimeOffset now, ImmutableArray<LiveOrder> live, ImmutableArray<BookOrder> extraBook = default)
    {
        var bids = ImmutableArray.Create(new BookOrder("o-b", "0xother", Side.Buy, 1595m, 50m, T0));
        var asks = ImmutableArray.Create(new BookOrder("o-a", "0xother", Side.Sell, 1605m, 50m, T0));
        if (!extraBook.IsDefaultOrEmpty)
        {
            bids = bids.AddRange(extraBook.Where(b => b.Side == Side.Buy)).Sort((x, y) => y.Price.CompareTo(x.Price));
            asks = asks.AddRange(extraBook.Where(b => b.Side == Side.Sell)).Sort((x, y) => x.Price.CompareTo(y.Price));
        }

        return new Snapshot(
            now,
            MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m),
            Input<MarketData>.Fresh(new MarketData(bids, asks, []), now),
            Input<LiveOrders>.Fresh(new LiveOrders(live), now),
            Input<Balances>.Fresh(new Balances(500m, 2_000_000m), now),
            Input<AnchorReading>.Missing,
            Input<AnchorReading>.Missing,
            false,
            ImmutableSortedDictionary<string, FinalStatus>.Empty);
    }

    [Fact]
    public void Startup_quotes_both_sides_in_the_reconciling_decision_then_keeps()
    {
        var cfg = new BotConfig { OwnerAddress = Us };
        var d1 = Decider.Decide(Snap(T0, []), new BotState(), cfg);
        Assert.NotNull(d1.Reconciliation);
        Assert.Equal(BotPhase.Running, d1.NextState.Phase);
        Assert.Null(d1.Halt);
        Assert.Equal(2, d1.Placements.Length);
        var bid = d1.Placements.Single(p => p.Side == Side.Buy);
        var ask = d1.Placements.Single(p => p.Side == Side.Sell);
        Assert.True(bid.Price < ask.Price);
        // The default target inventory is the first balance seen (500 USDC): no deviation, so no skew.
        Assert.Equal(1600m * (1 - 0.0025m), bid.Price);
        Assert.Equal(500m, d1.NextState.Persisted.TargetBaseInventory);

        var live = d1.Placements.Select(p => new LiveOrder(p.OrderId, p.Nonce, p.Side, p.Price, p.Size, p.Size, false, T0)).ToImmutableArray();
        var book = d1.Placements.Select(p => new BookOrder(p.OrderId, Us, p.Side, p.Price, p.Size, T0)).ToImmutableArray();
        var t2 = T0.AddSeconds(10);
        var d2 = Decider.Decide(Snap(t2, live, book), d1.NextState, cfg);
        Assert.Empty(d2.Cancels);
        Assert.Empty(d2.Placements);
        Assert.True(d2.Readiness.Ready, d2.Readiness.Reason);
    }
}
