using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Core.Tests.Decisions;

namespace MarketMaker.Core.Tests.Hostile;

/// <summary>
/// Random honest books around a reference the bot already accepted, with injected outliers (far-away prices from
/// 1e-18 to 1e18, dust, huge sizes, trades dated in the future or far away): the decision never throws, the reference
/// is one the honest orders or trades give (or none), and every quote stays within the sanity band of the honest reference.
/// </summary>
public sealed class OutlierProperties
{
    private const decimal Band = 2000m;

    private static readonly decimal[] FarPrices =
    [
        0.000000000000000001m, 0.001m, 1m, 500m, 1000m, 2500m, 5000m, 1_000_000m, 100_000_000_000_000m, 1_000_000_000_000_000_000m,
    ];

    private static readonly decimal[] OutlierSizes = [0.0001m, 0.5m, 50m, 1_000_000_000_000m];

    private sealed record OutlierCase(Snapshot Snapshot, BotState State, BotConfig Config, decimal Centre, decimal HonestLow, decimal HonestHigh)
    {
        public override string ToString() => F.Describe(Snapshot, State, Config) + $" centre={Centre}";
    }

    private static Gen<OutlierCase> Cases() =>
        from market in Gen.Elements(F.Spot, F.Future, MarketSpec.For(F.SpotSymbol, 0.000000000000000001m))
        from centreBps in Gen.Choose(-100, 100)
        from book in Generators.Book(1600m * (1 + (centreBps / 10_000m)), market, F.T0)
        from honestTrades in Generators.Trades(1600m, F.T0)
        from n in Gen.Choose(1, 4)
        from sides in Gen.Elements(Side.Buy, Side.Sell).ArrayOf(n)
        from prices in Gen.Elements(FarPrices).ArrayOf(n)
        from sizes in Gen.Elements(OutlierSizes).ArrayOf(n)
        from futureTrade in Gen.Elements(true, false)
        from farTrade in Gen.Elements(true, false)
        from half in Gen.Choose(0, 300)
        from skew in Gen.Choose(0, 100)
        from balances in Generators.Balance(market)
        from levels in Gen.Choose(1, 3)
        select Build(market, book, honestTrades, sides, prices, sizes, futureTrade, farTrade, half, skew, balances, levels);

    private static OutlierCase Build(
        MarketSpec market, (ImmutableArray<BookOrder> Bids, ImmutableArray<BookOrder> Asks) book, ImmutableArray<Trade> honestTrades,
        Side[] sides, decimal[] prices, decimal[] sizes, bool futureTrade, bool farTrade, int half, int skew, Balances balances, int levels)
    {
        var bids = book.Bids.ToList();
        var asks = book.Asks.ToList();
        var honestPrices = bids.Concat(asks).Select(o => o.Price).Concat(honestTrades.Select(t => t.Price)).Append(1600m).ToList();
        for (var i = 0; i < sides.Length; i++)
        {
            var order = new BookOrder($"outlier-{i}", F.Other, sides[i], prices[i], sizes[i], F.T0.AddSeconds(-1));
            (sides[i] == Side.Buy ? bids : asks).Add(order);
        }

        var trades = honestTrades.ToList();
        if (farTrade)
        {
            trades.Insert(0, new Trade(900, 3000m, 5m, Side.Buy, "t", "m", F.T0.AddSeconds(-1)));
        }

        if (futureTrade)
        {
            trades.Insert(0, new Trade(901, 3000m, 5m, Side.Buy, "t", "m", F.T0.AddYears(1)));
        }

        var data = new MarketData(
            [.. bids.OrderByDescending(o => o.Price)],
            [.. asks.OrderBy(o => o.Price)],
            [.. trades]);
        var snapshot = new Snapshot(
            F.T0,
            market,
            Input<MarketData>.Fresh(data, F.T0),
            Input<LiveOrders>.Fresh(LiveOrders.Empty, F.T0),
            Input<Balances>.Fresh(balances, F.T0),
            Input<AnchorReading>.Missing,
            Input<AnchorReading>.Missing,
            false,
            ImmutableSortedDictionary<string, FinalStatus>.Empty);
        var config = F.Config with
        {
            MarketSymbol = market.Symbol,
            HalfSpreadBps = half,
            InventorySkewBps = skew,
            QuoteLevels = levels,
            LevelSpreadStepBps = 10m,
            MaxBookDeviationBps = Band,
            MaxLongInventory = 1_000_000m,
            MaxShortInventory = -1_000_000m,
            MaxCancelsPerMinute = 0,
        };
        var state = F.Running with { Reference = new ReferenceMemory { Accepted = 1600m } };
        return new OutlierCase(snapshot, state, config, 1600m, honestPrices.Min(), honestPrices.Max());
    }

    [Fact]
    public void Quotes_stay_within_the_band_of_the_honest_reference_whatever_outliers_are_injected() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var d = Decider.Decide(c.Snapshot, c.State, c.Config);
            Assert.DoesNotContain(d.InputAnomalies, a => a.Kind == InputAnomalyKinds.ArithmeticOverflow);
            if (d.ReferencePrice is { } reference)
            {
                Assert.InRange(reference, c.HonestLow, c.HonestHigh);
            }

            var reach = c.Centre * Band / 10_000m;
            foreach (var t in d.Targets)
            {
                Assert.InRange(t.Price, c.Centre - reach, c.Centre + reach);
            }

            foreach (var p in d.Placements)
            {
                Assert.InRange(p.Price, c.Centre - reach, c.Centre + reach);
                Assert.True(p.Nonce > 0);
            }
        }).Check(Generators.Thorough);
}
