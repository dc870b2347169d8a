using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MarketMaker.PaperExchange;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Observability;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>A paper exchange (optionally on PostgreSQL) and the environment a bot needs to trade on it.</summary>
public sealed class PaperStack : IAsyncDisposable
{
    public const string Subaccount = "10";

    private PaperStack(PaperExchangeHost exchange, string keyHex, string? database, string dir)
    {
        Exchange = exchange;
        KeyHex = keyHex;
        Owner = EthKey.Parse(keyHex).Address.ToLowerInvariant();
        Database = database;
        Dir = dir;
    }

    public PaperExchangeHost Exchange { get; }

    public string KeyHex { get; }

    public string Owner { get; }

    public string? Database { get; }

    /// <summary>A private temporary folder (state file, kill switch, recordings).</summary>
    public string Dir { get; }

    public string StateFile => Path.Combine(Dir, "state.json");

    public static async Task<PaperStack> StartAsync(string? database, bool taker = false, decimal usdc = 500m, decimal cngn = 2_000_000m, bool seedBook = true)
    {
        var keyHex = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        var exchange = await PaperExchangeHost.StartAsync(new PaperExchangeOptions
        {
            Port = 0,
            DatabaseConnectionString = database,
            Funding = [AccountFunding.Spot(10, usdc, cngn)],
            TakerFlow = new() { Enabled = taker, FairPrice = 1600m, Interval = TimeSpan.FromMilliseconds(700) },
        });
        if (seedBook)
        {
            await exchange.Seeder.PlaceTraderOrderAsync(PaperCommandMarket, "buy", 1590m, 500m);
            await exchange.Seeder.PlaceTraderOrderAsync(PaperCommandMarket, "sell", 1610m, 500m);
        }

        var dir = Path.Combine(Path.GetTempPath(), "mm-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return new PaperStack(exchange, keyHex, database, dir);
    }

    public const string PaperCommandMarket = "USDCcNGN-SPOT";

    /// <summary>The bot's environment for this stack; <paramref name="extra"/> overrides.</summary>
    public Dictionary<string, string> BotEnv(params (string Key, string Value)[] extra)
    {
        var env = PaperCommand.BotEnvironment(new Dictionary<string, string>(), Exchange, "0x" + KeyHex, Subaccount);
        env["MM_DATABASE_URL"] = Database ?? "postgres://unused@127.0.0.1:1/unused";
        env["MM_MATCHING_REPO_PATH"] = Path.Combine(Dir, "no-repo");
        env["MM_RISK_CORE_REPO_PATH"] = Path.Combine(Dir, "no-repo");
        env["MM_STATE_FILE"] = StateFile;
        env["MM_METRICS_ADDR"] = "127.0.0.1:0";
        env["MM_POLL_INTERVAL_MS"] = "300";
        env["MM_QUOTE_REFRESH_INTERVAL_MS"] = "300";
        env["MM_STALE_MARKET_DATA_TIMEOUT_SECONDS"] = "3";
        env["MM_STALE_BALANCE_TIMEOUT_SECONDS"] = "3";
        env["MM_HTTP_TIMEOUT_MS"] = "1500";
        env["MM_DB_TIMEOUT_MS"] = "1500";
        env["MM_RPC_TIMEOUT_MS"] = "1500";
        env["MM_LOG_LEVEL"] = "DEBUG";
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }

    /// <summary>Our resting orders per trader side, read from the public <c>GET /v1/book</c> (engine view, translated by the id).</summary>
    public async Task<(List<string> Bids, List<string> Asks)> BotOrdersAsync(string symbol = PaperCommandMarket)
    {
        using var http = new HttpClient();
        var book = await http.GetFromJsonAsync<JsonElement>($"{Exchange.ApiUrl}/v1/book?symbol={symbol}");
        var bids = new List<string>();
        var asks = new List<string>();
        foreach (var list in new[] { "bids", "asks" })
        {
            foreach (var o in book.GetProperty(list).EnumerateArray())
            {
                var id = o.GetProperty("order_id").GetString()!;
                if (!id.StartsWith("mm:", StringComparison.Ordinal) || o.GetProperty("owner_address").GetString() != Owner)
                {
                    continue;
                }

                (id.Split(':')[2] == "buy" ? bids : asks).Add(id);
            }
        }

        return (bids, asks);
    }

    public async ValueTask DisposeAsync()
    {
        await Exchange.DisposeAsync();
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The bot running in-process (BotProcess, exactly as <c>mm-bot run</c>), with captured output.</summary>
public sealed class RunningBot : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    private RunningBot(Dictionary<string, string> env, WiringOverrides? overrides)
    {
        Handle = new BotHandle { Metrics = new BotMetrics(), Readiness = new ReadinessHolder(), HistoryLimit = 2000 };
        Exit = Task.Run(() => BotProcess.RunFromEnvironmentAsync(env, TextWriter.Synchronized(_out), TextWriter.Synchronized(_err), _stop.Token, overrides, Handle));
    }

    public BotHandle Handle { get; }

    public Task<int> Exit { get; }

    public string Stdout
    {
        get
        {
            lock (_out)
            {
                return _out.ToString();
            }
        }
    }

    public string Stderr => _err.ToString();

    public static RunningBot Start(Dictionary<string, string> env, WiringOverrides? overrides = null) => new(env, overrides);

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> and the bot's output.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < until)
        {
            if (Exit.IsCompleted)
            {
                throw new Xunit.Sdk.XunitException($"bot exited ({await Exit}) while waiting for {what}\nstdout:\n{Tail(Stdout)}\nstderr:\n{Stderr}");
            }

            if (await condition())
            {
                return;
            }

            await Task.Delay(150);
        }

        var last = Handle.History.LastOrDefault();
        var seen = $"readiness {Handle.Readiness.Current.Ready}/{Handle.Readiness.Current.Reason}; last decision halt {last?.Decision.Halt?.Reason ?? "none"} ({last?.Decision.Halt?.Detail}), skipped {last?.Decision.SyncSkipped ?? "-"}, source errors [{string.Join("; ", last?.SourceErrors ?? [])}]";
        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}\n{seen}\nstdout:\n{Tail(Stdout.Replace("DEBUG mm-bot: cycle timing", "", StringComparison.Ordinal))}\nstderr:\n{Stderr}");
    }

    public Task WaitForAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitForAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Waits for <paramref name="count"/> more cycles.</summary>
    public async Task CyclesAsync(int count)
    {
        var start = Handle.Observer?.Cycles ?? 0;
        await WaitForAsync(() => (Handle.Observer?.Cycles ?? 0) >= start + count, $"{count} cycles");
    }

    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Exit.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exit.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;
}
