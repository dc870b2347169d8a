using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Participants;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Rpc;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Cycle;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using DeploymentAddresses = MarketMaker.Protocol.DeploymentAddresses;

namespace MarketMaker.Shell.Integration;

/// <summary>
/// <c>mm-bot integration</c> (behaviour.md §16, reference-bot.md §10): runs the live scenarios with the bot in process
/// (the production wiring and cycle, driven cycle by cycle) and a signed taker, against a real stack or, with
/// <c>--paper</c>, against an embedded paper exchange. Exit 0 only when every selected scenario passed; 2 on a
/// configuration error; 1 otherwise (a failed precondition aborts before anything is traded).
/// </summary>
public static class IntegrationCommand
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitConfigError = 2;

    public const string BotPaperSubaccount = "10";
    public const string TakerPaperSubaccount = "20";

    private const string Description = """
        Runs the live integration scenarios against the stack given by the bot's MM_* variables, with a second,
        signed participant (the taker) given by MM_INT_* variables. Every scenario first cancels the bot's and the
        taker's own orders and requires an empty book (an isolated market): nothing is traded otherwise.

        Harness variables:
          MM_INT_TAKER_OWNER_PRIVATE_KEY   taker owner key (required)
          MM_INT_TAKER_SUBACCOUNT_ID       taker subaccount id (required)
          MM_INT_TAKER_SIGNER_PRIVATE_KEY  taker signer key [default: the owner key]
          MM_INT_TAKER_OWNER_ADDRESS       taker owner address [default: the owner key's address]
          MM_INT_TAKER_SIGNER_ADDRESS      must match the signer key if set
          MM_INT_TAKER_RECIPIENT_ID        [default: the taker subaccount]
          MM_INT_TIMEOUT_SECONDS           time limit of each scenario [default: 120]
          MM_INT_POLL_INTERVAL_MS          how often the harness polls the exchange [default: 500]
          MM_INT_SCENARIO                  [default: happy]

        Exit code: 0 when every selected scenario passed, 1 when one failed or a precondition does not hold,
        2 for configuration errors (all listed).
        """;

    /// <summary>The <c>integration</c> command; <paramref name="onPaperExchange"/> sees the embedded exchange before any check (tests).</summary>
    public static Command Create(IReadOnlyDictionary<string, string> env, Func<PaperExchangeHost, Task>? onPaperExchange = null)
    {
        var scenario = new Option<string?>("--scenario")
        {
            Description = "happy, partial_fill, restart_under_open_order, stale_startup, duplicate_startup or all (default: MM_INT_SCENARIO, else happy)",
            HelpName = "NAME",
        };
        var report = new Option<string?>("--report") { Description = "write the JSON report there", HelpName = "PATH" };
        var paper = new Option<bool>("--paper")
        {
            Description = "run against an embedded paper exchange (generated keys, funded subaccounts, no real funds); the bot's and the taker's identity variables are set by the command",
        };
        var database = new Option<string?>("--database-url")
        {
            Description = "with --paper: keep the exchange's orders in this PostgreSQL (the bot reads its live orders from it as in production); default: in memory",
            HelpName = "URL",
        };
        database.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } url && !DatabaseUrl.TryParse(url, out _, out var why))
            {
                r.AddError("--database-url " + why);
            }
        });
        var verbose = new Option<bool>("--verbose") { Description = "print the bot's log lines" };
        var command = new Command("integration", Description) { scenario, report, paper, database, verbose };
        command.Validators.Add(r =>
        {
            if (r.GetResult(database) is { Implicit: false } && r.GetResult(paper) is not { Implicit: false })
            {
                r.AddError("--database-url is only for --paper (against a real stack the bot's MM_DATABASE_URL is used)");
            }
        });
        command.SetAction((parsed, ct) =>
        {
            var options = new IntegrationArgs
            {
                Scenario = parsed.GetValue(scenario),
                ReportPath = parsed.GetValue(report),
                Paper = parsed.GetValue(paper),
                DatabaseUrl = parsed.GetValue(database),
                Verbose = parsed.GetValue(verbose),
            };
            var (stdout, stderr) = (parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error);
            return options.Paper
                ? RunPaperAsync(options, env, stdout, stderr, ct, onPaperExchange)
                : RunConfiguredAsync(options, env, stdout, stderr, ct, "live", null);
        });
        return command;
    }

    public static Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        RunAsync(args, env, stdout, stderr, ct, null);

    /// <summary>As above; <paramref name="onPaperExchange"/> sees the embedded exchange before any check (tests).</summary>
    internal static Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct, Func<PaperExchangeHost, Task>? onPaperExchange) =>
        CommandLineRunner.InvokeSubcommandAsync(Create(env, onPaperExchange), args, stdout, stderr, ct);

    private static async Task<int> RunPaperAsync(IntegrationArgs options, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct, Func<PaperExchangeHost, Task>? onPaperExchange)
    {
        // Throwaway keys, only in this process; never printed.
        var botKeyHex = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var takerKeyHex = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var botKey = EthKey.Parse(botKeyHex);
        var takerKey = EthKey.Parse(takerKeyHex);
        string? connectionString = null;
        if (options.DatabaseUrl is { } url && DatabaseUrl.TryParse(url, out var parsed, out _))
        {
            connectionString = parsed!.ConnectionString;
        }

        var exchangeOptions = new PaperExchangeOptions
        {
            Port = 0,
            DatabaseConnectionString = connectionString,
            TickInterval = TimeSpan.FromMilliseconds(100),
            Funding =
            [
                AccountFunding.Spot(BigInteger.Parse(BotPaperSubaccount, CultureInfo.InvariantCulture), 500m, 2_000_000m),
                AccountFunding.Spot(BigInteger.Parse(TakerPaperSubaccount, CultureInfo.InvariantCulture), 1_000m, 5_000_000m),
            ],
            TakerFlow = new TakerFlowOptions { Enabled = false },
        };

        PaperExchangeHost exchange;
        try
        {
            exchange = await PaperExchangeHost.StartAsync(exchangeOptions, ct);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or System.Net.Sockets.SocketException or Npgsql.NpgsqlException)
        {
            await stderr.WriteLineAsync($"mm-bot integration: cannot start the paper exchange: {ex.Message}");
            return ExitFailed;
        }

        var stateDir = Path.Combine(Path.GetTempPath(), "mm-int-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(stateDir);
        try
        {
            await using (exchange)
            {
                if (onPaperExchange is not null)
                {
                    await onPaperExchange(exchange);
                }

                var e = PaperCommand.BotEnvironment(env, exchange, botKeyHex, BotPaperSubaccount);
                foreach (var name in new[] { IntegrationSettings.TakerSignerPrivateKey, IntegrationSettings.TakerOwnerAddressVar, IntegrationSettings.TakerSignerAddressVar, IntegrationSettings.TakerRecipientIdVar })
                {
                    e.Remove(name);
                }

                e["MM_STATE_FILE"] = Path.Combine(stateDir, "state.json");
                e["MM_DATABASE_URL"] = options.DatabaseUrl ?? "postgres://paper@127.0.0.1:1/in-memory-paper-store";
                e[IntegrationSettings.TakerOwnerPrivateKey] = takerKeyHex;
                e[IntegrationSettings.TakerSubaccountIdVar] = TakerPaperSubaccount;
                e.Remove("MM_RECORD_FILE");
                e.Remove("MM_KILL_SWITCH_FILE");

                // The isolated market has no book: the bot bootstraps from the exchange's NGN/USD oracle. Multipliers
                // of 1 keep the quotes the same once trades give a local reference, and the stale threshold is wide
                // enough that a trade at our own price does not replace the quotes.
                e.TryAdd("MM_POLL_INTERVAL_MS", "200");
                e.TryAdd("MM_QUOTE_REFRESH_INTERVAL_MS", "0");
                e.TryAdd("MM_CANCEL_STALE_ORDER_THRESHOLD_BPS", "50");
                e.TryAdd("MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_ENABLED", "true");
                e.TryAdd("MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_PROVIDER", "cngn-price-oracle");
                e.TryAdd("MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_FEED_ADDRESS", exchange.Addresses.OracleFeed);
                e.TryAdd("MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_SPREAD_MULTIPLIER", "1");
                e.TryAdd("MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_SIZE_MULTIPLIER", "1");
                e.TryAdd("MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_BOOTSTRAP_ONLY", "false");
                e.TryAdd(IntegrationSettings.PollIntervalMs, "100");
                e.TryAdd(IntegrationSettings.TimeoutSeconds, "60");

                PaperRouting? routing = null;
                if (options.DatabaseUrl is null)
                {
                    var store = exchange.Store;
                    routing = new PaperRouting(
                        new WiringOverrides(market => new PaperStoreLiveOrders(store, market, botKey.Address.ToLowerInvariant(), BotPaperSubaccount)),
                        market => new PaperStoreLiveOrders(store, market, takerKey.Address.ToLowerInvariant(), TakerPaperSubaccount));
                }

                await stdout.WriteLineAsync($"paper exchange: API {exchange.ApiUrl} chain {exchange.ChainId} store {(options.DatabaseUrl is null ? "memory" : "postgres")}; bot subaccount {BotPaperSubaccount} (owner {botKey.Address}), taker subaccount {TakerPaperSubaccount} (owner {takerKey.Address}); generated keys, no real funds");
                return await RunConfiguredAsync(options, e, stdout, stderr, ct, options.DatabaseUrl is null ? "paper-memory" : "paper-postgres", routing);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(stateDir, true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>How the paper command without a database reads live orders (from the exchange's own store).</summary>
    internal sealed record PaperRouting(WiringOverrides Bot, Func<MarketInfo, ILiveOrderSource> Taker);

    private static async Task<int> RunConfiguredAsync(IntegrationArgs options, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct, string mode, PaperRouting? routing)
    {
        // 1. Configuration: every problem of MM_* and MM_INT_* at once.
        var errors = new List<string>();
        Settings? settings = null;
        Settings.Load(env).Match(Succ: s => settings = s, Fail: es => errors.AddRange(es.Select(x => x.Message)));
        var intSettings = IntegrationSettings.Load(env, options.Scenario, errors);
        DeploymentAddresses? addresses = null;
        if (settings is not null)
        {
            try
            {
                addresses = BotWiring.ResolveAddresses(settings, env);
                if (addresses.Cash is null)
                {
                    errors.Add($"no cash (USDC) asset address is known for chain {settings.ChainId}; balances cannot be mapped");
                }
            }
            catch (DeploymentException ex)
            {
                errors.AddRange(ex.Errors.Select(x => x.ToString()));
            }
        }

        if (errors.Count > 0 || settings is null || intSettings is null || addresses is null)
        {
            foreach (var e in errors)
            {
                await stderr.WriteLineAsync(e);
            }

            return ExitConfigError;
        }

        var started = DateTimeOffset.UtcNow;
        var report = new JsonObject
        {
            ["started_at"] = started.ToString("O", CultureInfo.InvariantCulture),
            ["mode"] = mode,
            ["market"] = settings.Bot.MarketSymbol,
            ["bot_owner"] = settings.OwnerAddress,
            ["bot_subaccount"] = settings.SubaccountId,
            ["taker_owner"] = intSettings.TakerOwnerAddress,
            ["taker_subaccount"] = intSettings.TakerSubaccountId,
            ["scenarios_selected"] = new JsonArray([.. intSettings.Scenarios.Select(x => (JsonNode?)JsonValue.Create(x))]),
        };
        var preconditions = new JsonArray();
        var results = new JsonArray();
        report["preconditions"] = preconditions;
        report["scenarios"] = results;

        using var logs = new LineLoggerProvider(stdout, LogLevel.Information, settings.LogFormat, TimeProvider.System);
        using var loggerFactory = options.Verbose
            ? LoggerFactory.Create(b => b.ClearProviders().SetMinimumLevel(LogLevel.Information).AddProvider(logs))
            : NullLoggerFactory.Instance;
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var markets = new MarketsClient(http, new Uri(settings.ApiBaseUrl.TrimEnd('/') + "/"), settings.HttpTimeout);
        var passed = false;
        PostgresOrders? takerPg = null;
        try
        {
            // 2. Preconditions: services, funding, isolation. A failure aborts before anything is traded.
            var harness = await PreconditionsAsync(settings, intSettings, addresses, markets, http, loggerFactory, routing, preconditions, stdout, ct, pg => takerPg = pg);

            // 3. The scenarios, one after the other, each with its own time limit.
            passed = true;
            foreach (var name in intSettings.Scenarios)
            {
                var clock = Stopwatch.StartNew();
                var result = new JsonObject { ["scenario"] = name };
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                limit.CancelAfter(intSettings.Timeout);
                try
                {
                    var summary = await Scenarios.RunAsync(name, harness, limit.Token);
                    result["passed"] = true;
                    result["duration_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
                    result["summary"] = summary;
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"PASS {name} ({clock.Elapsed.TotalSeconds:0.0}s): {summary["key"]}"));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Any error of a scenario (the bot's cycle included) fails it; the next scenario still runs.
                    passed = false;
                    var message = ex switch
                    {
                        OperationCanceledException => $"timed out after {intSettings.Timeout.TotalSeconds:0} s (MM_INT_TIMEOUT_SECONDS)",
                        ScenarioFailedException or PreconditionFailedException => ex.Message,
                        _ => $"{ex.GetType().Name}: {ex.Message}",
                    };
                    result["passed"] = false;
                    result["duration_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
                    result["error"] = message;
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"FAIL {name} ({clock.Elapsed.TotalSeconds:0.0}s): {message}"));
                }

                results.Add(result);
                await stdout.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            passed = false;
            report["aborted"] = "interrupted";
            await stderr.WriteLineAsync("mm-bot integration: interrupted; quotes of the bot may be left resting (the next run cancels them)");
        }
        catch (PreconditionFailedException ex)
        {
            report["aborted"] = ex.Message;
            await stderr.WriteLineAsync($"mm-bot integration: precondition {ex.Check} failed, nothing was traded: {ex.Message}");
        }
        finally
        {
            if (takerPg is not null)
            {
                await takerPg.DisposeAsync();
            }
        }

        report["passed"] = passed;
        report["duration_seconds"] = Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds, 3);
        var count = results.Count;
        var ok = results.Count(r => r?["passed"]?.GetValue<bool>() == true);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"integration: {ok}/{intSettings.Scenarios.Count} scenarios passed{(count < intSettings.Scenarios.Count ? " (aborted before the scenarios)" : "")} in {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0}s"));
        if (options.ReportPath is { } path)
        {
            try
            {
                await File.WriteAllTextAsync(path, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
                await stdout.WriteLineAsync("integration: report written to " + path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"mm-bot integration: cannot write the report {path}: {ex.Message}");
                return ExitFailed;
            }
        }

        return passed ? ExitOk : ExitFailed;
    }

    private static async Task<Harness> PreconditionsAsync(
        Settings s,
        IntegrationSettings i,
        DeploymentAddresses addresses,
        MarketsClient markets,
        HttpClient http,
        ILoggerFactory logs,
        PaperRouting? routing,
        JsonArray checks,
        TextWriter stdout,
        CancellationToken ct,
        Action<PostgresOrders> ownTakerPg)
    {
        async Task<T> Check<T>(string name, string fix, Func<Task<(T Value, string Detail)>> run)
        {
            try
            {
                var (value, detail) = await run();
                checks.Add(new JsonObject { ["check"] = name, ["ok"] = true, ["detail"] = detail });
                await stdout.WriteLineAsync($"ok   {name}: {detail}");
                return value;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var message = ex is PreconditionFailedException ? ex.Message : $"{ex.Message}; {fix}";
                checks.Add(new JsonObject { ["check"] = name, ["ok"] = false, ["detail"] = message });
                await stdout.WriteLineAsync($"FAIL {name}: {message}");
                throw ex as PreconditionFailedException ?? new PreconditionFailedException(name, message);
            }
        }

        var market = await Check("markets_service", "start the markets-service or fix MM_API_BASE_URL (and MM_MARKET_SYMBOL)", async () =>
        {
            var m = MarketInfo.Find(await markets.GetMarketsAsync(ct), s.Bot.MarketSymbol);
            return (m, $"reachable, market {m.Spec.Symbol} listed (asset {m.AssetAddress}, sub id {m.SubId})");
        });

        ILiveOrderSource takerOrders;
        if (routing is not null)
        {
            takerOrders = routing.Taker(market);
            checks.Add(new JsonObject { ["check"] = "postgres", ["ok"] = true, ["detail"] = "not used: the paper exchange's in-memory store" });
        }
        else
        {
            var pg = PostgresOrders.Create(s.Database.ConnectionString, s.DbTimeout);
            ownTakerPg(pg);
            takerOrders = new PostgresLiveOrders(pg, market.Spec, new OrderScope(i.TakerOwnerAddress, i.TakerSubaccountId, market.AssetAddress, market.SubId));
            await Check("postgres", "start PostgreSQL or fix MM_DATABASE_URL (the markets-service database)", async () =>
            {
                var live = await takerOrders.FetchLiveAsync(ct);
                return (live, $"reachable, taker has {live.Length} open orders");
            });
        }

        var rpc = new JsonRpcClient(http, new Uri(s.RpcUrl), "rpc", s.RpcTimeout);
        await Check("rpc", "start the JSON-RPC node or fix MM_RPC_URL / MM_CHAIN_ID", async () =>
        {
            var result = await rpc.CallAsync("eth_chainId", [], "eth_chainId", ct);
            var text = result.GetString() ?? "";
            var chain = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? long.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : -1;
            if (chain != s.ChainId)
            {
                throw new PreconditionFailedException("rpc", $"the RPC node is on chain {chain}, MM_CHAIN_ID is {s.ChainId}; point MM_RPC_URL at the right chain");
            }

            return (chain, $"reachable, chain {chain}");
        });

        var assets = BotWiring.BalanceAssetsFor(market, addresses.Cash!);
        var spec = market.Spec;
        await Check("bot_funded", $"fund the bot's subaccount {s.SubaccountId} with {spec.BaseAsset} and {spec.QuoteAsset}", async () =>
        {
            var b = await new ChainBalances(rpc, addresses.SubAccounts, BigInteger.Parse(s.SubaccountId, CultureInfo.InvariantCulture), assets).FetchAsync(ct);
            if (b.QuoteTotal <= 0m || (spec.IsSpot && b.BaseTotal < s.Bot.OrderSize))
            {
                throw new PreconditionFailedException("bot_funded", string.Create(CultureInfo.InvariantCulture, $"the bot's subaccount {s.SubaccountId} is not funded: {spec.BaseAsset} {b.BaseTotal}, {spec.QuoteAsset} {b.QuoteTotal} (needs {spec.QuoteAsset} > 0{(spec.IsSpot ? $" and {spec.BaseAsset} >= MM_ORDER_SIZE {s.Bot.OrderSize}" : "")}); deposit to it before running"));
            }

            return (b, string.Create(CultureInfo.InvariantCulture, $"subaccount {s.SubaccountId}: {spec.BaseAsset} {b.BaseTotal}, {spec.QuoteAsset} {b.QuoteTotal}"));
        });

        var takerBalances = new ChainBalances(rpc, addresses.SubAccounts, BigInteger.Parse(i.TakerSubaccountId, CultureInfo.InvariantCulture), assets);
        await Check("taker_funded", $"fund the taker's subaccount {i.TakerSubaccountId} (MM_INT_TAKER_SUBACCOUNT_ID) with {spec.QuoteAsset}", async () =>
        {
            var b = await takerBalances.FetchAsync(ct);
            if (b.QuoteTotal <= 0m)
            {
                throw new PreconditionFailedException("taker_funded", string.Create(CultureInfo.InvariantCulture, $"the taker's subaccount {i.TakerSubaccountId} is not funded: {spec.BaseAsset} {b.BaseTotal}, {spec.QuoteAsset} {b.QuoteTotal} (it buys from the bot's ask and needs {spec.QuoteAsset}); deposit to it before running"));
            }

            return (b, string.Create(CultureInfo.InvariantCulture, $"subaccount {i.TakerSubaccountId}: {spec.BaseAsset} {b.BaseTotal}, {spec.QuoteAsset} {b.QuoteTotal}"));
        });

        var takerGateway = new MarketsOrderGateway(markets, spec, HarnessParts.TakerIdentity(s, i, market, addresses), TimeProvider.System);
        var harness = new Harness
        {
            Settings = s,
            Int = i,
            Addresses = addresses,
            Market = market,
            Markets = markets,
            Http = http,
            Taker = new TakerClient(takerGateway, takerOrders, takerBalances, i.TakerOwnerAddress, i.TakerSubaccountId),
            Logs = logs,
            BotOverrides = routing?.Bot,
        };

        // Postgres through the bot's own wiring (its scope), then isolation: own orders canceled, book empty.
        if (routing is null)
        {
            await Check("bot_orders", "start PostgreSQL or fix MM_DATABASE_URL", async () =>
            {
                await using var bot = harness.StartBot();
                var live = await bot.LiveAsync(ct);
                return (live, $"the bot has {live.Length} open orders in {spec.Symbol}");
            });
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(i.Timeout);
        await Check("market_isolated", "cancel the resting orders or use an isolated market", async () =>
        {
            await harness.EnsureCleanMarketAsync(limit.Token);
            return (true, $"own orders canceled, {spec.Symbol} book empty");
        });

        // With no orders of the bot left, its startup decision sends nothing; it shows whether it can quote at all here.
        await Check("bot_quotes", "", async () =>
        {
            await using var probe = harness.StartBot();
            var first = await probe.CycleAsync(limit.Token);
            var d = first.Decision;
            if (!d.Targets.Any(t => t.Side == Core.Side.Buy) || !d.Targets.Any(t => t.Side == Core.Side.Sell))
            {
                var hint = d.ReferencePrice is null
                    ? spec.IsSpot
                        ? "the isolated market has no book and no recent trade: enable the external anchor (MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_ENABLED=true with its provider variables)"
                        : "the isolated market has no book: set an anchor (MM_ANCHOR_SOURCE_TYPE fixed, http or oracle_carry)"
                    : "check the risk limits, MM_OPERATOR_MODE and the balances above";
                throw new PreconditionFailedException("bot_quotes", $"the bot would not quote both sides ({Harness.DescribeDecision(first)}); {hint}");
            }

            return (true, Harness.DescribeDecision(first));
        });
        return harness;
    }
}
