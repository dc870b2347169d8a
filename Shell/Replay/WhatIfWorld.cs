using System.Collections.Immutable;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// The world of a what-if run (docs/recording-schema.md, "What-if replay"). Everything the recording saw is kept —
/// time, market, book and trades of other participants, balances, anchors, kill switch, input freshness — except our
/// own orders: the what-if run's own placements rest from the next cycle until the what-if run cancels them, and the
/// recorded run's orders are taken out of the live set and the book. What-if orders are never filled (the recorded
/// fills stay in the balances; <see cref="ReplayStats"/> counts which of them the what-if run would have put at risk).
/// The what-if state is carried forward from decision to decision; a restart in the recording restarts it too
/// (memory lost, persisted state kept).
/// </summary>
internal sealed class WhatIfWorld
{
    /// <summary>Prefix given to recorded order ids in trades, so a recorded fill never counts as a what-if fill.</summary>
    public const string RecordedIdPrefix = "recorded:";

    private readonly List<LiveOrder> _live = [];
    private BotState? _state;
    private CycleRecord? _previous;

    /// <summary>Our what-if orders resting now (before the next decision).</summary>
    public IReadOnlyList<LiveOrder> Resting => _live;

    public BotState? State => _state;

    public (Snapshot Snapshot, Decision Decision) Step(CycleRecord record, BotConfig config)
    {
        var recordedPrefix = record.Config.ManagedPrefix;
        var owner = record.Config.OwnerAddress;
        if (_state is null)
        {
            _state = record.StateBefore;
            foreach (var o in record.Snapshot.Orders.Value?.Items ?? [])
            {
                if (IsOurs(o.OrderId, recordedPrefix))
                {
                    _live.Add(o);
                }
            }
        }
        else if (_previous is { } prev && Restarted(prev, record))
        {
            _state = BotState.Fresh(_state.Persisted);
        }

        var snapshot = Build(record.Snapshot, recordedPrefix, config.ManagedPrefix, owner, config.OwnerAddress);
        var decision = Decider.Decide(snapshot, _state, config);
        if (!decision.DryRun)
        {
            Apply(decision);
        }

        _state = decision.NextState;
        _previous = record;
        return (snapshot, decision);
    }

    /// <summary>The recording shows a restart: the cycle counter went back, or a running bot is in startup again.</summary>
    public static bool Restarted(CycleRecord previous, CycleRecord current) =>
        current.Cycle <= previous.Cycle
        || (current.StateBefore.Phase == BotPhase.Startup && previous.Decision.NextState.Phase == BotPhase.Running);

    private static bool IsOurs(string orderId, string prefix) => orderId.StartsWith(prefix, StringComparison.Ordinal);

    private void Apply(Decision decision)
    {
        if (!decision.Cancels.IsEmpty)
        {
            var canceled = decision.Cancels.Select(c => c.OrderId).ToHashSet(StringComparer.Ordinal);
            _live.RemoveAll(o => canceled.Contains(o.OrderId));
        }

        foreach (var p in decision.Placements)
        {
            _live.RemoveAll(o => o.OrderId == p.OrderId);
            _live.Add(new LiveOrder(p.OrderId, p.Nonce, p.Side, p.Price, p.Size, p.Size, false, decision.Now));
        }
    }

    private Snapshot Build(Snapshot recorded, string recordedPrefix, string prefix, string recordedOwner, string owner)
    {
        // Live orders: what is not ours as recorded, plus the what-if run's own.
        var orders = recorded.Orders;
        if (orders.Value is { } liveValue)
        {
            var items = ImmutableArray.CreateBuilder<LiveOrder>(liveValue.Items.Length + _live.Count);
            foreach (var o in liveValue.Items)
            {
                if (!IsOurs(o.OrderId, recordedPrefix) && !IsOurs(o.OrderId, prefix))
                {
                    items.Add(o);
                }
            }

            items.AddRange(_live);
            orders = orders with { Value = new LiveOrders(items.ToImmutable()) };
        }

        // Book: other participants as recorded, plus the what-if orders; trades on our recorded orders are not ours any more.
        var data = recorded.MarketData;
        if (data.Value is { } market)
        {
            bool Mine(BookOrder o) =>
                IsOurs(o.OrderId, recordedPrefix) || IsOurs(o.OrderId, prefix)
                || (recordedOwner.Length > 0 && string.Equals(o.OwnerAddress, recordedOwner, StringComparison.OrdinalIgnoreCase));
            var bids = Merge(market.Bids, Side.Buy, Mine, owner, descending: true);
            var asks = Merge(market.Asks, Side.Sell, Mine, owner, descending: false);
            var trades = market.Trades;
            if (trades.Any(t => IsOurs(t.MakerOrderId, recordedPrefix) || IsOurs(t.TakerOrderId, recordedPrefix)))
            {
                string Other(string id) => IsOurs(id, recordedPrefix) ? RecordedIdPrefix + id : id;
                trades = trades.Select(t => t with { MakerOrderId = Other(t.MakerOrderId), TakerOrderId = Other(t.TakerOrderId) }).ToImmutableArray();
            }

            data = data with { Value = new MarketData(bids, asks, trades) };
        }

        // Final rows: a what-if order that left the live set was canceled by the what-if run, never filled.
        var finals = ImmutableSortedDictionary.CreateBuilder<string, FinalStatus>(StringComparer.Ordinal);
        if (_state is { } state)
        {
            foreach (var id in state.Fills.Orders.Keys)
            {
                if (!_live.Any(o => o.OrderId == id))
                {
                    finals[id] = new FinalStatus(FinalOrderStatus.Cancelled, 0m);
                }
            }
        }

        return recorded with { Orders = orders, MarketData = data, FinalStatuses = finals.ToImmutable() };
    }

    private ImmutableArray<BookOrder> Merge(ImmutableArray<BookOrder> recorded, Side side, Func<BookOrder, bool> mine, string owner, bool descending)
    {
        var ours = _live.Where(o => o.Side == side).ToList();
        if (ours.Count == 0 && !recorded.Any(mine))
        {
            return recorded;
        }

        var list = recorded.Where(o => !mine(o)).ToList();
        list.AddRange(ours.Select(o => new BookOrder(o.OrderId, owner, o.Side, o.Price, o.Remaining, o.CreatedAt)));
        var sorted = descending
            ? list.OrderByDescending(o => o.Price).ThenBy(o => o.CreatedAt)
            : list.OrderBy(o => o.Price).ThenBy(o => o.CreatedAt);
        return [.. sorted];
    }
}
