using System.Diagnostics;
using System.Text.Json;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Matching;
using MarketMaker.Shell.Tests.Infrastructure;
using Npgsql;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>Every fault kind, switched at run time (C# API and admin HTTP), as an HTTP client sees it.</summary>
public sealed class PaperFaultTests : IAsyncLifetime
{
    private PaperExchangeHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await PaperExchangeHost.StartAsync(PaperHosts.Options(null, TimeProvider.System));
        _http = new HttpClient { BaseAddress = new Uri(_host.ApiUrl), Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Http_error_fault_returns_the_status_for_count_requests_then_recovers()
    {
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Book, FaultKind.HttpError) { StatusCode = 503, Count = 2 });
        for (var i = 0; i < 2; i++)
        {
            var r = await _http.GetAsync2("/v1/book");
            Assert.Equal(503, r.Status);
            Assert.Equal("{\"error\":\"injected fault\"}\n", r.Body);
        }

        Assert.Equal(200, (await _http.GetAsync2("/v1/book")).Status);
        Assert.Equal(200, (await _http.GetAsync2("/v1/trades")).Status);
    }

    [Fact]
    public async Task Delay_fault_slows_the_answer_but_keeps_it_correct()
    {
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Markets, FaultKind.Delay) { Delay = TimeSpan.FromMilliseconds(400) });
        var sw = Stopwatch.StartNew();
        var r = await _http.GetAsync2("/v1/markets");
        Assert.True(sw.ElapsedMilliseconds >= 380, $"answered after {sw.ElapsedMilliseconds} ms");
        Assert.Equal(200, r.Status);
        Assert.Equal(2, r.Json.GetArrayLength());
    }

    [Fact]
    public async Task Hang_fault_makes_the_client_time_out()
    {
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Trades, FaultKind.Hang));
        using var impatient = new HttpClient { BaseAddress = new Uri(_host.ApiUrl), Timeout = TimeSpan.FromMilliseconds(300) };
        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync("/v1/trades"));
        await _host.Faults.ClearAsync(FaultTargets.Trades);
        Assert.Equal(200, (await impatient.GetAsync2("/v1/trades")).Status);
    }

    [Fact]
    public async Task Malformed_body_fault_sends_unparsable_json_with_200()
    {
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Book, FaultKind.MalformedBody));
        var r = await _http.GetAsync2("/v1/book");
        Assert.Equal(200, r.Status);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(r.Body));
    }

    [Fact]
    public async Task Dropped_connection_fault_fails_the_request()
    {
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.CreateOrder, FaultKind.DropConnection) { Count = 1 });
        await Assert.ThrowsAsync<HttpRequestException>(() => _http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("1")));
        Assert.Equal(201, (await _http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("1"))).Status);
    }

    [Fact]
    public async Task Rpc_faults_give_json_rpc_errors_http_errors_and_timeouts()
    {
        const string chainId = "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"eth_chainId\",\"params\":[]}";
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Rpc, FaultKind.RpcError) { Message = "header not found" });
        var r = await _http.PostJsonAsync("/rpc", chainId);
        Assert.Equal(200, r.Status);
        Assert.Equal(42, r.Json.GetProperty("id").GetInt32());
        Assert.Equal(-32000, r.Json.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("header not found", r.Json.GetProperty("error").GetProperty("message").GetString());

        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Rpc, FaultKind.HttpError) { StatusCode = 502 });
        Assert.Equal(502, (await _http.PostJsonAsync("/rpc", chainId)).Status);

        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Rpc, FaultKind.Hang));
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.PostJsonAsync(_host.RpcUrl, chainId));

        await _host.Faults.ClearAllAsync();
        Assert.Equal("0x2105", (await _http.PostJsonAsync("/rpc", chainId)).Json.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Database_fault_makes_every_store_read_fail_with_the_handler_strings()
    {
        Assert.Equal(201, (await _http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("1"))).Status);
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Database, FaultKind.Unavailable));
        Assert.Equal((500, "failed to load book"), Answer(await _http.GetAsync2("/v1/book")));
        Assert.Equal((500, "failed to load trades"), Answer(await _http.GetAsync2("/v1/trades")));
        Assert.Equal((500, "failed to load order"), Answer(await _http.GetAsync2("/v1/orders/x")));
        Assert.Equal((500, "failed to resolve cancel target"), Answer(await _http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner}\",\"nonce\":\"1\"}}")));
        Assert.Equal(500, (await _http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("2"))).Status);
        Assert.Equal(200, (await _http.GetAsync2("/healthz")).Status);
        Assert.All(await _host.Matcher.RunTickAsync(), o => Assert.Equal(MatchOutcomeKind.StoreError, o.Kind));

        await _host.Faults.ClearAsync(FaultTargets.Database);
        Assert.Single((await _http.GetAsync2("/v1/book")).Json.GetProperty("asks").EnumerateArray());
    }

    [Fact]
    public async Task Admin_endpoint_switches_faults_at_run_time()
    {
        var set = await _http.PostJsonAsync("/admin/faults", "{\"target\":\"markets\",\"kind\":\"http_error\",\"status\":502,\"message\":\"bad gateway\"}");
        Assert.Equal(200, set.Status);
        Assert.Equal("markets", set.Json.GetProperty("faults")[0].GetProperty("target").GetString());
        Assert.Equal((502, "bad gateway"), Answer(await _http.GetAsync2("/v1/markets")));
        await _http.PostJsonAsync("/admin/faults", "{\"target\":\"healthz\",\"kind\":\"drop_connection\"}");
        Assert.Equal(2, (await _http.GetAsync2("/admin/faults")).Json.GetProperty("faults").GetArrayLength());

        var one = await _http.SendAsync2(HttpMethod.Delete, "/admin/faults?target=markets");
        Assert.Equal(1, one.Json.GetProperty("faults").GetArrayLength());
        Assert.Equal(200, (await _http.GetAsync2("/v1/markets")).Status);
        await _http.SendAsync2(HttpMethod.Delete, "/admin/faults");
        Assert.Equal(200, (await _http.GetAsync2("/healthz")).Status);

        Assert.Equal(400, (await _http.PostJsonAsync("/admin/faults", "{\"target\":\"book\",\"kind\":\"explode\"}")).Status);
        Assert.Equal(400, (await _http.PostJsonAsync("/admin/faults", "{\"target\":\"nowhere\",\"kind\":\"hang\"}")).Status);
        Assert.Equal(400, (await _http.PostJsonAsync("/admin/faults", "{\"target\":\"book\",\"kind\":\"unavailable\"}")).Status);
    }

    private static (int, string?) Answer(HttpAnswer r) => (r.Status, r.Error);
}

/// <summary>The database fault on Postgres also cuts off the bot's own connections to the shared database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PaperPostgresFaultTests(TestPostgres postgres)
{
    [Fact]
    public async Task Database_fault_refuses_the_bots_connections_until_cleared()
    {
        var database = await postgres.CreateDatabaseAsync("paper");
        await using var host = await PaperExchangeHost.StartAsync(PaperHosts.Options(database, TimeProvider.System));
        using var http = new HttpClient { BaseAddress = new Uri(host.ApiUrl) };
        Assert.Equal(201, (await http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("1"))).Status);
        var botDb = new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString;
        Assert.Equal(1L, await CountActive(botDb));

        await using var open = new NpgsqlConnection(botDb);
        await open.OpenAsync();
        var admin = await http.PostJsonAsync("/admin/faults", "{\"target\":\"database\",\"kind\":\"unavailable\"}");
        Assert.Equal(200, admin.Status);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => CountActive(botDb));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var cmd = new NpgsqlCommand("SELECT 1", open);
            await cmd.ExecuteScalarAsync();
        });
        Assert.Equal(500, (await http.GetAsync2("/v1/book")).Status);

        await http.SendAsync2(HttpMethod.Delete, "/admin/faults?target=database");
        Assert.Equal(1L, await CountActive(botDb));
        Assert.Single((await http.GetAsync2("/v1/book")).Json.GetProperty("asks").EnumerateArray());
    }

    private static async Task<long> CountActive(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM active_orders WHERE status = 'active'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
