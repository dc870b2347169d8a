using MarketMaker.PaperExchange;
using MarketMaker.Protocol.Rpc;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Tests.FairAnchor;

namespace MarketMaker.Shell.Tests.Adapters;

/// <summary>
/// Each anchor provider against a real HTTP server on loopback (and the paper exchange's JSON-RPC for the
/// Chainlink feed). The safety rules that judge a reading (age, deviation, 3 agreeing fetches) live in the core.
/// </summary>
public sealed class AnchorAdapterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly HttpClient http = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider time = new(Now);
    private FakeJsonServer server = null!;

    public async Task InitializeAsync() => server = await FakeJsonServer.StartAsync();

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        http.Dispose();
    }

    [Fact]
    public async Task Fixed_anchor_returns_its_price_at_the_current_time()
    {
        var reading = await new FixedAnchor(1612.5m, time).FetchAsync(CancellationToken.None);
        Assert.Equal(1612.5m, reading.Price);
        Assert.Equal(Now, reading.ObservedAt);
    }

    [Theory]
    [InlineData("{\"price\":1601.25}", "1601.25")]
    [InlineData("{\"price\":\"1601.25\"}", "1601.25")]
    [InlineData("1601.25", "1601.25")]
    [InlineData("  1601.25\n", "1601.25")]
    public async Task Http_anchor_accepts_a_price_object_or_a_bare_number(string body, string expected)
    {
        server.Set("/price", 200, body);
        var reading = await new HttpAnchor(http, new Uri(server.Url, "price?market=OTHER&x=1").ToString(), "USDCcNGN-SEP16-2026", time).FetchAsync(CancellationToken.None);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), reading.Price);
        var request = Assert.Single(server.Requests);
        Assert.Contains("market=USDCcNGN-SEP16-2026", request.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("market=OTHER", request.Query, StringComparison.Ordinal);
        Assert.Contains("x=1", request.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, "{\"price\":1600}", "status 500")]
    [InlineData(200, "{\"error\":\"x\"}", "neither")]
    [InlineData(200, "not json", "neither")]
    [InlineData(200, "{\"price\":0}", "not positive")]
    [InlineData(200, "-5", "not positive")]
    public async Task Http_anchor_rejects_errors_malformed_bodies_and_non_positive_prices(int status, string body, string expected)
    {
        server.Set("/price", status, body);
        var e = await Assert.ThrowsAsync<AnchorException>(() => new HttpAnchor(http, new Uri(server.Url, "price").ToString(), "M", time).FetchAsync(CancellationToken.None));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal("http", e.SourceName);
    }

    [Fact]
    public async Task ZeroEx_anchor_prices_buy_over_sell_with_token_decimals_and_sends_the_v2_headers()
    {
        server.Set("/swap/permit2/price", 200, "{\"liquidityAvailable\":true,\"buyAmount\":\"1600500000\",\"sellAmount\":\"1000000\"}");
        var anchor = new ZeroExAnchor(http, server.Url.ToString(), 8453, "0xusdc", "0xcngn", "1000000", "secret-key", 6, 6, time);
        var reading = await anchor.FetchAsync(CancellationToken.None);
        Assert.Equal(1600.5m, reading.Price);
        var request = Assert.Single(server.Requests);
        Assert.Equal("v2", request.Headers["0x-version"]);
        Assert.Equal("secret-key", request.Headers["0x-api-key"]);
        Assert.Contains("chainId=8453", request.Query, StringComparison.Ordinal);
        Assert.Contains("sellAmount=1000000", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZeroEx_anchor_sends_no_key_header_without_a_key()
    {
        server.Set("/swap/permit2/price", 200, "{\"buyAmount\":\"1600000000\",\"sellAmount\":\"1000000\"}");
        await new ZeroExAnchor(http, server.Url.ToString(), 8453, "a", "b", "1000000", null, 6, 6, time).FetchAsync(CancellationToken.None);
        Assert.False(Assert.Single(server.Requests).Headers.ContainsKey("0x-api-key"));
    }

    [Theory]
    [InlineData(401, "{}", "status 401")]
    [InlineData(200, "{\"liquidityAvailable\":false}", "no liquidity")]
    [InlineData(200, "[1,2]", "not an object")]
    [InlineData(200, "{\"buyAmount\":\"1\",\"sellAmount\":\"0\"}", "sellAmount is zero")]
    [InlineData(200, "{\"zid\":\"x\"}", "neither buyAmount/sellAmount nor price")]
    [InlineData(200, "<html>", "not JSON")]
    [InlineData(200, "{\"buyAmount\":\"0\",\"sellAmount\":\"5\"}", "not positive")]
    public async Task ZeroEx_anchor_rejects_errors_and_malformed_answers_without_leaking_the_key(int status, string body, string expected)
    {
        server.Set("/swap/permit2/price", status, body);
        var e = await Assert.ThrowsAsync<AnchorException>(() => new ZeroExAnchor(http, server.Url.ToString(), 8453, "a", "b", "5", "secret-key", 6, 6, time).FetchAsync(CancellationToken.None));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chainlink_feed_over_json_rpc_gives_cngn_per_usdc_at_updated_at()
    {
        await using var paper = await PaperExchangeHost.StartAsync(new PaperExchangeOptions { Port = 0, MatcherEnabled = false, OracleAnswer = 80_000, OracleDecimals = 8 });
        var rpc = new JsonRpcClient(http, new Uri(paper.RpcUrl), "rpc", TimeSpan.FromSeconds(5));
        var reading = await new OracleExternalAnchor(new ChainlinkCngnFeed(rpc, paper.Addresses.OracleFeed)).FetchAsync(CancellationToken.None);
        Assert.Equal(1250m, reading.Price); // 10^8 / 80000
        Assert.InRange(reading.ObservedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Oracle_carry_carries_the_oracle_spot_to_expiry_and_refuses_an_old_value()
    {
        await using var paper = await PaperExchangeHost.StartAsync(new PaperExchangeOptions { Port = 0, MatcherEnabled = false, OracleAnswer = 62_500, OracleDecimals = 8 });
        var rpc = new JsonRpcClient(http, new Uri(paper.RpcUrl), "rpc", TimeSpan.FromSeconds(5));
        var feed = new ChainlinkCngnFeed(rpc, paper.Addresses.OracleFeed);
        var now = TimeProvider.System;

        var atExpiry = await new OracleCarryAnchor(feed, 0.10m, DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromHours(4), now).FetchAsync(CancellationToken.None);
        Assert.Equal(1600m, atExpiry.Price); // T = 0: fair = spot

        var inAYear = await new OracleCarryAnchor(feed, 0.10m, DateTimeOffset.UtcNow.AddDays(365), TimeSpan.FromHours(4), now).FetchAsync(CancellationToken.None);
        Assert.InRange(inAYear.Price, 1768.2m, 1768.4m); // 1600 × e^0.1

        paper.Oracle.Age = TimeSpan.FromHours(5);
        var e = await Assert.ThrowsAsync<AnchorException>(() => new OracleCarryAnchor(feed, 0.10m, DateTimeOffset.UtcNow.AddDays(30), TimeSpan.FromHours(4), now).FetchAsync(CancellationToken.None));
        Assert.Contains("old", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chainlink_feed_refuses_a_non_positive_answer()
    {
        await using var paper = await PaperExchangeHost.StartAsync(new PaperExchangeOptions { Port = 0, MatcherEnabled = false });
        paper.Oracle.SetAnswer(-5);
        var rpc = new JsonRpcClient(http, new Uri(paper.RpcUrl), "rpc", TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<AnchorException>(() => new OracleExternalAnchor(new ChainlinkCngnFeed(rpc, paper.Addresses.OracleFeed)).FetchAsync(CancellationToken.None));
        Assert.Contains("not positive", e.Message, StringComparison.Ordinal);
    }
}
