using System.Globalization;
using System.Numerics;

namespace MarketMaker.PaperExchange.Abi;

/// <summary>
/// The few ABI word operations the paper exchange needs (32-byte big-endian words): reading and writing
/// uint256, int256 (two's complement), address and bool. Deliberately small and local to this project.
/// </summary>
public static class AbiWords
{
    public const int WordSize = 32;

    private static readonly BigInteger TwoTo256 = BigInteger.One << 256;
    private static readonly BigInteger TwoTo255 = BigInteger.One << 255;

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

    public static string ToHex(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexString(bytes).ToLowerInvariant();

    public static ReadOnlySpan<byte> Word(ReadOnlySpan<byte> data, int index) => data.Slice(index * WordSize, WordSize);

    public static BigInteger ReadUInt(ReadOnlySpan<byte> word) => new(word, isUnsigned: true, isBigEndian: true);

    public static BigInteger ReadInt(ReadOnlySpan<byte> word)
    {
        var u = ReadUInt(word);
        return u >= TwoTo255 ? u - TwoTo256 : u;
    }

    public static string ReadAddress(ReadOnlySpan<byte> word) => ToHex(word[12..]);

    public static bool ReadBool(ReadOnlySpan<byte> word) => !ReadUInt(word).IsZero;

    public static byte[] UInt(BigInteger value)
    {
        if (value.Sign < 0 || value >= TwoTo256)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "uint256 out of range");
        }

        var word = new byte[WordSize];
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(word, WordSize - raw.Length);
        return word;
    }

    public static byte[] Int(BigInteger value)
    {
        if (value >= TwoTo255 || value < -TwoTo255)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "int256 out of range");
        }

        return UInt(value.Sign < 0 ? value + TwoTo256 : value);
    }

    public static byte[] Address(string address)
    {
        if (!IsAddress(address))
        {
            throw new ArgumentException($"not a 20-byte hex address: \"{address}\"", nameof(address));
        }

        var word = new byte[WordSize];
        Convert.FromHexString(address[2..]).CopyTo(word, 12);
        return word;
    }

    public static byte[] Bool(bool value) => UInt(value ? BigInteger.One : BigInteger.Zero);

    public static bool IsAddress(string? text) =>
        text is { Length: 42 } && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF") == false;

    public static byte[] Concat(params byte[][] words)
    {
        var result = new byte[words.Sum(w => w.Length)];
        var offset = 0;
        foreach (var w in words)
        {
            w.CopyTo(result, offset);
            offset += w.Length;
        }

        return result;
    }

    public static bool TryParseUInt(string? text, out BigInteger value)
    {
        value = BigInteger.Zero;
        return !string.IsNullOrEmpty(text) && text.All(char.IsAsciiDigit) &&
               BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value < TwoTo256;
    }
}
