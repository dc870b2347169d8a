using System.Collections.Immutable;
using System.Globalization;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Tests.Replay;

/// <summary>
/// Drives the real decision core over a synthetic spot session and records it with <see cref="JsonlRecorder"/>, as the
/// bot would: a random-walk market of other participants, our placements resting from the next cycle, cancels
/// removing them, a taker filling some of our orders (trades, final rows, balances moving), an RPC outage making
/// balances stale for a while, and a kill switch for a few cycles.
/// </summary>
internal static class SyntheticSession
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    public const string Us = "0x00000000000000000000000000000000000000aa";
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    public static BotConfig Config => new()
    {
        OwnerAddress = Us,
        SubaccountId = "10",
        QuoteRefreshIntervalMs = 0,
        StaleBalanceTimeoutSeconds = 10,
        StaleMarketDataTimeoutSeconds = 10,
        MaxCancelsPerMinute = 40,
    };

    /// <summary>Appends <paramref name="cycles"/> cycles of one bot process to <paramref name="path"/>.</summary>
    public static void Write(string path, int cycles, int seed = 7, DateTimeOffset? start = null)
    {
        var t0 = start ?? T0;
        using var recorder = new JsonlRecorder(path, 0);
        var config = Config;
        var spec = MarketSpec.For(MarketSpec.SpotSymbol, 0.01m);
        var rng = new Random(seed);
        var state = new BotState();
        var live = new List<LiveOrder>();
        var finals = new Dictionary<string, FinalStatus>(StringComparer.Ordinal);
        var trades = new List<Trade>();
        long tradeId = 1000;
        decimal baseTotal = 500m, quoteTotal = 2_000_000m, mid = 1600m;
        var balances = Input<Balances>.Missing;

        for (var k = 0; k < cycles; k++)
        {
            var now = t0 + (Poll * k);
            mid += rng.Next(-3, 4) * 0.25m;

            // A taker sometimes fills (part of) one of our resting orders.
            var ours = live.Where(o => o.OrderId.StartsWith(config.ManagedPrefix, StringComparison.Ordinal)).ToList();
            if (ours.Count > 0 && rng.Next(10) == 0)
            {
                var hit = ours[rng.Next(ours.Count)];
                var size = rng.Next(2) == 0 ? hit.Remaining : decimal.Round(hit.Remaining * 0.4m, 6);
                trades.Insert(0, new Trade(tradeId++, hit.Price, size, hit.Side.Opposite(), $"taker-{tradeId}", hit.OrderId, now.AddSeconds(-1)));
                baseTotal += hit.Side == Side.Buy ? size : -size;
                quoteTotal += hit.Side == Side.Buy ? -size * hit.Price : size * hit.Price;
                live.Remove(hit);
                if (size >= hit.Remaining)
                {
                    finals[hit.OrderId] = new FinalStatus(FinalOrderStatus.Filled, hit.Size - hit.Remaining + size);
                }
                else
                {
                    live.Add(hit with { Remaining = hit.Remaining - size });
                }
            }

            // Other participants trade among themselves now and then.
            if (rng.Next(4) == 0)
            {
                trades.Insert(0, new Trade(tradeId++, mid, 5m, rng.Next(2) == 0 ? Side.Buy : Side.Sell, $"x-{tradeId}", $"y-{tradeId}", now.AddSeconds(-1)));
            }

            if (trades.Count > 20)
            {
                trades.RemoveRange(20, trades.Count - 20);
            }

            // Balances: an RPC outage every 600 cycles for 8 cycles (stale after 10 s).
            var outage = k % 600 is >= 300 and < 308;
            balances = outage && balances.HasValue ? balances.Failed("rpc down") : Input<Balances>.Fresh(new Balances(baseTotal, quoteTotal), now);

            var bids = ImmutableArray.Create(
                new BookOrder("other-b1", "0xother", Side.Buy, mid - 1.5m, 50m, T0),
                new BookOrder("other-b2", "0xother", Side.Buy, mid - 3m, 80m, T0));
            var asks = ImmutableArray.Create(
                new BookOrder("other-a1", "0xother", Side.Sell, mid + 1.5m, 50m, T0),
                new BookOrder("other-a2", "0xother", Side.Sell, mid + 3m, 80m, T0));
            bids = bids.AddRange(ours.Where(o => o.Side == Side.Buy).Select(o => new BookOrder(o.OrderId, Us, o.Side, o.Price, o.Remaining, o.CreatedAt)))
                .Sort((x, y) => y.Price.CompareTo(x.Price));
            asks = asks.AddRange(ours.Where(o => o.Side == Side.Sell).Select(o => new BookOrder(o.OrderId, Us, o.Side, o.Price, o.Remaining, o.CreatedAt)))
                .Sort((x, y) => x.Price.CompareTo(y.Price));

            var snapshot = new Snapshot(
                now,
                spec,
                Input<MarketData>.Fresh(new MarketData(bids, asks, [.. trades]), now),
                Input<LiveOrders>.Fresh(new LiveOrders([.. live]), now),
                balances,
                Input<AnchorReading>.Missing,
                Input<AnchorReading>.Missing,
                k % 1000 is >= 700 and < 704,
                finals.ToImmutableSortedDictionary(StringComparer.Ordinal));
            finals.Clear();

            var decision = Decider.Decide(snapshot, state, config);
            recorder.Record(snapshot, state, config, decision);

            foreach (var cancel in decision.Cancels)
            {
                var gone = live.FirstOrDefault(o => o.OrderId == cancel.OrderId);
                if (gone is not null)
                {
                    live.Remove(gone);
                    finals[gone.OrderId] = new FinalStatus(FinalOrderStatus.Cancelled, gone.Size - gone.Remaining);
                }
            }

            foreach (var p in decision.Placements)
            {
                live.Add(new LiveOrder(p.OrderId, p.Nonce, p.Side, p.Price, p.Size, p.Size, false, now));
            }

            state = decision.NextState;
        }
    }
}
