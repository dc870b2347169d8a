using System.Globalization;
using System.Threading.Channels;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Numerics;
using MarketMaker.PaperExchange.Storage;

namespace MarketMaker.PaperExchange.Events;

/// <summary>The WebSocket channels (markets-service-ws.md §3).</summary>
public static class WsChannels
{
    public const string Book = "book";
    public const string Trades = "trades";
    public const string Orders = "orders";
}

/// <summary>
/// One row of <c>market_events</c> (markets-service-ws.md §6.1): a global <see cref="Seq"/>, the market key
/// <c>lower(asset):sub_id</c>, the lower-case owner for <c>orders</c> rows, and the update's <c>data</c> as JSON text.
/// </summary>
public sealed record MarketEvent(long Seq, string Channel, string MarketKey, string? Owner, string Payload, DateTimeOffset CreatedAt);

/// <summary>What a subscription receives: channel and market key (null = every market, orders only) and the owner (orders).</summary>
public sealed record EventFilter(string Channel, string? MarketKey, string? Owner)
{
    public bool Matches(MarketEvent e) =>
        e.Channel == Channel
        && (MarketKey is null || e.MarketKey == MarketKey)
        && (Channel != WsChannels.Orders || e.Owner == Owner);
}

/// <summary>
/// A live subscription of the hub: a bounded buffer of <see cref="MarketEventHub.SubscriptionBuffer"/> events. When
/// the buffer is full the hub drops the subscription (<see cref="Overflowed"/>), as the real hub does (§1 level 2).
/// </summary>
public sealed class HubSubscription
{
    internal HubSubscription(EventFilter filter, int capacity)
    {
        Filter = filter;
        Buffer = Channel.CreateBounded<MarketEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public EventFilter Filter { get; }

    public Channel<MarketEvent> Buffer { get; }

    /// <summary>True once the hub dropped this subscription because its buffer was full (the client gets <c>stream_reset</c>).</summary>
    public bool Overflowed { get; internal set; }
}

/// <summary>
/// The paper exchange's <c>market_events</c> log and hub (markets-service-ws.md §4, §6): one global sequence for
/// every channel and market, events kept for <see cref="Retention"/> (resume by <c>since_seq</c>), and non-blocking
/// dispatch to subscriptions. Fed by <see cref="EventingStore"/> from the exchange's own order and trade changes.
/// The <c>ws</c> fault <see cref="FaultKind.DropEvents"/> silently drops live events (they stay in the log). Thread-safe.
/// </summary>
public sealed class MarketEventHub
{
    public const int ReplayLimit = 1000;

    private readonly object _gate = new();
    private readonly LinkedList<MarketEvent> _log = new();
    private readonly List<HubSubscription> _subscriptions = [];
    private readonly FaultInjector _faults;
    private readonly TimeProvider _clock;
    private long _seq;

    public MarketEventHub(FaultInjector faults, TimeProvider clock, int subscriptionBuffer = 256, TimeSpan? retention = null, int maxEvents = 200_000)
    {
        _faults = faults;
        _clock = clock;
        SubscriptionBuffer = subscriptionBuffer;
        Retention = retention ?? TimeSpan.FromHours(2);
        MaxEvents = maxEvents;
    }

    /// <summary>EVENTS_SUB_BUFFER: events buffered per subscription before the hub drops it (default 256).</summary>
    public int SubscriptionBuffer { get; }

    /// <summary>EVENTS_PRUNE_HORIZON: how long events are kept for resume (default 2 h).</summary>
    public TimeSpan Retention { get; }

    /// <summary>At most this many events are kept (the oldest are pruned first).</summary>
    public int MaxEvents { get; }

    /// <summary>Events published so far (tests).</summary>
    public long Published { get; private set; }

    /// <summary>Live events dropped by the <c>drop_events</c> fault (tests).</summary>
    public long DroppedByFault { get; private set; }

    /// <summary>The global max(seq) (0 while the log was never written).</summary>
    public long CurrentSeq
    {
        get
        {
            lock (_gate)
            {
                return _seq;
            }
        }
    }

    /// <summary>The global min(seq) still kept, 0 when the log is empty.</summary>
    public long OldestSeq
    {
        get
        {
            lock (_gate)
            {
                Prune();
                return _log.First?.Value.Seq ?? 0;
            }
        }
    }

    /// <summary>Appends an event and dispatches it to every matching subscription without blocking.</summary>
    public MarketEvent Publish(string channel, string marketKey, string? owner, string payload)
    {
        lock (_gate)
        {
            var e = new MarketEvent(++_seq, channel, marketKey, owner, payload, _clock.GetUtcNow());
            _log.AddLast(e);
            Published++;
            Prune();
            // Only a drop_events rule is consumed here: the other ws faults act on connections and frames.
            if (_faults.Peek(FaultTargets.Ws) is { Kind: FaultKind.DropEvents } && _faults.Take(FaultTargets.Ws) is { Kind: FaultKind.DropEvents })
            {
                DroppedByFault++;
                return e;
            }

            for (var i = _subscriptions.Count - 1; i >= 0; i--)
            {
                var s = _subscriptions[i];
                if (!s.Filter.Matches(e))
                {
                    continue;
                }

                if (!s.Buffer.Writer.TryWrite(e))
                {
                    s.Overflowed = true;
                    s.Buffer.Writer.TryComplete();
                    _subscriptions.RemoveAt(i);
                }
            }

            return e;
        }
    }

    /// <summary>Registers a subscription; events start buffering at once (before the snapshot is read, §4.2).</summary>
    public HubSubscription Subscribe(EventFilter filter)
    {
        var s = new HubSubscription(filter, SubscriptionBuffer);
        lock (_gate)
        {
            _subscriptions.Add(s);
        }

        return s;
    }

    public void Unsubscribe(HubSubscription s)
    {
        lock (_gate)
        {
            _subscriptions.Remove(s);
        }

        s.Buffer.Writer.TryComplete();
    }

    /// <summary>Up to <see cref="ReplayLimit"/> kept events of the filter with seq above <paramref name="sinceSeq"/>, ascending.</summary>
    public IReadOnlyList<MarketEvent> Since(EventFilter filter, long sinceSeq)
    {
        lock (_gate)
        {
            Prune();
            return [.. _log.Where(e => e.Seq > sinceSeq && filter.Matches(e)).Take(ReplayLimit)];
        }
    }

    private void Prune()
    {
        var horizon = _clock.GetUtcNow() - Retention;
        while (_log.First is { } first && (first.Value.CreatedAt < horizon || _log.Count > MaxEvents))
        {
            _log.RemoveFirst();
        }
    }

    /// <summary>The market key of §6.1: <c>lower(asset_address) + ":" + sub_id</c>.</summary>
    public static string MarketKey(string assetAddress, string subId) => assetAddress.ToLowerInvariant() + ":" + subId;

    /// <summary>open = desired − filled while active or matching, else 0 (§3.2).</summary>
    public static PgNumeric Open(OrderRow o) =>
        o.Status is OrderStatus.Active or OrderStatus.Matching
            ? PgNumeric.Parse(o.DesiredAmount) - PgNumeric.Parse(o.FilledAmount)
            : PgNumeric.FromInteger(0);

    /// <summary>A <c>level_delta</c> payload (§3.2) in jsonb key order.</summary>
    public static string BookPayload(OrderRow o, PgNumeric open, PgNumeric delta) =>
        new GoJsonWriter().StartObject()
            .Prop("side", o.Side)
            .Prop("order_id", o.OrderId)
            .Prop("order_open", Integer(open))
            .Prop("size_delta", Integer(delta))
            .Prop("limit_price", o.LimitPrice)
            .PropOrNull("price_ticks", o.LimitPriceTicks)
            .EndObject().ToString();

    /// <summary>An <c>order_update</c> payload (§3.4) in jsonb key order.</summary>
    public static string OrderPayload(OrderRow o) =>
        new GoJsonWriter().StartObject()
            .Prop("side", o.Side)
            .Prop("status", o.Status)
            .Prop("order_id", o.OrderId)
            .Prop("limit_price", o.LimitPrice)
            .PropOrNull("price_ticks", o.LimitPriceTicks)
            .Prop("filled_amount", o.FilledAmount)
            .Prop("desired_amount", o.DesiredAmount)
            .EndObject().ToString();

    /// <summary>A <c>fill</c> payload (§3.3) in jsonb key order; created_at as PostgreSQL writes a timestamptz in JSON.</summary>
    public static string TradePayload(TradeRow t) =>
        new GoJsonWriter().StartObject()
            .Prop("size", t.Size)
            .Prop("price", t.Price)
            .Prop("trade_id", t.TradeId)
            .Prop("created_at", PgJsonTimestamp(t.CreatedAt))
            .Prop("aggressor_side", t.AggressorSide)
            .Prop("maker_order_id", t.MakerOrderId)
            .Prop("taker_order_id", t.TakerOrderId)
            .EndObject().ToString();

    /// <summary>PostgreSQL's JSON form of a timestamptz in a UTC session: <c>2026-07-23T12:00:03.52+00:00</c>.</summary>
    public static string PgJsonTimestamp(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        var fraction = micros.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
        return (fraction.Length > 0 ? $"{text}.{fraction}" : text) + "+00:00";
    }

    private static string Integer(PgNumeric n) => n.IsInteger ? n.IntegerValue.ToString(CultureInfo.InvariantCulture) : n.ToString();
}
