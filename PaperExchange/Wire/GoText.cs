using System.Globalization;
using System.Numerics;
using MarketMaker.Protocol.Abi;

namespace MarketMaker.PaperExchange.Wire;

/// <summary>
/// How the markets-service (Go) reads the text fields of an order: hex with Go's <c>encoding/hex</c> error wording,
/// addresses as go-ethereum's <c>common.IsHexAddress</c> takes them (any case, no checksum), uint256 decimal text.
/// Not ABI: the words themselves are Protocol's (Nethereum.ABI).
/// </summary>
public static class GoText
{
    /// <summary>Decodes hex with an optional 0x prefix; the error follows Go's encoding/hex wording.</summary>
    public static bool TryDecodeHex(string? text, out byte[] bytes, out string error)
    {
        bytes = [];
        error = "";
        var hex = text ?? "";
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        for (var i = 0; i < hex.Length; i++)
        {
            if (!Uri.IsHexDigit(hex[i]))
            {
                error = $"encoding/hex: invalid byte: U+{(int)hex[i]:X4} '{hex[i]}'";
                return false;
            }
        }

        if (hex.Length % 2 != 0)
        {
            error = "encoding/hex: odd length hex string";
            return false;
        }

        bytes = Convert.FromHexString(hex);
        return true;
    }

    /// <summary>0x and 40 hex digits in any case (go-ethereum's <c>common.IsHexAddress</c>).</summary>
    public static bool IsAddress(string? text) =>
        text is { Length: 42 } && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !text.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF");

    /// <summary>Plain decimal digits of a value below 2^256.</summary>
    public static bool TryParseUInt(string? text, out BigInteger value)
    {
        value = BigInteger.Zero;
        return !string.IsNullOrEmpty(text) && text.All(char.IsAsciiDigit) &&
               BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= AbiCodec.UInt256Max;
    }
}
