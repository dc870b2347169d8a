using MarketMaker.Core;
using MarketMaker.Shell.Observability;

namespace MarketMaker.Shell.Tests.Observability;

public class StatusLinesTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(0.9, "0s")]
    [InlineData(45.7, "45s")]
    [InlineData(60, "1m0s")]
    [InlineData(125, "2m5s")]
    [InlineData(3600, "1h0m0s")]
    [InlineData(93784, "26h3m4s")]
    [InlineData(-5, "-5s")]
    public void Durations_print_like_Go_truncated_to_seconds(double seconds, string expected) =>
        Assert.Equal(expected, StatusLines.GoDuration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Go_quote_escapes_quotes_backslashes_and_control_characters() =>
        Assert.Equal("\"a\\\"b\\\\c\\nd\\x01\"", StatusLines.GoQuote("a\"b\\c\nd\u0001"));

    [Fact]
    public void Soak_line_has_every_reference_field_in_order()
    {
        var summary = StatusLines.Accumulate(
            StatusLines.Start(Samples.Now.AddMinutes(-10), OperatorMode.Normal),
            Samples.Snapshot(),
            Samples.Decision(halt: new Halt(HaltReasons.BalancesStale, "age 40s", CancelCategory.RiskTriggered)),
            OperatorMode.BidOnly);
        Assert.Equal(
            "state=bid-only halted=true inv=250.500000 bids=1 asks=0 fills_buy=1 fills_sell=1 partial_fills=1 cancels=1 "
            + "md_age=2s bal_age=3s anchor_age=5s halt_reason=\"balances stale\" ref=1500.000000 local_ref=1500.000000 "
            + "ext_anchor=1501.000000 best_bid=1499.500000 best_ask=1500.500000",
            StatusLines.Soak(summary));
    }

    [Fact]
    public void Shutdown_line_summarises_the_run()
    {
        var start = StatusLines.Start(Samples.Now.AddHours(-2).AddSeconds(-5), OperatorMode.Normal);
        var snapshot = Samples.Snapshot();
        var s = StatusLines.Accumulate(start, snapshot, Samples.Decision(halt: new Halt(HaltReasons.KillSwitchActive, "", CancelCategory.KillSwitch)), OperatorMode.Normal);
        s = StatusLines.Accumulate(s, snapshot, Samples.Decision(halt: new Halt(HaltReasons.QuoteAgeExceeded, "", CancelCategory.RiskTriggered), metrics: Samples.Metrics(quoteAge: 130m, netInventory: -400.25m, deviation: 12.34567m)), OperatorMode.Normal);
        s = StatusLines.Accumulate(s, snapshot, Samples.Decision(fills: [], metrics: Samples.Metrics(replaceCancels: 2, riskCancels: 1, netInventory: 10m, deviation: null)), OperatorMode.Normal);

        Assert.Equal(
            "uptime=2h0m5s halts=2 last_halt=\"quote age exceeded\" fills_buy=2 fills_sell=2 partial_fills=2 cancels=5 "
            + "max_quote_age=2m10s max_anchor_deviation_bps=12.3457 max_net_inventory=400.250000",
            StatusLines.Shutdown(s, Samples.Now));
        Assert.False(s.Halted);
        Assert.Equal("", s.CurrentHaltReason);
        Assert.Equal(10m, s.Inventory);
    }

    [Fact]
    public void Unknown_ages_print_as_not_available()
    {
        var values = Samples.Metrics() with { MarketDataAgeSeconds = null, BalanceAgeSeconds = null, AnchorAgeSeconds = null };
        var s = StatusLines.Accumulate(StatusLines.Start(Samples.Now, OperatorMode.Pause), Samples.Snapshot(), Samples.Decision(metrics: values), OperatorMode.Pause);
        var line = StatusLines.Soak(s);
        Assert.Contains("md_age=n/a bal_age=n/a anchor_age=n/a halt_reason=\"\"", line, StringComparison.Ordinal);
        Assert.StartsWith("state=pause halted=false", line, StringComparison.Ordinal);
    }
}
