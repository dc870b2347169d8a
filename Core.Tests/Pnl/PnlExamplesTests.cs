using System.Collections.Immutable;
using MarketMaker.Core.Tests.Decisions;

namespace MarketMaker.Core.Tests.Pnl;

/// <summary>
/// P&amp;L and markouts on hand-computed examples (docs/pnl.md): every expected number is written out and derived in
/// the comments, so a change to the average-cost method or the markout sign shows up here.
/// </summary>
public sealed class PnlExamplesTests
{
    [Fact]
    public void Average_cost_through_adds_a_partial_close_a_flip_and_a_fee()
    {
        var book = new PnlBook();

        // Buy 10 @ 100: long 10, cost 1000, average 100.
        book = book.Apply(Side.Buy, 100m, 10m, 0m);
        Assert.Equal((10m, 1000m, 100m, 0m), (book.Position, book.CostBasis, book.AverageCost, book.Realized));

        // Buy 10 @ 110: long 20, cost 2100, average 105.
        book = book.Apply(Side.Buy, 110m, 10m, 0m);
        Assert.Equal((20m, 2100m, 105m, 0m), (book.Position, book.CostBasis, book.AverageCost, book.Realized));

        // Sell 5 @ 120 with a 1.5 fee (25 bps of 600): closes 5 of 20, realizes (120 − 105) × 5 = 75, minus the fee = 73.5.
        // The rest keeps its average: long 15, cost 1575, average 105.
        book = book.Apply(Side.Sell, 120m, 5m, 1.5m);
        Assert.Equal((15m, 1575m, 105m, 73.5m, 1.5m), (book.Position, book.CostBasis, book.AverageCost, book.Realized, book.Fees));

        // Marked at 100: unrealized (100 − 105) × 15 = −75; total 73.5 − 75 = −1.5.
        Assert.Equal(-75m, book.Unrealized(100m));

        // Sell 25 @ 90, a flip through zero: closes the 15 long at (90 − 105) × 15 = −225 (realized −151.5),
        // the other 10 open a short at 90: position −10, cost basis −900, average 90.
        book = book.Apply(Side.Sell, 90m, 25m, 0m);
        Assert.Equal((-10m, -900m, 90m, -151.5m), (book.Position, book.CostBasis, book.AverageCost, book.Realized));

        // Marked at 95: the short loses (90 − 95) × 10 = −50.
        Assert.Equal(-50m, book.Unrealized(95m));

        // Buy 10 @ 80 closes the short: realizes (90 − 80) × 10 = +100, realized −51.5, flat with no cost left.
        book = book.Apply(Side.Buy, 80m, 10m, 0m);
        Assert.Equal((0m, 0m, 0m, -51.5m), (book.Position, book.CostBasis, book.AverageCost, book.Realized));
        Assert.Equal(0m, book.Unrealized(123m));

        // Cash check: −1000 − 1100 + 600 − 1.5 + 2250 − 800 = −51.5, and nothing is held.
        Assert.Equal((30m, 30m, 5L, 1.5m), (book.BoughtSize, book.SoldSize, book.FillCount, book.Fees));
    }

    [Fact]
    public void A_zero_or_negative_size_changes_nothing()
    {
        var book = new PnlBook().Apply(Side.Buy, 100m, 10m, 0m);
        Assert.Same(book, book.Apply(Side.Sell, 100m, 0m, 1m));
        Assert.Same(book, book.Apply(Side.Sell, 100m, -1m, 1m));
    }

    [Fact]
    public void Markout_sign_positive_means_the_fill_earned()
    {
        // Bought at 100, the reference later 101: +100 bps (bought below). Sold at 100, later 101: −100 bps (picked off).
        Assert.Equal(100m, PnlAccounting.Bps(Side.Buy, 100m, 101m));
        Assert.Equal(-100m, PnlAccounting.Bps(Side.Sell, 100m, 101m));
        Assert.Equal(-50m, PnlAccounting.Bps(Side.Buy, 100m, 99.5m));
        Assert.Equal(50m, PnlAccounting.Bps(Side.Sell, 100m, 99.5m));
    }

    [Fact]
    public void Markouts_at_1_10_and_60_seconds_along_a_known_reference_path()
    {
        var run = new Run();

        // T0: buy 10 @ 100 observed with the reference at 100.5: spread captured (100.5 − 100) / 100 = +50 bps.
        var s = run.Step(0, 100.5m, Fill("b1", Side.Buy, 100m, 10m));
        Assert.Equal([(0, "b1", 50m)], Taken(s));

        // T0+0.5 s, reference 101: no horizon is due yet.
        Assert.Empty(run.Step(0.5, 101m).Markouts);

        // T0+1 s, reference 99: the buy's 1 s markout (99 − 100) / 100 = −100 bps.
        Assert.Equal([(1, "b1", -100m)], Taken(run.Step(1, 99m)));

        // T0+2 s, reference 99.5: sell 4 @ 100, captured (100 − 99.5) / 100 = +50 bps.
        Assert.Equal([(0, "s1", 50m)], Taken(run.Step(2, 99.5m, Fill("s1", Side.Sell, 100m, 4m))));

        // T0+3 s, reference 99: the sell's 1 s markout (100 − 99) / 100 = +100 bps.
        Assert.Equal([(1, "s1", 100m)], Taken(run.Step(3, 99m)));

        // T0+10 s, reference 100.2: the buy's 10 s markout +20 bps.
        Assert.Equal([(10, "b1", 20m)], Taken(run.Step(10, 100.2m)));

        // T0+12 s, reference 101: the sell's 10 s markout −100 bps.
        Assert.Equal([(10, "s1", -100m)], Taken(run.Step(12, 101m)));

        // T0+30 s without a reference: nothing is taken, both fills still pend their 60 s markout.
        var none = run.Step(30, null);
        Assert.Empty(none.Markouts);
        Assert.Equal(2, none.Pending.Length);

        // T0+61 s, reference 101.5: the buy's 60 s markout +150 bps (the first reference at or after the horizon).
        Assert.Equal([(60, "b1", 150m)], Taken(run.Step(61, 101.5m)));

        // T0+62 s, reference 100: the sell's 60 s markout 0; nothing pends any more.
        var last = run.Step(62, 100m);
        Assert.Equal([(60, "s1", 0m)], Taken(last));
        Assert.Empty(last.Pending);

        // Averages: 1 s (−100 + 100) / 2 = 0, 10 s (20 − 100) / 2 = −40, 60 s (150 + 0) / 2 = 75, capture 50.
        var r = last.Report;
        Assert.Equal((0m, -40m, 75m, 50m), (r.Markout1sBps, r.Markout10sBps, r.Markout60sBps, r.SpreadCaptureBps));

        // P&L at the last mark: long 10 @ 100, sold 4 @ 100 (realized 0), long 6 marked at 100: all zero.
        Assert.Equal((6m, 100m, 0m, 0m, 0m), (r.Position, r.AverageCost, r.Realized, r.Unrealized, r.Total));
    }

    [Fact]
    public void Drawdown_is_peak_to_trough_of_the_total_and_the_limit_latches()
    {
        var run = new Run(F.Config with { MaxDrawdown = 30m });

        // Buy 10 @ 100 marked at 100: total 0, peak 0.
        Assert.Equal((0m, 0m), Dd(run.Step(0, 100m, Fill("b1", Side.Buy, 100m, 10m))));

        // Marked at 105: total +50, the new peak.
        Assert.Equal((50m, 0m), Dd(run.Step(1, 105m)));

        // Marked at 103: total +30, 20 below the peak.
        Assert.Equal((30m, 20m), Dd(run.Step(2, 103m)));

        // Marked at 102: total +20, 30 below the peak: at the limit, not beyond it.
        var at = run.Step(3, 102m);
        Assert.Equal((20m, 30m), Dd(at));
        Assert.Null(at.DrawdownHalt);

        // Marked at 101.9: total 19, drawdown 31 > 30: halt, latched at 30.
        var beyond = run.Step(4, 101.9m);
        Assert.Equal((19m, 31m), Dd(beyond));
        Assert.Equal(HaltReasons.DrawdownLimitExceeded, beyond.DrawdownHalt?.Reason);
        Assert.Equal(30m, beyond.Book.DrawdownLatchLimit);
        Assert.Equal(31m, beyond.Report.MaxDrawdown);

        // Back to 105 (drawdown 0): still halted, the latch holds.
        var back = run.Step(5, 105m);
        Assert.Equal((50m, 0m), Dd(back));
        Assert.Equal(HaltReasons.DrawdownLimitExceeded, back.DrawdownHalt?.Reason);
        Assert.Equal(31m, back.Report.MaxDrawdown);
    }

    [Fact]
    public void The_latch_holds_at_the_same_limit_and_clears_with_a_larger_limit_zero_or_a_reset()
    {
        // Long 10 bought at 100, peak 0, marked at 96: total −40, drawdown 40 > 30: latches at 30.
        var latched = new Run(F.Config with { MaxDrawdown = 30m });
        latched.Step(0, 100m, Fill("b1", Side.Buy, 100m, 10m));
        Assert.Equal(30m, latched.Step(1, 96m).Book.DrawdownLatchLimit);
        var state = latched.State;

        // Restarted with the same limit, even with the drawdown gone (back at 100): still halted.
        Assert.Equal(HaltReasons.DrawdownLimitExceeded, new Run(F.Config with { MaxDrawdown = 30m }, state).Step(2, 100m).DrawdownHalt?.Reason);

        // A larger limit (50) clears the latch: drawdown 40 is inside it.
        var raised = new Run(F.Config with { MaxDrawdown = 50m }, state).Step(2, 96m);
        Assert.Null(raised.DrawdownHalt);
        Assert.Null(raised.Book.DrawdownLatchLimit);

        // A larger limit the drawdown still exceeds (35 < 40) latches again at that limit.
        var tooSmall = new Run(F.Config with { MaxDrawdown = 35m }, state).Step(2, 96m);
        Assert.Equal((HaltReasons.DrawdownLimitExceeded, 35m), (tooSmall.DrawdownHalt?.Reason, tooSmall.Book.DrawdownLatchLimit));

        // 0 turns the stop off and clears the latch.
        var off = new Run(F.Config with { MaxDrawdown = 0m }, state).Step(2, 96m);
        Assert.Null(off.DrawdownHalt);
        Assert.Null(off.Book.DrawdownLatchLimit);

        // The reset (mm-bot reset-drawdown: latch and peak cleared) resumes at the same limit: the next mark, −40, is the new peak.
        var reset = state with { Persisted = state.Persisted with { Pnl = state.Persisted.Pnl with { DrawdownLatchLimit = null, Peak = null } } };
        var resumed = new Run(F.Config with { MaxDrawdown = 30m }, reset).Step(2, 96m);
        Assert.Null(resumed.DrawdownHalt);
        Assert.Equal((-40m, 0m), Dd(resumed));
        Assert.Equal(-40m, resumed.Book.Realized + resumed.Book.Unrealized(96m));
    }

    private static ImmutableArray<Fill> Fill(string id, Side side, decimal price, decimal size, decimal fee = 0m) =>
        [new Fill(id, side, size, false, "test", price, fee)];

    private static (int, string, decimal)[] Taken(PnlStep s) =>
        s.Markouts.Select(m => (m.HorizonSeconds, m.OrderId, m.Bps)).ToArray();

    private static (decimal?, decimal?) Dd(PnlStep s) => (s.Report.Total, s.Report.Drawdown);
}

/// <summary>Steps <see cref="PnlAccounting.Step"/> over time, carrying the book, pending markouts and mark as the decider does.</summary>
internal sealed class Run(BotConfig? config = null, BotState? state = null)
{
    private readonly BotConfig config = config ?? F.Config;

    public BotState State { get; private set; } = state ?? F.Running;

    public PnlStep Step(double seconds, decimal? reference, ImmutableArray<Fill> fills = default)
    {
        var snapshot = Scene.Default.At(F.T0.AddSeconds(seconds)).Build();
        var step = PnlAccounting.Step(new CycleContext(snapshot, State, config), fills.IsDefault ? [] : fills, reference);
        State = State with
        {
            Persisted = State.Persisted with { Pnl = step.Book },
            PendingMarkouts = step.Pending,
            LastMark = step.Mark,
        };
        return step;
    }
}
