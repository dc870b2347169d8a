using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Participants;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Integration;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Integration;

/// <summary>
/// <c>mm-bot integration</c> end to end: every scenario against the embedded paper exchange on a real PostgreSQL, and the
/// isolation precondition against a separately started exchange (the real-stack path: MM_* and MM_INT_* variables only).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IntegrationHarnessTests(TestPostgres postgres) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-int-test-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Paper_run_of_all_scenarios_on_postgres_passes_and_reports_every_assertion()
    {
        var database = await postgres.CreateDatabaseAsync("int");
        var reportPath = Path.Combine(_dir, "report.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(75));
        var clock = Stopwatch.StartNew();

        var code = await IntegrationCommand.RunAsync(["--paper", "--database-url", database, "--scenario", "all", "--report", reportPath], new Dictionary<string, string>(), stdout, stderr, cts.Token);

        var output = stdout.ToString();
        Assert.True(code == 0, $"exit {code}\nstdout:\n{output}\nstderr:\n{stderr}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        foreach (var name in IntegrationSettings.AllScenarios)
        {
            Assert.Matches($@"PASS {name} \(\d+\.\ds\)", output);
        }

        Assert.Contains("integration: 5/5 scenarios passed", output);
        Assert.DoesNotContain("FAIL", output);

        var report = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        Assert.True(report["passed"]!.GetValue<bool>());
        Assert.Equal("paper-postgres", report["mode"]!.GetValue<string>());
        Assert.Equal("USDCcNGN-SPOT", report["market"]!.GetValue<string>());
        var checks = report["preconditions"]!.AsArray().Select(c => (Name: c!["check"]!.GetValue<string>(), Ok: c["ok"]!.GetValue<bool>())).ToList();
        Assert.Equal(["markets_service", "postgres", "rpc", "bot_funded", "taker_funded", "bot_orders", "market_isolated", "bot_quotes"], checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Ok, c.Name));

        var scenarios = report["scenarios"]!.AsArray().ToDictionary(s => s!["scenario"]!.GetValue<string>(), s => s!);
        Assert.Equal(IntegrationSettings.AllScenarios, scenarios.Keys);
        Assert.All(scenarios.Values, s => Assert.True(s["passed"]!.GetValue<bool>(), s.ToJsonString()));
        Assert.All(scenarios.Values, s => Assert.InRange(s["duration_seconds"]!.GetValue<double>(), 0.01, 60));

        // happy: a full fill moved the inventory by the ask's size; the restarted bot adopted exactly the resting quotes.
        var happy = scenarios["happy"]["summary"]!;
        Assert.Equal(1, happy["open_bid_count"]!.GetValue<int>());
        Assert.Equal(1, happy["open_ask_count"]!.GetValue<int>());
        Assert.True(happy["last_trade_present"]!.GetValue<bool>());
        Assert.True(happy["no_duplicate_side_orders"]!.GetValue<bool>());
        var filled = happy["trade"]!["size"]!.GetValue<decimal>();
        Assert.InRange(happy["inventory_before"]!.GetValue<decimal>() - happy["inventory_after"]!.GetValue<decimal>(), filled - 0.001m, filled + 0.001m);
        Assert.Equal(Ids(happy["resting_order_ids_before_restart"]), Ids(happy["adopted_order_ids_after_restart"]));
        Assert.Equal(2, Ids(happy["adopted_order_ids_after_restart"]).Count);
        Assert.Empty(Ids(happy["canceled_order_ids_after_restart"]));
        Assert.StartsWith("integration-taker:happy:USDCcNGN-SPOT:", happy["taker_order_id"]!.GetValue<string>());
        Assert.Equal(happy["taker_order_id"]!.GetValue<string>(), happy["trade"]!["taker_order_id"]!.GetValue<string>());

        // partial_fill: the same ask rests with the rest of its size, and the bot counted one partial fill.
        var partial = scenarios["partial_fill"]["summary"]!;
        var extra = partial["extra"]!;
        Assert.Equal(extra["ask_before_id"]!.GetValue<string>(), extra["ask_after_id"]!.GetValue<string>());
        var before = extra["ask_before_remaining"]!.GetValue<decimal>();
        var half = partial["partial_size"]!.GetValue<decimal>();
        Assert.InRange(half, (before / 2m) - 0.001m, before / 2m);
        Assert.InRange(extra["ask_after_remaining"]!.GetValue<decimal>(), before - half - 0.1m, before - half + 0.1m);
        Assert.Equal("active", extra["exchange_status"]!.GetValue<string>());
        Assert.NotEqual("0", extra["exchange_filled_amount"]!.GetValue<string>());
        Assert.Equal(1m, partial["bot_partial_fills_total"]!.GetValue<decimal>());

        // restart_under_open_order: nothing canceled or placed in the first two cycles; the same orders throughout.
        var restart = scenarios["restart_under_open_order"]["summary"]!;
        var firstCycles = restart["first_cycles_after_restart"]!.AsArray();
        Assert.InRange(firstCycles.Count, 3, 100);
        Assert.All(firstCycles, c => Assert.Equal((0, 0), (c!["cancels"]!.GetValue<int>(), c["placements"]!.GetValue<int>())));
        Assert.Single(firstCycles, c => c!["reconciled"]!.GetValue<bool>());
        Assert.Equal(Ids(restart["order_ids_before_restart"]), Ids(restart["order_ids_after_restart"]));
        Assert.Equal(Ids(restart["order_ids_before_restart"]), Ids(restart["order_ids_after_second_restart"]));
        Assert.Equal(Ids(restart["order_ids_before_restart"]).Order(StringComparer.Ordinal), Ids(restart["adopted_order_ids_after_restart"]));

        // stale_startup: exactly both seeded quotes canceled, then one fresh quote per side.
        var stale = scenarios["stale_startup"]["summary"]!;
        Assert.Equal(Ids(stale["seeded_order_ids"]).Order(StringComparer.Ordinal), Ids(stale["canceled_order_ids"]));
        Assert.Empty(Ids(stale["adopted_order_ids"]));
        Assert.All(Ids(stale["seeded_order_ids"]), id => Assert.Equal("price_too_far_from_target", stale["rejected_reasons"]![id]!.GetValue<string>()));
        Assert.Equal((1, 1), (stale["open_bid_count"]!.GetValue<int>(), stale["open_ask_count"]!.GetValue<int>()));
        Assert.Empty(Ids(stale["order_ids_after"]).Intersect(Ids(stale["seeded_order_ids"])));

        // duplicate_startup: the bid at the target is adopted and kept, the second bid and the far ask are canceled.
        var dup = scenarios["duplicate_startup"]["summary"]!;
        var seeded = Ids(dup["seeded_order_ids"]);
        Assert.Equal(3, seeded.Count);
        Assert.Equal([seeded[1], seeded[2]], Ids(dup["canceled_order_ids"]));
        Assert.Equal([seeded[0]], Ids(dup["adopted_order_ids"]));
        Assert.Contains(seeded[0], Ids(dup["order_ids_after"]));
        Assert.Equal((1, 1), (dup["open_bid_count"]!.GetValue<int>(), dup["open_ask_count"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Paper_run_with_the_in_memory_store_passes_the_happy_scenario()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await IntegrationCommand.RunAsync(["--paper"], new Dictionary<string, string> { ["MM_INT_SCENARIO"] = "happy" }, stdout, stderr, CancellationToken.None);

        Assert.True(code == 0, $"exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("store memory", stdout.ToString());
        Assert.Matches(@"PASS happy \(\d+\.\ds\): filled [0-9.]+@[0-9.]+, inventory 500 -> [0-9.]+, adopted 2/2 after restart", stdout.ToString());
        Assert.Contains("integration: 1/1 scenarios passed", stdout.ToString());
    }

    [Fact]
    public async Task Isolation_check_aborts_before_trading_when_a_foreign_order_rests_in_the_book()
    {
        var (exchange, botKeyHex, takerKeyHex, env) = await StartExchangeAsync("iso");
        await using var _ = exchange;
        var botKey = EthKey.Parse(botKeyHex);
        var takerKey = EthKey.Parse(takerKeyHex);
        var foreign = await exchange.Seeder.PlaceTraderOrderAsync(MarketDefinition.SpotSymbol, "buy", 1590m, 10m);
        var own = await exchange.Seeder.PlaceTraderOrderAsync(MarketDefinition.SpotSymbol, "sell", 1650m, 10m, owner: botKey.Address.ToLowerInvariant(), subaccountId: "10");

        var reportPath = Path.Combine(_dir, "report.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await IntegrationCommand.RunAsync(["--scenario", "all", "--report", reportPath], env, stdout, stderr, CancellationToken.None);

        Assert.Equal(IntegrationCommand.ExitFailed, code);
        Assert.Contains("precondition market_isolated failed, nothing was traded: market book is not empty after cleanup; bids=1 asks=0; use an isolated environment or empty market first", stderr.ToString());
        Assert.Contains(foreign.OrderId, stderr.ToString());
        Assert.Contains("integration: 0/5 scenarios passed (aborted before the scenarios)", stdout.ToString());
        Assert.DoesNotContain("PASS", stdout.ToString());

        // The bot's own order was cleaned up; the foreign one was left alone; nothing else was placed.
        Assert.Equal(OrderStatus.Cancelled, (await exchange.Store.GetOrderAsync(own.OrderId, CancellationToken.None))!.Status);
        Assert.Equal(OrderStatus.Active, (await exchange.Store.GetOrderAsync(foreign.OrderId, CancellationToken.None))!.Status);
        Assert.Single(await exchange.Store.GetOrdersByOwnerAsync(botKey.Address.ToLowerInvariant(), CancellationToken.None));
        Assert.Empty(await exchange.Store.GetOrdersByOwnerAsync(takerKey.Address.ToLowerInvariant(), CancellationToken.None));

        var report = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        Assert.False(report["passed"]!.GetValue<bool>());
        Assert.Equal("live", report["mode"]!.GetValue<string>());
        Assert.Contains("bids=1 asks=0", report["aborted"]!.GetValue<string>());
        Assert.Empty(report["scenarios"]!.AsArray());
        var isolation = report["preconditions"]!.AsArray().Single(c => c!["check"]!.GetValue<string>() == "market_isolated")!;
        Assert.False(isolation["ok"]!.GetValue<bool>());
        Assert.All(report["preconditions"]!.AsArray().Where(c => c!["check"]!.GetValue<string>() != "market_isolated"), c => Assert.True(c!["ok"]!.GetValue<bool>()));
        Assert.DoesNotContain(botKeyHex, stdout + stderr.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Configuration_errors_of_the_bot_and_the_harness_are_all_listed_with_exit_2()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await IntegrationCommand.RunAsync(["--scenario", "nope"], new Dictionary<string, string> { ["MM_INT_TIMEOUT_SECONDS"] = "0" }, stdout, stderr, CancellationToken.None);

        Assert.Equal(IntegrationCommand.ExitConfigError, code);
        var errors = stderr.ToString();
        foreach (var expected in new[] { "MM_API_BASE_URL is required", "MM_OWNER_PRIVATE_KEY is required", "MM_INT_TAKER_OWNER_PRIVATE_KEY is required", "MM_INT_TAKER_SUBACCOUNT_ID is required", "MM_INT_TIMEOUT_SECONDS", "got \"nope\"" })
        {
            Assert.Contains(expected, errors);
        }
    }

    /// <summary>A paper exchange on its own PostgreSQL database, used as a "real stack" through MM_* and MM_INT_* variables only.</summary>
    private async Task<(PaperExchangeHost Exchange, string BotKeyHex, string TakerKeyHex, Dictionary<string, string> Env)> StartExchangeAsync(string prefix)
    {
        var database = await postgres.CreateDatabaseAsync(prefix);
        var botKeyHex = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var takerKeyHex = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var exchange = await PaperExchangeHost.StartAsync(new PaperExchangeOptions
        {
            DatabaseConnectionString = database,
            TakerFlow = new TakerFlowOptions { Enabled = false },
            Funding = [AccountFunding.Spot(10, 500m, 2_000_000m), AccountFunding.Spot(20, 1_000m, 5_000_000m)],
        });
        var env = new Dictionary<string, string>
        {
            ["MM_API_BASE_URL"] = exchange.ApiUrl,
            ["MM_RPC_URL"] = exchange.RpcUrl,
            ["MM_DATABASE_URL"] = database,
            ["MM_CHAIN_ID"] = exchange.ChainId.ToString(CultureInfo.InvariantCulture),
            ["MM_MATCHING_ADDRESS"] = exchange.Addresses.Matching,
            ["MM_TRADE_MODULE_ADDRESS"] = exchange.Addresses.TradeModule,
            ["MM_SUBACCOUNTS_ADDRESS"] = exchange.Addresses.SubAccounts,
            ["MM_OWNER_PRIVATE_KEY"] = botKeyHex,
            ["MM_SUBACCOUNT_ID"] = "10",
            ["MM_STATE_FILE"] = Path.Combine(_dir, prefix + "-state.json"),
            ["MM_INT_TAKER_OWNER_PRIVATE_KEY"] = takerKeyHex,
            ["MM_INT_TAKER_SUBACCOUNT_ID"] = "20",
            ["MM_INT_TIMEOUT_SECONDS"] = "20",
            ["MM_INT_POLL_INTERVAL_MS"] = "100",
        };
        return (exchange, botKeyHex, takerKeyHex, env);
    }

    [Fact]
    public async Task A_bot_without_a_reference_in_the_isolated_market_aborts_before_trading_with_a_hint()
    {
        var (exchange, botKeyHex, _, env) = await StartExchangeAsync("noref");
        await using var _ = exchange;
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await IntegrationCommand.RunAsync(["--scenario", "happy"], env, stdout, stderr, CancellationToken.None);

        Assert.Equal(IntegrationCommand.ExitFailed, code);
        Assert.Contains("precondition bot_quotes failed, nothing was traded: the bot would not quote both sides (reference none (none)", stderr.ToString());
        Assert.Contains("enable the external anchor (MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_ENABLED=true", stderr.ToString());
        Assert.Contains("ok   market_isolated", stdout.ToString());
        Assert.Empty(await exchange.Store.GetOrdersByOwnerAsync(EthKey.Parse(botKeyHex).Address.ToLowerInvariant(), CancellationToken.None));
    }

    [Fact]
    public async Task Help_lists_the_options_and_every_harness_variable()
    {
        var stdout = new StringWriter();
        var code = await IntegrationCommand.RunAsync(["--help"], new Dictionary<string, string>(), stdout, new StringWriter(), CancellationToken.None);

        Assert.Equal(0, code);
        foreach (var text in new[] { "--scenario", "--report", "--paper", "--database-url", "MM_INT_TAKER_OWNER_PRIVATE_KEY", "MM_INT_TAKER_SUBACCOUNT_ID", "MM_INT_TAKER_SIGNER_PRIVATE_KEY", "MM_INT_TAKER_OWNER_ADDRESS", "MM_INT_TAKER_SIGNER_ADDRESS", "MM_INT_TAKER_RECIPIENT_ID", "MM_INT_TIMEOUT_SECONDS", "MM_INT_POLL_INTERVAL_MS", "MM_INT_SCENARIO" })
        {
            Assert.Contains(text, stdout.ToString());
        }
    }

    private static List<string> Ids(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
