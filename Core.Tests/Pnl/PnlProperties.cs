using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Core.Tests.Decisions;

namespace MarketMaker.Core.Tests.Pnl;

/// <summary>
/// Properties of the P&amp;L book over generated fill sequences (sides, prices, sizes, fees, marks), checked against an
/// independent cash-and-position ledger: realized + unrealized is the mark-to-market change of the portfolio at every
/// step, and the drawdown is the peak-to-trough of that total.
/// </summary>
public sealed class PnlProperties
{
    private static readonly FsCheck.Config Thorough = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500);

    /// <summary>Allowed difference: the average-cost share of a partial close is a 28-digit division.</summary>
    private const decimal Epsilon = 0.000000000001m;

    internal sealed record Event(Side Side, decimal Price, decimal Size, decimal Fee, decimal Mark, bool HasFill)
    {
        public override string ToString() => HasFill ? $"{Side} {Size}@{Price} fee {Fee} mark {Mark}" : $"mark {Mark}";
    }

    private static Gen<decimal> Dec(int min, int max, decimal scale) => Gen.Choose(min, max).Select(v => v / scale);

    private static readonly Gen<Event> EventGen =
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from price in Dec(5000, 25000, 100m)
        from size in Dec(1, 50000, 1000m)
        from fee in Gen.Frequency((3, Gen.Constant(0m)), (1, Dec(0, 500, 100m)))
        from mark in Dec(5000, 25000, 100m)
        from hasFill in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        select new Event(side, price, size, fee, mark, hasFill);

    private static readonly Gen<Event[]> Sequences = Gen.Choose(1, 40).SelectMany(n => EventGen.ArrayOf(n));

    [Fact]
    public void Realized_plus_unrealized_is_the_mark_to_market_change_at_every_step()
    {
        var flips = 0;
        Prop.ForAll(Sequences.ToArbitrary(), events =>
        {
            var book = new PnlBook();
            decimal cash = 0m, position = 0m;
            foreach (var e in events.Where(e => e.HasFill))
            {
                var signed = e.Side == Side.Buy ? e.Size : -e.Size;
                flips += position != 0 && Math.Sign(position + signed) == -Math.Sign(position) ? 1 : 0;
                book = book.Apply(e.Side, e.Price, e.Size, e.Fee);
                cash -= signed * e.Price + e.Fee;
                position += signed;
                var mtm = cash + position * e.Mark;
                if (book.Position != position || Math.Abs(book.Realized + book.Unrealized(e.Mark) - mtm) > Epsilon)
                {
                    return false;
                }

                // Average cost lies between the cheapest and dearest fills of the run (never nonsense).
                if (position != 0 && (book.AverageCost < 50m || book.AverageCost > 250m))
                {
                    return false;
                }
            }

            return true;
        }).Check(Thorough);
        Assert.True(flips > 100, $"only {flips} flips through zero were generated");
    }

    [Fact]
    public void Drawdown_is_the_peak_to_trough_of_the_total()
    {
        var drawdowns = 0;
        Prop.ForAll(Sequences.ToArbitrary(), events =>
        {
            var run = new Run();
            decimal cash = 0m, position = 0m, peak = decimal.MinValue, maxDrawdown = 0m;
            var t = 0;
            foreach (var e in events)
            {
                var fills = ImmutableArray<Fill>.Empty;
                if (e.HasFill)
                {
                    var signed = e.Side == Side.Buy ? e.Size : -e.Size;
                    cash -= signed * e.Price + e.Fee;
                    position += signed;
                    fills = [new Fill($"o{t}", e.Side, e.Size, false, "test", e.Price, e.Fee)];
                }

                var step = run.Step(t++, e.Mark, fills);
                var total = cash + position * e.Mark;
                peak = Math.Max(peak, total);
                maxDrawdown = Math.Max(maxDrawdown, peak - total);
                drawdowns += peak - total > 0 ? 1 : 0;
                if (step.Report.Total is not { } reported || Math.Abs(reported - total) > Epsilon
                    || step.Report.Drawdown is not { } dd || Math.Abs(dd - (peak - total)) > Epsilon
                    || Math.Abs(step.Report.MaxDrawdown - maxDrawdown) > Epsilon
                    || step.DrawdownHalt is not null)
                {
                    return false;
                }
            }

            return true;
        }).Check(Thorough);
        Assert.True(drawdowns > 1000, $"only {drawdowns} steps were below the peak");
    }
}
