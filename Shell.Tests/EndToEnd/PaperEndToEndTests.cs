using System.Net;
using System.Text.RegularExpressions;
using MarketMaker.Core;
using MarketMaker.Shell.Observability;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>The bot against the paper exchange backed by a real PostgreSQL, exactly as in production.</summary>
public sealed partial class PaperEndToEndTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly string[] SpecMetrics =
    [
        "mm_bot_halted", "mm_bot_halt_reason", "mm_bot_ready", "mm_bot_open_bid_present", "mm_bot_open_ask_present",
        "mm_bot_anchor_freshness_age_seconds", "mm_bot_exchange_market_data_freshness_age_seconds", "mm_bot_balance_freshness_age_seconds",
        "mm_bot_order_cancels_total", "mm_bot_order_cancels_total_by_category", "mm_bot_fills_total", "mm_bot_partial_fills_total",
        "mm_bot_quote_age_seconds", "mm_bot_exchange_quote_age_seconds", "mm_bot_net_inventory", "mm_bot_live_quoted_spread_bps",
        "mm_bot_external_anchor_present", "mm_bot_external_anchor_age_seconds", "mm_bot_external_anchor_price",
        "mm_bot_external_anchor_refresh_total", "mm_bot_external_anchor_refresh_failures_total", "mm_bot_reference_source",
    ];

    [Fact]
    public async Task Bot_reaches_one_bid_and_one_ask_and_serves_every_metric()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("e2e"));
        await using var bot = RunningBot.Start(stack.BotEnv());
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "one bot bid and one bot ask on /v1/book");
        await bot.WaitForAsync(() => bot.Handle.Readiness.Current.Ready, "ready");

        using var http = new HttpClient();
        var endpoint = bot.Handle.HealthEndpoint!;
        var metrics = await http.GetStringAsync($"http://{endpoint}/metrics");
        foreach (var name in SpecMetrics.Concat(BotMetrics.AllNames))
        {
            Assert.True(new Regex("^" + Regex.Escape(name) + "[ {]", RegexOptions.Multiline).IsMatch(metrics), $"metric {name} is missing from /metrics");
        }

        Assert.Contains("mm_bot_ready 1", metrics);
        Assert.Contains("mm_bot_open_bid_present 1", metrics);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://{endpoint}/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://{endpoint}/healthz")).StatusCode);

        // The placed quotes are passive and inside the seeded 1590/1610 market.
        var last = bot.Handle.History.Last(o => o.Decision.Targets.Length == 2).Decision;
        var bid = last.Targets.Single(t => t.Side == Side.Buy);
        var ask = last.Targets.Single(t => t.Side == Side.Sell);
        Assert.InRange(bid.Price, 1590m, 1600m);
        Assert.InRange(ask.Price, 1600m, 1610m);

        Assert.Equal(0, await bot.StopAsync());
        Assert.Contains("shutdown summary uptime=", bot.Stdout);

        // A clean stop leaves the quotes resting.
        Assert.True(await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 });
    }

    [Fact]
    public async Task Bot_requotes_after_a_taker_fill()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("e2e"));
        await using var bot = RunningBot.Start(stack.BotEnv());
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "one bid and one ask");
        var (_, asks) = await stack.BotOrdersAsync();
        var oldAsk = asks[0];
        var placed = bot.Handle.History.SelectMany(o => o.Decision.Placements).Single(p => p.OrderId == oldAsk);

        // Another participant buys the whole ask.
        await stack.Exchange.Seeder.PlaceTraderOrderAsync(PaperStack.PaperCommandMarket, "buy", decimal.Round(placed.Price + 1m, 2), placed.Size, owner: "0x7a4e00000000000000000000000000000000beef", subaccountId: "77");
        await bot.WaitForAsync(() => bot.Handle.History.Any(o => o.Decision.Fills.Any(f => f.OrderId == oldAsk)), "the fill of our ask to be accounted");
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 } now && now.Asks[0] != oldAsk, "a new ask after the fill");
        var fill = bot.Handle.History.SelectMany(o => o.Decision.Fills).First(f => f.OrderId == oldAsk);
        Assert.Equal(Side.Sell, fill.Side);
        Assert.True(bot.Handle.Observer!.Summary.FillsSell >= 1);
    }

    [Fact]
    public async Task Restarted_bot_adopts_its_resting_quotes_instead_of_replacing_them()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("e2e"));
        List<string> before;
        await using (var first = RunningBot.Start(stack.BotEnv()))
        {
            await first.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "one bid and one ask");
            await first.CyclesAsync(2);
            Assert.Equal(0, await first.StopAsync());
            var (b, a) = await stack.BotOrdersAsync();
            before = [.. b, .. a];
        }

        await using var second = RunningBot.Start(stack.BotEnv());
        await second.CyclesAsync(3);
        var report = second.Handle.History.Select(o => o.Decision.Reconciliation).First(r => r is not null)!;
        Assert.Equal(before[0], report.AdoptedBidOrderId);
        Assert.Equal(before[1], report.AdoptedAskOrderId);
        Assert.Empty(report.CanceledOrderIds);
        Assert.All(second.Handle.History.Take(3), o => Assert.Empty(o.Decision.Placements));
        Assert.All(second.Handle.History.Take(3), o => Assert.Empty(o.Decision.Cancels));
        var (bids, asks) = await stack.BotOrdersAsync();
        Assert.Equal(before, [.. bids, .. asks]);
    }

    [Fact]
    public async Task Kill_switch_cancels_every_quote_and_holds_until_the_file_is_gone()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("e2e"));
        var killFile = Path.Combine(stack.Dir, "KILL");
        await using var bot = RunningBot.Start(stack.BotEnv(("MM_KILL_SWITCH_FILE", killFile)));
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "one bid and one ask");

        await File.WriteAllTextAsync(killFile, "stop");
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 0, Asks.Count: 0 }, "every bot order cancelled");
        Assert.Equal("kill switch active", bot.Handle.Readiness.Current.Reason);
        Assert.Contains(bot.Handle.History, o => o.Decision.Cancels.Any(c => c.Category == CancelCategory.KillSwitch));
        await bot.CyclesAsync(3);
        Assert.True(await stack.BotOrdersAsync() is { Bids.Count: 0, Asks.Count: 0 });
        using (var http = new HttpClient())
        {
            var ready = await http.GetAsync($"http://{bot.Handle.HealthEndpoint}/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("kill switch active", await ready.Content.ReadAsStringAsync());
        }

        File.Delete(killFile);
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "quoting again after the file is removed");
    }

    [Fact]
    public async Task Run_against_an_unreachable_exchange_keeps_running_and_reports_not_ready()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("e2e"));
        var env = stack.BotEnv(("MM_API_BASE_URL", "http://127.0.0.1:1"));
        await using var bot = RunningBot.Start(env);
        await bot.WaitForAsync(() => bot.Handle.HealthEndpoint is not null && !bot.Handle.Readiness.Current.Ready && bot.Handle.Readiness.Current.Reason.StartsWith("exchange market metadata unavailable", StringComparison.Ordinal), "not ready with the reason");
        await Task.Delay(1500);
        Assert.False(bot.Exit.IsCompleted);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://{bot.Handle.HealthEndpoint}/healthz")).StatusCode);
        var ready = await http.GetAsync($"http://{bot.Handle.HealthEndpoint}/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("exchange market metadata unavailable", await ready.Content.ReadAsStringAsync());
        Assert.Equal(0, await bot.StopAsync());
    }
}
