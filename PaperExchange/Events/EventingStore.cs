using MarketMaker.PaperExchange.Numerics;
using MarketMaker.PaperExchange.Storage;

namespace MarketMaker.PaperExchange.Events;

/// <summary>
/// The triggers of markets-service-ws.md §6.2 for the paper exchange: a store decorator that, after every successful
/// change of an order or a trade, publishes what the real triggers insert into <c>market_events</c>: a
/// <c>book</c>/<c>level_delta</c> when the open size changed, then an <c>orders</c>/<c>order_update</c> on insert, on a
/// status change or a filled_amount change; a <c>trades</c>/<c>fill</c> per trade. Within a fill the order is
/// book(taker), orders(taker), book(maker), orders(maker), trades (§4.4). <c>active</c>↔<c>matching</c> flips give
/// orders events only (the matcher's flapping, §3.4). Expiries are published for the orders this process saw live.
/// </summary>
public sealed class EventingStore : IExchangeStore
{
    private readonly IExchangeStore _inner;
    private readonly MarketEventHub _hub;
    private readonly object _gate = new();
    private readonly Dictionary<string, OrderRow> _live = new(StringComparer.Ordinal);

    public EventingStore(IExchangeStore inner, MarketEventHub hub)
    {
        _inner = inner;
        _hub = hub;
    }

    public Task InitializeAsync(CancellationToken ct) => _inner.InitializeAsync(ct);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    public async Task<int> ExpireOrdersAsync(long nowUnix, CancellationToken ct)
    {
        var n = await _inner.ExpireOrdersAsync(nowUnix, ct);
        if (n > 0)
        {
            await PublishExpiredAsync(nowUnix, ct);
        }

        return n;
    }

    public async Task<InsertOrderResult> InsertOrderAsync(OrderRow row, CancellationToken ct)
    {
        var result = await _inner.InsertOrderAsync(row, ct);
        if (result is { Outcome: InsertOutcome.Inserted, Row: { } inserted })
        {
            Changed(null, inserted);
        }

        return result;
    }

    public Task<OrderRow?> GetOrderAsync(string orderId, CancellationToken ct) => _inner.GetOrderAsync(orderId, ct);

    public Task<IReadOnlyList<OrderRow>> GetBookSideAsync(string assetAddress, string subId, string side, int limit, CancellationToken ct) =>
        _inner.GetBookSideAsync(assetAddress, subId, side, limit, ct);

    public Task<IReadOnlyList<OrderRow>> GetOrdersByOwnerAsync(string ownerAddress, CancellationToken ct) => _inner.GetOrdersByOwnerAsync(ownerAddress, ct);

    public Task<OrderRow?> FindActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct) =>
        _inner.FindActiveByOwnerNonceAsync(ownerAddress, nonce, ct);

    public async Task<OrderRow?> CancelActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct)
    {
        var row = await _inner.CancelActiveByOwnerNonceAsync(ownerAddress, nonce, ct);
        if (row is not null)
        {
            // Cancel only applies to active rows: the row before had the same amounts, status active.
            Changed(Before(row.OrderId) ?? row with { Status = OrderStatus.Active }, row);
        }

        return row;
    }

    public async Task<MatchCandidate?> AcquireMatchCandidateAsync(string assetAddress, string subId, long nowUnix, CancellationToken ct)
    {
        var candidate = await _inner.AcquireMatchCandidateAsync(assetAddress, subId, nowUnix, ct);
        await PublishExpiredAsync(nowUnix, ct);
        if (candidate is not null)
        {
            Changed(Before(candidate.Bid.OrderId) ?? candidate.Bid with { Status = OrderStatus.Active }, candidate.Bid);
            Changed(Before(candidate.Ask.OrderId) ?? candidate.Ask with { Status = OrderStatus.Active }, candidate.Ask);
        }

        return candidate;
    }

    public async Task ReleaseAsync(IReadOnlyList<string> orderIds, CancellationToken ct)
    {
        await _inner.ReleaseAsync(orderIds, ct);
        foreach (var id in orderIds)
        {
            if (await _inner.GetOrderAsync(id, ct) is { } row)
            {
                Changed(Before(id), row);
            }
        }
    }

    public async Task<FinalizedFill> FinalizeMatchAsync(FinalizeFill fill, CancellationToken ct)
    {
        var done = await _inner.FinalizeMatchAsync(fill, ct);
        Changed(Before(done.Taker.OrderId), done.Taker);
        Changed(Before(done.Maker.OrderId), done.Maker);
        _hub.Publish(WsChannels.Trades, MarketEventHub.MarketKey(done.Trade.AssetAddress, done.Trade.SubId), null, MarketEventHub.TradePayload(done.Trade));
        return done;
    }

    public Task<IReadOnlyList<TradeRow>> GetTradesAsync(string assetAddress, string subId, long? beforeTradeId, int limit, CancellationToken ct) =>
        _inner.GetTradesAsync(assetAddress, subId, beforeTradeId, limit, ct);

    public Task<TradeStats> GetTradeStats24hAsync(string assetAddress, string subId, DateTimeOffset now, CancellationToken ct) =>
        _inner.GetTradeStats24hAsync(assetAddress, subId, now, ct);

    public Task<DateTimeOffset?> GetLastTradeTimeAsync(string assetAddress, string subId, CancellationToken ct) =>
        _inner.GetLastTradeTimeAsync(assetAddress, subId, ct);

    public Task<MarketCounts> GetMarketCountsAsync(string assetAddress, string subId, CancellationToken ct) =>
        _inner.GetMarketCountsAsync(assetAddress, subId, ct);

    private OrderRow? Before(string orderId)
    {
        lock (_gate)
        {
            return _live.GetValueOrDefault(orderId);
        }
    }

    private async Task PublishExpiredAsync(long nowUnix, CancellationToken ct)
    {
        List<OrderRow> due;
        lock (_gate)
        {
            due = [.. _live.Values.Where(o => o.Expiry <= nowUnix)];
        }

        foreach (var before in due)
        {
            if (await _inner.GetOrderAsync(before.OrderId, ct) is { Status: OrderStatus.Expired } now)
            {
                Changed(before, now);
            }
        }
    }

    /// <summary>The trigger: book event when open changed, then orders event on insert, status or filled change.</summary>
    private void Changed(OrderRow? before, OrderRow after)
    {
        lock (_gate)
        {
            if (after.Status is OrderStatus.Active or OrderStatus.Matching)
            {
                _live[after.OrderId] = after;
            }
            else
            {
                _live.Remove(after.OrderId);
            }

            var key = MarketEventHub.MarketKey(after.AssetAddress, after.SubId);
            var oldOpen = before is null ? PgNumeric.FromInteger(0) : MarketEventHub.Open(before);
            var newOpen = MarketEventHub.Open(after);
            if (!oldOpen.ValueEquals(newOpen))
            {
                _hub.Publish(WsChannels.Book, key, null, MarketEventHub.BookPayload(after, newOpen, newOpen - oldOpen));
            }

            if (before is null || before.Status != after.Status || !PgNumeric.Parse(before.FilledAmount).ValueEquals(PgNumeric.Parse(after.FilledAmount)))
            {
                _hub.Publish(WsChannels.Orders, key, after.OwnerAddress.ToLowerInvariant(), MarketEventHub.OrderPayload(after));
            }
        }
    }
}
