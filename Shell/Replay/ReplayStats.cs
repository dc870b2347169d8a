using System.Globalization;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>Halts of one reason: cycles decided under it, and episodes (a run of consecutive cycles with that reason).</summary>
public sealed record HaltCount(long Cycles, long Episodes);

/// <summary>How much of a run a time span is, as the replay's text and HTML report show it ("99.1%"), or null for an empty run.</summary>
internal static class TimeShare
{
    public static string? Percent(TimeSpan part, TimeSpan whole) =>
        whole <= TimeSpan.Zero ? null : ((decimal)part.Ticks / whole.Ticks * 100m).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}

/// <summary>
/// What one run (recorded or what-if) did over the session. Definitions (docs/recording-schema.md):
/// <list type="bullet">
/// <item>quotes placed: placements in the decisions;</item>
/// <item>cancels by category: cancels in the decisions, by category;</item>
/// <item>halts by reason: cycles whose decision halted, and episodes;</item>
/// <item>time quoted per side: time from one cycle to the next during which that side had a resting order of ours
/// after the earlier cycle's decision (resting = live before the decision − its cancels + its placements; with dry
/// run nothing changes);</item>
/// <item>average quoted spread: mean over cycles with both sides resting of (best ask − best bid) / their mid × 10 000.</item>
/// </list>
/// </summary>
public sealed class RunStats
{
    private readonly SortedDictionary<string, long> _cancels = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (long Cycles, long Episodes)> _halts = new(StringComparer.Ordinal);
    private string? _lastHalt;
    private DateTimeOffset? _previousNow;
    private bool _previousBid;
    private bool _previousAsk;
    private decimal _spreadSum;

    public RunStats()
    {
        foreach (var category in CancelCategory.All)
        {
            _cancels[category] = 0;
        }
    }

    public long Cycles { get; private set; }

    public long QuotesPlaced { get; private set; }

    public IReadOnlyDictionary<string, long> CancelsByCategory => _cancels;

    public long Cancels => _cancels.Values.Sum();

    public IReadOnlyDictionary<string, HaltCount> HaltsByReason =>
        _halts.ToDictionary(kv => kv.Key, kv => new HaltCount(kv.Value.Cycles, kv.Value.Episodes), StringComparer.Ordinal);

    public long HaltedCycles => _halts.Values.Sum(h => h.Cycles);

    public TimeSpan BidQuoted { get; private set; }

    public TimeSpan AskQuoted { get; private set; }

    public TimeSpan BothQuoted { get; private set; }

    public long SpreadCycles { get; private set; }

    public decimal? AverageSpreadBps => SpreadCycles == 0 ? null : _spreadSum / SpreadCycles;

    public void Observe(Decision decision, decimal? bestBid, decimal? bestAsk)
    {
        Cycles++;
        QuotesPlaced += decision.Placements.Length;
        foreach (var cancel in decision.Cancels)
        {
            _cancels[cancel.Category] = _cancels.GetValueOrDefault(cancel.Category) + 1;
        }

        var halt = decision.Halt?.Reason;
        if (halt is not null)
        {
            var (cycles, episodes) = _halts.GetValueOrDefault(halt);
            _halts[halt] = (cycles + 1, episodes + (halt == _lastHalt ? 0 : 1));
        }

        _lastHalt = halt;

        if (_previousNow is { } before && decision.Now > before)
        {
            var dt = decision.Now - before;
            BidQuoted += _previousBid ? dt : TimeSpan.Zero;
            AskQuoted += _previousAsk ? dt : TimeSpan.Zero;
            BothQuoted += _previousBid && _previousAsk ? dt : TimeSpan.Zero;
        }

        _previousNow = decision.Now;
        _previousBid = bestBid is not null;
        _previousAsk = bestAsk is not null;
        if (bestBid is { } b && bestAsk is { } a && a + b > 0)
        {
            _spreadSum += (a - b) / ((a + b) / 2m) * 10_000m;
            SpreadCycles++;
        }
    }

    /// <summary>Best bid and ask of our orders resting after a decision: live before it (ours only) − its cancels + its placements.</summary>
    public static (decimal? Bid, decimal? Ask) RestingAfter(IEnumerable<LiveOrder> oursBefore, Decision decision)
    {
        decimal? bid = null, ask = null;
        void Add(Side side, decimal price)
        {
            if (side == Side.Buy)
            {
                bid = bid is { } b && b >= price ? b : price;
            }
            else
            {
                ask = ask is { } a && a <= price ? a : price;
            }
        }

        var dry = decision.DryRun;
        foreach (var o in oursBefore)
        {
            if (dry || !decision.Cancels.Any(c => c.OrderId == o.OrderId))
            {
                Add(o.Side, o.Price);
            }
        }

        if (!dry)
        {
            foreach (var p in decision.Placements)
            {
                Add(p.Side, p.Price);
            }
        }

        return (bid, ask);
    }

    /// <summary>Our live orders before a recorded cycle (those with the config's managed prefix).</summary>
    public static IEnumerable<LiveOrder> Ours(CycleRecord record)
    {
        var prefix = record.Config.ManagedPrefix;
        return (record.Snapshot.Orders.Value?.Items ?? []).Where(o => o.OrderId.StartsWith(prefix, StringComparison.Ordinal));
    }

    public static (decimal? Bid, decimal? Ask) Best(IEnumerable<LiveOrder> orders)
    {
        decimal? bid = null, ask = null;
        foreach (var o in orders)
        {
            if (o.Side == Side.Buy)
            {
                bid = bid is { } b && b >= o.Price ? b : o.Price;
            }
            else
            {
                ask = ask is { } a && a <= o.Price ? a : o.Price;
            }
        }

        return (bid, ask);
    }
}

/// <summary>
/// Recorded fills and which of them a what-if run would have put at risk: a recorded fill (decision.fills of the cycle
/// that observed it) is <b>at risk</b> when, just before that cycle, the what-if run had no order resting on the fill's side
/// at the filled order's price or better for the taker that filled it (a bid at or above it, an ask at or below it).
/// The filled order's price is its last recorded price (live order or placement); if it is not known any what-if
/// order on that side counts.
/// </summary>
public sealed class FillsAtRisk
{
    private const int RememberedOrders = 4096;
    private readonly Dictionary<string, decimal> _prices = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public long RecordedFills { get; private set; }

    public decimal RecordedSize { get; private set; }

    public long AtRisk { get; private set; }

    public decimal AtRiskSize { get; private set; }

    public long AtRiskBuy { get; private set; }

    public long AtRiskSell { get; private set; }

    /// <summary>Learns prices of recorded orders (before the fills of the cycle are judged).</summary>
    public void Learn(CycleRecord record)
    {
        var prefix = record.Config.ManagedPrefix;
        foreach (var o in record.Snapshot.Orders.Value?.Items ?? [])
        {
            if (o.OrderId.StartsWith(prefix, StringComparison.Ordinal))
            {
                Remember(o.OrderId, o.Price);
            }
        }
    }

    public void LearnPlacements(Decision decision)
    {
        foreach (var p in decision.Placements)
        {
            Remember(p.OrderId, p.Price);
        }
    }

    /// <summary>Judges the recorded fills of a cycle against the what-if orders resting before it.</summary>
    public void Judge(Decision recorded, IReadOnlyList<LiveOrder> whatIfRestingBefore)
    {
        foreach (var fill in recorded.Fills)
        {
            RecordedFills++;
            RecordedSize += fill.Size;
            var known = _prices.TryGetValue(fill.OrderId, out var price);
            var covered = whatIfRestingBefore.Any(o =>
                o.Side == fill.Side && (!known || (fill.Side == Side.Buy ? o.Price >= price : o.Price <= price)));
            if (!covered)
            {
                AtRisk++;
                AtRiskSize += fill.Size;
                if (fill.Side == Side.Buy)
                {
                    AtRiskBuy++;
                }
                else
                {
                    AtRiskSell++;
                }
            }
        }
    }

    private void Remember(string id, decimal price)
    {
        if (_prices.TryAdd(id, price))
        {
            _order.Enqueue(id);
            while (_order.Count > RememberedOrders)
            {
                _prices.Remove(_order.Dequeue());
            }
        }
        else
        {
            _prices[id] = price;
        }
    }
}

/// <summary>Per-cycle values for the HTML report's charts (only collected with --report).</summary>
public sealed class ChartSeries
{
    public List<DateTimeOffset> Time { get; } = [];
    public List<decimal?> Reference { get; } = [];
    public List<decimal?> OtherBid { get; } = [];
    public List<decimal?> OtherAsk { get; } = [];
    public List<decimal?> RecordedBid { get; } = [];
    public List<decimal?> RecordedAsk { get; } = [];
    public List<string?> RecordedHalt { get; } = [];
    public List<decimal?> RecordedInventory { get; } = [];
    public List<decimal?> WhatIfReference { get; } = [];
    public List<decimal?> WhatIfBid { get; } = [];
    public List<decimal?> WhatIfAsk { get; } = [];
    public List<string?> WhatIfHalt { get; } = [];
    public List<decimal?> WhatIfInventory { get; } = [];
    public List<decimal?> RecordedPnlTotal { get; } = [];
    public List<decimal?> RecordedPnlRealized { get; } = [];

    public int Count => Time.Count;

    /// <summary>Adds the recorded run's values of one cycle, with the P&amp;L of the decision replayed or recorded for it.</summary>
    public void AddRecorded(CycleRecord record, PnlReport? pnl)
    {
        RecordedPnlTotal.Add(pnl?.Total);
        RecordedPnlRealized.Add(pnl?.Realized);
        var (otherBid, otherAsk) = BestOther(record.Snapshot, record.Config.OwnerAddress);
        var (bid, ask) = RunStats.RestingAfter(RunStats.Ours(record), record.Decision);
        Time.Add(record.Snapshot.Now);
        Reference.Add(record.Decision.ReferencePrice);
        OtherBid.Add(otherBid);
        OtherAsk.Add(otherAsk);
        RecordedBid.Add(bid);
        RecordedAsk.Add(ask);
        RecordedHalt.Add(record.Decision.Halt?.Reason);
        RecordedInventory.Add(record.Decision.Metrics.NetInventory);
    }

    public static (decimal? Bid, decimal? Ask) BestOther(Snapshot snapshot, string owner)
    {
        var data = snapshot.MarketData.Value;
        if (data is null)
        {
            return (null, null);
        }

        bool Other(BookOrder o) => !string.Equals(o.OwnerAddress, owner, StringComparison.OrdinalIgnoreCase);
        return (data.Bids.Where(Other).Select(o => (decimal?)o.Price).Max(), data.Asks.Where(Other).Select(o => (decimal?)o.Price).Min());
    }
}
