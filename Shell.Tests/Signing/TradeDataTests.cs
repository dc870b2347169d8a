using System.Numerics;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.Shell.Tests.Signing;

public sealed class TradeDataTests
{
    private const string Asset = "0x46c85152bfe9f96829aa94755d9f915f9b10ef5f";

    [Fact]
    public void Spot_sell_example_from_the_spec_encodes_engine_values_scaled_by_1e18()
    {
        // "Buy 100 USDC at 1600" → engine sell 160000 cNGN at 0.000625 (markets-service-api.md §3.2).
        var trade = TradeData.FromDecimals(Asset, 0, 0.000625m, 160000m, 0m, 9, isBid: false);
        Assert.Equal(new BigInteger(625000000000000), trade.LimitPrice);
        Assert.Equal(BigInteger.Parse("160000000000000000000000", System.Globalization.CultureInfo.InvariantCulture), trade.DesiredAmount);

        var bytes = trade.Encode();
        Assert.Equal(224, bytes.Length);
        Assert.Equal(2 + 448, trade.EncodeHex().Length);
        Assert.Equal(trade, TradeData.Decode(bytes));
    }

    [Fact]
    public void Negative_amount_and_extreme_values_round_trip()
    {
        var trade = new TradeData(Asset, AbiCodec.UInt256Max, AbiCodec.Int256Min, -1, AbiCodec.UInt256Max, 0, true);
        Assert.Equal(trade, TradeData.Decode(trade.EncodeHex()));
        Assert.Equal(trade, TradeData.Decode(trade.EncodeHex()[2..]));
    }

    [Fact]
    public void Short_data_is_a_short_error()
    {
        var bytes = TradeData.FromDecimals(Asset, 0, 1m, 1m, 0m, 1, true).Encode();
        var e = Assert.Throws<AbiDecodeException>(() => TradeData.Decode(bytes.AsSpan(0, 223)));
        Assert.Equal(AbiErrorKind.Short, e.Kind);
        Assert.Equal("TradeData", e.Field);
    }

    [Fact]
    public void Extra_bytes_are_malformed()
    {
        var bytes = TradeData.FromDecimals(Asset, 0, 1m, 1m, 0m, 1, true).Encode().Concat(new byte[32]).ToArray();
        Assert.Equal(AbiErrorKind.Malformed, Assert.Throws<AbiDecodeException>(() => TradeData.Decode(bytes)).Kind);
    }

    [Fact]
    public void Non_canonical_words_name_the_field()
    {
        var bytes = TradeData.FromDecimals(Asset, 0, 1m, 1m, 0m, 1, true).Encode();
        bytes[6 * 32 + 31] = 2;
        Assert.Equal("TradeData.isBid", Assert.Throws<AbiDecodeException>(() => TradeData.Decode(bytes)).Field);

        bytes = TradeData.FromDecimals(Asset, 0, 1m, 1m, 0m, 1, true).Encode();
        bytes[0] = 0xff;
        Assert.Equal("TradeData.asset", Assert.Throws<AbiDecodeException>(() => TradeData.Decode(bytes)).Field);

        Assert.Equal("TradeData", Assert.Throws<AbiDecodeException>(() => TradeData.Decode("0xzz")).Field);
    }

    [Fact]
    public void Too_many_decimals_or_a_negative_fee_is_a_typed_error_naming_the_field()
    {
        Assert.Equal("limitPrice", Assert.Throws<Fixed18Exception>(() => TradeData.FromDecimals(Asset, 0, 0.0000000000000000001m, 1m, 0m, 1, true)).Field);
        Assert.Equal("desiredAmount", Assert.Throws<Fixed18Exception>(() => TradeData.FromDecimalStrings(Asset, 0, "1", "0.1234567890123456789", "0", 1, true)).Field);
        Assert.Equal("worstFee", Assert.Throws<Fixed18Exception>(() => TradeData.FromDecimals(Asset, 0, 1m, 1m, -1m, 1, true)).Field);
        Assert.Equal("worstFee", Assert.Throws<Fixed18Exception>(() => TradeData.FromDecimalStrings(Asset, 0, "1", "1", "-1", 1, true)).Field);
    }

    [Fact]
    public void Out_of_range_fields_and_bad_asset_are_rejected_on_construction()
    {
        Assert.Equal("TradeData.subId", Assert.Throws<AbiEncodeException>(() => new TradeData(Asset, -1, 1, 1, 0, 1, true)).Field);
        Assert.Equal("TradeData.limitPrice", Assert.Throws<AbiEncodeException>(() => new TradeData(Asset, 0, AbiCodec.Int256Max + 1, 1, 0, 1, true)).Field);
        Assert.Equal("asset", Assert.Throws<ProtocolFormatException>(() => new TradeData("0x12", 0, 1, 1, 0, 1, true)).Field);
    }
}
