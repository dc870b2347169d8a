using System.Data.Common;
using System.Globalization;
using System.Numerics;
using Npgsql;
using NpgsqlTypes;

namespace MarketMaker.PaperExchange.Storage;

/// <summary>
/// <see cref="IExchangeStore"/> on PostgreSQL with the production markets-service schema
/// (<see cref="MarketsSchema"/>), so a bot reads <c>active_orders</c> from the same database exactly as in
/// production. Queries follow markets-service-api.md §5–6 (ticks ordering, FOR UPDATE SKIP LOCKED reservation,
/// numeric nonce uniqueness). Errors surface as <see cref="StoreException"/> in pgx's wording; the connection
/// string (and its password) never appears in messages.
/// </summary>
public sealed class PostgresExchangeStore : IExchangeStore
{
    private const string Columns =
        "order_id, owner_address, signer_address, subaccount_id::text, recipient_id::text, nonce::text, side, asset_address, " +
        "sub_id::text, desired_amount, filled_amount, limit_price, worst_fee, expiry::text, action_json::text, signature, status, " +
        "created_at, limit_price_ticks";

    private const string BookOrderBuy = "limit_price_ticks::numeric DESC, created_at ASC, order_id COLLATE \"C\" ASC";
    private const string BookOrderSell = "limit_price_ticks::numeric ASC, created_at ASC, order_id COLLATE \"C\" ASC";

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnectionStringBuilder _settings;

    public PostgresExchangeStore(string connectionString)
    {
        _settings = new NpgsqlConnectionStringBuilder(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The database name (no credentials).</summary>
    public string DatabaseName => _settings.Database ?? "";

    public async Task InitializeAsync(CancellationToken ct) =>
        await Run(async conn =>
        {
            await using var cmd = new NpgsqlCommand(MarketsSchema.Sql, conn);
            await cmd.ExecuteNonQueryAsync(ct);
            return 0;
        }, ct);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public Task<int> ExpireOrdersAsync(long nowUnix, CancellationToken ct) =>
        Run(conn => ExpireAsync(conn, null, nowUnix, ct), ct);

    private static async Task<int> ExpireAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long nowUnix, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("UPDATE active_orders SET status = 'expired' WHERE status = 'active' AND expiry <= $1", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (decimal)nowUnix, NpgsqlDbType = NpgsqlDbType.Numeric });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<InsertOrderResult> InsertOrderAsync(OrderRow row, CancellationToken ct)
    {
        try
        {
            return await Run(async conn =>
            {
                await using var cmd = new NpgsqlCommand(
                    "INSERT INTO active_orders (order_id, owner_address, signer_address, subaccount_id, recipient_id, nonce, side, asset_address, sub_id, " +
                    "desired_amount, filled_amount, limit_price, worst_fee, expiry, action_json, signature, status, created_at, limit_price_ticks) " +
                    "VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6::numeric, $7, $8, $9::numeric, $10, $11, $12, $13, $14::numeric, $15::jsonb, $16, 'active', $17, $18) " +
                    $"RETURNING {Columns}",
                    conn);
                foreach (var text in new[] { row.OrderId, row.OwnerAddress, row.SignerAddress, row.SubaccountId, row.RecipientId, row.Nonce, row.Side, row.AssetAddress, row.SubId, row.DesiredAmount, row.FilledAmount, row.LimitPrice, row.WorstFee })
                {
                    cmd.Parameters.Add(Text(text));
                }

                cmd.Parameters.Add(Text(row.Expiry.ToString(CultureInfo.InvariantCulture)));
                cmd.Parameters.Add(Text(row.ActionJson));
                cmd.Parameters.Add(Text(row.Signature));
                cmd.Parameters.Add(new NpgsqlParameter { Value = MemoryExchangeStore.TruncateToMicroseconds(row.CreatedAt).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(Text(row.LimitPriceTicks));
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                return InsertOrderResult.Ok(ReadOrder(reader));
            }, ct, mapPostgresErrors: false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return InsertOrderResult.DuplicateKey(e.ConstraintName ?? "");
        }
        catch (PostgresException e)
        {
            return InsertOrderResult.Failure(e.MessageText, e.SqlState);
        }
    }

    public Task<OrderRow?> GetOrderAsync(string orderId, CancellationToken ct) =>
        Run(conn => QuerySingleAsync(conn, null, $"SELECT {Columns} FROM active_orders WHERE order_id = $1", ct, Text(orderId)), ct);

    public Task<IReadOnlyList<OrderRow>> GetBookSideAsync(string assetAddress, string subId, string side, int limit, CancellationToken ct) =>
        Run(conn => QueryAsync(conn, null,
            $"SELECT {Columns} FROM active_orders WHERE asset_address = $1 AND sub_id = $2::numeric AND side = $3 AND status = 'active' " +
            $"ORDER BY {(side == "buy" ? BookOrderBuy : BookOrderSell)} LIMIT $4",
            ct, Text(assetAddress), Text(subId), Text(side), new NpgsqlParameter { Value = limit }), ct);

    public Task<IReadOnlyList<OrderRow>> GetOrdersByOwnerAsync(string ownerAddress, CancellationToken ct) =>
        Run(conn => QueryAsync(conn, null,
            $"SELECT {Columns} FROM active_orders WHERE owner_address = $1 ORDER BY created_at ASC, order_id COLLATE \"C\" ASC",
            ct, Text(ownerAddress)), ct);

    public Task<OrderRow?> FindActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct) =>
        Run(conn => QuerySingleAsync(conn, null,
            $"SELECT {Columns} FROM active_orders WHERE owner_address = $1 AND nonce = $2::numeric AND status = 'active'",
            ct, Text(ownerAddress), Text(nonce)), ct);

    public Task<OrderRow?> CancelActiveByOwnerNonceAsync(string ownerAddress, string nonce, CancellationToken ct) =>
        Run(conn => QuerySingleAsync(conn, null,
            $"UPDATE active_orders SET status = 'cancelled' WHERE owner_address = $1 AND nonce = $2::numeric AND status = 'active' RETURNING {Columns}",
            ct, Text(ownerAddress), Text(nonce)), ct);

    public Task<MatchCandidate?> AcquireMatchCandidateAsync(string assetAddress, string subId, long nowUnix, CancellationToken ct) =>
        Run(async conn =>
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await ExpireAsync(conn, tx, nowUnix, ct);
            var where = "WHERE asset_address = $1 AND sub_id = $2::numeric AND side = $3 AND status = 'active'";
            var bid = await QuerySingleAsync(conn, tx, $"SELECT {Columns} FROM active_orders {where} ORDER BY {BookOrderBuy} LIMIT 1 FOR UPDATE SKIP LOCKED", ct, Text(assetAddress), Text(subId), Text("buy"));
            var ask = await QuerySingleAsync(conn, tx, $"SELECT {Columns} FROM active_orders {where} ORDER BY {BookOrderSell} LIMIT 1 FOR UPDATE SKIP LOCKED", ct, Text(assetAddress), Text(subId), Text("sell"));
            if (bid is null || ask is null)
            {
                await tx.CommitAsync(ct);
                return (MatchCandidate?)null;
            }

            await using (var cmd = new NpgsqlCommand("UPDATE active_orders SET status = 'matching' WHERE order_id = ANY($1)", conn, tx))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = new[] { bid.OrderId, ask.OrderId }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await cmd.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
            return new MatchCandidate(bid with { Status = OrderStatus.Matching }, ask with { Status = OrderStatus.Matching });
        }, ct);

    public Task ReleaseAsync(IReadOnlyList<string> orderIds, CancellationToken ct) =>
        Run(async conn =>
        {
            await using var cmd = new NpgsqlCommand("UPDATE active_orders SET status = 'active' WHERE order_id = ANY($1) AND status = 'matching'", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = orderIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            return await cmd.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task<FinalizedFill> FinalizeMatchAsync(FinalizeFill fill, CancellationToken ct) =>
        Run(async conn =>
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            var taker = await FillOneAsync(conn, tx, fill.TakerOrderId, fill.FillAtomic, ct);
            var maker = await FillOneAsync(conn, tx, fill.MakerOrderId, fill.FillAtomic, ct);
            TradeRow trade;
            await using (var cmd = new NpgsqlCommand(
                "INSERT INTO trade_fills (asset_address, sub_id, price, size, aggressor_side, taker_order_id, maker_order_id, created_at) " +
                "VALUES ($1, $2::numeric, $3, $4, $5, $6, $7, $8) RETURNING trade_id, asset_address, sub_id::text, price, size, aggressor_side, taker_order_id, maker_order_id, created_at",
                conn, tx))
            {
                cmd.Parameters.Add(Text(taker.AssetAddress));
                cmd.Parameters.Add(Text(taker.SubId));
                cmd.Parameters.Add(Text(maker.LimitPrice));
                cmd.Parameters.Add(Text(fill.FillAtomic.ToString(CultureInfo.InvariantCulture)));
                cmd.Parameters.Add(Text(taker.Side));
                cmd.Parameters.Add(Text(taker.OrderId));
                cmd.Parameters.Add(Text(maker.OrderId));
                cmd.Parameters.Add(new NpgsqlParameter { Value = MemoryExchangeStore.TruncateToMicroseconds(fill.CreatedAt).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                trade = ReadTrade(reader);
            }

            await tx.CommitAsync(ct);
            return new FinalizedFill(taker, maker, trade);
        }, ct);

    private static async Task<OrderRow> FillOneAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string orderId, BigInteger fill, CancellationToken ct)
    {
        var fillText = fill.ToString(CultureInfo.InvariantCulture);
        var current = await QuerySingleAsync(conn, tx, $"SELECT {Columns} FROM active_orders WHERE order_id = $1 FOR UPDATE", ct, Text(orderId));
        if (current is null || current.Status != OrderStatus.Matching)
        {
            throw new StoreException($"finalize match: order {orderId} is not matching");
        }

        var updated = await QuerySingleAsync(conn, tx,
            "UPDATE active_orders SET filled_amount = (filled_amount::numeric + $2::numeric)::text, " +
            "status = CASE WHEN filled_amount::numeric + $2::numeric = desired_amount::numeric THEN 'filled' ELSE 'active' END " +
            $"WHERE order_id = $1 AND filled_amount::numeric + $2::numeric <= desired_amount::numeric RETURNING {Columns}",
            ct, Text(orderId), Text(fillText));
        return updated ?? throw new StoreException($"finalize match: order {orderId} fill {fillText} exceeds desired {current.DesiredAmount}");
    }

    public Task<IReadOnlyList<TradeRow>> GetTradesAsync(string assetAddress, string subId, long? beforeTradeId, int limit, CancellationToken ct) =>
        Run(async conn =>
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT trade_id, asset_address, sub_id::text, price, size, aggressor_side, taker_order_id, maker_order_id, created_at FROM trade_fills " +
                "WHERE asset_address = $1 AND sub_id = $2::numeric AND ($3::bigint IS NULL OR trade_id < $3::bigint) " +
                "ORDER BY created_at DESC, trade_id DESC LIMIT $4",
                conn);
            cmd.Parameters.Add(Text(assetAddress));
            cmd.Parameters.Add(Text(subId));
            cmd.Parameters.Add(new NpgsqlParameter { Value = beforeTradeId is { } b ? b : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter { Value = limit });
            var list = new List<TradeRow>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                list.Add(ReadTrade(reader));
            }

            return (IReadOnlyList<TradeRow>)list;
        }, ct);

    public Task<TradeStats> GetTradeStats24hAsync(string assetAddress, string subId, DateTimeOffset now, CancellationToken ct) =>
        Run(async conn =>
        {
            await using var cmd = new NpgsqlCommand(
                "WITH w AS (SELECT price::numeric AS p, size::numeric AS s, created_at, trade_id FROM trade_fills " +
                "           WHERE asset_address = $1 AND sub_id = $2::numeric AND created_at >= $3), " +
                "     l AS (SELECT p FROM w ORDER BY created_at DESC, trade_id DESC LIMIT 1), " +
                "     f AS (SELECT p FROM w ORDER BY created_at ASC, trade_id ASC LIMIT 1) " +
                "SELECT (SELECT p FROM l)::text, max(p)::text, min(p)::text, sum(s)::text, ((SELECT p FROM l) - (SELECT p FROM f))::text FROM w",
                conn);
            cmd.Parameters.Add(Text(assetAddress));
            cmd.Parameters.Add(Text(subId));
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.AddHours(-24).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            return new TradeStats(S(0), S(1), S(2), S(3), S(4));
        }, ct);

    public Task<DateTimeOffset?> GetLastTradeTimeAsync(string assetAddress, string subId, CancellationToken ct) =>
        Run(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT max(created_at) FROM trade_fills WHERE asset_address = $1 AND sub_id = $2::numeric", conn);
            cmd.Parameters.Add(Text(assetAddress));
            cmd.Parameters.Add(Text(subId));
            var value = await cmd.ExecuteScalarAsync(ct);
            return value is DateTime dt ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        }, ct);

    public Task<MarketCounts> GetMarketCountsAsync(string assetAddress, string subId, CancellationToken ct) =>
        Run(async conn =>
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT (SELECT count(*) FROM active_orders WHERE asset_address = $1 AND sub_id = $2::numeric AND side = 'buy' AND status IN ('active','matching')), " +
                "       (SELECT count(*) FROM active_orders WHERE asset_address = $1 AND sub_id = $2::numeric AND side = 'sell' AND status IN ('active','matching')), " +
                "       (SELECT count(*) FROM trade_fills WHERE asset_address = $1 AND sub_id = $2::numeric), " +
                "       (SELECT max(created_at) FROM trade_fills WHERE asset_address = $1 AND sub_id = $2::numeric)",
                conn);
            cmd.Parameters.Add(Text(assetAddress));
            cmd.Parameters.Add(Text(subId));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            DateTimeOffset? last = reader.IsDBNull(3) ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc));
            return new MarketCounts((int)reader.GetInt64(0), (int)reader.GetInt64(1), reader.GetInt64(2), last);
        }, ct);

    /// <summary>
    /// Makes the database unreachable for every client (the bot included): <c>ALLOW_CONNECTIONS false</c> and
    /// termination of the open sessions. Needs the database owner or a superuser. Undo with
    /// <see cref="RestoreConnectionsAsync"/>.
    /// </summary>
    public async Task BlockConnectionsAsync(CancellationToken ct)
    {
        await using var conn = await OpenMaintenanceAsync(ct);
        await ExecuteAsync(conn, $"ALTER DATABASE {QuoteIdentifier(DatabaseName)} WITH ALLOW_CONNECTIONS false", ct);
        await using (var cmd = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", conn))
        {
            cmd.Parameters.Add(Text(DatabaseName));
            await cmd.ExecuteScalarAsync(ct);
        }

        _dataSource.Clear();
    }

    /// <summary>Allows connections to the database again.</summary>
    public async Task RestoreConnectionsAsync(CancellationToken ct)
    {
        await using var conn = await OpenMaintenanceAsync(ct);
        await ExecuteAsync(conn, $"ALTER DATABASE {QuoteIdentifier(DatabaseName)} WITH ALLOW_CONNECTIONS true", ct);
        _dataSource.Clear();
    }

    private async Task<NpgsqlConnection> OpenMaintenanceAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(_settings.ConnectionString)
        {
            Database = DatabaseName == "postgres" ? "template1" : "postgres",
            Pooling = false,
        };
        var conn = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await conn.OpenAsync(ct);
            return conn;
        }
        catch (Exception e) when (e is NpgsqlException or DbException)
        {
            await conn.DisposeAsync();
            throw new StoreException($"cannot open the maintenance database {builder.Database}: {e.Message}");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private async Task<T> Run<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct, bool mapPostgresErrors = true)
    {
        try
        {
            await using var conn = await _dataSource.OpenConnectionAsync(ct);
            return await work(conn);
        }
        catch (PostgresException e) when (mapPostgresErrors)
        {
            throw new StoreException($"ERROR: {e.MessageText} (SQLSTATE {e.SqlState})", e);
        }
        catch (PostgresException)
        {
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or DbException or InvalidOperationException or TimeoutException or IOException)
        {
            throw new StoreException($"database unavailable: {e.Message}", e);
        }
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static async Task<OrderRow?> QuerySingleAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        var rows = await QueryAsync(conn, tx, sql, ct, parameters);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<IReadOnlyList<OrderRow>> QueryAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddRange(parameters);
        var list = new List<OrderRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(ReadOrder(reader));
        }

        return list;
    }

    private static OrderRow ReadOrder(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        r.GetString(6),
        r.GetString(7),
        r.GetString(8),
        r.GetString(9),
        r.GetString(10),
        r.GetString(11),
        r.GetString(12),
        decimal.TryParse(r.GetString(13), NumberStyles.Number, CultureInfo.InvariantCulture, out var expiry) ? (long)decimal.Truncate(expiry) : 0,
        r.GetString(14),
        r.GetString(15),
        r.GetString(16),
        new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(17), DateTimeKind.Utc)),
        r.IsDBNull(18) ? null : r.GetString(18));

    private static TradeRow ReadTrade(NpgsqlDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        r.GetString(6),
        r.GetString(7),
        new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(8), DateTimeKind.Utc)));
}
