using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Rpc;

namespace MarketMaker.Shell.Tests.Signing;

public sealed class AbiTests
{
    private static readonly BigInteger Two256 = BigInteger.One << 256;

    [Theory]
    [InlineData("-1", "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    [InlineData("-750000000000000000", "0xfffffffffffffffffffffffffffffffffffffffffffffffff59776f942750000")]
    [InlineData("1", "0x0000000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("0", "0x0000000000000000000000000000000000000000000000000000000000000000")]
    public void Int256_is_encoded_as_twos_complement_and_decodes_back(string value, string word)
    {
        var v = BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(word, Hex.Encode(AbiCodec.EncodeInt256(v)));
        Assert.Equal(v, AbiCodec.DecodeInt256(Hex.Decode(word, "w"), 0, "x"));
    }

    [Fact]
    public void Int256_bounds_encode_and_values_beyond_them_are_rejected()
    {
        Assert.Equal("0x8" + new string('0', 63), Hex.Encode(AbiCodec.EncodeInt256(AbiCodec.Int256Min)));
        Assert.Equal("0x7" + new string('f', 63), Hex.Encode(AbiCodec.EncodeInt256(AbiCodec.Int256Max)));
        Assert.Equal(AbiCodec.Int256Min, AbiCodec.DecodeInt256(AbiCodec.EncodeInt256(AbiCodec.Int256Min), 0, "x"));
        Assert.Equal("limitPrice", Assert.Throws<AbiEncodeException>(() => AbiCodec.EncodeInt256(AbiCodec.Int256Max + 1, "limitPrice")).Field);
        Assert.Equal("limitPrice", Assert.Throws<AbiEncodeException>(() => AbiCodec.EncodeInt256(AbiCodec.Int256Min - 1, "limitPrice")).Field);
    }

    [Fact]
    public void Uint256_max_encodes_and_negative_or_overflowing_values_are_rejected()
    {
        Assert.Equal("0x" + new string('f', 64), Hex.Encode(AbiCodec.EncodeUInt256(AbiCodec.UInt256Max)));
        Assert.Equal(AbiCodec.UInt256Max, AbiCodec.DecodeUInt256(AbiCodec.EncodeUInt256(AbiCodec.UInt256Max), 0, "x"));
        Assert.Equal("nonce", Assert.Throws<AbiEncodeException>(() => AbiCodec.EncodeUInt256(-1, "nonce")).Field);
        Assert.Equal("nonce", Assert.Throws<AbiEncodeException>(() => AbiCodec.EncodeUInt256(Two256, "nonce")).Field);
    }

    [Fact]
    public void Short_data_is_a_typed_short_error_naming_the_field()
    {
        var e = Assert.Throws<AbiDecodeException>(() => AbiCodec.DecodeUInt256(new byte[63], 1, "balances[0].subId"));
        Assert.Equal(AbiErrorKind.Short, e.Kind);
        Assert.Equal("balances[0].subId", e.Field);
        Assert.Contains("too short", e.Message);
    }

    [Fact]
    public void Address_word_with_dirty_upper_bytes_is_malformed()
    {
        var word = AbiCodec.EncodeAddress("0x000000000000000000000000000000000000abcd");
        Assert.Equal("0x000000000000000000000000000000000000abcd", AbiCodec.DecodeAddress(word, 0, "asset"));
        word[0] = 1;
        var e = Assert.Throws<AbiDecodeException>(() => AbiCodec.DecodeAddress(word, 0, "asset"));
        Assert.Equal(AbiErrorKind.Malformed, e.Kind);
        Assert.Equal("asset", e.Field);
    }

    [Fact]
    public void Bool_word_other_than_0_or_1_is_malformed()
    {
        Assert.True(AbiCodec.DecodeBool(AbiCodec.EncodeBool(true), 0, "isBid"));
        Assert.False(AbiCodec.DecodeBool(AbiCodec.EncodeBool(false), 0, "isBid"));
        var word = new byte[32];
        word[31] = 2;
        Assert.Equal("isBid", Assert.Throws<AbiDecodeException>(() => AbiCodec.DecodeBool(word, 0, "isBid")).Field);
    }

    [Fact]
    public void Small_uint_decoder_rejects_values_beyond_its_width()
    {
        var word = AbiCodec.EncodeUInt256(256);
        Assert.Equal("decimals", Assert.Throws<AbiDecodeException>(() => AbiCodec.DecodeUInt(word, 0, 8, "decimals")).Field);
        Assert.Equal(255, (int)AbiCodec.DecodeUInt(AbiCodec.EncodeUInt256(255), 0, 8, "decimals"));
    }

    [Fact]
    public void Bytes32_needs_exactly_32_bytes()
    {
        Assert.Equal(32, AbiCodec.EncodeBytes32(new byte[32]).Length);
        Assert.Throws<AbiEncodeException>(() => AbiCodec.EncodeBytes32(new byte[31]));
    }

    [Theory]
    [InlineData("getAccountBalances(uint256)", "0xc7569701")]
    [InlineData("ownerOf(uint256)", "0x6352211e")]
    [InlineData("latestRoundData()", "0xfeaf968c")]
    [InlineData("decimals()", "0x313ce567")]
    public void Selectors_are_the_keccak_of_the_signature(string signature, string selector)
    {
        Assert.Equal(selector, Hex.Encode(AbiCodec.Selector(signature)));
        var constant = signature switch
        {
            ChainReads.GetAccountBalancesSignature => ChainReads.GetAccountBalancesSelector,
            ChainReads.OwnerOfSignature => ChainReads.OwnerOfSelector,
            ChainReads.LatestRoundDataSignature => ChainReads.LatestRoundDataSelector,
            _ => ChainReads.DecimalsSelector,
        };
        Assert.Equal(selector, Hex.Encode(constant.AsSpan()));
    }

    [Fact]
    public void Mixed_case_address_needs_a_valid_checksum()
    {
        Assert.Equal("0xeb8d770ec18db98db922e9d83260a585b9f0dead", Address.Normalize("0xeB8d770ec18DB98Db922E9D83260A585b9F0DeAD", "a"));
        Assert.Equal("0xeB8d770ec18DB98Db922E9D83260A585b9F0DeAD", Address.ToChecksum("0xeb8d770ec18db98db922e9d83260a585b9f0dead"));
        var e = Assert.Throws<ProtocolFormatException>(() => Address.Normalize("0xEb8d770ec18DB98Db922E9D83260A585b9F0DeAD", "module"));
        Assert.Equal("module", e.Field);
        Assert.Throws<ProtocolFormatException>(() => Address.Normalize("0x1234", "module"));
        Assert.Throws<ProtocolFormatException>(() => Address.Normalize("0xgb8d770ec18db98db922e9d83260a585b9f0dead", "module"));
    }

    [Fact]
    public void Any_int256_round_trips_through_its_word()
    {
        var gen = ArbMap.Default.GeneratorFor<byte[]>()
            .Select(bytes => bytes.Length == 0 ? BigInteger.Zero : new BigInteger(bytes.Take(32).ToArray()));
        Prop.ForAll(gen.ToArbitrary(), v => AbiCodec.DecodeInt256(AbiCodec.EncodeInt256(v), 0, "x") == v).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_uint256_round_trips_through_its_word()
    {
        var gen = ArbMap.Default.GeneratorFor<byte[]>()
            .Select(bytes => new BigInteger(bytes.Take(32).ToArray(), isUnsigned: true));
        Prop.ForAll(gen.ToArbitrary(), v => AbiCodec.DecodeUInt256(AbiCodec.EncodeUInt256(v), 0, "x") == v).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Hex_rejects_odd_length_and_non_hex_with_the_field_name()
    {
        Assert.Equal("data", Assert.Throws<ProtocolFormatException>(() => Hex.Decode("0xabc", "data")).Field);
        Assert.Equal("data", Assert.Throws<ProtocolFormatException>(() => Hex.Decode("0xzz", "data")).Field);
        Assert.Empty(Hex.Decode("0x", "data"));
        Assert.Equal("0x00ff", Hex.Encode(Hex.Decode("0x00FF", "data")));
    }
}
