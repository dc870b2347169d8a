using System.Globalization;
using System.Numerics;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;

namespace MarketMaker.Shell.Tests.Exchange;

public sealed class SpotTranslationTests
{
    [Fact]
    public void Buying_100_usdc_at_1600_is_an_engine_sell_of_160000_cngn_at_0_000625()
    {
        var order = SpotTranslation.ToEngine(Side.Buy, 1600m, 100m);

        Assert.Equal(Side.Sell, order.EngineSide);
        Assert.Equal("sell", order.SideWire);
        Assert.False(order.IsBid);
        Assert.Equal("0.000625", order.LimitPrice);
        Assert.Equal("160000", order.DesiredAmount);
        Assert.Equal(BigInteger.Parse("625000000000000", CultureInfo.InvariantCulture), order.SignedLimitPrice);
        Assert.Equal(BigInteger.Parse("160000000000000000000000", CultureInfo.InvariantCulture), order.SignedDesiredAmount);
    }

    [Fact]
    public void Signed_values_equal_the_words_of_the_specs_action_data_example()
    {
        // markets-service-api.md §1.6 example data. As printed it has 449 hex digits: word 1 (subId = 0) has one '0'
        // too many. Without it the 7 words are exactly the spec's table (asset, 0, 625e12, 160000e18, 0, 10, false).
        const string printed = "0000000000000000000000009d806fd040a719d27a8e5e77dc5ae0ed1e089493000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002386f26fc10000000000000000000000000000000000000000000000021e19e0c9bab240000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000";
        var data = printed.Remove(64, 1);
        Assert.Equal(448, data.Length);
        BigInteger Word(int i) => BigInteger.Parse("0" + data.Substring(i * 64, 64), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        var order = SpotTranslation.ToEngine(Side.Buy, 1600m, 100m);

        Assert.Equal(Word(2), order.SignedLimitPrice);
        Assert.Equal(Word(3), order.SignedDesiredAmount);
        Assert.Equal(!Word(6).IsZero, order.IsBid);
        Assert.Equal(new BigInteger(10), Word(5));
    }

    [Fact]
    public void A_non_terminating_price_is_quantised_to_18_decimals_half_up()
    {
        var order = SpotTranslation.ToEngine(Side.Sell, 1601m, 100m);

        Assert.Equal(Side.Buy, order.EngineSide);
        Assert.True(order.IsBid);
        Assert.Equal("0.000624609618988132", order.LimitPrice);
        Assert.Equal(new BigInteger(624609618988132), order.SignedLimitPrice);
        Assert.Equal("160100", order.DesiredAmount);
    }

    [Theory]
    [InlineData("6", "0.166666666666666667")]
    [InlineData("3", "0.333333333333333333")]
    [InlineData("1600.5", "0.000624804748516089")]
    [InlineData("0.5", "2")]
    [InlineData("1", "1")]
    public void Engine_price_rounds_half_up_at_the_18th_decimal(string traderPrice, string expected)
    {
        var order = SpotTranslation.ToEngine(Side.Buy, decimal.Parse(traderPrice, CultureInfo.InvariantCulture), 1000m);
        Assert.Equal(expected, order.LimitPrice);
    }

    [Fact]
    public void An_exact_half_at_the_19th_decimal_rounds_up()
    {
        // 1 / 4e17 = 2.5e-18: exactly half way between 2 and 3 ticks, so 3. 1 / 8e17 = 1.25e-18: below half, so 1.
        Assert.Equal(new BigInteger(3), SpotTranslation.EnginePriceTicks(400000000000000000m));
        Assert.Equal(new BigInteger(1), SpotTranslation.EnginePriceTicks(800000000000000000m));
    }

    [Fact]
    public void Engine_amount_is_floored_to_whole_cngn()
    {
        var order = SpotTranslation.ToEngine(Side.Buy, 1601m, 100.123456m);
        Assert.Equal("160297", order.DesiredAmount); // 160297.653056
        Assert.Equal(BigInteger.Parse("160297000000000000000000", CultureInfo.InvariantCulture), order.SignedDesiredAmount);
    }

    [Theory]
    [InlineData("0.0006")]
    [InlineData("0.000624")]
    public void Less_than_one_whole_cngn_is_a_clear_size_error(string size)
    {
        var ex = Assert.Throws<OrderUnitsException>(() => SpotTranslation.ToEngine(Side.Buy, 1600m, decimal.Parse(size, CultureInfo.InvariantCulture)));
        Assert.Equal("size", ex.Field);
        Assert.Contains("less than 1 whole cNGN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_whole_cngn_is_enough()
    {
        var order = SpotTranslation.ToEngine(Side.Buy, 1600m, 0.000625m);
        Assert.Equal("1", order.DesiredAmount);
    }

    [Theory]
    [InlineData("0", "100", "price")]
    [InlineData("-1600", "100", "price")]
    [InlineData("1600", "0", "size")]
    [InlineData("1600", "-5", "size")]
    public void Non_positive_price_or_size_names_the_field(string price, string size, string field)
    {
        var ex = Assert.Throws<OrderUnitsException>(() => SpotTranslation.ToEngine(Side.Buy, decimal.Parse(price, CultureInfo.InvariantCulture), decimal.Parse(size, CultureInfo.InvariantCulture)));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void A_price_so_large_that_its_inverse_rounds_to_zero_is_refused()
    {
        var ex = Assert.Throws<OrderUnitsException>(() => SpotTranslation.ToEngine(Side.Buy, 3000000000000000000m, 1m));
        Assert.Equal("price", ex.Field);
    }

    [Fact]
    public void The_docs_example_engine_buy_reads_back_as_a_trader_sell_at_1371_977018_for_1_199729()
    {
        // markets-service-api.md §3.4: engine buy @ 0.000728875182750367 × 1646 → ui sell @ 1371.977018 × 1.199729 (6 dp).
        var q = SpotTranslation.ToTrader(Side.Buy, 0.000728875182750367m, 1646m);

        Assert.Equal(Side.Sell, q.Side);
        Assert.Equal(1371.977018m, Math.Round(q.Price, 6, MidpointRounding.AwayFromZero));
        Assert.Equal(1.199729m, Math.Round(q.Size, 6, MidpointRounding.AwayFromZero));
        Assert.Equal(1.199728550807104082m, q.Size); // exact: 1646 × 0.000728875182750367
        Assert.True(WireDecimal.Decompose(q.Price).Scale <= 18);
    }

    [Fact]
    public void Reading_back_1600_for_100_is_exact()
    {
        var order = SpotTranslation.ToEngine(Side.Buy, 1600m, 100m);
        var q = SpotTranslation.ToTrader(order.EngineSide, decimal.Parse(order.LimitPrice, CultureInfo.InvariantCulture), decimal.Parse(order.DesiredAmount, CultureInfo.InvariantCulture));
        Assert.Equal(new TraderQuantity(Side.Buy, 1600m, 100m), q);
    }

    [Fact]
    public void Reading_back_1601_gives_the_price_to_18_decimals_and_the_exact_usdc_notional()
    {
        var q = SpotTranslation.ToTrader(Side.Buy, 0.000624609618988132m, 160100m);
        Assert.Equal(Side.Sell, q.Side);
        Assert.Equal(1601.000000000001069468m, q.Price);
        Assert.Equal(99.9999999999999332m, q.Size);
    }

    [Fact]
    public void Read_back_size_exceeds_the_size_only_by_the_engine_price_rounding()
    {
        // 1/6 rounds up to 0.166666666666666667, so 6 cNGN are worth 1.000000000000000002 USDC at the signed price:
        // 2e-18 above the trader's 1 USDC, within amount × 0.5e-18.
        var order = SpotTranslation.ToEngine(Side.Buy, 6m, 1m);
        var q = SpotTranslation.ToTrader(order.EngineSide, decimal.Parse(order.LimitPrice, CultureInfo.InvariantCulture), 6m);
        Assert.Equal(1.000000000000000002m, q.Size);
    }

    [Fact]
    public void Read_back_of_a_non_positive_engine_price_names_the_engine_price()
    {
        var ex = Assert.Throws<OrderUnitsException>(() => SpotTranslation.ToTrader(Side.Buy, 0m, 5m));
        Assert.Equal("engine_price", ex.Field);
    }

    [Fact]
    public void Read_back_of_a_tiny_engine_price_keeps_as_many_decimals_as_fit()
    {
        // 1 / 1e-18 = 1e18: the integer part alone needs 19 digits, so fewer than 18 decimals are kept.
        var q = SpotTranslation.ToTrader(Side.Sell, 0.000000000000000001m, 1m);
        Assert.Equal(1000000000000000000m, q.Price);
        Assert.Equal(0.000000000000000001m, q.Size);
    }
}

public sealed class FuturesUnitsTests
{
    [Fact]
    public void Body_amount_is_floored_to_the_0_001_step_and_signed_as_size_times_1e18()
    {
        var order = FuturesUnits.ToEngine(Side.Buy, 1391m, 1.2345m);

        Assert.Equal(Side.Buy, order.EngineSide);
        Assert.True(order.IsBid);
        Assert.Equal("1.234", order.DesiredAmount);
        Assert.Equal("1391", order.LimitPrice);
        Assert.Equal(BigInteger.Parse("1234000000000000000", CultureInfo.InvariantCulture), order.SignedDesiredAmount);
        Assert.Equal(BigInteger.Parse("1391000000000000000000", CultureInfo.InvariantCulture), order.SignedLimitPrice);
    }

    [Fact]
    public void The_docs_signing_example_0_1_at_1605_signs_1e17_and_1605e18()
    {
        var order = FuturesUnits.ToEngine(Side.Sell, 1605m, 0.1m);
        Assert.Equal("0.1", order.DesiredAmount);
        Assert.Equal(BigInteger.Pow(10, 17), order.SignedDesiredAmount);
        Assert.Equal(1605 * BigInteger.Pow(10, 18), order.SignedLimitPrice);
        Assert.False(order.IsBid);
    }

    [Fact]
    public void A_whole_size_renders_without_decimals()
    {
        Assert.Equal("2", FuturesUnits.ToEngine(Side.Buy, 1400m, 2.0000m).DesiredAmount);
    }

    [Fact]
    public void A_size_below_one_lot_is_a_size_error()
    {
        var ex = Assert.Throws<OrderUnitsException>(() => FuturesUnits.ToEngine(Side.Buy, 1400m, 0.0009m));
        Assert.Equal("size", ex.Field);
    }

    [Fact]
    public void A_price_off_the_tick_is_a_price_error()
    {
        var ex = Assert.Throws<OrderUnitsException>(() => FuturesUnits.ToEngine(Side.Buy, 1400.5m, 1m));
        Assert.Equal("price", ex.Field);
        Assert.Contains("tick", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stored_lots_read_back_as_lots_times_0_001()
    {
        var q = FuturesUnits.ToTrader(Side.Sell, 1391m, 1234m);
        Assert.Equal(new TraderQuantity(Side.Sell, 1391m, 1.234m), q);
    }

    [Fact]
    public void Order_units_dispatch_by_market_kind()
    {
        var spot = MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m);
        var future = MarketSpec.For("USDCcNGN-SEP16-2026", 1m);

        Assert.Equal("160000", OrderUnits.ToEngine(spot, Side.Buy, 1600m, 100m).DesiredAmount);
        Assert.Equal("100", OrderUnits.ToEngine(future, Side.Buy, 1600m, 100m).DesiredAmount);
        Assert.Equal(Side.Sell, OrderUnits.TraderSide(spot, Side.Buy));
        Assert.Equal(Side.Buy, OrderUnits.TraderSide(future, Side.Buy));
    }
}

public sealed class WireDecimalTests
{
    [Theory]
    [InlineData("0.000625000", "0.000625")]
    [InlineData("160000.000", "160000")]
    [InlineData("0.000000000000000001", "0.000000000000000001")]
    [InlineData("-0.0", "0")]
    [InlineData("1391", "1391")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    public void Canonical_text_has_no_exponent_and_no_trailing_zeros(string input, string expected)
    {
        Assert.Equal(expected, WireDecimal.Format(decimal.Parse(input, CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData("1,000")]
    [InlineData(" 1")]
    [InlineData("1.2.3")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("0x10")]
    [InlineData("3/2")]
    [InlineData("1-")]
    public void Anything_but_a_plain_decimal_is_refused(string text)
    {
        Assert.False(WireDecimal.TryParse(text, out _));
    }

    [Theory]
    [InlineData("0.000625", "0.000625")]
    [InlineData("+1", "1")]
    [InlineData("160000", "160000")]
    [InlineData(".5", "0.5")]
    public void Plain_decimals_parse(string text, string expected)
    {
        Assert.True(WireDecimal.TryParse(text, out var value));
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value);
    }
}
