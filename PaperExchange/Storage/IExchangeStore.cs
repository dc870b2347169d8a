namespace MarketMaker.PaperExchange.Storage;

/// <summary>
/// The paper exchange's storage (markets-service tables of §5). Two implementations with identical
/// behaviour: <see cref="PostgresExchangeStore"/> (production schema; the bot reads <c>active_orders</c>
/// from it) and <see cref="MemoryExchangeStore"/>. Ordering everywhere breaks ties by <c>order_id</c>
/// (byte order) so runs are deterministic. Failures throw <see cref="StoreException"/>.
/// </summary>
public interface IExchangeStore : IAsyncDisposable
{
    /// <summary>Creates the schema if needed.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>ExpireOrders: <c>active</c> → <c>expired</c> where <c>expiry &lt;= nowUnix</c>. Returns the count.</summary>
    Task<int> ExpireOrdersAsync(long nowUnix, CancellationToken ct);

    /// <summary>Inserts with status <c>active</c>; duplicate order_id or (owner, numeric nonce) gives Duplicate.</summary>
    Task<InsertOrderResult> InsertOrderAsync(OrderRow row, CancellationToken ct);

    Task<OrderRow?> GetOrderAsync(string orderId, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> <c>active</c> orders of one side: buy by ticks desc, sell by ticks asc, then created_at asc.</summary>
    Task<IReadOnlyList<OrderRow>> GetBookSideAsync(string assetAddress, string subId, string side, int limit, CancellationToken ct);

    /// <summary>The owner's orders, all statuses, oldest first (diagnostics, participants, tests).</summary>
    Task<IReadOnlyList<OrderRow>> GetOrdersByOwnerAsync(string ownerAddress, CancellationToken ct);

    /// <summary>FindActiveByOwnerNonce: the <c>active</c> row for (owner, nonce), or null.</summary>
    Task<OrderRow?> FindActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct);

    /// <summary>Sets <c>cancelled</c> where (owner, nonce) is <c>active</c>; the updated row, or null when none was active.</summary>
    Task<OrderRow?> CancelActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct);

    /// <summary>
    /// AcquireMatchCandidate (one transaction): expire, take the best active bid and ask of the market and set
    /// both to <c>matching</c>. Null when a side is empty (nothing is reserved then).
    /// </summary>
    Task<MatchCandidate?> AcquireMatchCandidateAsync(string assetAddress, string subId, long nowUnix, CancellationToken ct);

    /// <summary>Releases <c>matching</c> rows back to <c>active</c>.</summary>
    Task ReleaseAsync(IReadOnlyList<string> orderIds, CancellationToken ct);

    /// <summary>
    /// FinalizeMatchWithPrice (one transaction): taker then maker must be <c>matching</c>; filled += fill,
    /// status filled when filled == desired else active; inserts the trade_fills row (price = maker limit_price,
    /// aggressor = taker side). Throws when a row is not matching or the fill exceeds desired.
    /// </summary>
    Task<FinalizedFill> FinalizeMatchAsync(FinalizeFill fill, CancellationToken ct);

    /// <summary>Trades of a market, newest first (created_at desc, trade_id desc), optionally before a trade id.</summary>
    Task<IReadOnlyList<TradeRow>> GetTradesAsync(string assetAddress, string subId, long? beforeTradeId, int limit, CancellationToken ct);

    /// <summary>last/high/low/volume/change over trades with created_at &gt;= now − 24h, as numeric text.</summary>
    Task<TradeStats> GetTradeStats24hAsync(string assetAddress, string subId, DateTimeOffset now, CancellationToken ct);

    /// <summary>created_at of the newest trade of the market.</summary>
    Task<DateTimeOffset?> GetLastTradeTimeAsync(string assetAddress, string subId, CancellationToken ct);

    Task<MarketCounts> GetMarketCountsAsync(string assetAddress, string subId, CancellationToken ct);
}
