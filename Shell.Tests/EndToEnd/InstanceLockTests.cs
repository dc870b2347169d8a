using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>
/// Issue 11 §2 end to end (docs/instances.md): two <c>mm-bot run</c> on one owner, subaccount and market against the
/// paper exchange on PostgreSQL. The first (the real executable) holds the advisory lock and quotes; the second is a
/// standby (<c>/readyz</c> 503 <c>standby: another instance holds the lock</c>, <c>mm_bot_standby 1</c>) that sends
/// nothing. After a SIGKILL of the active one the standby takes the lock, reconciles and adopts the resting quotes.
/// A sampler reads active_orders every 40 ms throughout: never more than one bot order per side.
/// </summary>
public sealed class StandbyTakeoverTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Two_bots_one_quotes_the_other_stands_by_and_takes_over_the_resting_quotes_after_a_sigkill()
    {
        var total = Stopwatch.StartNew();
        var database = await postgres.CreateDatabaseAsync("takeover");
        await using var stack = await PaperStack.StartAsync(database);
        using var sampling = new CancellationTokenSource();
        var sampler = InstanceRun.SampleAsync(database, stack.Owner, sampling.Token);

        // Two hosts: each its own state file.
        var log = new StringBuilder();
        using var active = CrashSafetyProcess.Start(stack.BotEnv(("MM_STATE_FILE", Path.Combine(stack.Dir, "a-state.json")), ("MM_LOG_LEVEL", "INFO")), log);
        await InstanceRun.UntilAsync(
            async () => active.Output.Contains("instance lock acquired", StringComparison.Ordinal) && await InstanceRun.LiveAsync(database, stack.Owner) is { Bids.Count: 1, Asks.Count: 1 },
            () => !active.Process.HasExited,
            "the first bot to hold the lock and quote",
            TimeSpan.FromSeconds(30),
            () => active.Output);
        var left = await InstanceRun.LiveAsync(database, stack.Owner);
        var firstQuoting = total.Elapsed;

        await using var standby = RunningBot.Start(stack.BotEnv(("MM_STATE_FILE", Path.Combine(stack.Dir, "b-state.json"))));
        await standby.WaitForAsync(() => standby.Handle.Readiness.Current.Reason == InstanceStatus.AnotherHoldsTheLock, "the second bot to stand by");
        await standby.CyclesAsync(5);
        using var http = new HttpClient();
        var readyz = await http.GetAsync($"http://{standby.Handle.HealthEndpoint}/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Contains(InstanceStatus.AnotherHoldsTheLock, await readyz.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1m, InstanceRun.Metric(await http.GetStringAsync($"http://{standby.Handle.HealthEndpoint}/metrics"), "mm_bot_standby"));
        Assert.Contains("standby: another instance holds the lock: standing by", standby.Stdout, StringComparison.Ordinal);

        // The standby decided (it would quote: its dry-run decisions have targets) but sent nothing: the active one's
        // two orders are the only bot orders, unchanged.
        var waiting = standby.Handle.History;
        Assert.All(waiting, o => Assert.True(o.Standby && o.Cancels.IsEmpty && o.Placements.IsEmpty && o.Decision.DryRun, "a standby cycle sent something"));
        Assert.Equal(InstanceRun.Ids(left), InstanceRun.Ids(await InstanceRun.LiveAsync(database, stack.Owner)));

        var killed = Stopwatch.StartNew();
        active.Process.Kill(entireProcessTree: true);
        await active.Process.WaitForExitAsync();
        var standbyCycles = waiting.Count;
        await standby.WaitForAsync(() => standby.Handle.History.Any(o => o.Instance is { IsActive: true }), "the standby to take the lock over", TimeSpan.FromSeconds(15));
        var tookOver = killed.Elapsed;
        await standby.WaitForAsync(
            async () => standby.Handle.Readiness.Current.Ready && await InstanceRun.LiveAsync(database, stack.Owner) is { Bids.Count: 1, Asks.Count: 1 },
            "the new active instance ready with one bid and one ask");
        var first = standby.Handle.History.First(o => o.Instance is { IsActive: true });

        // The take-over cycle reconciled and adopted the quotes the dead process left resting (no cancel, no new order).
        var reconciliation = first.Decision.Reconciliation;
        Assert.NotNull(reconciliation);
        Assert.Equal(left.Bids[0], reconciliation.AdoptedBidOrderId);
        Assert.Equal(left.Asks[0], reconciliation.AdoptedAskOrderId);
        Assert.Empty(reconciliation.CanceledOrderIds);
        Assert.Contains("instance lock acquired", standby.Stdout, StringComparison.Ordinal);
        Assert.Contains("reconciling the resting orders", standby.Stdout, StringComparison.Ordinal);
        Assert.Equal(InstanceRun.Ids(left), InstanceRun.Ids(await InstanceRun.LiveAsync(database, stack.Owner)));
        readyz = await http.GetAsync($"http://{standby.Handle.HealthEndpoint}/readyz");
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Equal(0m, InstanceRun.Metric(await http.GetStringAsync($"http://{standby.Handle.HealthEndpoint}/metrics"), "mm_bot_standby"));

        await sampling.CancelAsync();
        var (samples, maxBids, maxAsks) = await sampler;
        output.WriteLine($"standby cycles before the kill: {standbyCycles}; lock taken over {tookOver.TotalMilliseconds:0} ms after the SIGKILL (poll interval 300 ms); first bot quoting {firstQuoting.TotalSeconds:0.0} s after the start; samples: {samples}, most bot orders seen on one side: bids {maxBids}, asks {maxAsks}; test {total.Elapsed.TotalSeconds:0.0} s");
        Assert.True(samples > 20, $"only {samples} samples");
        Assert.True(maxBids <= 1 && maxAsks <= 1, $"{maxBids} bids / {maxAsks} asks of the bot resting at one moment");
        Assert.DoesNotContain("   at ", log + standby.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await standby.StopAsync());
    }
}

/// <summary>
/// Issue 11 §2, the lock lost (docs/instances.md): the backend of the lock's session is terminated
/// (<c>pg_terminate_backend</c> on application_name <c>mm-bot instance lock</c>) and the test holds the lock meanwhile.
/// The bot reports <c>instance lock lost</c>, places nothing while it does not hold the lock (even with both its quotes
/// cancelled from outside), and is active again, reconciled, with one bid and one ask once it re-acquires the lock.
/// </summary>
public sealed class InstanceLockLostTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task A_bot_whose_lock_session_is_terminated_reports_it_places_nothing_without_the_lock_and_resumes_when_it_holds_it_again()
    {
        var total = Stopwatch.StartNew();
        var database = await postgres.CreateDatabaseAsync("locklost");
        await using var stack = await PaperStack.StartAsync(database);
        await using var bot = RunningBot.Start(stack.BotEnv());
        await bot.WaitForAsync(async () => bot.Handle.Readiness.Current.Ready && await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "quoting with the lock");
        var key = PostgresInstanceLock.KeyFor(stack.Owner, PaperStack.Subaccount, PaperStack.PaperCommandMarket);

        // Terminate the lock's session and take the lock ourselves (retried until we hold it: the bot may win a round).
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        var terminated = 0;
        var held = false;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!held)
        {
            Assert.True(DateTime.UtcNow < until, "could not take the instance lock from the bot");
            await using (var kill = new NpgsqlCommand("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @app AND datname = current_database()", holder))
            {
                kill.Parameters.AddWithValue("app", PostgresInstanceLock.ApplicationName);
                terminated += (int)(long)(await kill.ExecuteScalarAsync())!;
            }

            // pg_try_advisory_lock until the terminated session is gone (it ends asynchronously).
            for (var i = 0; i < 20 && !held; i++)
            {
                await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@k)", holder);
                take.Parameters.AddWithValue("k", key);
                held = (bool)(await take.ExecuteScalarAsync())!;
                if (!held)
                {
                    await Task.Delay(25);
                }
            }
        }

        Assert.True(terminated >= 1, "no lock session was found to terminate");
        await bot.WaitForAsync(() => bot.Handle.History.Any(o => o.Instance?.Reason == InstanceStatus.LockLost), "the bot to report the lost lock");
        Assert.Contains("instance lock lost: standing by", bot.Stdout, StringComparison.Ordinal);
        await bot.WaitForAsync(() => bot.Handle.Readiness.Current.Reason == InstanceStatus.AnotherHoldsTheLock, "the bot to stand by while another session holds the lock");

        // Without the lock: cancel both quotes from outside. An active bot would place two new orders at once.
        // A quote a taker is matching at that moment ('matching') cannot be cancelled until the match ends: retry until
        // nothing of ours is live.
        var before = await InstanceRun.RowCountAsync(database, stack.Owner);
        var cancelUntil = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await InstanceRun.LiveAsync(database, stack.Owner) is var live && live.Bids.Count + live.Asks.Count > 0)
        {
            Assert.True(DateTime.UtcNow < cancelUntil, "could not cancel the bot's quotes from outside");
            foreach (var id in live.Bids.Concat(live.Asks))
            {
                await stack.Exchange.Orders.CancelUncheckedAsync(stack.Owner, id.Split(':')[3], "", CancellationToken.None);
            }

            await Task.Delay(20);
        }

        await bot.CyclesAsync(6);
        Assert.Equal(before, await InstanceRun.RowCountAsync(database, stack.Owner));
        Assert.Equal((0, 0), await InstanceRun.LiveCountAsync(database, stack.Owner));
        var withoutLock = bot.Handle.History.Where(o => o.Instance is { IsActive: false }).ToList();
        Assert.All(withoutLock, o => Assert.True(o.Placements.IsEmpty && o.Cancels.IsEmpty && o.Decision.DryRun && !o.Decision.Readiness.Ready, "a cycle without the lock sent something"));
        Assert.Contains(withoutLock, o => o.Decision.Placements.Length > 0);
        using var http = new HttpClient();
        var readyz = await http.GetAsync($"http://{bot.Handle.HealthEndpoint}/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Equal(1m, InstanceRun.Metric(await http.GetStringAsync($"http://{bot.Handle.HealthEndpoint}/metrics"), "mm_bot_standby"));

        // Release: the bot re-acquires within a poll interval or so, reconciles and quotes again.
        var released = Stopwatch.StartNew();
        await using (var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", holder))
        {
            unlock.Parameters.AddWithValue("k", key);
            Assert.True((bool)(await unlock.ExecuteScalarAsync())!);
        }

        await bot.WaitForAsync(async () => bot.Handle.Readiness.Current.Ready && await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "the bot active again with one bid and one ask");
        var back = bot.Handle.History.Last(o => o.Instance is { IsActive: false });
        var reacquired = bot.Handle.History.SkipWhile(o => !ReferenceEquals(o, back)).Skip(1).First();
        Assert.True(reacquired.Instance is { IsActive: true });
        Assert.NotNull(reacquired.Decision.Reconciliation);
        Assert.Equal(0m, InstanceRun.Metric(await http.GetStringAsync($"http://{bot.Handle.HealthEndpoint}/metrics"), "mm_bot_standby"));
        output.WriteLine($"lock sessions terminated: {terminated}; cycles without the lock: {withoutLock.Count}; active and quoting {released.Elapsed.TotalMilliseconds:0} ms after the release; test {total.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(0, await bot.StopAsync());
    }
}

/// <summary>
/// Issue 11 §3, the dead-man switch (docs/instances.md): the bot is SIGKILLed with MM_ORDER_EXPIRY_SECONDS=30; nobody
/// reads the book meanwhile, so it is the matcher's expiry sweep (markets-service-api.md §6.2: every tick expires
/// <c>expiry &lt;= now</c>) that takes the quotes out: <c>active</c> until their expiry, <c>expired</c> after one full
/// matcher tick past it, then gone from <c>GET /v1/book</c> and <c>expired</c> in <c>GET /v1/orders/{id}</c>.
/// </summary>
public sealed class DeadManExpiryTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task A_killed_bots_quotes_leave_the_book_within_their_expiry_and_one_matcher_tick()
    {
        var total = Stopwatch.StartNew();
        var database = await postgres.CreateDatabaseAsync("deadman");
        await using var stack = await PaperStack.StartAsync(database);
        var log = new StringBuilder();
        using var bot = CrashSafetyProcess.Start(stack.BotEnv(("MM_ORDER_EXPIRY_SECONDS", "30"), ("MM_LOG_LEVEL", "INFO")), log);
        await InstanceRun.UntilAsync(
            async () => await InstanceRun.LiveAsync(database, stack.Owner) is { Bids.Count: 1, Asks.Count: 1 },
            () => !bot.Process.HasExited,
            "one bid and one ask",
            TimeSpan.FromSeconds(30),
            () => bot.Output);
        var quoting = total.Elapsed;
        bot.Process.Kill(entireProcessTree: true);
        await bot.Process.WaitForExitAsync();

        var orders = await InstanceRun.ExpiriesAsync(database, stack.Owner);
        Assert.Equal(2, orders.Count);
        var now = stack.Exchange.Clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.All(orders, o => Assert.InRange(o.Expiry, now + 20, now + 31));
        var latest = orders.Max(o => o.Expiry);

        // Until just before its expiry each order rests (nobody cancels a dead bot's orders).
        var earliest = orders.Min(o => o.Expiry);
        await InstanceRun.UntilAsync(() => Task.FromResult(stack.Exchange.Clock.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(earliest) - TimeSpan.FromSeconds(1)), () => true, "one second before the first expiry", TimeSpan.FromSeconds(40), () => "");
        Assert.All(await InstanceRun.StatusesAsync(database, stack.Owner), s => Assert.Equal("active", s.Status));

        // The expiry has passed: one whole matcher tick later every order is expired (no GET /v1/book in between).
        await InstanceRun.UntilAsync(() => Task.FromResult(stack.Exchange.Clock.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(latest)), () => true, "the last expiry", TimeSpan.FromSeconds(40), () => "");
        var passedAt = Stopwatch.StartNew();
        var tick = stack.Exchange.Matcher.TickCount;
        await InstanceRun.UntilAsync(() => Task.FromResult(stack.Exchange.Matcher.TickCount >= tick + 2), () => true, "one whole matcher tick after the expiry", TimeSpan.FromSeconds(10), () => "");
        var statuses = await InstanceRun.StatusesAsync(database, stack.Owner);
        var lag = passedAt.Elapsed;
        Assert.All(statuses, s => Assert.Equal("expired", s.Status));
        Assert.Equal(orders.Count, statuses.Count);

        Assert.Equal((0, 0), (await stack.BotOrdersAsync()) is var book ? (book.Bids.Count, book.Asks.Count) : default);
        using var http = new HttpClient();
        foreach (var (id, _) in orders)
        {
            var status = await http.GetStringAsync($"{stack.Exchange.ApiUrl}/v1/orders/{Uri.EscapeDataString(id)}");
            Assert.Contains("\"status\":\"expired\"", status, StringComparison.Ordinal);
        }

        output.WriteLine($"expiries {string.Join(", ", orders.Select(o => o.Expiry))}; all expired {lag.TotalMilliseconds:0} ms after the last expiry second began (matcher tick 250 ms); quoting {quoting.TotalSeconds:0.0} s after the start; test {total.Elapsed.TotalSeconds:0.0} s");
    }
}

internal static class InstanceRun
{
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<bool> alive, string what, TimeSpan timeout, Func<string> output)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(alive(), $"mm-bot exited by itself while waiting for {what}:\n{Tail(output())}");
            Assert.True(watch.Elapsed < timeout, $"timed out waiting for {what}:\n{Tail(output())}");
            await Task.Delay(20);
        }
    }

    /// <summary>The bot's live (active or matching) order ids per trader side, from active_orders.</summary>
    public static async Task<(List<string> Bids, List<string> Asks)> LiveAsync(string database, string owner)
    {
        await using var conn = Connect(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT order_id FROM active_orders WHERE owner_address = @o AND order_id LIKE 'mm:%' AND status IN ('active','matching') ORDER BY order_id", conn);
        cmd.Parameters.AddWithValue("o", owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        var bids = new List<string>();
        var asks = new List<string>();
        while (await reader.ReadAsync())
        {
            var id = reader.GetString(0);
            (id.Split(':')[2] == "buy" ? bids : asks).Add(id);
        }

        return (bids, asks);
    }

    public static async Task<(int Bids, int Asks)> LiveCountAsync(string database, string owner)
    {
        var (bids, asks) = await LiveAsync(database, owner);
        return (bids.Count, asks.Count);
    }

    public static async Task<long> RowCountAsync(string database, string owner)
    {
        await using var conn = Connect(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM active_orders WHERE owner_address = @o", conn);
        cmd.Parameters.AddWithValue("o", owner);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<List<(string Id, long Expiry)>> ExpiriesAsync(string database, string owner)
    {
        await using var conn = Connect(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT order_id, expiry::bigint FROM active_orders WHERE owner_address = @o AND status IN ('active','matching') ORDER BY order_id", conn);
        cmd.Parameters.AddWithValue("o", owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    /// <summary>Every bot order's status (the ones placed before the kill: none is placed after).</summary>
    public static async Task<List<(string Id, string Status)>> StatusesAsync(string database, string owner)
    {
        await using var conn = Connect(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT order_id, status FROM active_orders WHERE owner_address = @o AND status <> 'cancelled' ORDER BY order_id", conn);
        cmd.Parameters.AddWithValue("o", owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    /// <summary>Reads active_orders every 40 ms: how many samples, and the most live bot orders seen on one side at once.</summary>
    public static async Task<(int Samples, int MaxBids, int MaxAsks)> SampleAsync(string database, string owner, CancellationToken ct)
    {
        var (samples, maxBids, maxAsks) = (0, 0, 0);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (bids, asks) = await LiveCountAsync(database, owner);
                samples++;
                maxBids = Math.Max(maxBids, bids);
                maxAsks = Math.Max(maxAsks, asks);
                await Task.Delay(40, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (samples, maxBids, maxAsks);
    }

    /// <summary>The value of an unlabelled metric in a Prometheus text exposition.</summary>
    public static decimal Metric(string exposition, string name)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return decimal.Parse(line[(name.Length + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"metric {name} not found");
    }

    /// <summary>An unpooled connection: a pooled one may be a session that a database fault terminated.</summary>
    private static NpgsqlConnection Connect(string database) => new(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);

    private static string Tail(string text) => text.Length > 8000 ? text[^8000..] : text;

    /// <summary>Order ids as one comparable line: <c>bids | asks</c>.</summary>
    public static string Ids((List<string> Bids, List<string> Asks) live) => string.Join(",", live.Bids) + " | " + string.Join(",", live.Asks);
}
