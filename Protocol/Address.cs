using Nethereum.Util;

namespace MarketMaker.Protocol;

/// <summary>
/// Ethereum addresses as the protocol passes them around: lower-case, 0x-prefixed, 40 hex digits.
/// Mixed-case input must carry a valid EIP-55 checksum (as ethers requires), so a typo is caught; the checksum is Nethereum.Util's.
/// </summary>
public static class Address
{
    public const string Zero = "0x0000000000000000000000000000000000000000";

    /// <summary>Returns the lower-case form, or raises <see cref="ProtocolFormatException"/> naming the field.</summary>
    public static string Normalize(string? text, string field, string sourceName = "input") =>
        TryNormalize(text, out var address, out var error)
            ? address
            : throw new ProtocolFormatException(field, error, sourceName);

    public static bool TryNormalize(string? text, out string address, out string error)
    {
        address = "";
        var t = (text ?? "").Trim();
        if (!t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || t.Length != 42)
        {
            error = "must be an address: 0x followed by 40 hex digits";
            return false;
        }

        var digits = t[2..];
        if (!digits.All(char.IsAsciiHexDigit))
        {
            error = "must be an address: 0x followed by 40 hex digits";
            return false;
        }

        var lower = digits.ToLowerInvariant();
        if (digits != lower && digits != digits.ToUpperInvariant() && !AddressUtil.Current.IsChecksumAddress("0x" + digits))
        {
            error = "has mixed case but an invalid EIP-55 checksum";
            return false;
        }

        address = "0x" + lower;
        error = "";
        return true;
    }

    /// <summary>The 20 address bytes.</summary>
    public static byte[] ToBytes(string text, string field) => Convert.FromHexString(Normalize(text, field)[2..]);

    /// <summary>Lower-case address of 20 bytes.</summary>
    public static string FromBytes(ReadOnlySpan<byte> twentyBytes) =>
        twentyBytes.Length == 20
            ? Hex.Encode(twentyBytes)
            : throw new ArgumentException("an address is 20 bytes", nameof(twentyBytes));

    /// <summary>EIP-55 mixed-case checksum form (Nethereum.Util's <see cref="AddressUtil.ConvertToChecksumAddress(string)"/>).</summary>
    public static string ToChecksum(string text) => AddressUtil.Current.ConvertToChecksumAddress(Normalize(text, "address"));
}
