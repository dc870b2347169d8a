using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using MarketMaker.Core.FairValue;
using MarketMaker.Shell.FairAnchor;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.FairAnchor;

/// <summary>A fake markets-service and a fake StablesRail, shared by the tests of one class.</summary>
public sealed class FairAnchorServers : IAsyncLifetime
{
    public FakeJsonServer Markets { get; private set; } = null!;

    public FakeJsonServer Strails { get; private set; } = null!;

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    public async Task InitializeAsync()
    {
        Markets = await FakeJsonServer.StartAsync();
        Strails = await FakeJsonServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Markets.DisposeAsync();
        await Strails.DisposeAsync();
    }
}

public sealed class FairAnchorServiceTests : IClassFixture<FairAnchorServers>
{
    private const string StrailsKey = "strails-secret-key-123";
    private const string Futures = "USDCcNGN-APR30-2026";
    private const string Spot = "USDCcNGN-SPOT";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FairAnchorServers servers;
    private readonly FakeTimeProvider time = new(Now);
    private readonly ConcurrentQueue<string> logs = new();

    public FairAnchorServiceTests(FairAnchorServers servers)
    {
        this.servers = servers;
        servers.Markets.Reset();
        servers.Strails.Reset();
    }

    private static string Ago(TimeSpan age) => Rfc3339.FormatNano(Now - age);

    private void SetBook(string body, int status = 200) => servers.Markets.Set("/v1/book", status, body);

    private void SetTrades(string body, int status = 200, TimeSpan delay = default) => servers.Markets.Set("/v1/trades", status, body, delay);

    private void SetStrails(string body, int status = 200) => servers.Strails.Set("/fx/orderbook", status, body);

    private void TwoSidedBook() => SetBook(SpotPayloads.Book(
        [SpotPayloads.MakerOrder("buy", 1595m, 100m, 1), SpotPayloads.MakerOrder("buy", 1590m, 50m, 3)],
        [SpotPayloads.MakerOrder("sell", 1605m, 100m, 2), SpotPayloads.MakerOrder("sell", 1610m, 50m, 4)]));

    private Dictionary<string, string> Env(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["FAIR_ANCHOR_LISTEN_ADDR"] = "127.0.0.1:0",
            ["FAIR_ANCHOR_API_BASE_URL"] = servers.Markets.Url.AbsoluteUri,
            ["FAIR_ANCHOR_RATE_APR"] = "0.2",
            ["FAIR_ANCHOR_CARRY_ABS"] = "2",
            ["FAIR_ANCHOR_CARRY_BPS"] = "5",

            // The fixed test clock never moves, so the 1 s cache is off here except in the test that is about it.
            ["FAIR_ANCHOR_CACHE_MS"] = "0",
        };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }

    private (string, string)[] WithStrails(params (string, string)[] extra) =>
    [
        ("FAIR_ANCHOR_STRAILS_API_URL", servers.Strails.Url.AbsoluteUri),
        ("FAIR_ANCHOR_STRAILS_API_KEY", StrailsKey),
        .. extra,
    ];

    private async Task<FairAnchorHost> Start(Dictionary<string, string> env, TimeProvider? clock = null)
    {
        var parsed = FairAnchorConfig.Parse(env);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        return await FairAnchorHost.StartAsync(parsed.Config!, clock ?? time, logs.Enqueue);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, string Raw)> Get(FairAnchorHost host, string pathAndQuery, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(host.Url, pathAndQuery));
        using var response = await servers.Client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(raw);
        return (response.StatusCode, doc.RootElement.Clone(), raw);
    }

    private static decimal ExpectedFair(decimal spot) =>
        Assert.IsType<FairValueOutcome.Valid>(FairValueFormula.Compute(spot, new FairValueParams(0.2m, 2m, 5m, new DateTimeOffset(2026, 4, 30, 0, 0, 0, TimeSpan.Zero)), Now)).Fair;

    private static void AssertFields(JsonElement body, params string[] names)
    {
        var present = body.EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var name in names)
        {
            Assert.Contains(name, present);
        }
    }

    private static readonly string[] PriceFields =
        ["price", "spot", "fair", "source", "market", "rate_apr", "carry_abs", "carry_bps", "t_years", "expiry_utc", "generated_at", "spot_source", "spot_age_seconds", "degraded"];

    private static readonly string[] HealthFields =
        ["ok", "spot", "fair", "source", "market", "expiry", "checked", "degraded", "fallback_active", "fallback_enabled", "spot_source", "spot_age_seconds"];

    [Fact]
    public async Task Futures_price_is_the_fair_value_of_the_spot_book_mid_in_the_trader_view()
    {
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env());

        var (status, body, _) = await Get(host, "price");

        Assert.Equal(HttpStatusCode.OK, status);
        AssertFields(body, PriceFields);
        Assert.Equal(1600m, body.GetProperty("spot").GetDecimal());
        var fair = ExpectedFair(1600m);
        Assert.Equal(fair, body.GetProperty("price").GetDecimal());
        Assert.Equal(fair, body.GetProperty("fair").GetDecimal());
        Assert.Equal(JsonValueKind.Number, body.GetProperty("price").ValueKind);
        Assert.Equal("spot_book_mid", body.GetProperty("source").GetString());
        Assert.Equal("spot_book_mid", body.GetProperty("spot_source").GetString());
        Assert.Equal(0m, body.GetProperty("spot_age_seconds").GetDecimal());
        Assert.False(body.GetProperty("degraded").GetBoolean());
        Assert.Equal(Futures, body.GetProperty("market").GetString());
        Assert.Equal(0.2m, body.GetProperty("rate_apr").GetDecimal());
        Assert.Equal(2m, body.GetProperty("carry_abs").GetDecimal());
        Assert.Equal(5m, body.GetProperty("carry_bps").GetDecimal());
        Assert.Equal(60m / 365m, body.GetProperty("t_years").GetDecimal());
        Assert.Equal("2026-04-30T00:00:00Z", body.GetProperty("expiry_utc").GetString());
        Assert.Equal("2026-03-01T00:00:00Z", body.GetProperty("generated_at").GetString());

        // Independent double-precision check of the number the bot will read.
        Assert.Equal((1600.0 * Math.Exp(0.2 * 60 / 365.0)) + 2 + 0.8, body.GetProperty("price").GetDouble(), 9);
        Assert.Contains(servers.Markets.Requests, r => r.Path == "/v1/book" && r.Query == "?symbol=USDCcNGN-SPOT");
    }

    [Fact]
    public async Task Explicit_futures_market_gives_the_same_answer_as_the_default()
    {
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env());
        var (status, body, _) = await Get(host, $"price?market={Futures}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ExpectedFair(1600m), body.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Book_levels_without_spot_contract_are_priced_as_one_over_the_engine_limit_price()
    {
        SetBook(SpotPayloads.Book(
            [SpotPayloads.MakerOrder("buy", 1250m, 10m, 1, withSpotContract: false)],
            [SpotPayloads.MakerOrder("sell", 1600m, 10m, 2, withSpotContract: false)]));
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env());
        var (_, body, _) = await Get(host, "price");
        Assert.Equal(1425m, body.GetProperty("spot").GetDecimal());
    }

    [Fact]
    public async Task Latest_trade_is_used_when_the_book_is_one_sided_and_its_age_is_reported()
    {
        SetBook(SpotPayloads.Book([SpotPayloads.MakerOrder("buy", 1595m, 100m, 1)], []));
        SetTrades(SpotPayloads.Trades(SpotPayloads.Trade(346, 1600m, 40000m, "buy", Ago(TimeSpan.FromSeconds(42.5)))));
        await using var host = await Start(Env());

        var (status, body, _) = await Get(host, "price");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1600m, body.GetProperty("spot").GetDecimal());
        Assert.Equal("spot_last_trade", body.GetProperty("source").GetString());
        Assert.Equal(42.5m, body.GetProperty("spot_age_seconds").GetDecimal());
        Assert.Equal(ExpectedFair(1600m), body.GetProperty("price").GetDecimal());
        Assert.Contains(servers.Markets.Requests, r => r.Path == "/v1/trades" && r.Query == "?symbol=USDCcNGN-SPOT&limit=1");
    }

    [Fact]
    public async Task A_trade_older_than_the_maximum_age_fails_closed()
    {
        SetBook(SpotPayloads.EmptyBook());
        SetTrades(SpotPayloads.Trades(SpotPayloads.Trade(346, 1600m, 40000m, "sell", Ago(TimeSpan.FromMinutes(10)))));
        await using var host = await Start(Env());

        var (status, body, raw) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("{\"error\":\"latest spot trade too old: 10m0s\"}\n", raw);

        var (hStatus, health, hRaw) = await Get(host, "healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, hStatus);
        Assert.Equal("{\"ok\":false,\"error\":\"latest spot trade too old: 10m0s\"}\n", hRaw);
        Assert.False(health.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Maximum_age_zero_serves_an_old_trade_with_its_age()
    {
        SetBook(SpotPayloads.EmptyBook());
        SetTrades(SpotPayloads.Trades(SpotPayloads.Trade(346, 1600m, 40000m, "sell", Ago(TimeSpan.FromHours(2)))));
        await using var host = await Start(Env(("FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS", "0")));
        var (status, body, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(7200m, body.GetProperty("spot_age_seconds").GetDecimal());
    }

    [Fact]
    public async Task An_undated_trade_is_served_as_degraded_with_unknown_age()
    {
        SetBook(SpotPayloads.EmptyBook());
        SetTrades(SpotPayloads.Trades(SpotPayloads.Trade(346, 1600m, 40000m, "sell", null)));
        await using var host = await Start(Env());
        var (status, body, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("spot_age_seconds").ValueKind);
        Assert.True(body.GetProperty("degraded").GetBoolean());

        var (_, health, _) = await Get(host, "healthz");
        Assert.True(health.GetProperty("degraded").GetBoolean());
        Assert.False(health.GetProperty("fallback_active").GetBoolean());
    }

    [Fact]
    public async Task Empty_book_and_no_trades_is_502_for_price_and_503_for_health()
    {
        SetBook(SpotPayloads.EmptyBook());
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env());

        var (status, _, raw) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("{\"error\":\"spot source unavailable: empty spot book and no trades\"}\n", raw);

        var (hStatus, _, hRaw) = await Get(host, "healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, hStatus);
        Assert.Equal("{\"ok\":false,\"error\":\"spot source unavailable: empty spot book and no trades\"}\n", hRaw);
    }

    [Fact]
    public async Task A_failing_trades_endpoint_is_reported_with_its_status()
    {
        SetBook(SpotPayloads.EmptyBook(), status: 500);
        SetTrades("{\"error\":\"failed to load trades\"}", status: 500);
        await using var host = await Start(Env());
        var (status, body, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("fetch spot trades: trades endpoint returned 500", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_malformed_trades_payload_is_reported_not_thrown()
    {
        SetBook("not json");
        SetTrades("{\"trades\":[{\"price\":0.000625,\"created_at\":\"x\"}]}");
        await using var host = await Start(Env());
        var (status, body, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("fetch spot trades: malformed trades payload: trades[0].price is not a string", body.GetProperty("error").GetString());
        Assert.Contains(logs, l => l.Contains("book endpoint returned malformed JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_trade_price_is_quoted_in_the_error()
    {
        SetBook(SpotPayloads.EmptyBook());
        SetTrades("{\"trades\":[{\"price\":\"abc\",\"created_at\":\"2026-03-01T00:00:00Z\"}]}");
        await using var host = await Start(Env());
        var (_, body, _) = await Get(host, "price");
        Assert.Equal("invalid spot trade price: \"abc\"", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_slow_markets_service_times_out_within_the_configured_budget()
    {
        SetBook(SpotPayloads.EmptyBook());
        SetTrades(SpotPayloads.NoTrades(), delay: TimeSpan.FromSeconds(10));
        await using var host = await Start(Env(("FAIR_ANCHOR_TIMEOUT_MS", "200")), TimeProvider.System);
        var started = DateTime.UtcNow;
        var (status, body, _) = await Get(host, "price");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("fetch spot trades: trades endpoint timed out after 200 ms", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unsupported_market_is_400_with_the_market_quoted()
    {
        await using var host = await Start(Env());
        var (status, _, raw) = await Get(host, "price?market=USDCcNGN-DEC31-2026");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("{\"error\":\"unsupported market \\\"USDCcNGN-DEC31-2026\\\"\"}\n", raw);
        Assert.Empty(servers.Markets.Requests);
    }

    [Fact]
    public async Task Allow_any_market_prices_other_markets_as_futures()
    {
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env(("FAIR_ANCHOR_ALLOW_ANY_MARKET", "true")));
        var (status, body, _) = await Get(host, "price?market=USDCcNGN-DEC31-2026");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("USDCcNGN-DEC31-2026", body.GetProperty("market").GetString());
        Assert.Equal(ExpectedFair(1600m), body.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Spot_market_without_strails_never_falls_back_to_the_own_book()
    {
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env());
        var (status, body, _) = await Get(host, $"price?market={Spot}");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("strails anchor is not configured and own-book fallback is disabled for the spot anchor", body.GetProperty("error").GetString());
        Assert.Empty(servers.Markets.Requests);
    }

    [Fact]
    public async Task Spot_market_with_strails_answers_the_strails_mid_with_zero_carry_fields()
    {
        SetStrails(SpotPayloads.StrailsBook([("1590", "active"), ("1598", "filled"), ("1594", "")], [("1612", "active"), ("1606", "active"), ("1601", "cancelled")]));
        await using var host = await Start(Env(WithStrails()));

        var (status, body, _) = await Get(host, $"price?market={Spot}");

        Assert.Equal(HttpStatusCode.OK, status);
        AssertFields(body, PriceFields);
        Assert.Equal(1600m, body.GetProperty("price").GetDecimal());
        Assert.Equal(1600m, body.GetProperty("spot").GetDecimal());
        Assert.Equal(1600m, body.GetProperty("fair").GetDecimal());
        Assert.Equal("strails_mid", body.GetProperty("source").GetString());
        Assert.Equal(Spot, body.GetProperty("market").GetString());
        Assert.Equal(0m, body.GetProperty("rate_apr").GetDecimal());
        Assert.Equal(0m, body.GetProperty("carry_abs").GetDecimal());
        Assert.Equal(0m, body.GetProperty("carry_bps").GetDecimal());
        Assert.Equal(0m, body.GetProperty("t_years").GetDecimal());
        Assert.Equal(string.Empty, body.GetProperty("expiry_utc").GetString());
        Assert.Equal("2026-03-01T00:00:00Z", body.GetProperty("generated_at").GetString());

        var request = Assert.Single(servers.Strails.Requests);
        Assert.Equal("/fx/orderbook", request.Path);
        Assert.Equal("?pair=CNGN-USDC&limit=10", request.Query);
        Assert.Equal(StrailsKey, request.Headers["x-api-key"]);
        Assert.Equal("application/json", request.Headers["accept"]);
        Assert.Empty(servers.Markets.Requests);
    }

    [Fact]
    public async Task Strails_pair_is_escaped_in_the_query()
    {
        SetStrails(SpotPayloads.StrailsBook([("1590", "active")], [("1610", "active")]));
        await using var host = await Start(Env(WithStrails(("FAIR_ANCHOR_STRAILS_PAIR", "CNGN/USDC X"))));
        await Get(host, $"price?market={Spot}");
        Assert.Equal("?pair=CNGN%2FUSDC%20X&limit=10", Assert.Single(servers.Strails.Requests).Query);
    }

    [Fact]
    public async Task Futures_use_the_strails_mid_when_it_is_configured()
    {
        SetStrails(SpotPayloads.StrailsBook([("1580", "active")], [("1620", "active")]));
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env(WithStrails()));
        var (_, body, _) = await Get(host, "price");
        Assert.Equal("strails_mid", body.GetProperty("source").GetString());
        Assert.Equal(ExpectedFair(1600m), body.GetProperty("price").GetDecimal());
    }

    [Theory]
    [InlineData("{\"data\":{\"buyOrders\":[],\"sellOrders\":[{\"price\":\"1610\",\"status\":\"active\"}]}}", 200, "strails book has an empty side")]
    [InlineData("{\"data\":{\"buyOrders\":[{\"price\":\"0.000625\"}],\"sellOrders\":[{\"price\":\"0.00063\"}]}}", 200, "strails prices implausible: bid 0.000625 ask 0.00063")]
    [InlineData("{\"data\":{\"buyOrders\":[{\"price\":\"1620\"}],\"sellOrders\":[{\"price\":\"1610\"}]}}", 200, "strails book is crossed: bid 1620 ask 1610")]
    [InlineData("{\"message\":\"unauthorized\"}", 401, "strails orderbook returned 401")]
    [InlineData("{\"data\":[]}", 200, "malformed strails orderbook payload: data is not an object")]
    public async Task Strails_failures_fail_the_spot_market_and_fall_back_to_the_book_for_futures(string strailsBody, int strailsStatus, string error)
    {
        SetStrails(strailsBody, strailsStatus);
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env(WithStrails()));

        var (spotStatus, spotBody, _) = await Get(host, $"price?market={Spot}");
        Assert.Equal(HttpStatusCode.BadGateway, spotStatus);
        Assert.Equal($"strails anchor unavailable and own-book fallback is disabled for the spot anchor: {error}", spotBody.GetProperty("error").GetString());

        var (futStatus, futBody, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.OK, futStatus);
        Assert.Equal("spot_book_mid", futBody.GetProperty("source").GetString());
        Assert.Contains(logs, l => l.Contains(error, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Contains(StrailsKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Guarded_fallback_answers_when_no_spot_source_works_and_is_flagged()
    {
        SetBook(SpotPayloads.EmptyBook());
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env(("FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED", "true"), ("FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE", "1580")));

        var (status, body, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("guarded_fallback", body.GetProperty("source").GetString());
        Assert.Equal(1580m, body.GetProperty("spot").GetDecimal());
        Assert.Equal(ExpectedFair(1580m), body.GetProperty("price").GetDecimal());
        Assert.True(body.GetProperty("degraded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("spot_age_seconds").ValueKind);

        var (hStatus, health, _) = await Get(host, "healthz");
        Assert.Equal(HttpStatusCode.OK, hStatus);
        AssertFields(health, HealthFields);
        Assert.True(health.GetProperty("ok").GetBoolean());
        Assert.True(health.GetProperty("degraded").GetBoolean());
        Assert.True(health.GetProperty("fallback_active").GetBoolean());
        Assert.True(health.GetProperty("fallback_enabled").GetBoolean());
        Assert.Equal("guarded_fallback", health.GetProperty("source").GetString());
        Assert.Contains(logs, l => l.Contains("using guarded fallback spot price 1580: spot source unavailable: empty spot book and no trades", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Healthz_reports_every_field_when_healthy()
    {
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        time.Advance(TimeSpan.FromTicks(1_234_500));
        await using var host = await Start(Env(("FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED", "true"), ("FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE", "1580")));

        var (status, body, _) = await Get(host, "healthz");

        Assert.Equal(HttpStatusCode.OK, status);
        AssertFields(body, HealthFields);
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Equal(1600m, body.GetProperty("spot").GetDecimal());
        Assert.Equal(
            Assert.IsType<FairValueOutcome.Valid>(FairValueFormula.Compute(1600m, new FairValueParams(0.2m, 2m, 5m, new DateTimeOffset(2026, 4, 30, 0, 0, 0, TimeSpan.Zero)), time.GetUtcNow())).Fair,
            body.GetProperty("fair").GetDecimal());
        Assert.Equal("spot_book_mid", body.GetProperty("source").GetString());
        Assert.Equal(Futures, body.GetProperty("market").GetString());
        Assert.Equal("2026-04-30T00:00:00Z", body.GetProperty("expiry").GetString());
        Assert.Equal("2026-03-01T00:00:00.12345Z", body.GetProperty("checked").GetString());
        Assert.False(body.GetProperty("degraded").GetBoolean());
        Assert.False(body.GetProperty("fallback_active").GetBoolean());
        Assert.True(body.GetProperty("fallback_enabled").GetBoolean());
        Assert.Equal(0m, body.GetProperty("spot_age_seconds").GetDecimal());
    }

    [Fact]
    public async Task An_unrepresentable_fair_value_is_500_for_price_and_503_for_health()
    {
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env(("FAIR_ANCHOR_RATE_APR", "1000")));

        var (status, _, raw) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("{\"error\":\"computed invalid fair value\"}\n", raw);

        var (hStatus, _, hRaw) = await Get(host, "healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, hStatus);
        Assert.Equal("{\"ok\":false,\"error\":\"computed invalid fair value\"}\n", hRaw);
    }

    [Fact]
    public async Task A_negative_fair_value_is_refused()
    {
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env(("FAIR_ANCHOR_CARRY_ABS", "-5000")));
        var (status, body, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("computed invalid fair value", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task After_expiry_the_fair_value_is_spot_plus_carry()
    {
        TwoSidedBook();
        SetTrades(SpotPayloads.NoTrades());
        await using var host = await Start(Env(("FAIR_ANCHOR_EXPIRY_UTC", "2026-02-01T00:00:00Z")));
        var (_, body, _) = await Get(host, "price");
        Assert.Equal(0m, body.GetProperty("t_years").GetDecimal());
        Assert.Equal(1600m + 2m + 0.8m, body.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Unknown_paths_are_404_and_other_methods_405()
    {
        await using var host = await Start(Env());
        var (notFound, _, nfRaw) = await Get(host, "nope");
        Assert.Equal(HttpStatusCode.NotFound, notFound);
        Assert.Equal("{\"error\":\"not found\"}\n", nfRaw);
        var (notAllowed, _, _) = await Get(host, "price", HttpMethod.Post);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, notAllowed);
    }

    [Fact]
    public async Task A_reader_that_throws_is_contained_as_a_source_error()
    {
        var parsed = FairAnchorConfig.Parse(Env());
        await using var host = await FairAnchorHost.StartAsync(parsed.Config!, time, logs.Enqueue, spotReader: new ThrowingReader());
        var (status, body, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("fetch spot trades: trades endpoint failed: boom", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Concurrent_requests_share_one_upstream_read_and_an_outage_is_logged_once()
    {
        // 1 s cache on the fixed test clock: everything below is inside one cache window until the clock moves.
        SetBook(SpotPayloads.Book([], []));
        SetTrades("[]", delay: TimeSpan.FromMilliseconds(200));
        await using var host = await Start(Env(("FAIR_ANCHOR_CACHE_MS", "1000")));
        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Get(host, "price")));
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.BadGateway, r.Status));
        Assert.Equal(1, servers.Markets.Requests.Count(r => r.Path == "/v1/book"));
        Assert.Single(logs, l => l.Contains("spot unavailable", StringComparison.Ordinal));

        // After the window a new read is made; the same outage is still not logged again.
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Get(host, "price")));
        Assert.Equal(2, servers.Markets.Requests.Count(r => r.Path == "/v1/book"));
        Assert.Single(logs, l => l.Contains("spot unavailable", StringComparison.Ordinal));

        // Recovery is one line too, and the answer is served from the new read.
        TwoSidedBook();
        time.Advance(TimeSpan.FromSeconds(1));
        var (status, body, _) = await Get(host, "price");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1600m, body.GetProperty("spot").GetDecimal());
        Assert.Single(logs, l => l.Contains("available again", StringComparison.Ordinal));
    }

    private sealed class ThrowingReader : ISpotMarketReader
    {
        public Task<Fetched<SpotBookTop>> GetSpotBookTopAsync(string spotSymbol, CancellationToken ct) => throw new InvalidOperationException("boom");

        public Task<Fetched<SpotTradeSample?>> GetLatestSpotTradeAsync(string spotSymbol, CancellationToken ct) => throw new InvalidOperationException("boom");
    }
}
