using System.Numerics;
using MarketMaker.Protocol.Abi;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;

namespace MarketMaker.Protocol.Signing;

/// <summary>
/// The TradeModule order data signed inside a Matching Action:
/// <c>(address asset, uint256 subId, int256 limitPrice, int256 desiredAmount, uint256 worstFee, uint256 recipientId, bool isBid)</c>.
/// Values are already scaled integers as they go on chain (see <see cref="FromDecimals"/> for human values × 1e18).
/// The constructor validates every field's range, so an instance always encodes.
/// </summary>
public sealed record TradeData
{
    /// <summary>Encoded size: 7 static words.</summary>
    public const int EncodedLength = 7 * AbiCodec.WordSize;

    /// <summary>The tuple's parameters as Nethereum.ABI encodes and decodes them, in order.</summary>
    internal static readonly Parameter[] Parameters =
    [
        new("address", "asset", 1),
        new("uint256", "subId", 2),
        new("int256", "limitPrice", 3),
        new("int256", "desiredAmount", 4),
        new("uint256", "worstFee", 5),
        new("uint256", "recipientId", 6),
        new("bool", "isBid", 7),
    ];

    private static readonly ParametersEncoder Encoder = new();
    private static readonly ParameterDecoder Decoder = new();

    public TradeData(string asset, BigInteger subId, BigInteger limitPrice, BigInteger desiredAmount, BigInteger worstFee, BigInteger recipientId, bool isBid)
    {
        Asset = Address.Normalize(asset, "asset", "TradeData");
        SubId = CheckUInt(subId, "subId");
        LimitPrice = CheckInt(limitPrice, "limitPrice");
        DesiredAmount = CheckInt(desiredAmount, "desiredAmount");
        WorstFee = CheckUInt(worstFee, "worstFee");
        RecipientId = CheckUInt(recipientId, "recipientId");
        IsBid = isBid;
    }

    /// <summary>Lower-case asset address.</summary>
    public string Asset { get; }

    public BigInteger SubId { get; }

    public BigInteger LimitPrice { get; }

    public BigInteger DesiredAmount { get; }

    public BigInteger WorstFee { get; }

    public BigInteger RecipientId { get; }

    public bool IsBid { get; }

    /// <summary>
    /// Builds from human decimals, scaling price, amount and fee by 1e18 exactly (as the vectors' "trade" objects do).
    /// A value with more than 18 decimals, or a negative fee, is a <see cref="Fixed18Exception"/> naming the field.
    /// </summary>
    public static TradeData FromDecimals(string asset, BigInteger subId, decimal limitPrice, decimal desiredAmount, decimal worstFee, BigInteger recipientId, bool isBid) =>
        new(
            asset,
            subId,
            Fixed18.ToScaled(limitPrice, "limitPrice"),
            Fixed18.ToScaled(desiredAmount, "desiredAmount"),
            Fixed18.ToScaledUnsigned(worstFee, "worstFee"),
            recipientId,
            isBid);

    /// <summary>As <see cref="FromDecimals"/> for decimal strings (any int256 value is reachable).</summary>
    public static TradeData FromDecimalStrings(string asset, BigInteger subId, string limitPrice, string desiredAmount, string worstFee, BigInteger recipientId, bool isBid) =>
        new(
            asset,
            subId,
            Fixed18.Parse(limitPrice, "limitPrice"),
            Fixed18.Parse(desiredAmount, "desiredAmount"),
            NonNegative(Fixed18.Parse(worstFee, "worstFee"), "worstFee"),
            recipientId,
            isBid);

    /// <summary>ABI encoding by Nethereum.ABI: 224 bytes (7 static words).</summary>
    public byte[] Encode() => Encoder.EncodeParameters(Parameters, [Asset, SubId, LimitPrice, DesiredAmount, WorstFee, RecipientId, IsBid]);

    /// <summary>The encoding as 0x-hex (2 + 448 characters).</summary>
    public string EncodeHex() => Hex.Encode(Encode());

    /// <summary>Strict decode of exactly 224 bytes; anything else is an <see cref="AbiDecodeException"/> naming the field.</summary>
    public static TradeData Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length != EncodedLength)
        {
            throw new AbiDecodeException(
                "TradeData",
                $"must be exactly {EncodedLength} bytes (7 words), got {data.Length}",
                data.Length < EncodedLength ? AbiErrorKind.Short : AbiErrorKind.Malformed);
        }

        var bytes = data.ToArray();
        List<ParameterOutput> values;
        try
        {
            values = Decoder.DecodeDefaultData(bytes, Parameters);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new AbiDecodeException("TradeData", "is not an encoded TradeData tuple");
        }

        var trade = new TradeData(
            ((string)values[0].Result).ToLowerInvariant(),
            (BigInteger)values[1].Result,
            (BigInteger)values[2].Result,
            (BigInteger)values[3].Result,
            (BigInteger)values[4].Result,
            (BigInteger)values[5].Result,
            (bool)values[6].Result);

        // Nethereum's decoders are lenient (an address word's upper bytes and a bool word's high bits are ignored):
        // the data is canonical only if it is exactly what Nethereum encodes for the decoded values.
        var canonical = trade.Encode();
        for (var i = 0; i < Parameters.Length; i++)
        {
            if (!canonical.AsSpan(i * AbiCodec.WordSize, AbiCodec.WordSize).SequenceEqual(data.Slice(i * AbiCodec.WordSize, AbiCodec.WordSize)))
            {
                var why = Parameters[i].Type switch
                {
                    "address" => "address word has non-zero upper 12 bytes",
                    "bool" => "bool word must be 0 or 1",
                    _ => "is not a canonical word",
                };
                throw new AbiDecodeException($"TradeData.{Parameters[i].Name}", why);
            }
        }

        return trade;
    }

    /// <summary>Decodes 0x-hex (448 hex digits, optional 0x).</summary>
    public static TradeData Decode(string hex)
    {
        byte[] bytes;
        try
        {
            bytes = Hex.Decode(hex, "TradeData");
        }
        catch (ProtocolFormatException e)
        {
            throw new AbiDecodeException("TradeData", e.Detail);
        }

        return Decode(bytes);
    }

    public override string ToString() =>
        $"TradeData {{ Asset = {Asset}, SubId = {SubId}, LimitPrice = {LimitPrice}, DesiredAmount = {DesiredAmount}, WorstFee = {WorstFee}, RecipientId = {RecipientId}, IsBid = {IsBid} }}";

    private static BigInteger CheckUInt(BigInteger value, string field) =>
        value.Sign >= 0 && value <= AbiCodec.UInt256Max
            ? value
            : throw new AbiEncodeException($"TradeData.{field}", $"{value} is outside uint256");

    private static BigInteger CheckInt(BigInteger value, string field) =>
        value >= AbiCodec.Int256Min && value <= AbiCodec.Int256Max
            ? value
            : throw new AbiEncodeException($"TradeData.{field}", $"{value} is outside int256");

    private static BigInteger NonNegative(BigInteger value, string field) =>
        value.Sign >= 0
            ? value
            : throw new Fixed18Exception(field, "is negative; the field is unsigned", Fixed18ErrorKind.OutOfRange);
}
