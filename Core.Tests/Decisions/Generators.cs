using System.Collections.Immutable;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>One generated decision input.</summary>
internal sealed record Case(Snapshot Snapshot, BotState State, BotConfig Config)
{
    public Decision Decide() => Decider.Decide(Snapshot, State, Config);

    public override string ToString() => F.Describe(Snapshot, State, Config);
}

/// <summary>Custom FsCheck generators for books, balances, live orders, configs and states.</summary>
internal static class Generators
{
    public static readonly FsCheck.Config Thorough = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(1000);

    private static Gen<decimal> Dec(int min, int max, int scale) =>
        Gen.Choose(min, max).Select(v => v / Pow10(scale));

    private static decimal Pow10(int n)
    {
        var r = 1m;
        for (var i = 0; i < n; i++)
        {
            r *= 10m;
        }

        return r;
    }

    private static Gen<decimal> ZeroOr(Gen<decimal> g, int zeroWeight = 1, int weight = 1) =>
        Gen.Frequency((zeroWeight, Gen.Constant(0m)), (weight, g));

    private static Gen<int> ZeroOr(Gen<int> g, int zeroWeight = 1, int weight = 1) =>
        Gen.Frequency((zeroWeight, Gen.Constant(0)), (weight, g));

    public static readonly Gen<MarketSpec> Market =
        Gen.Frequency(
            (3, Gen.Elements(0.01m, 0.5m, 1m, 0.000001m).Select(t => MarketSpec.For(F.SpotSymbol, t))),
            (2, Gen.Elements(0.01m, 0.5m, 5m).Select(t => MarketSpec.For(F.FutureSymbol, t))));

    public static readonly Gen<DateTimeOffset> Now = Gen.Choose(0, 1_000_000).Select(s => F.T0.AddSeconds(s));

    /// <summary>Orders of other participants (and sometimes our own) around a mid; a side may be empty, the book may be crossed.</summary>
    public static Gen<(ImmutableArray<BookOrder> Bids, ImmutableArray<BookOrder> Asks)> Book(decimal mid, MarketSpec market, DateTimeOffset now) =>
        from spreadBps in Gen.Frequency((1, Gen.Choose(-30, 0)), (6, Gen.Choose(1, 300)))
        from bidCount in Gen.Frequency((1, Gen.Constant(0)), (10, Gen.Choose(1, 4)))
        from askCount in Gen.Frequency((1, Gen.Constant(0)), (10, Gen.Choose(1, 4)))
        from bidGaps in Gen.Choose(0, 200).ArrayOf(bidCount)
        from askGaps in Gen.Choose(0, 200).ArrayOf(askCount)
        from ownerBits in Gen.Choose(0, 255)
        from size in Dec(1, 100_000, 2)
        let half = mid * spreadBps / 20_000m
        let bestBid = Math.Max(market.TickSize, Num.RoundDown(mid - half, market.TickSize))
        let bestAsk = Math.Max(market.TickSize, Num.RoundUp(mid + half, market.TickSize))
        select (
            bidGaps.Select((g, i) => new BookOrder($"b{i}", (ownerBits >> i & 1) == 1 && i > 0 ? F.Us : F.Other, Side.Buy, Math.Max(market.TickSize, bestBid - (g * market.TickSize)), size, now.AddSeconds(-i)))
                .OrderByDescending(o => o.Price).ToImmutableArray(),
            askGaps.Select((g, i) => new BookOrder($"a{i}", (ownerBits >> (i + 4) & 1) == 1 && i > 0 ? F.Us : F.Other, Side.Sell, bestAsk + (g * market.TickSize), size, now.AddSeconds(-i)))
                .OrderBy(o => o.Price).ToImmutableArray());

    public static Gen<ImmutableArray<Trade>> Trades(decimal mid, DateTimeOffset now) =>
        from n in Gen.Choose(0, 2)
        from prices in Dec(-300, 300, 0).ArrayOf(n)
        from ages in Gen.Choose(0, 400).ArrayOf(n)
        select prices.Select((p, i) => new Trade(100 + i, Math.Max(0.01m, mid * (1 + (p / 10_000m))), 1m, Side.Buy, "t", "m", now.AddSeconds(-ages[i])))
            .OrderByDescending(t => t.CreatedAt).ToImmutableArray();

    public static Gen<Balances> Balance(MarketSpec market) =>
        market.IsSpot
            ? from b in Gen.Frequency((1, Gen.Constant(0m)), (8, Dec(0, 80_000, 2))) from q in Gen.Frequency((1, Gen.Constant(0m)), (8, Dec(0, 400_000_000, 2))) select new Balances(b, q)
            : from b in Dec(-500_000, 500_000, 3) from q in Gen.Frequency((1, Gen.Constant(0m)), (8, Dec(0, 200_000_000, 2))) select new Balances(b, q);

    /// <summary>Live orders: mostly ours near the mid, sometimes partly filled, matching, or not ours / malformed.</summary>
    public static Gen<ImmutableArray<LiveOrder>> Live(decimal mid, MarketSpec market, DateTimeOffset now, decimal orderSize) =>
        from n in Gen.Choose(0, 4)
        from orders in OneLive(mid, market, now, orderSize).ArrayOf(n)
        from foreign in Gen.Frequency((4, Gen.Constant<LiveOrder?>(null)), (1, ForeignLive(mid, market, now).Select(o => (LiveOrder?)o)))
        select orders.Select((o, i) => o with { OrderId = $"mm:{market.Symbol}:{o.Side.Wire()}:{9000 + i}", Nonce = 9000 + i })
            .Concat(foreign is null ? [] : [foreign]).ToImmutableArray();

    private static Gen<LiveOrder> OneLive(decimal mid, MarketSpec market, DateTimeOffset now, decimal orderSize) =>
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from offBps in Gen.Choose(0, 150)
        from sameSize in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        from otherSize in Dec(1, 50_000, 2)
        from filledPct in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 99)))
        from age in Gen.Choose(0, 600)
        from matching in Gen.Frequency((15, Gen.Constant(false)), (1, Gen.Constant(true)))
        let raw = side == Side.Buy ? mid * (1 - (offBps / 10_000m)) : mid * (1 + (offBps / 10_000m))
        let price = Math.Max(market.TickSize, Num.RoundDown(raw, market.TickSize))
        let size = Math.Max(market.MinSize, Num.RoundDown(sameSize ? orderSize : otherSize, market.SizeStep))
        select new LiveOrder("", 0, side, price, size, Num.RoundDown(size * (100 - filledPct) / 100m, market.SizeStep), matching, now.AddSeconds(-age));

    private static Gen<LiveOrder> ForeignLive(decimal mid, MarketSpec market, DateTimeOffset now) =>
        from id in Gen.Elements("manual-1", "validation:probe", $"mm:{market.Symbol}:buy", "mm:OTHER-MARKET:sell:5", $"mm:{market.Symbol}:hold:6")
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from size in Dec(1, 5_000, 2)
        select new LiveOrder(id, 5, side, Num.RoundDown(mid, market.TickSize), size, size, false, now.AddMinutes(-3));

    public static Gen<BotConfig> Config(MarketSpec market, bool anchorFixed) =>
        from half in Dec(0, 3000, 1)
        from skew in Gen.Frequency((1, Gen.Constant(0m)), (3, Dec(0, 500, 1)))
        from size in Gen.Elements(0.001m, 0.5m, 1m, 10m, 100m, 250m, 500m)
        from maxLong in Gen.Frequency((1, Dec(0, 500, 0)), (4, Dec(500, 3000, 0)))
        from maxShort in Gen.Frequency((1, Dec(-500, 0, 0)), (4, Dec(-3000, -500, 0)))
        from maxNet in ZeroOr(Dec(200, 1500, 0), 3)
        from notional in ZeroOr(Dec(100_000, 2_000_000, 0), 3)
        from levels in Gen.Frequency((3, Gen.Constant(1)), (1, Gen.Choose(2, 3)))
        from step in Dec(1, 50, 0)
        from mult in Dec(5, 20, 1)
        from mode in Gen.Frequency(
            (10, Gen.Constant(OperatorMode.Normal)), (2, Gen.Constant(OperatorMode.BidOnly)), (2, Gen.Constant(OperatorMode.AskOnly)),
            (1, Gen.Constant(OperatorMode.Pause)), (1, Gen.Constant(OperatorMode.DryRunHealth)))
        from dry in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        from lifetime in ZeroOr(Gen.Choose(1, 120), 2)
        from minMove in ZeroOr(Dec(1, 50, 0), 2)
        from maxCancels in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 30)))
        from threshold in Dec(0, 20, 0)
        from staleMd in ZeroOr(Gen.Choose(5, 60), 3)
        from staleBal in ZeroOr(Gen.Choose(5, 60), 3)
        from staleAnchor in ZeroOr(Gen.Choose(5, 60), 3)
        from quoteAge in ZeroOr(Gen.Choose(30, 600), 4)
        from deviation in ZeroOr(Dec(10, 500, 0), 4)
        from minBase in ZeroOr(Dec(1, 1000, 0), 12)
        from minQuote in ZeroOr(Dec(1, 1_000_000, 0), 12)
        from refresh in Gen.Choose(0, 10_000)
        from external in Gen.Frequency((1, Gen.Constant(true)), (2, Gen.Constant(false)))
        from bootstrapOnly in Gen.Elements(true, false)
        from extDeviation in Dec(0, 1000, 0)
        from spreadMult in Dec(10, 30, 1)
        from sizeMult in Dec(1, 10, 1)
        from target in Gen.Frequency((2, Gen.Constant((decimal?)null)), (1, Gen.Constant((decimal?)0m)), (1, Dec(0, 3000, 0).Select(x => (decimal?)x)))
        select new BotConfig
        {
            MarketSymbol = market.Symbol,
            OwnerAddress = F.Us,
            QuoteRefreshIntervalMs = refresh,
            OrderSize = size,
            HalfSpreadBps = half,
            InventorySkewBps = skew,
            MaxLongInventory = maxLong,
            MaxShortInventory = maxShort,
            TargetBaseInventory = target,
            MaxNetInventory = maxNet,
            MaxNotionalPerSide = notional,
            MaxQuoteAgeSeconds = quoteAge,
            MaxAnchorDeviationBps = deviation,
            StaleMarketDataTimeoutSeconds = staleMd,
            StaleBalanceTimeoutSeconds = staleBal,
            StaleAnchorTimeoutSeconds = staleAnchor,
            MinQuoteLifetimeSeconds = lifetime,
            MinPriceMoveBeforeReplaceBps = minMove,
            MaxCancelsPerMinute = maxCancels,
            MinBaseBalance = minBase,
            MinQuoteBalance = minQuote,
            CancelStaleOrderThresholdBps = threshold,
            OperatorMode = mode,
            AnchorSourceType = anchorFixed ? AnchorSourceType.Fixed : AnchorSourceType.None,
            QuoteLevels = levels,
            LevelSpreadStepBps = step,
            LevelSizeMult = mult,
            DryRun = dry,
            ExternalAnchor = new ExternalAnchorConfig
            {
                Enabled = external && market.IsSpot,
                BootstrapOnly = bootstrapOnly,
                MaxDeviationBps = extDeviation,
                SpreadMultiplier = spreadMult,
                SizeMultiplier = sizeMult,
            },
        };

    public static Gen<BotState> State(DateTimeOffset now, bool running) =>
        from startup in Gen.Frequency((running ? 0 : 1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from windowSize in Gen.Frequency((6, Gen.Choose(0, 5)), (1, Gen.Choose(6, 35)))
        from window in Gen.Choose(0, 90_000).ArrayOf(windowSize)
        from lastQuote in Gen.Frequency((2, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 20_000).Select(v => (int?)v)))
        from nonceAhead in Gen.Frequency((3, Gen.Constant(0L)), (1, Gen.Choose(0, 1_000_000).Select(v => (long)v)))
        select new BotState
        {
            Phase = startup ? BotPhase.Startup : BotPhase.Running,
            CancelWindow = [.. window.Select(ms => now.AddMilliseconds(-ms)).Order()],
            LastQuoteUpdate = lastQuote is { } ms ? now.AddMilliseconds(-ms) : null,
            Persisted = new PersistedState { NextNonceBase = nonceAhead == 0 ? 0 : (Num.UnixMicros(now) * 2) + nonceAhead },
            Fills = new FillTracker { Primed = true },
        };

    private static Gen<DateTimeOffset?> FetchedAt(DateTimeOffset now) =>
        Gen.Frequency((40, Gen.Constant<DateTimeOffset?>(now)), (4, Gen.Choose(1, 100).Select(s => (DateTimeOffset?)now.AddSeconds(-s))), (1, Gen.Constant<DateTimeOffset?>(null)));

    private static Input<T> In<T>(T value, DateTimeOffset? at, DateTimeOffset now)
        where T : class =>
        at is null ? Input<T>.Missing : new Input<T>(value, at, at == now);

    /// <summary>A whole decision input. <paramref name="running"/> forces the running phase.</summary>
    public static Gen<Case> Cases(bool running = false) =>
        from market in Market
        from now in Now
        from mid in Dec(500_00, 3000_00, 2)
        from book in Book(mid, market, now)
        from trades in Trades(mid, now)
        from balances in Balance(market)
        from anchorFixed in Gen.Elements(true, false)
        from config in Config(market, anchorFixed && !market.IsSpot)
        from live in Live(mid, market, now, config.OrderSize)
        from state in State(now, running)
        from mdAt in FetchedAt(now)
        from ordersAt in FetchedAt(now)
        from balAt in FetchedAt(now)
        from anchorAt in FetchedAt(now)
        from anchorBps in Dec(-300, 300, 0)
        from extAt in FetchedAt(now)
        from extAge in Gen.Choose(0, 40)
        from kill in Gen.Frequency((49, Gen.Constant(false)), (1, Gen.Constant(true)))
        let anchor = In(new AnchorReading(mid * (1 + (anchorBps / 10_000m)), now), anchorAt, now)
        let external = In(new AnchorReading(mid * (1 + (anchorBps / 20_000m)), now.AddSeconds(-extAge)), extAt, now)
        select new Case(
            new Snapshot(
                now,
                market,
                mdAt is null && ordersAt is null ? Input<MarketData>.Missing : In(new MarketData(book.Bids, book.Asks, trades), mdAt ?? now, now),
                In(new LiveOrders(live), ordersAt ?? now, now),
                In(balances, balAt ?? now, now),
                anchor,
                external,
                kill,
                ImmutableSortedDictionary<string, FinalStatus>.Empty),
            state,
            config);
}
