using MarketMaker.PaperExchange.Faults;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>
/// A 30 s outage of one dependency: the bot goes stale, halts by its rules (never crashes), and quotes one bid and
/// one ask again once the dependency is back. One class per dependency so the three run side by side.
/// </summary>
public static class Outage
{
    public static readonly TimeSpan Length = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(TestPostgres postgres, FaultRule[] rules, string expectedHalt)
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("outage"));
        await using var bot = RunningBot.Start(stack.BotEnv());
        await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "one bid and one ask before the outage");

        var started = DateTime.UtcNow;
        foreach (var rule in rules)
        {
            await stack.Exchange.Faults.SetAsync(rule);
        }

        // With the database down the instance lock's session is gone too: /readyz then says "instance lock lost" (the
        // instance stops placing, docs/instances.md) while the decision halts on the stale input.
        await bot.WaitForAsync(
            () => bot.Handle.Readiness.Current is { Ready: false } r
                && (r.Reason == expectedHalt || r.Reason == InstanceStatus.LockLost)
                && bot.Handle.History.Any(o => o.Decision.Halt?.Reason == expectedHalt),
            $"halt \"{expectedHalt}\" during the outage",
            Length);
        var remaining = Length - (DateTime.UtcNow - started);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        Assert.False(bot.Exit.IsCompleted, "the bot must keep running through the outage");
        Assert.Contains(bot.Handle.History, o => o.Decision.Halt?.Reason == expectedHalt);
        await stack.Exchange.Faults.ClearAllAsync();

        await bot.WaitForAsync(async () => bot.Handle.Readiness.Current.Ready && await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "ready with one bid and one ask after the outage", TimeSpan.FromSeconds(40));
        Assert.Equal(0, await bot.StopAsync());
    }
}

public sealed class ExchangeOutageTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public Task Bot_recovers_after_a_30_s_markets_service_outage() =>
        Outage.RunAsync(
            postgres,
            [new FaultRule(FaultTargets.Book, FaultKind.HttpError) { StatusCode = 503 }, new FaultRule(FaultTargets.Trades, FaultKind.DropConnection)],
            "exchange market data stale");
}

public sealed class DatabaseOutageTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public Task Bot_recovers_after_a_30_s_database_outage() =>
        Outage.RunAsync(postgres, [new FaultRule(FaultTargets.Database, FaultKind.Unavailable)], "exchange market data stale");
}

public sealed class RpcOutageTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public Task Bot_recovers_after_a_30_s_rpc_outage() =>
        Outage.RunAsync(postgres, [new FaultRule(FaultTargets.Rpc, FaultKind.RpcError)], "balances stale");
}
