using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.Shell.Tests.Signing;

public sealed class Fixed18Tests
{
    [Theory]
    [InlineData("3500.01", "3500010000000000000000")]
    [InlineData("-0.75", "-750000000000000000")]
    [InlineData("0.000625", "625000000000000")]
    [InlineData("160000", "160000000000000000000000")]
    [InlineData("0.000000000000000001", "1")]
    [InlineData("0", "0")]
    [InlineData("+1", "1000000000000000000")]
    [InlineData("1.500000000000000000000", "1500000000000000000")]
    public void Decimal_text_and_decimal_values_scale_exactly_by_1e18(string text, string scaled)
    {
        var expected = BigInteger.Parse(scaled, CultureInfo.InvariantCulture);
        Assert.Equal(expected, Fixed18.Parse(text, "price"));
        Assert.Equal(expected, Fixed18.ToScaled(decimal.Parse(text, CultureInfo.InvariantCulture), "price"));
    }

    [Fact]
    public void More_than_18_decimals_is_a_typed_error_naming_the_field()
    {
        var e = Assert.Throws<Fixed18Exception>(() => Fixed18.ToScaled(0.0000000000000000001m, "limitPrice"));
        Assert.Equal(Fixed18ErrorKind.TooManyDecimals, e.Kind);
        Assert.Equal("limitPrice", e.Field);
        Assert.Contains("more than 18 decimals", e.Message);

        var t = Assert.Throws<Fixed18Exception>(() => Fixed18.Parse("1.0000000000000000001", "desiredAmount"));
        Assert.Equal(Fixed18ErrorKind.TooManyDecimals, t.Kind);
        Assert.Equal("desiredAmount", t.Field);
    }

    [Fact]
    public void Trailing_zeros_beyond_18_decimals_are_exact_and_accepted()
    {
        Assert.Equal(Fixed18.One, Fixed18.ToScaled(1.0000000000000000000000000m, "x"));
    }

    [Fact]
    public void Decimal_extremes_scale_and_convert_back()
    {
        foreach (var value in new[] { decimal.MaxValue, decimal.MinValue, 0.000000000000000001m, -0.000000000000000001m })
        {
            var scaled = Fixed18.ToScaled(value, "x");
            Assert.Equal(value, Fixed18.ToDecimal(scaled, "x"));
        }
    }

    [Fact]
    public void Values_decimal_cannot_hold_exactly_are_out_of_range_not_rounded()
    {
        var huge = Assert.Throws<Fixed18Exception>(() => Fixed18.ToDecimal(AbiCodec.Int256Max, "balances[0].balance"));
        Assert.Equal(Fixed18ErrorKind.OutOfRange, huge.Kind);
        Assert.Equal("balances[0].balance", huge.Field);

        // 12 integer digits + 18 decimals = 30 significant digits: more than decimal's 28-29.
        var precise = BigInteger.Parse("123456789012123456789012345678", CultureInfo.InvariantCulture);
        Assert.Equal(Fixed18ErrorKind.OutOfRange, Assert.Throws<Fixed18Exception>(() => Fixed18.ToDecimal(precise, "b")).Kind);
    }

    [Fact]
    public void Negative_value_for_an_unsigned_field_is_out_of_range()
    {
        var e = Assert.Throws<Fixed18Exception>(() => Fixed18.ToScaledUnsigned(-0.1m, "worstFee"));
        Assert.Equal(Fixed18ErrorKind.OutOfRange, e.Kind);
        Assert.Equal("worstFee", e.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1e3")]
    [InlineData("1.2.3")]
    [InlineData(" 1")]
    [InlineData("1,5")]
    [InlineData("-")]
    [InlineData("1.")]
    [InlineData("NaN")]
    public void Text_that_is_not_a_plain_decimal_is_invalid(string text)
    {
        var e = Assert.Throws<Fixed18Exception>(() => Fixed18.Parse(text, "limit_price"));
        Assert.Equal(Fixed18ErrorKind.Invalid, e.Kind);
        Assert.Equal("limit_price", e.Field);
    }

    [Fact]
    public void Text_beyond_int256_after_scaling_is_out_of_range()
    {
        var tooBig = (AbiCodec.Int256Max / Fixed18.One + 1).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(Fixed18ErrorKind.OutOfRange, Assert.Throws<Fixed18Exception>(() => Fixed18.Parse(tooBig, "x")).Kind);
        Assert.Equal(AbiCodec.Int256Max / Fixed18.One * Fixed18.One, Fixed18.Parse((AbiCodec.Int256Max / Fixed18.One).ToString(CultureInfo.InvariantCulture), "x"));
    }

    [Theory]
    [InlineData("3500010000000000000000", "3500.01")]
    [InlineData("-750000000000000000", "-0.75")]
    [InlineData("1", "0.000000000000000001")]
    [InlineData("0", "0")]
    public void Format_gives_the_shortest_decimal_text(string scaled, string text)
    {
        Assert.Equal(text, Fixed18.Format(BigInteger.Parse(scaled, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Any_decimal_with_at_most_18_decimals_round_trips_exactly()
    {
        var gen =
            from lo in ArbMap.Default.GeneratorFor<int>()
            from mid in ArbMap.Default.GeneratorFor<int>()
            from hi in Gen.Choose(0, int.MaxValue)
            from negative in ArbMap.Default.GeneratorFor<bool>()
            from scale in Gen.Choose(0, 18)
            select new decimal(lo, mid, hi, negative, (byte)scale);
        Prop.ForAll(gen.ToArbitrary(), d =>
        {
            var scaled = Fixed18.ToScaled(d, "x");
            return Fixed18.ToDecimal(scaled, "x") == d && Fixed18.Parse(d.ToString(CultureInfo.InvariantCulture), "x") == scaled;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_scaled_integer_round_trips_through_its_text()
    {
        var gen = ArbMap.Default.GeneratorFor<byte[]>().Select(b => new BigInteger(b.Take(24).ToArray()));
        Prop.ForAll(gen.ToArbitrary(), v => Fixed18.Parse(Fixed18.Format(v), "x") == v).QuickCheckThrowOnFailure();
    }
}
