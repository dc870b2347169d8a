using System.Net.Http.Json;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>
/// Issue 17: a side whose order was filled completely is placed again on the next cycle, whatever the refresh gate
/// (MM_QUOTE_REFRESH_INTERVAL_MS) says — the gate only holds back replacing orders that rest. Paper exchange on
/// PostgreSQL, the fill by another participant through <c>POST /admin/hit</c> over HTTP.
/// </summary>
public sealed class RequoteEndToEndTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task A_fully_filled_side_is_requoted_on_the_next_cycle_although_the_refresh_interval_has_not_elapsed()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("e2e"));
        // A gate of 10 minutes: in this test's life it never lets a resting order be replaced.
        await using var bot = RunningBot.Start(stack.BotEnv(("MM_QUOTE_REFRESH_INTERVAL_MS", "600000"), ("MM_LOG_LEVEL", "INFO")));
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "one bid and one ask");
        var (bids, asks) = await stack.BotOrdersAsync();
        var (bid, oldAsk) = (bids[0], asks[0]);

        // The gate is closed: cycles run and skip the sync for the resting quotes.
        await bot.WaitForAsync(() => bot.Handle.History.Any(o => o.Decision.SyncSkipped == "refresh_interval"), "a cycle held back by the refresh gate");

        using var http = new HttpClient();
        var hit = await http.PostAsJsonAsync($"{stack.Exchange.AdminUrl}/hit", new { order_id = oldAsk });
        Assert.True(hit.IsSuccessStatusCode, await hit.Content.ReadAsStringAsync());
        var fillOrder = (await hit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("order_id").GetString()!;

        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Asks.Count: 1 } now && now.Asks[0] != oldAsk, "a new ask after the full fill", TimeSpan.FromSeconds(10));

        // The taker's order took all of ours: nothing of it rests.
        var book = await http.GetFromJsonAsync<JsonElement>($"{stack.Exchange.ApiUrl}/v1/book?symbol={PaperStack.PaperCommandMarket}");
        Assert.DoesNotContain(book.GetProperty("bids").EnumerateArray().Concat(book.GetProperty("asks").EnumerateArray()), o => o.GetProperty("order_id").GetString() == fillOrder);

        // The new ask went out in the first cycle whose fresh live orders no longer held the old one (whatever cycle
        // accounted the fill), with no cancel: the resting bid was left alone, the gate still holds it.
        var history = bot.Handle.History;
        static bool Fresh(CycleOutcome o) => o.Snapshot.Orders is { FreshThisCycle: true, Value: not null };
        var lastSeen = history.Select((o, i) => (o, i)).Last(x => Fresh(x.o) && x.o.Snapshot.Orders.Value!.Items.Any(l => l.OrderId == oldAsk)).i;
        var gone = history.Select((o, i) => (o, i)).First(x => x.i > lastSeen && Fresh(x.o));
        var placed = gone.o.Decision.Placements.Where(p => p.Side == Side.Sell).ToList();
        Assert.True(placed.Count == 1, $"the cycle that first saw the ask gone placed {placed.Count} asks (sync skipped: {gone.o.Decision.SyncSkipped ?? "no"})");
        Assert.Null(gone.o.Decision.SyncSkipped);
        Assert.Empty(gone.o.Decision.Cancels);
        Assert.Contains(history.Take(gone.i + 1), o => o.Decision.Fills.Any(f => f.OrderId == oldAsk && f.Side == Side.Sell));
        Assert.All(history, o => Assert.DoesNotContain(o.Decision.Placements, p => p.Side == Side.Buy && p.OrderId != bid));
        Assert.Equal([bid], (await stack.BotOrdersAsync()).Bids);
    }
}
