using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Matching;
using MarketMaker.PaperExchange.Storage;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>The matcher's timing: the <c>matching</c> window while the executor runs, and the periodic loop.</summary>
public sealed class PaperMatcherLoopTests
{
    private const string Other = "0x2000000000000000000000000000000000000002";

    [Fact]
    public async Task Pair_is_held_in_matching_while_the_executor_runs_so_cancel_is_404_and_the_book_hides_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var host = await PaperExchangeHost.StartAsync(PaperHosts.Options(null, clock) with { ExecutorLatency = TimeSpan.FromSeconds(3) });
        using var http = new HttpClient { BaseAddress = new Uri(host.ApiUrl) };
        Assert.Equal(201, (await http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("1", "sell"))).Status);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(201, (await http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("2", "buy", owner: Other))).Status);

        var tick = host.Matcher.RunTickAsync();
        await WaitUntil(async () => (await host.Store.GetOrderAsync("mm:USDCcNGN-SPOT:sell:1", default))!.Status == OrderStatus.Matching);

        var cancel = await http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner}\",\"nonce\":\"1\"}}");
        Assert.Equal((404, "active order not found"), (cancel.Status, cancel.Error));
        var book = await http.GetAsync2("/v1/book");
        Assert.Equal(0, book.Json.GetProperty("asks").GetArrayLength());
        Assert.Equal(0, book.Json.GetProperty("bids").GetArrayLength());
        Assert.Equal("matching", (await http.GetAsync2("/v1/orders/mm:USDCcNGN-SPOT:sell:1")).Json.GetProperty("status").GetString());

        while (!tick.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(tick, Task.Delay(20));
        }

        Assert.Contains(await tick, o => o.Kind == MatchOutcomeKind.Filled);
        Assert.Equal("filled", (await http.GetAsync2("/v1/orders/mm:USDCcNGN-SPOT:sell:1")).Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Matcher_loop_fills_one_pair_per_tick_on_its_own()
    {
        await using var host = await PaperExchangeHost.StartAsync(PaperHosts.Options(null, TimeProvider.System) with { MatcherEnabled = true, TickInterval = TimeSpan.FromMilliseconds(20) });
        using var http = new HttpClient { BaseAddress = new Uri(host.ApiUrl) };
        var fills = new List<long>();
        host.Matcher.Filled += f =>
        {
            lock (fills)
            {
                fills.Add(host.Matcher.TickCount);
            }
        };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(201, (await http.PostJsonAsync("/v1/orders", Bodies.SpotOrder($"1{i}", "sell", amount: "100"))).Status);
        }

        await Task.Delay(5);
        Assert.Equal(201, (await http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("20", "buy", amount: "300", owner: Other))).Status);
        await WaitUntil(async () => (await http.GetAsync2("/v1/trades")).Json.GetProperty("trades").GetArrayLength() == 3);
        lock (fills)
        {
            Assert.Equal(3, fills.Distinct().Count());
        }

        Assert.Equal("filled", (await http.GetAsync2("/v1/orders/mm:USDCcNGN-SPOT:buy:20")).Json.GetProperty("status").GetString());
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10 s");
            await Task.Delay(10);
        }
    }
}
