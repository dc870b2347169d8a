using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using MarketMaker.Core;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Cycle;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Cycle;

/// <summary>Collects log lines (level and formatted message).</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));

    public List<string> At(LogLevel level, string containing) =>
        [.. Lines.Where(l => l.Level == level && l.Message.Contains(containing, StringComparison.Ordinal)).Select(l => l.Message)];
}

/// <summary>The fake exchange's live orders, plus the highest nonce the owner used (or a failure reading it).</summary>
internal sealed class FlooredOrders(FakeExchange inner) : ILiveOrderSource, INonceFloorSource
{
    public long? Highest { get; set; }

    public Exception? Failure { get; set; }

    public int Reads { get; private set; }

    public Task<ImmutableArray<LiveOrder>> FetchLiveAsync(CancellationToken ct) => inner.FetchLiveAsync(ct);

    public Task<FinalStatus?> FetchFinalAsync(string orderId, CancellationToken ct) => inner.FetchFinalAsync(orderId, ct);

    public Task<long?> FetchHighestUsedNonceAsync(CancellationToken ct)
    {
        Reads++;
        return Failure is { } ex ? Task.FromException<long?>(ex) : Task.FromResult(Highest);
    }
}

/// <summary>
/// How the cycle treats failing dependencies: the nonce floor read at reconciliation (a lost state file with the
/// clock behind), readiness while a fetch does not answer, and the rate-limited failure log.
/// </summary>
public sealed class DependencyFaultTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly SourceTimeouts Short = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));

    private static (CycleRunner Runner, FakeExchange Exchange, FlooredOrders Orders, FakeTimeProvider Time, CapturingLogger Log) Create(int staleMarketData = 30, int staleBalances = 30)
    {
        var time = new FakeTimeProvider(T0);
        var exchange = new FakeExchange(time);
        var orders = new FlooredOrders(exchange);
        var log = new CapturingLogger();
        var config = new BotConfig { OwnerAddress = FakeExchange.Us, StaleMarketDataTimeoutSeconds = staleMarketData, StaleBalanceTimeoutSeconds = staleBalances };
        var ports = new CyclePorts(exchange, orders, exchange, null, null, exchange, exchange, exchange);
        var runner = new CycleRunner(config, MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m), ports, Short, time, log);
        return (runner, exchange, orders, time, log);
    }

    private static long Nonce(LiveOrder o) => o.Nonce;

    [Fact]
    public async Task With_the_state_file_lost_and_the_clock_behind_nonces_start_above_the_highest_nonce_used_at_the_exchange()
    {
        var (runner, exchange, orders, time, _) = Create();

        // Nonces another run used while the clock read one day later than it does now (a stepped clock, another host).
        orders.Highest = (Num.UnixMicros(T0 + TimeSpan.FromDays(1)) * 2) + 7;
        for (var i = 0; i < 3; i++)
        {
            await runner.RunOnceAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(2, exchange.Live.Count);
        Assert.All(exchange.Live, o => Assert.True(Nonce(o) > orders.Highest, $"nonce {o.Nonce} <= highest used {orders.Highest}"));
        Assert.True(exchange.Saved.NextNonceBase > exchange.Live.Max(Nonce));
        Assert.Equal(1, orders.Reads);
    }

    [Fact]
    public async Task Nothing_is_placed_until_the_highest_used_nonce_has_been_read()
    {
        var (runner, exchange, orders, time, _) = Create();
        orders.Failure = new TimeoutException("postgres: active_orders: Timeout");
        orders.Highest = (Num.UnixMicros(T0 + TimeSpan.FromDays(1)) * 2) + 1;
        for (var i = 0; i < 4; i++)
        {
            var outcome = await runner.RunOnceAsync(CancellationToken.None);
            Assert.False(outcome.Decision.Readiness.Ready);
            Assert.Null(outcome.Decision.Reconciliation);
            Assert.Contains(outcome.SourceErrors, e => e.StartsWith("live_orders:", StringComparison.Ordinal));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.DoesNotContain(exchange.Log, l => l.StartsWith("place", StringComparison.Ordinal));
        orders.Failure = null;
        for (var i = 0; i < 3; i++)
        {
            await runner.RunOnceAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(2, exchange.Live.Count);
        Assert.All(exchange.Live, o => Assert.True(Nonce(o) > orders.Highest));
    }

    [Fact]
    public async Task A_fetch_that_timed_out_makes_readiness_name_the_dependency_at_once_while_the_halt_waits_for_its_timeout()
    {
        var (runner, exchange, _, time, _) = Create(staleMarketData: 5);
        CycleOutcome outcome = null!;
        for (var i = 0; i < 3; i++)
        {
            outcome = await runner.RunOnceAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(outcome.Decision.Readiness.Ready, outcome.Decision.Readiness.Reason);

        exchange.MarketDataDelay = ct => Task.Delay(Timeout.Infinite, ct);
        outcome = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Null(outcome.Decision.Halt);
        Assert.Equal(new Readiness.NotAnswering("market_data"), outcome.Decision.Readiness);

        // The stale halt still waits for MM_STALE_MARKET_DATA_TIMEOUT_SECONDS.
        time.Advance(TimeSpan.FromSeconds(6));
        outcome = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Equal(HaltReasons.ExchangeMarketDataStale, outcome.Decision.Halt?.Reason);
        Assert.Equal(HaltReasons.ExchangeMarketDataStale, outcome.Decision.Readiness.Reason);

        exchange.MarketDataDelay = null;
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            outcome = await runner.RunOnceAsync(CancellationToken.None);
        }

        Assert.True(outcome.Decision.Readiness.Ready, outcome.Decision.Readiness.Reason);
    }

    [Fact]
    public async Task A_failing_dependency_logs_one_warning_then_one_line_a_minute_with_a_count_and_one_info_on_recovery()
    {
        var (runner, exchange, _, time, log) = Create(staleBalances: 0);
        await runner.RunOnceAsync(CancellationToken.None);
        exchange.BalancesFailure = new InvalidOperationException("rpc: eth_call reverted (data 0x" + new string('e', 2000) + ")");

        // 150 cycles of 0.5 s = 75 s of failure: the first WARN, then one "still failing" line after a minute.
        for (var i = 0; i < 150; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await runner.RunOnceAsync(CancellationToken.None);
        }

        var warnings = log.At(LogLevel.Warning, "balances");
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("balances failing: fetch failed, keeping the previous value: rpc: eth_call reverted", warnings[0], StringComparison.Ordinal);
        Assert.Contains("balances still failing: 120 failures in the last 60 s", warnings[1], StringComparison.Ordinal);
        Assert.All(warnings, w => Assert.True(w.Length < 600, "the revert data is clipped: " + w.Length));

        exchange.BalancesFailure = null;
        time.Advance(TimeSpan.FromMilliseconds(500));
        await runner.RunOnceAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(500));
        await runner.RunOnceAsync(CancellationToken.None);
        var recovered = Assert.Single(log.At(LogLevel.Information, "balances recovered"));
        Assert.Equal("balances recovered after 150 failures over 75 s", recovered);
        Assert.Equal(2, log.At(LogLevel.Warning, "balances").Count);
    }

    [Fact]
    public void The_dependency_log_keeps_each_dependency_apart()
    {
        var log = new CapturingLogger();
        var deps = new DependencyLog(log);
        deps.Failed("market_data", "fetch failed", "HTTP 500", T0);
        deps.Failed("live_orders", "fetch failed", "refused", T0);
        deps.Failed("market_data", "fetch failed", "HTTP 500", T0 + TimeSpan.FromSeconds(1));
        Assert.Equal(["live_orders", "market_data"], deps.Failing);
        deps.Succeeded("market_data", T0 + TimeSpan.FromSeconds(2));
        deps.Succeeded("market_data", T0 + TimeSpan.FromSeconds(3));
        Assert.Equal(["live_orders"], deps.Failing);
        Assert.Equal(2, log.Lines.Count(l => l.Level == LogLevel.Warning));
        Assert.Single(log.Lines, l => l.Level == LogLevel.Information);
    }
}
