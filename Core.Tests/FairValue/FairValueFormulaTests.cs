using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Core.Tests.FairValue;

public sealed class FairValueFormulaTests
{
    private static readonly FsCheck.Config Thorough = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(1000);
    private static readonly DateTimeOffset Expiry = new(2026, 4, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A positive spot from 1e-8 to 2e9 with up to 8 decimals.</summary>
    private static readonly Gen<decimal> Spot =
        Gen.Choose(1, 2_000_000_000).SelectMany(m => Gen.Choose(0, 8).Select(s => m / Pow10(s)));

    /// <summary>A rate in [0, 2] (0% to 200% a year) with 6 decimals, zero included often.</summary>
    private static readonly Gen<decimal> NonNegativeRate =
        Gen.Frequency((1, Gen.Constant(0m)), (9, Gen.Choose(0, 2_000_000).Select(v => v / 1_000_000m)));

    private static readonly Gen<decimal> AnyRate = Gen.Choose(-2_000_000, 2_000_000).Select(v => v / 1_000_000m);

    /// <summary>Years to expiry in [0, 10] with 6 decimals.</summary>
    private static readonly Gen<decimal> Years =
        Gen.Frequency((1, Gen.Constant(0m)), (9, Gen.Choose(0, 10_000_000).Select(v => v / 1_000_000m)));

    private static readonly Gen<decimal> NonNegativeCarryAbs =
        Gen.Frequency((1, Gen.Constant(0m)), (3, Gen.Choose(0, 10_000_000).Select(v => v / 10_000m)));

    private static readonly Gen<decimal> NonNegativeCarryBps =
        Gen.Frequency((1, Gen.Constant(0m)), (3, Gen.Choose(0, 100_000).Select(v => v / 100m)));

    private static readonly Gen<decimal> AnyCarryAbs = Gen.Choose(-10_000_000, 10_000_000).Select(v => v / 10_000m);

    private static readonly Gen<decimal> AnyCarryBps = Gen.Choose(-200_000, 200_000).Select(v => v / 100m);

    /// <summary>An instant within ±12 years of the expiry, to the tick.</summary>
    private static readonly Gen<DateTimeOffset> Instant =
        from days in Gen.Choose(-4400, 4400)
        from seconds in Gen.Choose(0, 86_399)
        from ticks in Gen.Choose(0, 9_999_999)
        select Expiry.AddDays(days).AddSeconds(seconds).AddTicks(ticks);

    private static decimal Pow10(int n)
    {
        var p = 1m;
        for (var i = 0; i < n; i++)
        {
            p *= 10m;
        }

        return p;
    }

    private static decimal Fair(decimal spot, decimal rate, decimal years, decimal carryAbs, decimal carryBps) =>
        FairValueFormula.Compute(spot, rate, years, carryAbs, carryBps) switch
        {
            FairValueOutcome.Valid v => v.Fair,
            FairValueOutcome.Invalid i => throw new InvalidOperationException($"unexpected invalid fair value: {i.Reason}"),
            _ => throw new InvalidOperationException("unknown outcome"),
        };

    [Fact]
    public void Fair_value_is_non_decreasing_in_the_rate_for_non_negative_rates()
    {
        var inputs = from spot in Spot from r1 in NonNegativeRate from r2 in NonNegativeRate from years in Years from carryAbs in NonNegativeCarryAbs from carryBps in NonNegativeCarryBps select (spot, r1, r2, years, carryAbs, carryBps);
        Prop.ForAll(inputs.ToArbitrary(), t =>
        {
            var (spot, r1, r2, years, carryAbs, carryBps) = t;
            var (lo, hi) = r1 <= r2 ? (r1, r2) : (r2, r1);
            return Fair(spot, lo, years, carryAbs, carryBps) <= Fair(spot, hi, years, carryAbs, carryBps);
        }).Check(Thorough);
    }

    [Fact]
    public void Fair_value_is_non_decreasing_in_time_to_expiry_for_non_negative_rates()
    {
        var inputs = from spot in Spot from rate in NonNegativeRate from y1 in Years from y2 in Years from carryAbs in NonNegativeCarryAbs from carryBps in NonNegativeCarryBps select (spot, rate, y1, y2, carryAbs, carryBps);
        Prop.ForAll(inputs.ToArbitrary(), t =>
        {
            var (spot, rate, y1, y2, carryAbs, carryBps) = t;
            var (lo, hi) = y1 <= y2 ? (y1, y2) : (y2, y1);
            return Fair(spot, rate, lo, carryAbs, carryBps) <= Fair(spot, rate, hi, carryAbs, carryBps);
        }).Check(Thorough);
    }

    [Fact]
    public void A_later_clock_never_raises_the_fair_value_for_non_negative_rates()
    {
        var inputs = from spot in Spot from rate in NonNegativeRate from carryAbs in NonNegativeCarryAbs from a in Instant from b in Instant select (spot, rate, carryAbs, a, b);
        Prop.ForAll(inputs.ToArbitrary(), t =>
        {
            var (spot, rate, carryAbs, a, b) = t;
            var (earlier, later) = a <= b ? (a, b) : (b, a);
            var p = new FairValueParams(rate, carryAbs, 0m, Expiry);
            var atEarlier = (FairValueOutcome.Valid)FairValueFormula.Compute(spot, p, earlier);
            var atLater = (FairValueOutcome.Valid)FairValueFormula.Compute(spot, p, later);
            return atLater.Fair <= atEarlier.Fair && atLater.Years <= atEarlier.Years && atLater.Years >= 0m;
        }).Check(Thorough);
    }

    [Fact]
    public void Fair_value_equals_spot_exactly_at_expiry_with_zero_carry()
    {
        var inputs = from spot in Spot from rate in AnyRate from seconds in Gen.Choose(0, 100_000) select (spot, rate, seconds);
        Prop.ForAll(inputs.ToArbitrary(), t =>
        {
            var (spot, rate, secondsAfterExpiry) = t;
            var p = new FairValueParams(rate, 0m, 0m, Expiry);
            var outcome = (FairValueOutcome.Valid)FairValueFormula.Compute(spot, p, Expiry.AddSeconds(secondsAfterExpiry));
            return outcome.Fair == spot && outcome.Years == 0m;
        }).Check(Thorough);
    }

    [Fact]
    public void Fair_value_at_zero_rate_is_spot_plus_the_carry_terms()
    {
        var inputs = from spot in Spot from years in Years from carryAbs in NonNegativeCarryAbs from carryBps in NonNegativeCarryBps select (spot, years, carryAbs, carryBps);
        Prop.ForAll(inputs.ToArbitrary(), t =>
        {
            var (spot, years, carryAbs, carryBps) = t;
            return Fair(spot, 0m, years, carryAbs, carryBps) == spot + carryAbs + (spot * carryBps / 10_000m);
        }).Check(Thorough);
    }

    [Fact]
    public void Fair_value_is_positive_for_valid_inputs()
    {
        var inputs = from spot in Spot from rate in AnyRate from years in Years from carryAbs in NonNegativeCarryAbs from carryBps in NonNegativeCarryBps select (spot, rate, years, carryAbs, carryBps);
        Prop.ForAll(inputs.ToArbitrary(), t =>
        {
            var (spot, rate, years, carryAbs, carryBps) = t;
            return FairValueFormula.Compute(spot, rate, years, carryAbs, carryBps) is FairValueOutcome.Valid { Fair: > 0m };
        }).Check(Thorough);
    }

    [Fact]
    public void Any_inputs_give_either_a_positive_fair_value_or_an_invalid_outcome_never_an_exception()
    {
        var anySpot = Gen.Frequency((4, Spot), (1, Spot.Select(s => -s)), (1, Gen.Constant(0m)));
        var hugeRate = Gen.Frequency((4, AnyRate), (1, Gen.Choose(-1000, 1000).Select(v => (decimal)v)));
        var inputs = from spot in anySpot from rate in hugeRate from years in Years from carryAbs in AnyCarryAbs from carryBps in AnyCarryBps select (spot, rate, years, carryAbs, carryBps);
        Prop.ForAll(inputs.ToArbitrary(), t =>
        {
            var (spot, rate, years, carryAbs, carryBps) = t;
            return FairValueFormula.Compute(spot, rate, years, carryAbs, carryBps) switch
            {
                FairValueOutcome.Valid v => v.Fair > 0m,
                FairValueOutcome.Invalid i => i.Reason.Length > 0,
                _ => false,
            };
        }).Check(Thorough);
    }

    [Fact]
    public void Fair_value_matches_the_formula_for_a_worked_example()
    {
        // 60 days to expiry at 20% a year on spot 1600, plus 2 cNGN and 5 bps of carry.
        var now = Expiry.AddDays(-60);
        var p = new FairValueParams(0.2m, 2m, 5m, Expiry);
        var outcome = (FairValueOutcome.Valid)FairValueFormula.Compute(1600m, p, now);
        Assert.Equal(60m / 365m, outcome.Years);
        Assert.True(DecimalExp.TryExp(0.2m * (60m / 365m), out var growth));
        Assert.Equal((1600m * growth) + 2m + (1600m * 5m / 10_000m), outcome.Fair);

        // Independent check in double precision: 1600·e^(0.2·60/365) + 2 + 0.8 ≈ 1656.27700
        var expected = (1600.0 * Math.Exp(0.2 * 60.0 / 365.0)) + 2.0 + 0.8;
        Assert.True(Math.Abs((double)outcome.Fair - expected) < 1e-9, $"{outcome.Fair} vs {expected}");
    }

    [Theory]
    [InlineData("0", "0.1", "1", "0", "0", "spot must be > 0")]
    [InlineData("-5", "0.1", "1", "0", "0", "spot must be > 0")]
    [InlineData("1600", "100", "1", "0", "0", "overflows")]
    [InlineData("1600", "0", "1", "-1600", "0", "not positive")]
    [InlineData("1600", "0", "1", "0", "-10000", "not positive")]
    [InlineData("70000000000000000000000000000", "0.5", "1", "0", "0", "does not fit")]
    public void Unusable_inputs_give_an_invalid_outcome_with_a_reason(string spot, string rate, string years, string carryAbs, string carryBps, string reasonPart)
    {
        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var outcome = FairValueFormula.Compute(D(spot), D(rate), D(years), D(carryAbs), D(carryBps));
        var invalid = Assert.IsType<FairValueOutcome.Invalid>(outcome);
        Assert.Contains(reasonPart, invalid.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Years_to_expiry_uses_365_day_years_and_is_never_negative()
    {
        Assert.Equal(1m, FairValueFormula.YearsToExpiry(Expiry, Expiry.AddSeconds(-31_536_000)));
        Assert.Equal(0.5m, FairValueFormula.YearsToExpiry(Expiry, Expiry.AddSeconds(-15_768_000)));
        Assert.Equal(0m, FairValueFormula.YearsToExpiry(Expiry, Expiry));
        Assert.Equal(0m, FairValueFormula.YearsToExpiry(Expiry, Expiry.AddDays(3)));
    }
}
