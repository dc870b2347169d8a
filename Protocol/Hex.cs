using System.Globalization;

namespace MarketMaker.Protocol;

/// <summary>Hex text as the protocol writes it: 0x prefix, lower case. Parsing is strict and typed.</summary>
public static class Hex
{
    /// <summary>0x-prefixed lower-case hex; an empty span gives "0x".</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>
    /// Parses hex with an optional 0x/0X prefix and an even number of digits. An empty string or "0x" gives
    /// an empty array. Anything else raises <see cref="ProtocolFormatException"/> naming <paramref name="field"/>.
    /// </summary>
    public static byte[] Decode(string? text, string field) =>
        TryDecode(text, out var bytes, out var error) ? bytes : throw new ProtocolFormatException(field, error);

    public static bool TryDecode(string? text, out byte[] bytes, out string error)
    {
        bytes = [];
        if (text is null)
        {
            error = "is missing";
            return false;
        }

        var digits = text.AsSpan();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        if (digits.Length % 2 != 0)
        {
            error = $"hex has an odd number of digits ({digits.Length})";
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                error = "is not hex (only 0-9, a-f, A-F after an optional 0x)";
                return false;
            }
        }

        bytes = Convert.FromHexString(digits);
        error = "";
        return true;
    }

    /// <summary>Parses exactly <paramref name="length"/> bytes of hex.</summary>
    public static byte[] DecodeFixed(string? text, int length, string field)
    {
        var bytes = Decode(text, field);
        return bytes.Length == length
            ? bytes
            : throw new ProtocolFormatException(field, $"must be {length} bytes of hex, got {bytes.Length}");
    }

    /// <summary>Lower-case hex of a non-negative integer with 0x prefix and no leading zeros ("0x0" for zero), as JSON-RPC quantities are written.</summary>
    public static string EncodeQuantity(System.Numerics.BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "a quantity cannot be negative");
        }

        if (value.IsZero)
        {
            return "0x0";
        }

        var hex = Convert.ToHexStringLower(value.ToByteArray(isUnsigned: true, isBigEndian: true)).TrimStart('0');
        return "0x" + hex;
    }

    /// <summary>Parses a JSON-RPC quantity ("0x1a"): 0x prefix, at least one hex digit.</summary>
    public static System.Numerics.BigInteger DecodeQuantity(string? text, string field)
    {
        if (text is null || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.Length < 3 || text.Length > 66)
        {
            throw new ProtocolFormatException(field, "must be a 0x-prefixed hex quantity of at most 64 digits");
        }

        var digits = text.AsSpan(2);
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                throw new ProtocolFormatException(field, "must be a 0x-prefixed hex quantity");
            }
        }

        return System.Numerics.BigInteger.Parse("0" + digits.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }
}
