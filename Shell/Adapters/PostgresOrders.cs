using System.Collections.Immutable;
using System.Net.Sockets;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;
using Npgsql;
using NpgsqlTypes;

namespace MarketMaker.Shell.Adapters;

/// <summary>Whose orders, in which market: the filter of the live-order query (addresses compared lower-cased).</summary>
public sealed record OrderScope(string OwnerAddress, string SubaccountId, string AssetAddress, string SubId);

/// <summary>
/// Reads the exchange's <c>active_orders</c> table (markets-service-api.md §5.1) — the truth about our live orders
/// (behaviour.md §1) and about how an order ended (§12). Every call opens a pooled connection, runs one query and is
/// bounded by <see cref="Timeout"/> (connect + query). Every failure is a <see cref="DataSourceException"/> with
/// source "postgres" naming the column or parameter; a row that cannot be read fails the whole call (a live order
/// we cannot see must not be silently dropped).
/// </summary>
public sealed class PostgresOrders : IAsyncDisposable
{
    public const string Source = "postgres";

    private const string LiveOrdersSql = """
        SELECT order_id, nonce::text, side, limit_price, desired_amount, filled_amount, status, created_at, expiry::text
        FROM active_orders
        WHERE owner_address = lower(@owner)
          AND subaccount_id = @subaccount::numeric
          AND asset_address = lower(@asset)
          AND sub_id = @sub_id::numeric
          AND status IN ('active', 'matching')
        ORDER BY created_at, order_id
        """;

    private const string FinalStatusSql = """
        SELECT side, limit_price, filled_amount, status
        FROM active_orders
        WHERE order_id = @order_id
        """;

    // Nonces are unique per owner forever (markets-service-api.md §4.3): every row of the owner counts, whatever its
    // status, market or subaccount. The unique index (owner_address, nonce) answers this with one index probe.
    private const string HighestNonceSql = """
        SELECT max(nonce)::text
        FROM active_orders
        WHERE owner_address = lower(@owner)
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <summary>Uses a data source owned by the caller (it is not disposed here).</summary>
    public PostgresOrders(NpgsqlDataSource dataSource, TimeSpan timeout)
        : this(dataSource, timeout, false)
    {
    }

    private PostgresOrders(NpgsqlDataSource dataSource, TimeSpan timeout, bool owns)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "the Postgres timeout must be greater than zero");
        }

        _dataSource = dataSource;
        Timeout = timeout;
        _ownsDataSource = owns;
    }

    /// <summary>Connect + query budget of each call.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Builds a pooled data source from a key/value connection string or a <c>postgres://</c> URL, with the
    /// connect and command timeouts set from <paramref name="timeout"/>. A bad connection string is an
    /// InvalidArgument error that does not repeat the string (it may hold a password).
    /// </summary>
    public static PostgresOrders Create(string connectionString, TimeSpan timeout)
    {
        var builder = PostgresConnectionString.Parse(connectionString);
        var seconds = (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, 3600);
        builder.Timeout = seconds;
        builder.CommandTimeout = seconds;
        builder.CancellationTimeout = -1;
        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        return new PostgresOrders(dataSource, timeout, true);
    }

    /// <summary>
    /// Live orders (status <c>active</c> or <c>matching</c>) of the scope's owner and subaccount in the scope's
    /// market (asset_address + sub_id), oldest first, in the trader view of <paramref name="market"/>:
    /// side (inverted for spot), price (spot: 1 / limit_price), Size = desired, Remaining = desired − filled
    /// (spot: whole cNGN × engine price; futures: lots × 0.001), Nonce = the numeric column parsed once (<see cref="Nonces.TryParse"/>),
    /// Matching = status <c>matching</c>, CreatedAt = created_at.
    /// </summary>
    public Task<ImmutableArray<LiveOrder>> GetLiveOrdersAsync(MarketSpec market, OrderScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(scope);
        RequireText("owner_address", scope.OwnerAddress);
        RequireText("asset_address", scope.AssetAddress);
        RequireInteger("subaccount_id", scope.SubaccountId);
        RequireInteger("sub_id", scope.SubId);
        return RunAsync("active_orders", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(LiveOrdersSql, connection);
            command.Parameters.Add(new NpgsqlParameter("owner", NpgsqlDbType.Text) { Value = scope.OwnerAddress });
            command.Parameters.Add(new NpgsqlParameter("subaccount", NpgsqlDbType.Text) { Value = scope.SubaccountId });
            command.Parameters.Add(new NpgsqlParameter("asset", NpgsqlDbType.Text) { Value = scope.AssetAddress });
            command.Parameters.Add(new NpgsqlParameter("sub_id", NpgsqlDbType.Text) { Value = scope.SubId });
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var orders = ImmutableArray.CreateBuilder<LiveOrder>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                var orderId = Text(reader, 0, "order_id", "?");
                var nonce = Text(reader, 1, "nonce", orderId);
                var side = EngineSide(reader, 2, orderId);
                var price = Decimal(reader, 3, "limit_price", orderId);
                var desired = Decimal(reader, 4, "desired_amount", orderId);
                var filled = Decimal(reader, 5, "filled_amount", orderId);
                var status = Text(reader, 6, "status", orderId);
                var createdAt = reader.GetFieldValue<DateTimeOffset>(7);
                var expiry = Decimal(reader, 8, "expiry", orderId);
                orders.Add(ActiveOrderRows.Live(Source, market, orderId, nonce, side, price, desired, filled, status, createdAt, expiry));
            }

            return orders.ToImmutable();
        }, ct);
    }

    /// <summary>
    /// How an order ended, by order id (fill accounting, behaviour.md §12): status <c>filled</c>, <c>cancelled</c> or
    /// <c>expired</c> with the filled size in the trader view of <paramref name="market"/>; NotFound (size 0) for an
    /// unknown id; null while the row is still live (<c>active</c> or <c>matching</c>), i.e. not final yet.
    /// </summary>
    public Task<FinalStatus?> GetFinalStatusAsync(MarketSpec market, string orderId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(market);
        RequireText("order_id", orderId);
        return RunAsync("active_orders", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(FinalStatusSql, connection);
            command.Parameters.Add(new NpgsqlParameter("order_id", NpgsqlDbType.Text) { Value = orderId });
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            if (!await reader.ReadAsync(token).ConfigureAwait(false))
            {
                return new FinalStatus(FinalOrderStatus.NotFound, 0m);
            }

            var side = EngineSide(reader, 0, orderId);
            var price = Decimal(reader, 1, "limit_price", orderId);
            var filled = Decimal(reader, 2, "filled_amount", orderId);
            var status = Text(reader, 3, "status", orderId);
            return ActiveOrderRows.Final(Source, market, orderId, side, price, filled, status);
        }, ct);
    }

    /// <summary>
    /// The highest nonce <paramref name="ownerAddress"/> has ever used at the exchange (any status, market or
    /// subaccount), or null when it has none. A value that does not fit a signed 64-bit nonce is Malformed.
    /// </summary>
    public Task<long?> GetHighestNonceAsync(string ownerAddress, CancellationToken ct = default)
    {
        RequireText("owner_address", ownerAddress);
        return RunAsync("active_orders", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(HighestNonceSql, connection);
            command.Parameters.Add(new NpgsqlParameter("owner", NpgsqlDbType.Text) { Value = ownerAddress });
            var value = await command.ExecuteScalarAsync(token).ConfigureAwait(false);
            return value is string text ? MarketMaker.Shell.Cycle.NonceFloor.Parse(Source, text) : (long?)null;
        }, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<T> RunAsync<T>(string table, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await work(connection, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw new DataSourceException(Source, table, DataSourceErrorKind.Timeout, $"no answer within {Timeout.TotalMilliseconds:0} ms", ex);
        }
        catch (TimeoutException ex)
        {
            throw new DataSourceException(Source, table, DataSourceErrorKind.Timeout, $"no answer within {Timeout.TotalMilliseconds:0} ms", ex);
        }
        catch (PostgresException ex)
        {
            throw new DataSourceException(Source, ex.ColumnName ?? ex.TableName ?? table, DataSourceErrorKind.Query, $"{ex.SqlState}: {ex.MessageText}", ex);
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            throw new DataSourceException(Source, table, DataSourceErrorKind.Timeout, $"no answer within {Timeout.TotalMilliseconds:0} ms", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new DataSourceException(Source, table, DataSourceErrorKind.Unavailable, ex.Message, ex);
        }
        catch (SocketException ex)
        {
            throw new DataSourceException(Source, table, DataSourceErrorKind.Unavailable, ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new DataSourceException(Source, table, DataSourceErrorKind.Unavailable, ex.Message, ex);
        }
        catch (InvalidCastException ex)
        {
            throw new DataSourceException(Source, table, DataSourceErrorKind.Malformed, "a column has an unexpected type: " + ex.Message, ex);
        }
    }

    private static string Text(NpgsqlDataReader reader, int ordinal, string column, string orderId) =>
        reader.IsDBNull(ordinal) ? throw Malformed(column, orderId, "is NULL") : reader.GetString(ordinal);

    private static decimal Decimal(NpgsqlDataReader reader, int ordinal, string column, string orderId) =>
        ActiveOrderRows.Number(Source, column, orderId, Text(reader, ordinal, column, orderId));

    private static Side EngineSide(NpgsqlDataReader reader, int ordinal, string orderId) =>
        ActiveOrderRows.EngineSide(Source, orderId, Text(reader, ordinal, "side", orderId));

    private static DataSourceException Malformed(string column, string orderId, string message) =>
        ActiveOrderRows.Malformed(Source, column, orderId, message);

    private static void RequireText(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new DataSourceException(Source, field, DataSourceErrorKind.InvalidArgument, "is required");
        }
    }

    private static void RequireInteger(string field, string? value)
    {
        RequireText(field, value);
        if (!value!.All(char.IsAsciiDigit))
        {
            throw new DataSourceException(Source, field, DataSourceErrorKind.InvalidArgument, "must be a non-negative decimal integer string");
        }
    }
}

/// <summary>
/// The adapters' form of <see cref="MarketMaker.Shell.Config.DatabaseUrl"/>: a Npgsql key/value connection string or a
/// <c>postgres://</c> / <c>postgresql://</c> URL, parsed by the one parser the configuration uses; a bad one is a
/// <see cref="DataSourceException"/> whose text never repeats the input.
/// </summary>
public static class PostgresConnectionString
{
    public static NpgsqlConnectionStringBuilder Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw Invalid("is empty");
        }

        return MarketMaker.Shell.Config.DatabaseUrl.TryParse(connectionString.Trim(), out var url, out var error)
            ? new NpgsqlConnectionStringBuilder(url!.ConnectionString)
            : throw Invalid(error);
    }

    private static DataSourceException Invalid(string message) =>
        new(PostgresOrders.Source, "connection_string", DataSourceErrorKind.InvalidArgument, "the connection string " + message);
}
