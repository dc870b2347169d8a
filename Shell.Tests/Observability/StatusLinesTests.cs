using MarketMaker.Core;
using MarketMaker.Core.FairValue;
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
        Assert.Equal(expected, GoText.DurationTruncated(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Go_quote_escapes_quotes_backslashes_and_control_characters() =>
        Assert.Equal("\"a\\\"b\\\\c\\nd\\x01\"", GoText.Quote("a\"b\\c\nd\u0001"));

    [Fact]
    public void Soak_line_has_every_reference_field_in_order()
    {
        var summary = StatusLines.Accumulate(
            StatusLines.Start(Samples.Now.AddMinutes(-10), OperatorMode.Normal),
            Samples.Snapshot(),
            Samples.Decision(halt: new Halt.BalancesStale("age 40s")),
            OperatorMode.BidOnly);
        Assert.Equal(
            "state=bid-only halted=true inv=250.500000 bids=1 asks=0 fills_buy=1 fills_sell=1 partial_fills=1 cancels=1 "
            + "md_age=2s bal_age=3s anchor_age=5s halt_reason=\"balances stale\" ref=1500.000000 local_ref=1500.000000 "
            + "ext_anchor=1501.000000 best_bid=1499.500000 best_ask=1500.500000 "
            + "pnl_realized=12.500000 pnl_unrealized=950.000000 pnl_total=962.500000 drawdown=37.500000 markout_1s_bps=20.00 "
            + "markout_10s_bps=10.00 markout_60s_bps=-5.00 spread_capture_bps=24.50",
            StatusLines.Soak(summary));
    }

    [Fact]
    public void Shutdown_line_summarises_the_run()
    {
        var start = StatusLines.Start(Samples.Now.AddHours(-2).AddSeconds(-5), OperatorMode.Normal);
        var snapshot = Samples.Snapshot();
        var s = StatusLines.Accumulate(start, snapshot, Samples.Decision(halt: new Halt.KillSwitchActive("")), OperatorMode.Normal);
        s = StatusLines.Accumulate(s, snapshot, Samples.Decision(halt: new Halt.QuoteAgeExceeded(""), metrics: Samples.Metrics(quoteAge: 130m, netInventory: -400.25m, deviation: 12.34567m)), OperatorMode.Normal);
        s = StatusLines.Accumulate(s, snapshot, Samples.Decision(fills: [], metrics: Samples.Metrics(replaceCancels: 2, riskCancels: 1, netInventory: 10m, deviation: null)), OperatorMode.Normal);

        Assert.Equal(
            "uptime=2h0m5s halts=2 last_halt=\"quote age exceeded\" fills_buy=2 fills_sell=2 partial_fills=2 cancels=5 "
            + "max_quote_age=2m10s max_anchor_deviation_bps=12.3457 max_net_inventory=400.250000 "
            + "pnl_realized=12.500000 pnl_unrealized=950.000000 pnl_total=962.500000 drawdown=37.500000 markout_1s_bps=20.00 "
            + "markout_10s_bps=10.00 markout_60s_bps=-5.00 spread_capture_bps=24.50 max_drawdown=40.000000",
            StatusLines.Shutdown(s, Samples.Now));
        Assert.False(s.Halted);
        Assert.Equal("", s.CurrentHaltReason);
        Assert.Equal(10m, s.Inventory);
    }

    [Fact]
    public void Before_any_P_and_L_report_the_fields_print_as_not_available()
    {
        var s = StatusLines.Accumulate(StatusLines.Start(Samples.Now, OperatorMode.Normal), Samples.Snapshot(), Samples.Decision() with { Pnl = null }, OperatorMode.Normal);
        Assert.EndsWith(
            " pnl_realized=0.000000 pnl_unrealized=n/a pnl_total=n/a drawdown=n/a markout_1s_bps=n/a markout_10s_bps=n/a "
            + "markout_60s_bps=n/a spread_capture_bps=n/a",
            StatusLines.Soak(s),
            StringComparison.Ordinal);
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

    [Fact]
    public void Soak_and_shutdown_lines_show_the_last_P_and_L_and_average_markouts()
    {
        // Long 6 at 100 with 73.5 realized, marked at 99.5: unrealized −3, total 70.5, 4.5 below a peak of 75.
        var pnl = new PnlReport(
            Position: 6m, AverageCost: 100m, Realized: 73.5m, Unrealized: -3m, Total: 70.5m, Drawdown: 4.5m, MaxDrawdown: 12.25m,
            Mark: 99.5m, Fees: 1.5m, BoughtSize: 30m, SoldSize: 24m, FillCount: 5, SpreadCaptureBps: 50m,
            Markout1sBps: 0m, Markout10sBps: -40m, Markout60sBps: 75.125m);
        var start = StatusLines.Start(Samples.Now.AddSeconds(-90), OperatorMode.Normal);
        var s = StatusLines.Accumulate(start, Samples.Snapshot(), Samples.Decision(pnl: pnl), OperatorMode.Normal);

        // A later decision without a P&L report (none is made without state) keeps the last one.
        s = StatusLines.Accumulate(s, Samples.Snapshot(), Samples.Decision() with { Pnl = null }, OperatorMode.Normal);

        const string fields = "pnl_realized=73.500000 pnl_unrealized=-3.000000 pnl_total=70.500000 drawdown=4.500000 "
            + "markout_1s_bps=0.00 markout_10s_bps=-40.00 markout_60s_bps=75.13 spread_capture_bps=50.00";
        Assert.EndsWith(" " + fields, StatusLines.Soak(s), StringComparison.Ordinal);
        Assert.EndsWith(" " + fields + " max_drawdown=12.250000", StatusLines.Shutdown(s, Samples.Now), StringComparison.Ordinal);
    }
}
