using System.Collections.Immutable;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using MarketMaker.Core;

namespace MarketMaker.Benchmarks;

/// <summary>
/// One steady-state cycle of <see cref="Decider.Decide"/> on a realistic spot snapshot: 25 orders per book side,
/// 100 recent trades, 4 live orders of ours (a two-level ladder resting at its targets), a primed fill tracker.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class DecideBenchmark
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private const string Us = "0x00000000000000000000000000000000000000aa";

    private Snapshot snapshot = null!;
    private BotState state = null!;
    private BotConfig config = null!;

    [GlobalSetup]
    public void Setup()
    {
        config = new BotConfig { OwnerAddress = Us, QuoteLevels = 2, LevelSpreadStepBps = 10m, MaxCancelsPerMinute = 30, StaleMarketDataTimeoutSeconds = 30, StaleBalanceTimeoutSeconds = 30 };
        var market = MarketSpec.For(MarketSpec.SpotSymbol, 0.01m);
        var bids = Enumerable.Range(0, 25).Select(i => new BookOrder($"b{i}", "0xother", Side.Buy, 1595m - (i * 0.5m), 10m + i, T0.AddSeconds(-i))).ToImmutableArray();
        var asks = Enumerable.Range(0, 25).Select(i => new BookOrder($"a{i}", "0xother", Side.Sell, 1605m + (i * 0.5m), 10m + i, T0.AddSeconds(-i))).ToImmutableArray();
        var trades = Enumerable.Range(0, 100)
            .Select(i => new Trade(10_000 - i, 1600m + ((i % 7) - 3), 1m + (i % 5), i % 2 == 0 ? Side.Buy : Side.Sell, $"t{i}", $"m{i}", T0.AddSeconds(-i * 3)))
            .ToImmutableArray();
        var data = new MarketData(bids, asks, trades);
        var balances = new Balances(500m, 2_000_000m);

        Snapshot Snap(DateTimeOffset now, ImmutableArray<LiveOrder> live) => new(
            now,
            market,
            Input<MarketData>.Fresh(data, now),
            Input<LiveOrders>.Fresh(new LiveOrders(live), now),
            Input<Balances>.Fresh(balances, now),
            Input<AnchorReading>.Missing,
            Input<AnchorReading>.Missing,
            false,
            ImmutableSortedDictionary<string, FinalStatus>.Empty);

        // Reach the steady state the way the bot does: reconcile, place, then see our orders resting.
        var startup = Decider.Decide(Snap(T0, []), new BotState(), config);
        var placed = Decider.Decide(Snap(T0.AddSeconds(2), []), startup.NextState, config);
        var live = placed.Placements
            .Select(p => new LiveOrder(p.OrderId, p.Nonce, p.Side, p.Price, p.Size, p.Size, false, T0.AddSeconds(2)))
            .ToImmutableArray();
        if (live.Length != 4)
        {
            throw new InvalidOperationException($"expected 4 live orders, got {live.Length}");
        }

        snapshot = Snap(T0.AddSeconds(10), live);
        state = placed.NextState;
        var check = Decider.Decide(snapshot, state, config);
        if (!check.Cancels.IsEmpty || !check.Placements.IsEmpty || check.Halt is not null)
        {
            throw new InvalidOperationException("the benchmark snapshot is not a steady state");
        }
    }

    [Benchmark]
    public Decision Decide() => Decider.Decide(snapshot, state, config);
}
