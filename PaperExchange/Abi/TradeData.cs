using System.Numerics;

namespace MarketMaker.PaperExchange.Abi;

/// <summary>
/// The TradeModule order data signed in <c>action_json.data</c>:
/// <c>(address asset,uint256 subId,int256 limitPrice,int256 desiredAmount,uint256 worstFee,uint256 recipientId,bool isBid)</c>,
/// seven static words (448 hex characters).
/// </summary>
public sealed record TradeData(
    string Asset,
    BigInteger SubId,
    BigInteger LimitPrice,
    BigInteger DesiredAmount,
    BigInteger WorstFee,
    BigInteger RecipientId,
    bool IsBid)
{
    public const int EncodedLength = 7 * AbiWords.WordSize;

    /// <summary>
    /// Decodes the hex of <c>action_json.data</c>. Errors use the markets-service wording
    /// (without the "action_json.data invariant check failed: " prefix).
    /// </summary>
    public static bool TryDecode(string? hex, out TradeData? data, out string error)
    {
        data = null;
        if (!AbiWords.TryDecodeHex(hex, out var bytes, out var hexError))
        {
            error = $"decode action_json.data: {hexError}";
            return false;
        }

        if (bytes.Length != EncodedLength)
        {
            error = "expected encoded TradeData tuple";
            return false;
        }

        data = new TradeData(
            AbiWords.ReadAddress(AbiWords.Word(bytes, 0)),
            AbiWords.ReadUInt(AbiWords.Word(bytes, 1)),
            AbiWords.ReadInt(AbiWords.Word(bytes, 2)),
            AbiWords.ReadInt(AbiWords.Word(bytes, 3)),
            AbiWords.ReadUInt(AbiWords.Word(bytes, 4)),
            AbiWords.ReadUInt(AbiWords.Word(bytes, 5)),
            AbiWords.ReadBool(AbiWords.Word(bytes, 6)));
        error = "";
        return true;
    }

    /// <summary>0x-prefixed lower-case hex of the seven words.</summary>
    public string Encode() => AbiWords.ToHex(AbiWords.Concat(
        AbiWords.Address(Asset),
        AbiWords.UInt(SubId),
        AbiWords.Int(LimitPrice),
        AbiWords.Int(DesiredAmount),
        AbiWords.UInt(WorstFee),
        AbiWords.UInt(RecipientId),
        AbiWords.Bool(IsBid)));
}
