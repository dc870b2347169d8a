using System.CommandLine;
using System.Globalization;
using System.Text;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Participants;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Config;
using Microsoft.Extensions.DependencyInjection;

namespace MarketMaker.Shell.Bot;

/// <summary>Options of <c>mm-bot paper</c>.</summary>
public sealed record PaperCommandOptions
{
    public int Port { get; init; } = 8081;

    public int? Seed { get; init; }

    public bool ExchangeOnly { get; init; }

    public string? DatabaseUrl { get; init; }

    public bool Taker { get; init; } = true;
}

/// <summary><c>mm-bot paper</c>: the paper exchange and the bot in one process.</summary>
public static class PaperCommand
{
    public const string BotSubaccount = "10";
    public const decimal FairPrice = 1600m;

    private const string Description = """
        Starts the paper exchange (a markets-service look-alike on 127.0.0.1, with a matcher, a balance ledger, a JSON-RPC
        endpoint for balances and the oracle, seeded resting orders and a simulated taker) and the bot quoting
        USDCcNGN-SPOT against it, in one process. No real funds: the bot's key is generated for the run.
        Strategy and risk variables (MM_HALF_SPREAD_BPS, MM_ORDER_SIZE, MM_RECORD_FILE, ...) are honoured; the connection
        and identity variables are set by the command. Ctrl-C prints the shutdown summary.
        """;

    /// <summary>The <c>paper</c> command (generated help; a bad argument is one line and exit 2).</summary>
    public static Command Create(IReadOnlyDictionary<string, string> env, BotHandle? handle = null, Action<PaperExchangeHost>? onExchange = null)
    {
        var port = new Option<int>("--port")
        {
            Description = "exchange API port (0 = any free port); the bot's /metrics stays on MM_METRICS_ADDR",
            DefaultValueFactory = _ => 8081,
            HelpName = "N",
            CustomParser = r => Parsed(r, NumberStyles.None, n => n <= 65535, "--port needs a TCP port number (0-65535)"),
        };
        var seed = new Option<int?>("--seed")
        {
            Description = "makes the run repeatable (the taker's random walk and the bot's key)",
            HelpName = "N",
            CustomParser = r => Parsed(r, NumberStyles.AllowLeadingSign, _ => true, "--seed needs an integer"),
        };
        var exchangeOnly = new Option<bool>("--exchange-only") { Description = "run only the exchange, for a bot started separately with `mm-bot run`" };
        var database = new Option<string?>("--database-url")
        {
            Description = "keep the exchange's orders in this PostgreSQL (markets-service schema); the bot then reads its live orders from it as in production (default: in memory)",
            HelpName = "URL",
        };
        database.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } url && !Config.DatabaseUrl.TryParse(url, out _, out var why))
            {
                r.AddError("--database-url " + why);
            }
        });
        var noTaker = new Option<bool>("--no-taker") { Description = "no simulated taker flow" };
        var command = new Command("paper", Description) { port, seed, exchangeOnly, database, noTaker };
        command.SetAction((parsed, ct) => RunAsync(
            new PaperCommandOptions
            {
                Port = parsed.GetValue(port),
                Seed = parsed.GetValue(seed),
                ExchangeOnly = parsed.GetValue(exchangeOnly),
                DatabaseUrl = parsed.GetValue(database),
                Taker = !parsed.GetValue(noTaker),
            },
            env,
            parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error,
            ct,
            handle,
            onExchange));
        return command;
    }

    private static int Parsed(System.CommandLine.Parsing.ArgumentResult r, NumberStyles styles, Func<int, bool> valid, string error)
    {
        if (r.Tokens is [{ Value: var text }] && int.TryParse(text, styles, CultureInfo.InvariantCulture, out var n) && valid(n))
        {
            return n;
        }

        r.AddError(error);
        return 0;
    }

    /// <summary>Parses <paramref name="args"/> (after <c>paper</c>) and runs; exit 2 with one line for a bad argument.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct, BotHandle? handle = null, Action<PaperExchangeHost>? onExchange = null) =>
        CommandLineRunner.InvokeSubcommandAsync(Create(env, handle, onExchange), args, stdout, stderr, ct);

    public static async Task<int> RunAsync(PaperCommandOptions options, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct, BotHandle? handle = null, Action<PaperExchangeHost>? onExchange = null)
    {
        // A throwaway key: derived from the seed (repeatable runs) or random. It exists only in this process.
        var keyHex = options.Seed is { } s
            ? Convert.ToHexString(Keccak.Hash(Encoding.UTF8.GetBytes("mm-bot paper key " + s.ToString(CultureInfo.InvariantCulture))))
            : Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var key = EthKey.Parse(keyHex);
        var exchangeOptions = new PaperExchangeOptions
        {
            Port = options.Port,
            Seed = options.Seed ?? Environment.TickCount,
            DatabaseConnectionString = options.DatabaseUrl is { } u && Config.DatabaseUrl.TryParse(u, out var parsed, out _) ? parsed!.ConnectionString : null,
            Funding =
            [
                AccountFunding.Spot(System.Numerics.BigInteger.Parse(BotSubaccount, CultureInfo.InvariantCulture), 500m, 2_000_000m),
            ],
            Lifetime = options.ExchangeOnly ? sp => ActivatorUtilities.CreateInstance<Hosting.SignalLifetime>(sp) : null,
            TakerFlow = new TakerFlowOptions { Enabled = options.Taker, FairPrice = FairPrice, Interval = TimeSpan.FromSeconds(3), MinSize = 1m, MaxSize = 20m },
        };

        PaperExchangeHost exchange;
        try
        {
            exchange = await PaperExchangeHost.StartAsync(exchangeOptions, ct);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or System.Net.Sockets.SocketException or Npgsql.NpgsqlException or PaperExchange.Storage.StoreException)
        {
            await stderr.WriteLineAsync($"mm-bot paper: cannot start the paper exchange: {ex.Message}");
            return BotProcess.ExitRuntimeError;
        }

        await using (exchange)
        {
            onExchange?.Invoke(exchange);

            // Resting liquidity of another participant, so the market has a mid from the first cycle.
            foreach (var (side, price) in new[] { ("buy", FairPrice * 0.99375m), ("sell", FairPrice * 1.00625m) })
            {
                await exchange.Seeder.PlaceAsync(SeedFor(exchange, side, price), ct);
            }

            await stdout.WriteLineAsync($"paper exchange: API {exchange.ApiUrl}  RPC {exchange.RpcUrl}  admin {exchange.AdminUrl}  chain {exchange.ChainId}  store {(options.DatabaseUrl is null ? "memory" : "postgres")}");
            await stdout.WriteLineAsync($"paper exchange: seeded a bid at {FairPrice * 0.99375m} and an ask at {FairPrice * 1.00625m}; taker flow {(options.Taker ? "on" : "off")}");
            await stdout.WriteLineAsync($"paper exchange: generated a throwaway key for this run only (no real funds): owner {key.Address}, subaccount {BotSubaccount}");
            await stdout.FlushAsync(ct);
            if (options.ExchangeOnly)
            {
                await stdout.WriteLineAsync($"exchange only: run the bot with MM_API_BASE_URL={exchange.ApiUrl} MM_RPC_URL={exchange.RpcUrl} MM_SUBACCOUNT_ID={BotSubaccount} (funded) and any MM_OWNER_PRIVATE_KEY");
                await stdout.WriteLineAsync(options.DatabaseUrl is null
                    ? "exchange only: the orders are in memory, so a bot in another process cannot read its live orders; restart with --database-url and give the bot the same MM_DATABASE_URL"
                    : "exchange only: give the bot MM_DATABASE_URL = the --database-url given here (it reads its live orders from active_orders)");
                try
                {
                    // The exchange's own web application owns SIGINT/SIGTERM here.
                    await exchange.StoppingAsync(ct);
                }
                catch (OperationCanceledException)
                {
                }

                return BotProcess.ExitOk;
            }

            var botEnv = BotEnvironment(env, exchange, keyHex, BotSubaccount);
            botEnv.TryAdd("MM_STATE_FILE", ".mm-bot-paper-state.json");
            botEnv.TryAdd("MM_SOAK_LOG_INTERVAL_SECONDS", "30");
            botEnv.TryAdd("MM_POLL_INTERVAL_MS", "1000");
            botEnv.TryAdd("MM_STALE_MARKET_DATA_TIMEOUT_SECONDS", "15");
            botEnv.TryAdd("MM_STALE_BALANCE_TIMEOUT_SECONDS", "15");
            WiringOverrides? overrides = null;
            if (options.DatabaseUrl is { } db)
            {
                botEnv["MM_DATABASE_URL"] = db;
            }
            else
            {
                // Never connected: the live orders come from the exchange's own store (below).
                botEnv["MM_DATABASE_URL"] = "postgres://paper@127.0.0.1:1/in-memory-paper-store";
                var store = exchange.Store;
                var owner = key.Address.ToLowerInvariant();
                overrides = new WiringOverrides(market => new PaperStoreLiveOrders(store, market, owner, BotSubaccount));
            }

            return await BotProcess.RunFromEnvironmentAsync(botEnv, stdout, stderr, ct, overrides, handle);
        }
    }

    /// <summary>
    /// The bot's variables for a paper exchange: the process's own (strategy and risk settings are honoured) with the
    /// connection and identity replaced by the exchange's and the given throwaway key.
    /// </summary>
    public static Dictionary<string, string> BotEnvironment(IReadOnlyDictionary<string, string> env, PaperExchangeHost exchange, string keyHex, string subaccount)
    {
        var botEnv = new Dictionary<string, string>(env, StringComparer.Ordinal);
        foreach (var name in new[] { "MM_SIGNER_PRIVATE_KEY", "MM_SIGNER_ADDRESS", "MM_OWNER_ADDRESS", "MM_RECIPIENT_ID", "DATABASE_URL" })
        {
            botEnv.Remove(name);
        }

        botEnv["MM_API_BASE_URL"] = exchange.ApiUrl;
        botEnv["MM_RPC_URL"] = exchange.RpcUrl;
        botEnv["MM_CHAIN_ID"] = exchange.ChainId.ToString(CultureInfo.InvariantCulture);
        botEnv["MM_MATCHING_ADDRESS"] = exchange.Addresses.Matching;
        botEnv["MM_TRADE_MODULE_ADDRESS"] = exchange.Addresses.TradeModule;
        botEnv["MM_SUBACCOUNTS_ADDRESS"] = exchange.Addresses.SubAccounts;
        botEnv["MM_OWNER_PRIVATE_KEY"] = keyHex;
        botEnv["MM_SUBACCOUNT_ID"] = subaccount;
        botEnv["MM_MARKET_SYMBOL"] = PaperExchange.Markets.MarketDefinition.SpotSymbol;
        return botEnv;
    }

    private static SeedOrder SeedFor(PaperExchangeHost exchange, string traderSide, decimal price)
    {
        var market = exchange.Markets.BySymbol(PaperExchange.Markets.MarketDefinition.SpotSymbol)!;
        var (side, limit, amount) = InternalOrders.FromTraderView(market, traderSide, price, 500m);
        return new SeedOrder
        {
            Market = market.Symbol,
            Side = side,
            LimitPrice = limit,
            DesiredAmount = amount,
            Expiry = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds(),
        };
    }
}
