using MarketMaker.Core;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>Shared steps of the WebSocket end-to-end tests: the bot on paper with the socket on, a taker fill of our ask.</summary>
internal static class WsE2e
{
    public const string Taker = "0x7a4e00000000000000000000000000000000beef";

    /// <summary>The bot's environment with the socket on; a short reconnect cap so outages end quickly in tests.</summary>
    /// <remarks>
    /// The refresh gate is 10 minutes: resting quotes are held, so the taker's crossing order (which moves the book
    /// mid until the matcher's next tick fills it) cannot make the bot replace the ask before it is filled. A filled
    /// side is missing, and a missing side is placed whatever the gate says (issue 17).
    /// </remarks>
    public static Dictionary<string, string> Env(PaperStack stack, int pollMs, params (string Key, string Value)[] extra) =>
        stack.BotEnv([("MM_POLL_INTERVAL_MS", pollMs.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("MM_QUOTE_REFRESH_INTERVAL_MS", "600000"), ("MM_WS_ENABLED", "true"), ("MM_WS_RECONNECT_MAX_MS", "1000"), .. extra]);

    public static async Task<(string Bid, string Ask)> TwoSidedAsync(PaperStack stack, RunningBot bot, string what)
    {
        (List<string> Bids, List<string> Asks) now = ([], []);
        await bot.WaitForAsync(async () => (now = await stack.BotOrdersAsync()) is { Bids.Count: 1, Asks.Count: 1 }, what);
        return (now.Bids[0], now.Asks[0]);
    }

    /// <summary>Another participant buys the whole of our ask <paramref name="askId"/>.</summary>
    public static async Task TakeAskAsync(PaperStack stack, RunningBot bot, string askId)
    {
        var placed = bot.Handle.History.SelectMany(o => o.Decision.Placements).Last(p => p.OrderId == askId);
        await stack.Exchange.Seeder.PlaceTraderOrderAsync(PaperStack.PaperCommandMarket, "buy", decimal.Round(placed.Price + 1m, 2), placed.Size, owner: Taker, subaccountId: "77");
    }

    /// <summary>The cycle that accounted the fill of <paramref name="orderId"/> (waits for it).</summary>
    public static async Task<CycleOutcome> FillCycleAsync(RunningBot bot, string orderId, TimeSpan? timeout = null)
    {
        await bot.WaitForAsync(() => bot.Handle.History.Any(o => o.Decision.Fills.Any(f => f.OrderId == orderId)), $"the fill of {orderId} to be accounted", timeout);
        return bot.Handle.History.First(o => o.Decision.Fills.Any(f => f.OrderId == orderId));
    }

    /// <summary>Waits for a new ask (not <paramref name="oldAsk"/>) resting beside one bid; returns the cycle that placed it.</summary>
    public static async Task<CycleOutcome> ReplacementAsync(PaperStack stack, RunningBot bot, string oldAsk, TimeSpan? timeout = null)
    {
        string? newAsk = null;
        await bot.WaitForAsync(
            async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 } now && (newAsk = now.Asks[0]) != oldAsk,
            "a new ask resting after the fill",
            timeout);
        return bot.Handle.History.Single(o => o.Decision.Placements.Any(p => p.OrderId == newAsk));
    }

    public static int Occurrences(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    public static void NoHaltSince(RunningBot bot, int fromCycle)
    {
        var halts = bot.Handle.History.Skip(fromCycle).Where(o => o.Decision.Halt is not null).Select(o => o.Decision.Halt!.Reason).ToList();
        Assert.True(halts.Count == 0, "no cycle may halt because of the socket; halts: " + string.Join(", ", halts));
    }
}

/// <summary>
/// The socket answers a fill without waiting for the poll (issue 14): with a 5 s poll interval the fill of our ask is
/// accounted and the ask replaced by cycles woken by the WebSocket (wake reason, not wall-clock, is what is asserted).
/// </summary>
public sealed class WsFillWakeEndToEndTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task A_fill_is_answered_by_a_socket_wake_not_by_the_poll()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("wsfill"));
        await using var bot = RunningBot.Start(WsE2e.Env(stack, 5000));
        var (_, oldAsk) = await WsE2e.TwoSidedAsync(stack, bot, "one bid and one ask");
        await bot.WaitForAsync(() => bot.Handle.Metrics.Ws.Connected == 1, "mm_bot_ws_connected 1");

        // A quiet market: once quoted, only the poll starts cycles (our own book changes wake nothing).
        var quiet = bot.Handle.History.Count;
        await bot.WaitForAsync(() => bot.Handle.History.Count > quiet, "one more (poll) cycle", TimeSpan.FromSeconds(15));
        Assert.All(bot.Handle.History.Skip(quiet), o => Assert.Equal(WakeReasons.Poll, o.Wake));

        // Right after a poll cycle the next poll is ~5 s away: the fill must be answered by socket wakes.
        var before = bot.Handle.History.Count;
        await WsE2e.TakeAskAsync(stack, bot, oldAsk);
        var fillCycle = await WsE2e.FillCycleAsync(bot, oldAsk);
        var replaced = await WsE2e.ReplacementAsync(stack, bot, oldAsk);

        Assert.Contains(fillCycle.Wake, new[] { WakeReasons.Orders, WakeReasons.Trades, WakeReasons.Book });
        Assert.Contains(replaced.Wake, new[] { WakeReasons.Orders, WakeReasons.Trades, WakeReasons.Book });
        Assert.Equal(Side.Sell, fillCycle.Decision.Fills.Single(f => f.OrderId == oldAsk).Side);
        Assert.DoesNotContain(bot.Handle.History.Skip(before), o => o.Wake == WakeReasons.Poll && o.Decision.Fills.Any(f => f.OrderId == oldAsk));
        Assert.True(bot.Handle.Metrics.Ws.Events("orders") >= 1, "the orders channel delivered our order's update");
        Assert.True(bot.Handle.Metrics.Ws.Wakeups(WakeReasons.Poll) >= 1);
        Assert.Equal(0, await bot.StopAsync());
    }
}

/// <summary>
/// The socket is never a single point of failure (issue 14): a dropped connection, silently dropped events and a
/// slow-consumer close change nothing but latency — the poll stays the truth, the feed reconnects and resubscribes.
/// </summary>
public sealed class WsOutageEndToEndTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Killing_the_socket_mid_run_changes_nothing_but_latency()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("wsdrop"));
        await using var bot = RunningBot.Start(WsE2e.Env(stack, 1000));
        var (_, oldAsk) = await WsE2e.TwoSidedAsync(stack, bot, "one bid and one ask");
        await bot.WaitForAsync(() => bot.Handle.Metrics.Ws.Connected == 1, "mm_bot_ws_connected 1");
        var from = bot.Handle.History.Count;
        var connections = bot.Handle.WsFeed!.Connections;

        // Every connection (the live one and each new attempt) is dropped until the fault is cleared.
        await stack.Exchange.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.DropConnection));
        await bot.WaitForAsync(() => bot.Handle.Metrics.Ws.Connected == 0, "mm_bot_ws_connected 0 after the drop");

        // While the socket is dead a fill is answered by the poll, and the book stays two-sided.
        await WsE2e.TakeAskAsync(stack, bot, oldAsk);
        var fillCycle = await WsE2e.FillCycleAsync(bot, oldAsk);
        var replaced = await WsE2e.ReplacementAsync(stack, bot, oldAsk);
        Assert.Equal(WakeReasons.Poll, fillCycle.Wake);
        Assert.Equal(WakeReasons.Poll, replaced.Wake);
        Assert.True(bot.Handle.Readiness.Current.Ready, "ready while the socket is down: " + bot.Handle.Readiness.Current.Reason);

        await stack.Exchange.Faults.ClearAsync(FaultTargets.Ws);
        await bot.WaitForAsync(() => bot.Handle.Metrics.Ws.Connected == 1, "reconnected after the fault is cleared");
        Assert.True(bot.Handle.Metrics.Ws.Reconnects >= 1, "the reconnect is counted");
        Assert.True(bot.Handle.WsFeed.Connections > connections);
        await WsE2e.TwoSidedAsync(stack, bot, "still one bid and one ask");
        WsE2e.NoHaltSince(bot, from);
        Assert.Equal(1, WsE2e.Occurrences(bot.Stdout, "websocket disconnected"));
        Assert.False(bot.Exit.IsCompleted);
        Assert.Equal(0, await bot.StopAsync());
    }

    [Fact]
    public async Task Silently_dropped_events_are_caught_up_by_the_poll()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("wsloss"));
        await using var bot = RunningBot.Start(WsE2e.Env(stack, 1000));
        var (_, oldAsk) = await WsE2e.TwoSidedAsync(stack, bot, "one bid and one ask");
        await bot.WaitForAsync(() => bot.Handle.Metrics.Ws.Connected == 1, "mm_bot_ws_connected 1");
        var from = bot.Handle.History.Count;

        // Every live event is lost (the connection stays up, nothing says so: seq gaps are normal).
        await stack.Exchange.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.DropEvents));
        await WsE2e.TakeAskAsync(stack, bot, oldAsk);
        var fillCycle = await WsE2e.FillCycleAsync(bot, oldAsk);
        var replaced = await WsE2e.ReplacementAsync(stack, bot, oldAsk);
        Assert.Equal(WakeReasons.Poll, fillCycle.Wake);
        Assert.Equal(WakeReasons.Poll, replaced.Wake);
        Assert.True(stack.Exchange.Events.DroppedByFault >= 1, "the exchange dropped events");
        Assert.Equal(1, bot.Handle.Metrics.Ws.Connected);
        await stack.Exchange.Faults.ClearAsync(FaultTargets.Ws);
        WsE2e.NoHaltSince(bot, from);
        Assert.Equal(0, await bot.StopAsync());
    }

    [Fact]
    public async Task A_slow_consumer_close_leads_to_a_fresh_subscribe()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("wsslow"));
        await using var bot = RunningBot.Start(WsE2e.Env(stack, 1000));
        await WsE2e.TwoSidedAsync(stack, bot, "one bid and one ask");
        await bot.WaitForAsync(() => bot.Handle.Metrics.Ws.Connected == 1, "mm_bot_ws_connected 1");
        var feed = bot.Handle.WsFeed!;
        var from = bot.Handle.History.Count;
        var (connections, subscribes, resumes) = (feed.Connections, feed.Subscribes, feed.Resumes);
        var bookEvents = bot.Handle.Metrics.Ws.Events("book");

        // The next frame queued closes the connection with 1013; another participant's order far from ours queues one.
        await stack.Exchange.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.SlowConsumer) { Count = 1 });
        await stack.Exchange.Seeder.PlaceTraderOrderAsync(PaperStack.PaperCommandMarket, "buy", 1500m, 10m, owner: WsE2e.Taker, subaccountId: "77");
        await bot.WaitForAsync(() => feed.Connections > connections && bot.Handle.Metrics.Ws.Connected == 1, "a new connection after the slow-consumer close");

        // After a slow-consumer close the feed takes fresh snapshots (no since_seq), not a replay that would overflow again.
        await bot.WaitForAsync(() => feed.Subscribes - subscribes >= 2, "book and trades subscribed again");
        Assert.Equal(resumes, feed.Resumes);
        await bot.WaitForAsync(() => bot.Handle.Metrics.Ws.Events("book") > bookEvents, "a book snapshot on the new connection");
        Assert.Contains("1013", bot.Stdout);
        Assert.True(bot.Handle.Metrics.Ws.Reconnects >= 1);
        await WsE2e.TwoSidedAsync(stack, bot, "still one bid and one ask");
        WsE2e.NoHaltSince(bot, from);
        Assert.Equal(0, await bot.StopAsync());
    }
}

/// <summary>Auth refused by the service (issue 14): polling only, one clear WARN, <c>mm_bot_ws_connected 0</c>, quoting goes on.</summary>
public sealed class WsAuthRefusedEndToEndTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Auth_refused_means_polling_only_one_warning_and_metric_zero()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("wsauth"));
        await stack.Exchange.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.RefuseAuth));
        await using var bot = RunningBot.Start(WsE2e.Env(stack, 500, ("MM_WS_RECONNECT_MAX_MS", "250")));
        var (_, oldAsk) = await WsE2e.TwoSidedAsync(stack, bot, "one bid and one ask (polling)");

        // It retries (every MM_WS_RECONNECT_MAX_MS) and is refused each time: one WARN, never connected.
        // The log is written asynchronously: wait for the line as well as for the connections.
        await bot.WaitForAsync(
            () => bot.Handle.WsFeed is { Connections: >= 3 } && bot.Stdout.Contains("websocket auth refused", StringComparison.Ordinal),
            "three refused connections and the auth WARN");
        var seen = bot.Handle.WsFeed!.Connections;
        await bot.WaitForAsync(() => bot.Handle.WsFeed.Connections >= seen + 2, "two more refused connections");
        Assert.Equal(0, bot.Handle.Metrics.Ws.Connected);
        Assert.Equal(1, WsE2e.Occurrences(bot.Stdout, "websocket auth refused"));
        Assert.Contains("signature does not match address", bot.Stdout);

        await WsE2e.TakeAskAsync(stack, bot, oldAsk);
        var fillCycle = await WsE2e.FillCycleAsync(bot, oldAsk);
        await WsE2e.ReplacementAsync(stack, bot, oldAsk);
        Assert.Equal(WakeReasons.Poll, fillCycle.Wake);
        Assert.Equal(0, bot.Handle.Metrics.Ws.Connected);
        WsE2e.NoHaltSince(bot, 0);
        Assert.Equal(0, await bot.StopAsync());
    }
}
