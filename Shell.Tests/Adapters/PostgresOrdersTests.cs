using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MarketMaker.Core;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Tests.Infrastructure;
using Npgsql;

namespace MarketMaker.Shell.Tests.Adapters;

[Collection(PostgresCollection.Name)]
public sealed class PostgresOrdersTests(TestPostgres postgres)
{
    private const string Us = "0x3448ac0a3283951a2afd5b3a582329eca43cb47b";
    private const string Other = "0x00000000000000000000000000000000000000aa";
    private const string SpotAsset = "0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493";
    private const string FutureAsset = "0xdd9c2ddf97a2dc9b9d348dcd0ef776af5291a1f9";

    private static readonly MarketSpec Spot = MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m);
    private static readonly MarketSpec Future = MarketSpec.For("USDCcNGN-SEP16-2026", 1m);
    private static readonly DateTimeOffset T0 = new(2026, 7, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly OrderScope SpotScope = new(Us, "10", SpotAsset, "0");

    private sealed record Row(
        string OrderId,
        string Nonce,
        string Side,
        string Price,
        string Desired,
        string Filled = "0",
        string Status = "active",
        string Owner = Us,
        string Subaccount = "10",
        string Asset = SpotAsset,
        string SubId = "0",
        int Seconds = 0);

    private async Task<string> DatabaseAsync(bool schema = true)
    {
        var connectionString = await postgres.CreateDatabaseAsync("orders");
        if (schema)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(MarketsSchema.Sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        return connectionString;
    }

    private static async Task InsertAsync(string connectionString, params Row[] rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var r in rows)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO active_orders (order_id, owner_address, signer_address, subaccount_id, recipient_id, nonce, side,
                    asset_address, sub_id, desired_amount, filled_amount, limit_price, worst_fee, expiry, action_json, signature, status, created_at)
                VALUES (@id, @owner, @owner, @sub::numeric, @sub::numeric, @nonce::numeric, @side, @asset, @subid::numeric,
                    @desired, @filled, @price, '0', 1790000000, '{}'::jsonb, '0x11', @status, @created)
                """,
                connection);
            command.Parameters.AddWithValue("id", r.OrderId);
            command.Parameters.AddWithValue("owner", r.Owner);
            command.Parameters.AddWithValue("sub", r.Subaccount);
            command.Parameters.AddWithValue("nonce", r.Nonce);
            command.Parameters.AddWithValue("side", r.Side);
            command.Parameters.AddWithValue("asset", r.Asset);
            command.Parameters.AddWithValue("subid", r.SubId);
            command.Parameters.AddWithValue("desired", r.Desired);
            command.Parameters.AddWithValue("filled", r.Filled);
            command.Parameters.AddWithValue("price", r.Price);
            command.Parameters.AddWithValue("status", r.Status);
            command.Parameters.AddWithValue("created", T0.AddSeconds(r.Seconds));
            await command.ExecuteNonQueryAsync();
        }
    }

    private static PostgresOrders Orders(string connectionString, double seconds = 5) =>
        PostgresOrders.Create(connectionString, TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task Only_our_active_and_matching_orders_in_the_market_are_live_in_the_trader_view()
    {
        var db = await DatabaseAsync();
        await InsertAsync(
            db,
            new Row("mine-matching", "1002", "buy", "0.000624609618988132", "160100", Status: "matching", Seconds: 2),
            new Row("mine-active", "1001", "sell", "0.000625", "160000", Filled: "40000", Seconds: 1),
            new Row("mine-filled", "1003", "sell", "0.000625", "1000", Filled: "1000", Status: "filled"),
            new Row("mine-cancelled", "1004", "sell", "0.000625", "1000", Status: "cancelled"),
            new Row("mine-expired", "1005", "sell", "0.000625", "1000", Status: "expired"),
            new Row("other-owner", "1001", "sell", "0.000625", "1000", Owner: Other),
            new Row("other-subaccount", "1006", "sell", "0.000625", "1000", Subaccount: "11"),
            new Row("other-market", "1007", "sell", "1391", "1000", Asset: FutureAsset, SubId: "1789567201"),
            new Row("other-sub-id", "1008", "sell", "0.000625", "1000", SubId: "1"));
        await using var orders = Orders(db);

        var live = await orders.GetLiveOrdersAsync(Spot, SpotScope with { OwnerAddress = Us.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal) });

        Assert.Equal(
            [
                new LiveOrder("mine-active", 1001, Side.Buy, 1600m, 100m, 75m, false, T0.AddSeconds(1)) { Expiry = DateTimeOffset.FromUnixTimeSeconds(1790000000) },
                new LiveOrder("mine-matching", 1002, Side.Sell, 1601.000000000001069468m, 99.9999999999999332m, 99.9999999999999332m, true, T0.AddSeconds(2)) { Expiry = DateTimeOffset.FromUnixTimeSeconds(1790000000) },
            ],
            live.ToArray());
    }

    [Fact]
    public async Task Futures_live_orders_report_lots_as_size()
    {
        var db = await DatabaseAsync();
        await InsertAsync(db, new Row("fut", "7", "buy", "1391", "1234", Filled: "234", Asset: FutureAsset, SubId: "1789567201"));
        await using var orders = Orders(db);

        var live = Assert.Single(await orders.GetLiveOrdersAsync(Future, new OrderScope(Us, "10", FutureAsset, "1789567201")));

        Assert.Equal((Side.Buy, 1391m, 1.234m, 1.000m), (live.Side, live.Price, live.Size, live.Remaining));
    }

    [Fact]
    public async Task Final_status_reports_how_an_order_ended_with_the_filled_size_in_the_trader_view()
    {
        var db = await DatabaseAsync();
        await InsertAsync(
            db,
            new Row("filled", "1", "sell", "0.000625", "160000", Filled: "160000", Status: "filled"),
            new Row("cancelled", "2", "sell", "0.000625", "160000", Filled: "40000", Status: "cancelled"),
            new Row("expired", "3", "buy", "0.000625", "1000", Status: "expired"),
            new Row("live", "4", "buy", "0.000625", "1000", Status: "matching"),
            new Row("fut-filled", "5", "sell", "1391", "1500", Filled: "1500", Status: "filled", Asset: FutureAsset, SubId: "1789567201"));
        await using var orders = Orders(db);

        Assert.Equal(new FinalStatus(FinalOrderStatus.Filled, 100m), await orders.GetFinalStatusAsync(Spot, "filled"));
        Assert.Equal(new FinalStatus(FinalOrderStatus.Cancelled, 25m), await orders.GetFinalStatusAsync(Spot, "cancelled"));
        Assert.Equal(new FinalStatus(FinalOrderStatus.Expired, 0m), await orders.GetFinalStatusAsync(Spot, "expired"));
        Assert.Equal(new FinalStatus(FinalOrderStatus.NotFound, 0m), await orders.GetFinalStatusAsync(Spot, "mm:USDCcNGN-SPOT:buy:404"));
        Assert.Null(await orders.GetFinalStatusAsync(Spot, "live"));
        Assert.Equal(new FinalStatus(FinalOrderStatus.Filled, 1.5m), await orders.GetFinalStatusAsync(Future, "fut-filled"));
    }

    [Theory]
    [InlineData("1001")]
    [InlineData("01001")]
    public async Task The_owner_nonce_index_rejects_a_reused_nonce_even_after_the_first_order_ended(string nonce)
    {
        var db = await DatabaseAsync();
        await InsertAsync(db, new Row("first", "1001", "buy", "0.000625", "1000", Status: "cancelled"));

        var ex = await Assert.ThrowsAsync<PostgresException>(() => InsertAsync(db, new Row("second", nonce, "buy", "0.000625", "1000")));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, ex.SqlState);
        Assert.Equal("active_orders_owner_nonce_idx", ex.ConstraintName);
        await InsertAsync(db, new Row("other-owner-same-nonce", nonce, "buy", "0.000625", "1000", Owner: Other));
    }

    [Theory]
    [InlineData("desired_amount", "abc")]
    [InlineData("filled_amount", "200000")]
    [InlineData("limit_price", "0")]
    public async Task An_unreadable_row_fails_the_read_naming_the_column(string column, string value)
    {
        var db = await DatabaseAsync();
        var row = column switch
        {
            "desired_amount" => new Row("bad", "1", "buy", "0.000625", value),
            "filled_amount" => new Row("bad", "1", "buy", "0.000625", "1000", Filled: value),
            _ => new Row("bad", "1", "buy", value, "1000"),
        };
        await InsertAsync(db, row);
        await using var orders = Orders(db);

        var ex = await Assert.ThrowsAsync<DataSourceException>(() => orders.GetLiveOrdersAsync(Spot, SpotScope));

        Assert.Equal("postgres", ex.DataSource);
        Assert.Equal(DataSourceErrorKind.Malformed, ex.Kind);
        Assert.Equal($"active_orders.{column}", ex.Field);
        Assert.Contains("order bad", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_without_the_table_is_a_query_error()
    {
        var db = await DatabaseAsync(schema: false);
        await using var orders = Orders(db);

        var ex = await Assert.ThrowsAsync<DataSourceException>(() => orders.GetFinalStatusAsync(Spot, "x"));

        Assert.Equal(DataSourceErrorKind.Query, ex.Kind);
        Assert.Contains("42P01", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("subaccount_id", "ten")]
    [InlineData("sub_id", "-1")]
    [InlineData("owner_address", "")]
    public async Task A_bad_scope_is_refused_before_asking_the_database(string field, string value)
    {
        var scope = field switch
        {
            "subaccount_id" => SpotScope with { SubaccountId = value },
            "sub_id" => SpotScope with { SubId = value },
            _ => SpotScope with { OwnerAddress = value },
        };
        await using var orders = Orders("Host=127.0.0.1;Port=1;Username=nobody");

        var ex = await Assert.ThrowsAsync<DataSourceException>(() => orders.GetLiveOrdersAsync(Spot, scope));

        Assert.Equal(DataSourceErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public async Task A_refused_connection_is_unavailable_without_the_password()
    {
        var port = ClosedPort();
        await using var orders = Orders($"Host=127.0.0.1;Port={port};Username=mm;Password=s3cret-pw;Database=markets", seconds: 2);
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<DataSourceException>(() => orders.GetLiveOrdersAsync(Spot, SpotScope));

        Assert.Equal("postgres", ex.DataSource);
        Assert.Equal(DataSourceErrorKind.Unavailable, ex.Kind);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.DoesNotContain("s3cret-pw", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_is_a_timeout_not_a_hang()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    held.Add(await listener.AcceptTcpClientAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var orders = Orders($"Host=127.0.0.1;Port={port};Username=mm;Password=s3cret-pw;Database=markets", seconds: 1);
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<DataSourceException>(() => orders.GetFinalStatusAsync(Spot, "x"));

        Assert.Equal(DataSourceErrorKind.Timeout, ex.Kind);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.DoesNotContain("s3cret-pw", ex.ToString(), StringComparison.Ordinal);
        await stop.CancelAsync();
        await accepting;
        held.ForEach(c => c.Dispose());
    }

    [Fact]
    public void A_postgres_url_becomes_a_connection_string()
    {
        var builder = PostgresConnectionString.Parse("postgres://mm:p%40ss@127.0.0.1:6543/markets?sslmode=disable");

        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("mm", builder.Username);
        Assert.Equal("p@ss", builder.Password);
        Assert.Equal("markets", builder.Database);
        Assert.Equal(SslMode.Disable, builder.SslMode);
    }

    [Theory]
    [InlineData("postgres://mm:hunter2@127.0.0.1/db?pool=9")]
    [InlineData("Host=127.0.0.1;Password=hunter2;Bogus Key=1")]
    [InlineData("Password=hunter2")]
    public void A_bad_connection_string_is_refused_without_repeating_it(string connectionString)
    {
        var ex = Assert.Throws<DataSourceException>(() => PostgresConnectionString.Parse(connectionString));

        Assert.Equal("connection_string", ex.Field);
        Assert.Equal(DataSourceErrorKind.InvalidArgument, ex.Kind);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
