using MarketMaker.PaperExchange.Faults;

namespace MarketMaker.PaperExchange.Storage;

/// <summary>Decorator that makes every store operation fail while the database fault is on.</summary>
public sealed class FaultableStore : IExchangeStore
{
    private readonly IExchangeStore _inner;
    private readonly FaultInjector _faults;

    public FaultableStore(IExchangeStore inner, FaultInjector faults)
    {
        _inner = inner;
        _faults = faults;
    }

    /// <summary>The real store underneath.</summary>
    public IExchangeStore Inner => _inner;

    private void Check()
    {
        if (_faults.DatabaseUnavailable)
        {
            throw new StoreException("database unavailable (injected fault)");
        }
    }

    private Task<T> Guard<T>(Func<Task<T>> op)
    {
        Check();
        return op();
    }

    public Task InitializeAsync(CancellationToken ct) => _inner.InitializeAsync(ct);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    public Task<int> ExpireOrdersAsync(long nowUnix, CancellationToken ct) => Guard(() => _inner.ExpireOrdersAsync(nowUnix, ct));

    public Task<InsertOrderResult> InsertOrderAsync(OrderRow row, CancellationToken ct) => Guard(() => _inner.InsertOrderAsync(row, ct));

    public Task<OrderRow?> GetOrderAsync(string orderId, CancellationToken ct) => Guard(() => _inner.GetOrderAsync(orderId, ct));

    public Task<IReadOnlyList<OrderRow>> GetBookSideAsync(string assetAddress, string subId, string side, int limit, CancellationToken ct) =>
        Guard(() => _inner.GetBookSideAsync(assetAddress, subId, side, limit, ct));

    public Task<IReadOnlyList<OrderRow>> GetOrdersByOwnerAsync(string ownerAddress, CancellationToken ct) => Guard(() => _inner.GetOrdersByOwnerAsync(ownerAddress, ct));

    public Task<OrderRow?> FindActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct) =>
        Guard(() => _inner.FindActiveByOwnerNonceAsync(ownerAddress, nonce, ct));

    public Task<OrderRow?> CancelActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct) =>
        Guard(() => _inner.CancelActiveByOwnerNonceAsync(ownerAddress, nonce, ct));

    public Task<MatchCandidate?> AcquireMatchCandidateAsync(string assetAddress, string subId, long nowUnix, CancellationToken ct) =>
        Guard(() => _inner.AcquireMatchCandidateAsync(assetAddress, subId, nowUnix, ct));

    public Task ReleaseAsync(IReadOnlyList<string> orderIds, CancellationToken ct) => Guard(async () =>
    {
        await _inner.ReleaseAsync(orderIds, ct);
        return 0;
    });

    public Task<FinalizedFill> FinalizeMatchAsync(FinalizeFill fill, CancellationToken ct) => Guard(() => _inner.FinalizeMatchAsync(fill, ct));

    public Task<IReadOnlyList<TradeRow>> GetTradesAsync(string assetAddress, string subId, long? beforeTradeId, int limit, CancellationToken ct) =>
        Guard(() => _inner.GetTradesAsync(assetAddress, subId, beforeTradeId, limit, ct));

    public Task<TradeStats> GetTradeStats24hAsync(string assetAddress, string subId, DateTimeOffset now, CancellationToken ct) =>
        Guard(() => _inner.GetTradeStats24hAsync(assetAddress, subId, now, ct));

    public Task<DateTimeOffset?> GetLastTradeTimeAsync(string assetAddress, string subId, CancellationToken ct) =>
        Guard(() => _inner.GetLastTradeTimeAsync(assetAddress, subId, ct));

    public Task<MarketCounts> GetMarketCountsAsync(string assetAddress, string subId, CancellationToken ct) =>
        Guard(() => _inner.GetMarketCountsAsync(assetAddress, subId, ct));
}
