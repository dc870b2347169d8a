using MarketMaker.Core;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Observability;
using MarketMaker.Shell.Recording;
using MarketMaker.Shell.Tests.Cycle;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Hostile;

/// <summary>The shell's side of docs/hostile-input.md: a failed decision is a halt, unknown variables are warned about, messages say what was wrong.</summary>
public sealed class ShellHostileTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_decision_that_throws_is_a_halt_that_cancels_our_orders_and_the_bot_keeps_trying()
    {
        var time = new FakeTimeProvider(T0);
        var exchange = new FakeExchange(time);
        var config = new BotConfig { OwnerAddress = FakeExchange.Us, StaleBalanceTimeoutSeconds = 10 };
        var metrics = new BotMetrics();
        var readiness = new ReadinessHolder();
        var observer = new BotObserver(metrics, readiness, config, NullLogger.Instance, 0, T0);
        var failing = false;
        var ports = new CyclePorts(exchange, exchange, exchange, null, null, exchange, exchange, exchange);
        var runner = new CycleRunner(config, MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m), ports, SourceTimeouts.Default, time, NullLogger.Instance, observer)
        {
            DecideFunction = (s, st, c) => failing ? throw new InvalidOperationException("bug in the core") : Decider.Decide(s, st, c),
        };

        for (var i = 0; i < 3; i++)
        {
            await runner.RunOnceAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(6));
        }

        Assert.Equal(2, exchange.Live.Count(o => o.OrderId.StartsWith("mm:", StringComparison.Ordinal)));
        Assert.True(readiness.Current.Ready);

        failing = true;
        var error = await Assert.ThrowsAsync<DecisionFailedException>(() => runner.RunOnceAsync(CancellationToken.None));
        Assert.Contains("bug in the core", error.Message, StringComparison.Ordinal);
        Assert.Equal(new Readiness.NotReady(DecisionFailed.Reason), readiness.Current);
        Assert.DoesNotContain(exchange.Live, o => o.OrderId.StartsWith("mm:", StringComparison.Ordinal));
        Assert.Equal(2, exchange.Log.Count(l => l.StartsWith("cancel mm:", StringComparison.Ordinal)));
        var text = await metrics.ExportTextAsync();
        Assert.Contains("mm_bot_decision_failures_total 1", text, StringComparison.Ordinal);
        Assert.Contains("mm_bot_ready 0", text, StringComparison.Ordinal);

        // The next cycles decide again and quote again.
        failing = false;
        time.Advance(TimeSpan.FromSeconds(6));
        for (var i = 0; i < 2; i++)
        {
            await runner.RunOnceAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(6));
        }

        Assert.Equal(2, exchange.Live.Count(o => o.OrderId.StartsWith("mm:", StringComparison.Ordinal)));
        Assert.True(readiness.Current.Ready);
    }

    [Fact]
    public void An_unknown_MM_variable_is_warned_about_with_the_closest_known_name()
    {
        var env = new Dictionary<string, string>
        {
            ["MM_HALF_SPRED_BPS"] = "40",
            ["MM_MAX_BOOK_DEVIATON_BPS"] = "100",
            ["MM_ORDER_SIZE"] = "10",
            ["MM_INT_TAKER_SUBACCOUNT_ID"] = "5",
            ["MM_TEST_DATABASE_URL"] = "x",
            ["MM_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"] = "1",
            ["PATH"] = "/bin",
        };
        Assert.Equal(
            new[]
            {
                "unknown variable MM_HALF_SPRED_BPS is ignored; did you mean MM_HALF_SPREAD_BPS?",
                "unknown variable MM_MAX_BOOK_DEVIATON_BPS is ignored; did you mean MM_MAX_BOOK_DEVIATION_BPS?",
                "unknown variable MM_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ is ignored (see `mm-bot run --help`)",
            },
            UnknownVariables.Warnings(env));
    }

    [Theory]
    [InlineData("NaN", "got \"NaN\": NaN and infinities are not decimal numbers")]
    [InlineData("-Infinity", "got \"-Infinity\": NaN and infinities are not decimal numbers")]
    [InlineData("1e400", "got \"1e400\": out of the decimal range")]
    [InlineData("1e5", "got \"1e5\": write it without an exponent")]
    [InlineData("ten", "got \"ten\": not a number")]
    public void A_decimal_that_is_not_one_says_what_was_wrong_with_the_value(string value, string expected)
    {
        var error = Assert.Throws<RecordingFormatException>(() => RecordingJson.Deserialize<Balances>($"{{\"base_total\":\"{value}\",\"quote_total\":\"1\"}}", "stdin"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_bad_decimal_is_cut_in_the_message()
    {
        var value = new string('9', 5000) + "x";
        var error = Assert.Throws<RecordingFormatException>(() => RecordingJson.Deserialize<Balances>($"{{\"base_total\":\"{value}\",\"quote_total\":\"1\"}}", "stdin"));
        Assert.Contains("(5001 characters)", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400);
    }
}
