using System.Diagnostics;
using System.Globalization;
using System.Text;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Tests.Infrastructure;
using Npgsql;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>The real <c>mm-bot</c> executable killed with SIGKILL at random moments and restarted.</summary>
public sealed class CrashSafetyTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private const int Kills = 20;

    [Fact]
    public async Task Sigkill_at_20_random_moments_never_reuses_a_nonce_and_restarts_with_at_most_one_order_per_side()
    {
        var database = await postgres.CreateDatabaseAsync("crash");
        await using var stack = await PaperStack.StartAsync(database, taker: true);
        var env = stack.BotEnv(("MM_LOG_LEVEL", "INFO"), ("MM_POLL_INTERVAL_MS", "250"), ("MM_QUOTE_REFRESH_INTERVAL_MS", "250"), ("MM_CANCEL_STALE_ORDER_THRESHOLD_BPS", "1"), ("MM_MAX_CANCELS_PER_MINUTE", "0"));
        var rng = new Random(20261130);
        var output = new StringBuilder();
        var checkedRestarts = 0;
        for (var i = 0; i <= Kills; i++)
        {
            using var bot = Start(env, output);
            var killAt = TimeSpan.FromMilliseconds(rng.Next(150, 3500));
            var started = Stopwatch.StartNew();
            var reconciledAt = (TimeSpan?)null;
            var last = i == Kills;
            while (last ? reconciledAt is null || started.Elapsed < reconciledAt + TimeSpan.FromSeconds(2) : started.Elapsed < killAt)
            {
                Assert.False(bot.Process.HasExited, $"mm-bot exited by itself ({(bot.Process.HasExited ? bot.Process.ExitCode : 0)}):\n{bot.Output}");
                if (reconciledAt is null && bot.Output.Contains("startup reconciliation result", StringComparison.Ordinal))
                {
                    reconciledAt = started.Elapsed;
                }

                // Two cycles after the restart's reconciliation: at most one live bot order per side.
                if (reconciledAt is { } r && started.Elapsed > r + TimeSpan.FromMilliseconds(2 * 250 + 400))
                {
                    var (bids, asks) = await LiveBySideAsync(database, stack.Owner);
                    Assert.True(bids <= 1 && asks <= 1, $"restart {i}: {bids} live bids and {asks} live asks two cycles after the restart\n{await RowsAsync(database, stack.Owner)}\n{Tail(bot.Output)}");
                    checkedRestarts++;
                    if (last)
                    {
                        break;
                    }
                }

                await Task.Delay(50);
                Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), "the bot never reconciled:\n" + bot.Output);
            }

            bot.Process.Kill(entireProcessTree: true);
            await bot.Process.WaitForExitAsync();
        }

        var log = output.ToString();
        Assert.True(checkedRestarts >= 3, $"only {checkedRestarts} checks ran");
        Assert.DoesNotContain(" 409", log, StringComparison.Ordinal);
        Assert.DoesNotContain("duplicate", log, StringComparison.OrdinalIgnoreCase);

        // Every order the bot ever sent has its own nonce, and the state file is ahead of all of them.
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*), count(DISTINCT nonce), coalesce(max(nonce), 0)::text FROM active_orders WHERE owner_address = @o", conn);
        cmd.Parameters.AddWithValue("o", stack.Owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var rows = reader.GetInt64(0);
        Assert.True(rows >= Kills, $"only {rows} orders were placed across {Kills} restarts");
        Assert.Equal(rows, reader.GetInt64(1));
        var maxNonce = decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture);
        var state = await File.ReadAllTextAsync(stack.StateFile);
        var nextBase = System.Text.Json.JsonDocument.Parse(state).RootElement.GetProperty("next_nonce_base");
        Assert.True(decimal.Parse(nextBase.ToString(), CultureInfo.InvariantCulture) > maxNonce);
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

    private static async Task<(long Bids, long Asks)> LiveBySideAsync(string database, string owner)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FILTER (WHERE order_id LIKE 'mm:%:buy:%'), count(*) FILTER (WHERE order_id LIKE 'mm:%:sell:%') FROM active_orders WHERE owner_address = @o AND status IN ('active','matching')", conn);
        cmd.Parameters.AddWithValue("o", owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

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
        using (var failing = CrashSafetyTests.Start(new Dictionary<string, string>(env) { ["MM_ORDER_SIZE"] = "-1", ["MM_API_BASE_URL"] = "not a url" }, bad))
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
