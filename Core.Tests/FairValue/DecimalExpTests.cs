using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Core.Tests.FairValue;

public sealed class DecimalExpTests
{
    private static readonly FsCheck.Config Thorough = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(1000);

    /// <summary>An exponent with 6 decimals in [min, max] (so sums of two are exact).</summary>
    private static Gen<decimal> Exponent(int min, int max) =>
        Gen.Choose(min * 1000, max * 1000).SelectMany(milli => Gen.Choose(0, 999).Select(micro => (milli * 1000m + micro) / 1_000_000m));

    private static decimal Exp(decimal x)
    {
        Assert.True(DecimalExp.TryExp(x, out var value), $"exp({x}) reported overflow");
        return value;
    }

    private static decimal Bound(decimal exact) => (DecimalExp.RelativeErrorBound * Math.Abs(exact)) + DecimalExp.AbsoluteErrorBound;

    // Reference values from Python's decimal module at 60 significant digits, truncated to what a decimal holds.
    [Theory]
    [InlineData("0", "1")]
    [InlineData("1", "2.7182818284590452353602874714")]
    [InlineData("-1", "0.3678794411714423215955237702")]
    [InlineData("0.5", "1.6487212707001281468486507878")]
    [InlineData("0.0001", "1.0001000050001666708334166681")]
    [InlineData("10", "22026.465794806716516957900645")]
    [InlineData("20.25", "622964442.19844548365393829138")]
    [InlineData("-30", "0.0000000000000935762296884017")]
    [InlineData("66", "46071866343312915426773184428")]
    [InlineData("66.5", "75959666021073336334634473276")]
    [InlineData("0.6931471805599453094172321215", "2.0000000000000000000000000001")]
    [InlineData("-66", "0.0000000000000000000000000000")]
    public void Exp_matches_high_precision_reference_values_within_the_documented_bound(string x, string expected)
    {
        var exact = decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
        var got = Exp(decimal.Parse(x, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(Math.Abs(got - exact) <= Bound(exact), $"exp({x}) = {got}, expected {exact} ± {Bound(exact)}");
    }

    [Fact]
    public void Exp_of_zero_is_exactly_one()
    {
        Assert.Equal(1m, Exp(0m));
    }

    [Theory]
    [InlineData("66.51")]
    [InlineData("100")]
    [InlineData("79228162514264337593543950335")]
    public void Exp_above_the_domain_is_reported_as_overflow_not_thrown(string x)
    {
        Assert.False(DecimalExp.TryExp(decimal.Parse(x, System.Globalization.CultureInfo.InvariantCulture), out var value));
        Assert.Equal(0m, value);
    }

    [Theory]
    [InlineData("-66.51")]
    [InlineData("-1000")]
    [InlineData("-79228162514264337593543950335")]
    public void Exp_far_below_zero_underflows_to_zero(string x)
    {
        Assert.Equal(0m, Exp(decimal.Parse(x, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Exp_of_a_sum_is_the_product_of_exps_within_the_documented_bound()
    {
        Prop.ForAll(Exponent(-33, 33).ToArbitrary(), Exponent(-33, 33).ToArbitrary(), (a, b) =>
        {
            var ea = Exp(a);
            var eb = Exp(b);
            var eab = Exp(a + b);
            var tolerance = (4m * DecimalExp.RelativeErrorBound * eab) + (2m * DecimalExp.AbsoluteErrorBound * (1m + ea + eb));
            return Math.Abs(eab - (ea * eb)) <= tolerance;
        }).Check(Thorough);
    }

    [Fact]
    public void Exp_agrees_with_double_precision_exp()
    {
        Prop.ForAll(Exponent(-60, 60).ToArbitrary(), x =>
        {
            var reference = (decimal)Math.Exp((double)x);
            return Math.Abs(Exp(x) - reference) <= (1e-13m * reference) + DecimalExp.AbsoluteErrorBound;
        }).Check(Thorough);
    }

    [Fact]
    public void Exp_is_positive_and_increasing_over_its_domain()
    {
        Prop.ForAll(Exponent(-60, 66).ToArbitrary(), Exponent(-60, 66).ToArbitrary(), (a, b) =>
        {
            var (lo, hi) = a <= b ? (a, b) : (b, a);
            var elo = Exp(lo);
            return elo > 0m && elo <= Exp(hi);
        }).Check(Thorough);
    }
}
