using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>
/// The real <c>mm-bot</c> executable killed with SIGKILL (counted, not sampled) on the paper exchange with PostgreSQL
/// and restarted: at random moments, between persisting the state and the order reaching the exchange (create_order
/// hangs), mid-gather (the book hangs) and mid-cancel (cancel_order hangs under the kill switch). Throughout, a
/// sampler reads active_orders every 40 ms: never more than one bot order per side for longer than two poll
/// intervals; at the end no (owner, nonce) was rejected or reused and no order is left that the bot does not cancel.
/// </summary>
public sealed class CrashSafetyTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public Task Sigkill_30_times_with_the_same_state_file_never_reuses_a_nonce_and_leaves_at_most_one_order_per_side() =>
        CrashRun.RunAsync(postgres, output, kills: 30, deleteStateFile: false);
}

/// <summary>The same with the state file deleted before every restart (nonces from the clock and the exchange's highest used nonce).</summary>
public sealed class CrashWithoutStateFileTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public Task Sigkill_10_times_with_the_state_file_deleted_never_reuses_a_nonce_and_leaves_at_most_one_order_per_side() =>
        CrashRun.RunAsync(postgres, output, kills: 10, deleteStateFile: true);
}

internal static class CrashRun
{
    private const int PollMs = 250;

    private enum KillKind
    {
        Random,
        BetweenPersistAndSend,
        MidGather,
        MidCancel,
    }

    public static async Task RunAsync(TestPostgres postgres, ITestOutputHelper output, int kills, bool deleteStateFile)
    {
        var database = await postgres.CreateDatabaseAsync(deleteStateFile ? "crashnostate" : "crash");
        await using var stack = await PaperStack.StartAsync(database, taker: true);
        var killSwitch = Path.Combine(stack.Dir, "kill-switch");
        var env = stack.BotEnv(
            ("MM_LOG_LEVEL", "INFO"),
            ("MM_POLL_INTERVAL_MS", PollMs.ToString(CultureInfo.InvariantCulture)),
            ("MM_QUOTE_REFRESH_INTERVAL_MS", PollMs.ToString(CultureInfo.InvariantCulture)),
            ("MM_CANCEL_STALE_ORDER_THRESHOLD_BPS", "1"),
            ("MM_MAX_CANCELS_PER_MINUTE", "0"),
            ("MM_STALE_MARKET_DATA_TIMEOUT_SECONDS", "5"),
            ("MM_STALE_BALANCE_TIMEOUT_SECONDS", "5"),
            ("MM_KILL_SWITCH_FILE", killSwitch));
        var rng = new Random(deleteStateFile ? 20261203 : 20261130);
        var log = new StringBuilder();
        var byKind = new Dictionary<KillKind, int>();
        var unsentNonces = new List<string>();
        var checkedRestarts = 0;

        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(database, stack.Owner, sampling.Token);
        for (var i = 0; i <= kills; i++)
        {
            if (deleteStateFile && i > 0)
            {
                File.Delete(stack.StateFile);
            }

            File.Delete(killSwitch);
            using var bot = CrashSafetyProcess.Start(env, log);
            var started = Stopwatch.StartNew();
            await Until(bot, () => Task.FromResult(bot.Output.Contains("startup reconciliation result", StringComparison.Ordinal)), "the restart's reconciliation", TimeSpan.FromSeconds(40));
            var reconciledAt = started.Elapsed;

            // Two cycles after the reconciliation: at most one live bot order per side.
            await Until(bot, () => Task.FromResult(started.Elapsed > reconciledAt + TimeSpan.FromMilliseconds((2 * PollMs) + 300)), "two cycles", TimeSpan.FromSeconds(5));
            var (bids, asks) = await LiveBySideAsync(database, stack.Owner);
            Assert.True(bids <= 1 && asks <= 1, $"restart {i}: {bids} live bids and {asks} live asks two cycles after the reconciliation\n{await RowsAsync(database, stack.Owner)}\n{Tail(bot.Output)}");
            checkedRestarts++;
            if (i == kills)
            {
                break;
            }

            var unsentBefore = unsentNonces.Count;
            var kind = (KillKind)(i % 4);
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
            switch (kind)
            {
                case KillKind.Random:
                    await Task.Delay(rng.Next(0, 2500));
                    break;
                case KillKind.BetweenPersistAndSend:
                    {
                        // The next placement hangs at the exchange: persisted, sent, never inserted. Force one by
                        // cancelling the bot's bid from outside.
                        await Until(bot, async () => (await LiveBySideAsync(database, stack.Owner)).Bids == 1, "a resting bid", TimeSpan.FromSeconds(20));
                        await stack.Exchange.Faults.SetAsync(new FaultRule(FaultTargets.CreateOrder, FaultKind.Hang) { Count = 1 });
                        await CancelOneBotOrderAsync(stack, database);
                        await Until(bot, () => Task.FromResult(!stack.Exchange.Faults.Active.Any(r => r.Target == FaultTargets.CreateOrder)), "the placement to reach the hanging exchange", TimeSpan.FromSeconds(20));
                        // The nonces of the hanging cycle that never reached active_orders must never appear later.
                        var state = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(stack.StateFile)).RootElement;
                        var bySide = state.GetProperty("last_nonce_by_side");
                        foreach (var side in new[] { "buy", "sell" })
                        {
                            var nonce = bySide.GetProperty(side).ToString();
                            if (!await NonceUsedAsync(database, stack.Owner, nonce))
                            {
                                unsentNonces.Add(nonce);
                            }
                        }

                        break;
                    }

                case KillKind.MidGather:
                    await stack.Exchange.Faults.SetAsync(new FaultRule(FaultTargets.Book, FaultKind.Hang) { Count = 1 });
                    await Until(bot, () => Task.FromResult(!stack.Exchange.Faults.Active.Any(r => r.Target == FaultTargets.Book)), "a cycle's gather to hang", TimeSpan.FromSeconds(20));
                    break;
                case KillKind.MidCancel:
                    await Until(bot, async () => await LiveBySideAsync(database, stack.Owner) is { Bids: 1 } or { Asks: 1 }, "a resting quote", TimeSpan.FromSeconds(20));
                    await stack.Exchange.Faults.SetAsync(new FaultRule(FaultTargets.CancelOrder, FaultKind.Hang) { Count = 1 });
                    await File.WriteAllTextAsync(killSwitch, "");
                    await Until(bot, () => Task.FromResult(!stack.Exchange.Faults.Active.Any(r => r.Target == FaultTargets.CancelOrder)), "a cancel to hang", TimeSpan.FromSeconds(20));
                    break;
            }

            bot.Process.Kill(entireProcessTree: true);
            await bot.Process.WaitForExitAsync();
            await stack.Exchange.Faults.ClearAllAsync();

            // Placements run side by side: the other side's order may still have been in flight when the state file
            // was read. One that reached the exchange before the kill is sent, not unsent; what stays out is checked.
            for (var u = unsentNonces.Count - 1; u >= unsentBefore; u--)
            {
                if (await NonceUsedAsync(database, stack.Owner, unsentNonces[u]))
                {
                    unsentNonces.RemoveAt(u);
                }
            }
        }

        // No orphan: under the kill switch the last bot cancels every order any of its predecessors left.
        using (var last = CrashSafetyProcess.Start(env, log))
        {
            await File.WriteAllTextAsync(killSwitch, "");
            await Until(last, async () => await LiveBySideAsync(database, stack.Owner) is { Bids: 0, Asks: 0 }, "every bot order cancelled under the kill switch", TimeSpan.FromSeconds(40));
            last.Process.Kill(entireProcessTree: true);
            await last.Process.WaitForExitAsync();
        }

        await sampling.CancelAsync();
        var overlap = await sampler;

        var text = log.ToString();
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*), count(DISTINCT nonce), coalesce(max(nonce), 0)::text, count(*) FILTER (WHERE nonce::text = ANY(@u)) FROM active_orders WHERE owner_address = @o", conn);
        cmd.Parameters.AddWithValue("o", stack.Owner);
        cmd.Parameters.AddWithValue("u", unsentNonces.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var rows = reader.GetInt64(0);
        var maxNonce = decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture);
        var unsentUsed = reader.GetInt64(3);
        var nextBase = decimal.Parse(System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(stack.StateFile)).RootElement.GetProperty("next_nonce_base").ToString(), CultureInfo.InvariantCulture);

        output.WriteLine($"kills: {kills} ({string.Join(", ", byKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}), state file {(deleteStateFile ? "deleted before every restart" : "kept")}");
        output.WriteLine($"restarts checked: {checkedRestarts}; bot orders placed: {rows}; rejected as duplicate (409): {stack.Exchange.Orders.DuplicatesRejected}; nonces persisted but never inserted: {unsentNonces.Count}, reused later: {unsentUsed}");
        output.WriteLine($"longest time with two bot orders on one side: {overlap.TotalMilliseconds:0} ms (limit {2 * PollMs} ms)");

        Assert.True(checkedRestarts == kills + 1, $"only {checkedRestarts} checks ran");
        Assert.Equal(0, stack.Exchange.Orders.DuplicatesRejected);
        Assert.DoesNotContain(" 409", text, StringComparison.Ordinal);
        Assert.DoesNotContain("duplicate", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.True(rows >= kills, $"only {rows} orders were placed across {kills} restarts");
        Assert.Equal(rows, reader.GetInt64(1));
        Assert.Equal(0, unsentUsed);
        Assert.True(nextBase > maxNonce, $"next_nonce_base {nextBase} <= highest nonce {maxNonce}");
        Assert.True(overlap <= TimeSpan.FromMilliseconds(2 * PollMs), $"two bot orders rested on one side for {overlap.TotalMilliseconds:0} ms");
    }

    private static async Task<bool> NonceUsedAsync(string database, string owner, string nonce)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM active_orders WHERE owner_address = @o AND nonce::text = @n", conn);
        cmd.Parameters.AddWithValue("o", owner);
        cmd.Parameters.AddWithValue("n", nonce);
        return (long)(await cmd.ExecuteScalarAsync())! > 0;
    }

    /// <summary>Cancels the bot's resting bid at the exchange, as another client could (the bot must place a new one).</summary>
    private static async Task CancelOneBotOrderAsync(PaperStack stack, string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT nonce::text FROM active_orders WHERE owner_address = @o AND order_id LIKE 'mm:%:buy:%' AND status = 'active' LIMIT 1", conn);
        cmd.Parameters.AddWithValue("o", stack.Owner);
        if (await cmd.ExecuteScalarAsync() is string nonce)
        {
            await stack.Exchange.Orders.CancelUncheckedAsync(stack.Owner, nonce, "", CancellationToken.None);
        }
    }

    /// <summary>The longest continuous stretch (between samples) with more than one live bot order on a side.</summary>
    private static async Task<TimeSpan> SampleAsync(string database, string owner, CancellationToken ct)
    {
        var longest = TimeSpan.Zero;
        var since = new Stopwatch?[2];
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (bids, asks) = await LiveBySideAsync(database, owner);
                foreach (var (side, count) in new[] { (0, bids), (1, asks) })
                {
                    if (count > 1)
                    {
                        since[side] ??= Stopwatch.StartNew();
                        longest = since[side]!.Elapsed > longest ? since[side]!.Elapsed : longest;
                    }
                    else
                    {
                        since[side] = null;
                    }
                }

                await Task.Delay(40, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return longest;
    }

    private static async Task Until(BotProcessRun bot, Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(bot.Process.HasExited, $"mm-bot exited by itself while waiting for {what}:\n{Tail(bot.Output)}");
            Assert.True(watch.Elapsed < timeout, $"timed out waiting for {what}:\n{Tail(bot.Output)}");
            await Task.Delay(20);
        }
    }

    private static string Tail(string text) => text.Length > 8000 ? text[^8000..] : text;

    private static async Task<string> RowsAsync(string database, string owner)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT order_id, status, filled_amount::text, desired_amount::text, created_at::text FROM active_orders WHERE owner_address = @o ORDER BY created_at DESC LIMIT 12", conn);
        cmd.Parameters.AddWithValue("o", owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        var sb = new StringBuilder();
        while (await reader.ReadAsync())
        {
            sb.AppendLine($"{reader.GetString(0)} {reader.GetString(1)} filled={reader.GetString(2)}/{reader.GetString(3)} at {reader.GetString(4)}");
        }

        return sb.ToString();
    }

    internal static async Task<(long Bids, long Asks)> LiveBySideAsync(string database, string owner)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FILTER (WHERE order_id LIKE 'mm:%:buy:%'), count(*) FILTER (WHERE order_id LIKE 'mm:%:sell:%') FROM active_orders WHERE owner_address = @o AND status IN ('active','matching')", conn);
        cmd.Parameters.AddWithValue("o", owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}

/// <summary>Starts the real executable, signals it, and reads what `mm-bot paper` prints.</summary>
public static partial class CrashSafetyProcess
{
    /// <summary>POSIX kill(2): sends <paramref name="signal"/> to <paramref name="pid"/>; 0 when it was sent.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);

    /// <summary>The paper exchange's API URL from `mm-bot paper`'s output, or null before it is printed.</summary>
    public static string? PaperApiUrl(string output) => PaperApiLine().Match(output) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"paper exchange: API (http://127\.0\.0\.1:\d+)")]
    private static partial Regex PaperApiLine();

    internal static BotProcessRun Start(Dictionary<string, string> env, StringBuilder sink, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mm-bot.dll"));
        foreach (var a in args.Length == 0 ? ["run"] : args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MM_", StringComparison.Ordinal) || k == "DATABASE_URL").ToList())
        {
            psi.Environment.Remove(key);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        return new BotProcessRun(Process.Start(psi)!, sink);
    }
}

/// <summary>A started mm-bot process with its output collected.</summary>
internal sealed class BotProcessRun : IDisposable
{
    private readonly StringBuilder _own = new();
    private readonly StringBuilder _sink;

    public BotProcessRun(Process process, StringBuilder sink)
    {
        Process = process;
        _sink = sink;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_own)
            {
                return _own.ToString();
            }
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_own)
        {
            _own.AppendLine(line);
        }

        lock (_sink)
        {
            _sink.AppendLine(line);
        }
    }
}

/// <summary>No private key, database password or API key in any output of an end-to-end run.</summary>
public sealed class SecretsEndToEndTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private const string DbPassword = "Db-Pa55word-Never-Printed";
    private const string ApiKey = "zeroex-api-key-never-printed";

    [Fact]
    public async Task No_secret_appears_in_logs_metrics_state_file_recording_or_help()
    {
        var database = await postgres.CreateDatabaseAsync("secrets");
        await using var stack = await PaperStack.StartAsync(database);
        var record = Path.Combine(stack.Dir, "session.jsonl");
        var env = stack.BotEnv(
            ("MM_DATABASE_URL", database + ";Password=" + DbPassword),
            ("MM_RECORD_FILE", record),
            ("MM_LOG_FORMAT", "json"),
            ("MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_API_KEY", ApiKey),
            ("MM_SOAK_LOG_INTERVAL_SECONDS", "1"));
        string metrics;
        string stdout;
        string stderr;
        await using (var bot = RunningBot.Start(env))
        {
            await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "quoting");
            await bot.CyclesAsync(3);
            using var http = new HttpClient();
            metrics = await http.GetStringAsync($"http://{bot.Handle.HealthEndpoint}/metrics");
            Assert.Equal(0, await bot.StopAsync());
            stdout = bot.Stdout;
            stderr = bot.Stderr;
        }

        // And a run that fails configuration: the errors name variables, never values.
        var bad = new StringBuilder();
        using (var failing = CrashSafetyProcess.Start(new Dictionary<string, string>(env) { ["MM_ORDER_SIZE"] = "-1", ["MM_API_BASE_URL"] = "not a url" }, bad))
        {
            await failing.Process.WaitForExitAsync();
            Assert.Equal(2, failing.Process.ExitCode);
        }

        var outputs = new Dictionary<string, string>
        {
            ["stdout"] = stdout,
            ["stderr"] = stderr,
            ["metrics"] = metrics,
            ["state file"] = await File.ReadAllTextAsync(stack.StateFile),
            ["recording"] = await File.ReadAllTextAsync(record),
            ["config error output"] = bad.ToString(),
            ["help"] = HelpText.General() + HelpText.Run(),
        };
        Assert.Contains("\"msg\":\"soak status", stdout);
        Assert.NotEmpty(outputs["recording"]);
        Assert.Contains("MM_ORDER_SIZE", outputs["config error output"]);
        foreach (var (what, text) in outputs)
        {
            Assert.False(text.Contains(stack.KeyHex, StringComparison.OrdinalIgnoreCase), $"{what} contains the private key");
            Assert.False(text.Contains(DbPassword, StringComparison.Ordinal), $"{what} contains the database password");
            Assert.False(text.Contains(ApiKey, StringComparison.Ordinal), $"{what} contains the API key");
        }
    }
}
