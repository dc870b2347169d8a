using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Shell.FairAnchor;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>Paper spot market → fair-anchor → the bot quoting the future around the fair value (http anchor).</summary>
public sealed class FairAnchorEndToEndTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private const string Future = "USDCcNGN-SEP16-2026";

    [Fact]
    public async Task Bot_quotes_the_future_around_the_fair_value_served_by_fair_anchor()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("fair"), usdc: 1_000_000m);
        var expiry = DateTimeOffset.UtcNow.AddDays(365).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var parsed = FairAnchorConfig.Parse(new Dictionary<string, string>
        {
            ["FAIR_ANCHOR_LISTEN_ADDR"] = "127.0.0.1:0",
            ["FAIR_ANCHOR_API_BASE_URL"] = stack.Exchange.ApiUrl,
            ["FAIR_ANCHOR_FUTURES_SYMBOL"] = Future,
            ["FAIR_ANCHOR_EXPIRY_UTC"] = expiry,
            ["FAIR_ANCHOR_RATE_APR"] = "0.10",
        });
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        await using var anchor = await FairAnchorHost.StartAsync(parsed.Config!, TimeProvider.System, _ => { });

        // The curl sanity check of the README.
        using var http = new HttpClient();
        var price = await http.GetFromJsonAsync<JsonElement>(new Uri(anchor.Url, $"price?market={Future}"));
        Assert.Equal("spot_book_mid", price.GetProperty("source").GetString());
        var spot = price.GetProperty("spot").GetDecimal();
        var fair = price.GetProperty("fair").GetDecimal();
        Assert.InRange(spot, 1599.99m, 1600.01m);
        Assert.InRange(fair, 1600m * 1.10m, 1600m * 1.11m); // 1600 × e^0.1 ≈ 1768.3

        await using var bot = RunningBot.Start(stack.BotEnv(
            ("MM_MARKET_SYMBOL", Future),
            ("MM_ANCHOR_SOURCE_TYPE", "http"),
            ("MM_ANCHOR_URL", new Uri(anchor.Url, "price").ToString()),
            ("MM_STALE_ANCHOR_TIMEOUT_SECONDS", "5"),
            ("MM_ORDER_SIZE", "2")));
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync(Future) is { Bids.Count: 1, Asks.Count: 1 }, "one bid and one ask on the future");

        var decision = bot.Handle.History.Last(o => o.Decision.Targets.Length == 2).Decision;
        Assert.Equal(ReferenceSource.Anchor, decision.ReferenceSource);
        Assert.InRange(decision.ReferencePrice!.Value, fair - 0.01m, fair + 0.01m);
        var bid = decision.Targets.Single(t => t.Side == Side.Buy);
        var ask = decision.Targets.Single(t => t.Side == Side.Sell);
        Assert.True(bid.Price < fair && fair < ask.Price, $"bid {bid.Price} fair {fair} ask {ask.Price}");
        Assert.Equal(decimal.Floor(bid.Price), bid.Price); // tick 1
        Assert.Equal(decimal.Floor(ask.Price), ask.Price);
        Assert.InRange(ask.Price - bid.Price, 1m, fair * 0.01m);
    }
}
