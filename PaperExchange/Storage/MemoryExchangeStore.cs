using System.Numerics;
using Fractions;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Numerics;

namespace MarketMaker.PaperExchange.Storage;

/// <summary>
/// In-memory <see cref="IExchangeStore"/> with the same observable behaviour as the Postgres store:
/// numeric columns parsed and rendered as <c>numeric</c>, jsonb key order, unique (owner, numeric nonce),
/// the same error texts and the same ordering rules. Thread-safe (one lock).
/// </summary>
public sealed class MemoryExchangeStore : IExchangeStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, OrderRow> _orders = new(StringComparer.Ordinal);
    private readonly List<string> _insertionOrder = [];
    private readonly HashSet<(string Owner, Fraction Nonce)> _ownerNonces = [];
    private readonly List<TradeRow> _trades = [];
    private long _nextTradeId = 1;

    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<int> ExpireOrdersAsync(long nowUnix, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(ExpireLocked(nowUnix));
        }
    }

    public Task<InsertOrderResult> InsertOrderAsync(OrderRow row, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(InsertLocked(row));
        }
    }

    private InsertOrderResult InsertLocked(OrderRow row)
    {
        string[] numericColumns = [row.SubaccountId, row.RecipientId, row.Nonce, row.SubId];
        var parsed = new PgNumeric[numericColumns.Length];
        for (var i = 0; i < numericColumns.Length; i++)
        {
            if (!PgNumeric.TryParse(numericColumns[i], out parsed[i]))
            {
                return InsertOrderResult.Failure(PgNumeric.SyntaxError(numericColumns[i]), "22P02");
            }
        }

        if (!JsonbText.TryCanonicalize(row.ActionJson, out var actionJson, out var jsonError))
        {
            return InsertOrderResult.Failure(jsonError, jsonError == JsonbText.NulError ? "22P05" : "22P02");
        }

        if (row.Side is not ("buy" or "sell"))
        {
            return InsertOrderResult.Failure("new row for relation \"active_orders\" violates check constraint \"active_orders_side_check\"", "23514");
        }

        if (_orders.ContainsKey(row.OrderId))
        {
            return InsertOrderResult.DuplicateKey("active_orders_pkey");
        }

        var nonceKey = (row.OwnerAddress, parsed[2].Value);
        if (_ownerNonces.Contains(nonceKey))
        {
            return InsertOrderResult.DuplicateKey("active_orders_owner_nonce_idx");
        }

        var stored = row with
        {
            SubaccountId = parsed[0].ToString(),
            RecipientId = parsed[1].ToString(),
            Nonce = parsed[2].ToString(),
            SubId = parsed[3].ToString(),
            ActionJson = actionJson,
            Status = OrderStatus.Active,
            CreatedAt = TruncateToMicroseconds(row.CreatedAt),
        };
        _orders.Add(stored.OrderId, stored);
        _insertionOrder.Add(stored.OrderId);
        _ownerNonces.Add(nonceKey);
        return InsertOrderResult.Ok(stored);
    }

    public Task<OrderRow?> GetOrderAsync(string orderId, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_orders.GetValueOrDefault(orderId));
        }
    }

    public Task<IReadOnlyList<OrderRow>> GetBookSideAsync(string assetAddress, string subId, string side, int limit, CancellationToken ct)
    {
        var sub = ParseNumericArgument(subId);
        lock (_gate)
        {
            IReadOnlyList<OrderRow> rows = [.. BookSide(assetAddress, sub, side, OrderStatus.Active).Take(limit)];
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<OrderRow>> GetOrdersByOwnerAsync(string ownerAddress, CancellationToken ct)
    {
        lock (_gate)
        {
            IReadOnlyList<OrderRow> rows = [.. _insertionOrder.Select(id => _orders[id]).Where(o => o.OwnerAddress == ownerAddress)
                .OrderBy(o => o.CreatedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal)];
            return Task.FromResult(rows);
        }
    }

    public Task<OrderRow?> FindActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct)
    {
        var n = ParseNumericArgument(nonce);
        lock (_gate)
        {
            return Task.FromResult(FindByOwnerNonceLocked(ownerAddress, n, OrderStatus.Active));
        }
    }

    public Task<OrderRow?> CancelActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct)
    {
        var n = ParseNumericArgument(nonce);
        lock (_gate)
        {
            var row = FindByOwnerNonceLocked(ownerAddress, n, OrderStatus.Active);
            if (row is null)
            {
                return Task.FromResult<OrderRow?>(null);
            }

            var updated = row with { Status = OrderStatus.Cancelled };
            _orders[row.OrderId] = updated;
            return Task.FromResult<OrderRow?>(updated);
        }
    }

    public Task<MatchCandidate?> AcquireMatchCandidateAsync(string assetAddress, string subId, long nowUnix, CancellationToken ct)
    {
        var sub = ParseNumericArgument(subId);
        lock (_gate)
        {
            ExpireLocked(nowUnix);
            var bid = BookSide(assetAddress, sub, "buy", OrderStatus.Active).FirstOrDefault();
            var ask = BookSide(assetAddress, sub, "sell", OrderStatus.Active).FirstOrDefault();
            if (bid is null || ask is null)
            {
                return Task.FromResult<MatchCandidate?>(null);
            }

            bid = bid with { Status = OrderStatus.Matching };
            ask = ask with { Status = OrderStatus.Matching };
            _orders[bid.OrderId] = bid;
            _orders[ask.OrderId] = ask;
            return Task.FromResult<MatchCandidate?>(new MatchCandidate(bid, ask));
        }
    }

    public Task ReleaseAsync(IReadOnlyList<string> orderIds, CancellationToken ct)
    {
        lock (_gate)
        {
            foreach (var id in orderIds)
            {
                if (_orders.TryGetValue(id, out var row) && row.Status == OrderStatus.Matching)
                {
                    _orders[id] = row with { Status = OrderStatus.Active };
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<FinalizedFill> FinalizeMatchAsync(FinalizeFill fill, CancellationToken ct)
    {
        lock (_gate)
        {
            var taker = Filled(fill.TakerOrderId, fill.FillAtomic);
            var maker = Filled(fill.MakerOrderId, fill.FillAtomic);
            var trade = new TradeRow(
                _nextTradeId++,
                taker.AssetAddress,
                taker.SubId,
                maker.LimitPrice,
                fill.FillAtomic.ToString(),
                taker.Side,
                taker.OrderId,
                maker.OrderId,
                TruncateToMicroseconds(fill.CreatedAt));
            _orders[taker.OrderId] = taker;
            _orders[maker.OrderId] = maker;
            _trades.Add(trade);
            return Task.FromResult(new FinalizedFill(taker, maker, trade));
        }
    }

    private OrderRow Filled(string orderId, BigInteger fill)
    {
        if (!_orders.TryGetValue(orderId, out var row) || row.Status != OrderStatus.Matching)
        {
            throw new StoreException($"finalize match: order {orderId} is not matching");
        }

        var desired = PgNumeric.Parse(row.DesiredAmount);
        var filled = PgNumeric.Parse(row.FilledAmount) + PgNumeric.FromInteger(fill);
        if (filled.CompareTo(desired) > 0)
        {
            throw new StoreException($"finalize match: order {orderId} filled amount {filled} exceeds desired {row.DesiredAmount}");
        }

        return row with
        {
            FilledAmount = filled.ToString(),
            Status = filled.ValueEquals(desired) ? OrderStatus.Filled : OrderStatus.Active,
        };
    }

    public Task<IReadOnlyList<TradeRow>> GetTradesAsync(string assetAddress, string subId, long? beforeTradeId, int limit, CancellationToken ct)
    {
        var sub = ParseNumericArgument(subId);
        lock (_gate)
        {
            IReadOnlyList<TradeRow> rows = [.. MarketTrades(assetAddress, sub)
                .Where(t => beforeTradeId is null || t.TradeId < beforeTradeId)
                .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.TradeId)
                .Take(limit)];
            return Task.FromResult(rows);
        }
    }

    public Task<TradeStats> GetTradeStats24hAsync(string assetAddress, string subId, DateTimeOffset now, CancellationToken ct)
    {
        var sub = ParseNumericArgument(subId);
        lock (_gate)
        {
            var since = now.AddHours(-24);
            var window = MarketTrades(assetAddress, sub).Where(t => t.CreatedAt >= since)
                .OrderBy(t => t.CreatedAt).ThenBy(t => t.TradeId).ToList();
            if (window.Count == 0)
            {
                return Task.FromResult(TradeStats.Empty);
            }

            var prices = window.Select(t => PgNumeric.Parse(t.Price)).ToList();
            var volume = window.Select(t => PgNumeric.Parse(t.Size)).Aggregate((a, b) => a + b);
            var high = prices.Aggregate((a, b) => b.CompareTo(a) > 0 ? b : a);
            var low = prices.Aggregate((a, b) => b.CompareTo(a) < 0 ? b : a);
            var last = prices[^1];
            var first = prices[0];
            return Task.FromResult(new TradeStats(last.ToString(), high.ToString(), low.ToString(), volume.ToString(), (last - first).ToString()));
        }
    }

    public Task<DateTimeOffset?> GetLastTradeTimeAsync(string assetAddress, string subId, CancellationToken ct)
    {
        var sub = ParseNumericArgument(subId);
        lock (_gate)
        {
            var trades = MarketTrades(assetAddress, sub).ToList();
            return Task.FromResult<DateTimeOffset?>(trades.Count == 0 ? null : trades.Max(t => t.CreatedAt));
        }
    }

    public Task<MarketCounts> GetMarketCountsAsync(string assetAddress, string subId, CancellationToken ct)
    {
        var sub = ParseNumericArgument(subId);
        lock (_gate)
        {
            var open = _orders.Values.Where(o => o.AssetAddress == assetAddress && SameNumeric(o.SubId, sub) && o.Status is OrderStatus.Active or OrderStatus.Matching).ToList();
            var trades = MarketTrades(assetAddress, sub).ToList();
            return Task.FromResult(new MarketCounts(
                open.Count(o => o.Side == "buy"),
                open.Count(o => o.Side == "sell"),
                trades.Count,
                trades.Count == 0 ? null : trades.Max(t => t.CreatedAt)));
        }
    }

    private int ExpireLocked(long nowUnix)
    {
        var expired = _orders.Values.Where(o => o.Status == OrderStatus.Active && o.Expiry <= nowUnix).ToList();
        foreach (var row in expired)
        {
            _orders[row.OrderId] = row with { Status = OrderStatus.Expired };
        }

        return expired.Count;
    }

    private IEnumerable<OrderRow> BookSide(string assetAddress, Fraction subId, string side, string status)
    {
        var rows = _orders.Values.Where(o => o.AssetAddress == assetAddress && SameNumeric(o.SubId, subId) && o.Side == side && o.Status == status);
        var byPrice = side == "buy" ? rows.OrderByDescending(o => o.Ticks) : rows.OrderBy(o => o.Ticks);
        return byPrice.ThenBy(o => o.CreatedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal);
    }

    private IEnumerable<TradeRow> MarketTrades(string assetAddress, Fraction subId) =>
        _trades.Where(t => t.AssetAddress == assetAddress && SameNumeric(t.SubId, subId));

    private OrderRow? FindByOwnerNonceLocked(string owner, Fraction nonce, string status) =>
        _orders.Values.FirstOrDefault(o => o.OwnerAddress == owner && o.Status == status && SameNumeric(o.Nonce, nonce));

    private static bool SameNumeric(string stored, Fraction value) => PgNumeric.TryParse(stored, out var n) && n.Value == value;

    private static Fraction ParseNumericArgument(string text) =>
        PgNumeric.TryParse(text, out var n) ? n.Value : throw new StoreException($"ERROR: {PgNumeric.SyntaxError(text)} (SQLSTATE 22P02)");

    internal static DateTimeOffset TruncateToMicroseconds(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);
}
