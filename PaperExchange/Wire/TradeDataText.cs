using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.PaperExchange.Wire;

/// <summary>
/// <c>action_json.data</c> as the markets-service checks it: the hex, then Protocol's <see cref="TradeData"/>
/// (Nethereum.ABI, strict as the chain's <c>abi.decode</c>: dirty address bits or a bool other than 0/1 are refused).
/// </summary>
public static class TradeDataText
{
    /// <summary>Errors use the markets-service wording (without the "action_json.data invariant check failed: " prefix).</summary>
    public static bool TryDecode(string? hex, out TradeData? data, out string error)
    {
        data = null;
        if (!GoText.TryDecodeHex(hex, out var bytes, out var hexError))
        {
            error = $"decode action_json.data: {hexError}";
            return false;
        }

        try
        {
            data = TradeData.Decode(bytes);
        }
        catch (AbiDecodeException)
        {
            error = "expected encoded TradeData tuple";
            return false;
        }

        error = "";
        return true;
    }
}
