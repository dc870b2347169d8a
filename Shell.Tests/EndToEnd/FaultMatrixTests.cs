using System.Diagnostics;
using System.Globalization;
using System.Text;
using MarketMaker.Core;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.Shell.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>
/// Issue 11 §4: every paper fault target × kind that the running bot uses, one after the other on one bot (paper +
/// PostgreSQL, 2 s stale timeouts): the halt the rules give (or none), the managed orders cancelled where the rules
/// say (a halt cancels them, unless the fault is the cancel path itself), recovery to one bid and one ask after
/// clearing, the bot never exits and never logs a stack trace. Each class prints its rows of the matrix as a table.
/// Not used by a running bot (so not here): <c>markets</c> (start-up only), <c>order_status</c> (final rows come from
/// PostgreSQL), <c>healthz</c>, <c>debug_markets</c>; no anchor is configured on spot, so no stale oracle.
/// </summary>
public sealed class FaultMatrixMarketDataTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public Task Book_and_trades_faults_halt_on_stale_market_data_cancel_and_recover() =>
        FaultMatrix.RunAsync(postgres, output, "marketdata",
        [
            .. new[] { FaultTargets.Book, FaultTargets.Trades }.SelectMany(t => FaultMatrix.HttpKinds.Select(k => new FaultCase(t, k, HaltReasons.ExchangeMarketDataStale))),
        ]);
}

public sealed class FaultMatrixChainAndDatabaseTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public Task Rpc_database_and_executor_faults_give_their_halt_or_none_and_recover() =>
        FaultMatrix.RunAsync(postgres, output, "chaindb",
        [
            .. FaultMatrix.HttpKinds.Append(FaultKind.RpcError).Select(k => new FaultCase(FaultTargets.Rpc, k, HaltReasons.BalancesStale)),
            new FaultCase(FaultTargets.Database, FaultKind.Unavailable, HaltReasons.ExchangeMarketDataStale, CancelsPossible: false),
            new FaultCase(FaultTargets.Executor, FaultKind.Failure, null, Provoke.CrossingTaker),
        ]);
}

public sealed class FaultMatrixOrderActionsTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public Task Create_and_cancel_faults_never_halt_or_crash_and_recover() =>
        FaultMatrix.RunAsync(postgres, output, "actions",
        [
            .. FaultMatrix.HttpKinds.Select(k => new FaultCase(FaultTargets.CreateOrder, k, null, Provoke.CancelBidFromOutside)),
            .. FaultMatrix.HttpKinds.Select(k => new FaultCase(FaultTargets.CancelOrder, k, HaltReasons.KillSwitchActive, Provoke.KillSwitch, CancelsPossible: false)),
        ]);
}

internal enum Provoke
{
    None,

    /// <summary>Another client cancels the bot's bid: the bot must place a new one (through the faulty path).</summary>
    CancelBidFromOutside,

    /// <summary>The kill switch file appears: the bot must cancel both quotes (through the faulty path).</summary>
    KillSwitch,

    /// <summary>A taker order crosses the bot's ask: the matcher must execute (through the faulty executor).</summary>
    CrossingTaker,
}

internal sealed record FaultCase(string Target, FaultKind Kind, string? ExpectedHalt, Provoke Provoke = Provoke.None, bool CancelsPossible = true);

internal static class FaultMatrix
{
    public static readonly FaultKind[] HttpKinds = [FaultKind.HttpError, FaultKind.Hang, FaultKind.MalformedBody, FaultKind.DropConnection];

    public static async Task RunAsync(TestPostgres postgres, ITestOutputHelper output, string name, FaultCase[] cases)
    {
        var total = Stopwatch.StartNew();
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("matrix" + name));
        var killSwitch = Path.Combine(stack.Dir, "kill-switch");
        await using var bot = RunningBot.Start(stack.BotEnv(
            ("MM_STALE_MARKET_DATA_TIMEOUT_SECONDS", "2"),
            ("MM_STALE_BALANCE_TIMEOUT_SECONDS", "2"),
            ("MM_HTTP_TIMEOUT_MS", "1000"),
            ("MM_RPC_TIMEOUT_MS", "1000"),
            ("MM_DB_TIMEOUT_MS", "1000"),
            ("MM_MAX_CANCELS_PER_MINUTE", "0"),
            ("MM_LOG_LEVEL", "INFO"),
            ("MM_KILL_SWITCH_FILE", killSwitch)));
        await bot.WaitForAsync(async () => bot.Handle.Readiness.Current.Ready && await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "quoting before the faults");

        var table = new StringBuilder();
        table.AppendLine("| target | kind | expected halt | halts seen | orders while faulted | recovered after clearing |");
        table.AppendLine("|---|---|---|---|---|---|");
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var applied = DateTimeOffset.UtcNow;
            await stack.Exchange.Faults.SetAsync(new FaultRule(c.Target, c.Kind) { StatusCode = 503 });
            string orders;
            switch (c.Provoke)
            {
                case Provoke.CancelBidFromOutside:
                    {
                        var (bids, _) = await InstanceRun.LiveAsync(stack.Database!, stack.Owner);
                        await stack.Exchange.Orders.CancelUncheckedAsync(stack.Owner, bids[0].Split(':')[3], "", CancellationToken.None);
                        break;
                    }

                case Provoke.KillSwitch:
                    await File.WriteAllTextAsync(killSwitch, "");
                    break;
                case Provoke.CrossingTaker:
                    {
                        // A buy at exactly our ask: it crosses our ask only (not the other participant's), so the book
                        // of the others stays uncrossed and the reference stays valid.
                        var ask = bot.Handle.History[^1].Decision.Targets.Where(t => t.Side == Side.Sell).Min(t => t.Price);
                        await stack.Exchange.Seeder.PlaceTraderOrderAsync(PaperStack.PaperCommandMarket, "buy", ask, 1m);
                        break;
                    }
            }

            if (c.ExpectedHalt is { } halt)
            {
                await bot.WaitForAsync(
                    async () => Since(bot, applied).Any(o => o.Decision.Halt?.Reason == halt)
                        && (!c.CancelsPossible || await InstanceRun.LiveCountAsync(stack.Database!, stack.Owner) == (0, 0)),
                    $"{c.Target} {c.Kind}: halt \"{halt}\"{(c.CancelsPossible ? " with every bot order cancelled" : "")}");
            }

            // At least twice the stale timeout and a few cycles under the fault.
            var cycles = bot.Handle.Observer!.Cycles;
            await bot.WaitForAsync(() => DateTimeOffset.UtcNow - applied > TimeSpan.FromSeconds(4) && bot.Handle.Observer!.Cycles >= cycles + 3, $"{c.Target} {c.Kind}: cycles under the fault", TimeSpan.FromSeconds(40));
            // With the database down nobody can read active_orders (the test neither).
            var live = c.Target == FaultTargets.Database ? (-1, -1) : await InstanceRun.LiveCountAsync(stack.Database!, stack.Owner);
            orders = c.Target == FaultTargets.Database ? "unreadable" : $"{live.Item1} bid, {live.Item2} ask";
            var halts = Since(bot, applied).Select(o => o.Decision.Halt?.Reason).OfType<string>().Distinct().ToList();
            // A short `reference price unavailable` halt used to show up here now and then: with one of our quotes gone,
            // the other participant's best order on that side flickers out of the book while the matcher reserves it
            // (docs/hostile-input.md rule 8, the reference hold). Where no halt is expected, none is tolerated. Where the
            // fault halts the bot, its quotes are cancelled, so both best orders are the other participant's; the matcher
            // reserves both at once and a fetch can show an empty book, which is not held: that cycle's halt reads
            // `reference price unavailable` (first in behaviour.md §5's order) — halted either way (rule 8).
            var unexpected = halts.Where(h => h != c.ExpectedHalt && !(c.ExpectedHalt is not null && h == HaltReasons.ReferencePriceUnavailable)).ToList();
            if (unexpected.Count > 0)
            {
                failures.Add($"{c.Target} {c.Kind}: expected {c.ExpectedHalt ?? "no halt"}, saw {string.Join(", ", halts)}");
            }

            if (c.Provoke == Provoke.KillSwitch && live != (1, 1))
            {
                failures.Add($"{c.Target} {c.Kind}: with cancels failing both quotes should still rest, saw {orders}");
            }

            if (live.Item1 > 1 || live.Item2 > 1)
            {
                failures.Add($"{c.Target} {c.Kind}: more than one bot order on a side ({orders})");
            }

            await stack.Exchange.Faults.ClearAllAsync();
            var cleared = Stopwatch.StartNew();
            if (c.Provoke == Provoke.KillSwitch)
            {
                await bot.WaitForAsync(async () => await InstanceRun.LiveCountAsync(stack.Database!, stack.Owner) == (0, 0), $"{c.Target} {c.Kind}: the kill switch's cancels once the cancel path works");
                File.Delete(killSwitch);
            }

            await bot.WaitForAsync(
                async () => bot.Handle.Readiness.Current.Ready && await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 },
                $"{c.Target} {c.Kind}: ready with one bid and one ask after clearing");
            table.AppendLine(CultureInfo.InvariantCulture, $"| {c.Target} | {Wire(c.Kind)} | {c.ExpectedHalt ?? "none"} | {(halts.Count == 0 ? "none" : string.Join(", ", halts))} | {orders} | {cleared.Elapsed.TotalSeconds:0.0} s |");
        }

        output.WriteLine(table.ToString());
        output.WriteLine($"{cases.Length} faults in {total.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(failures);
        Assert.False(bot.Exit.IsCompleted, "the bot exited");
        var text = bot.Stdout + bot.Stderr;
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.StopAsync());
    }

    private static IEnumerable<Shell.Cycle.CycleOutcome> Since(RunningBot bot, DateTimeOffset at) => bot.Handle.History.Where(o => o.Decision.Now >= at);

    private static string Wire(FaultKind kind) => kind switch
    {
        FaultKind.HttpError => "http_error",
        FaultKind.Hang => "hang",
        FaultKind.MalformedBody => "malformed_body",
        FaultKind.DropConnection => "drop_connection",
        FaultKind.RpcError => "rpc_error",
        FaultKind.Unavailable => "unavailable",
        FaultKind.Failure => "failure",
        _ => kind.ToString(),
    };
}
