using System.Globalization;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.PaperExchange.Signatures;

/// <summary>
/// The markets-service <c>auth</c> checks (markets-service-ws.md §5.3), in their order and with their
/// <c>auth_failed</c> messages byte for byte. No nonce store (a signed frame can be replayed until expiry), as the real one.
/// </summary>
public static class WsAuthVerifier
{
    /// <summary>The lower-case owner address on success, else null with the failure message.</summary>
    public static string? Verify(string? address, string? signature, string? nonce, long issuedAt, long expiry, long nowUnix, string domain, int maxTtlSeconds, out string error)
    {
        error = "";
        var addr = (address ?? "").Trim().ToLowerInvariant();
        if (addr.Length != 42 || !addr.StartsWith("0x", StringComparison.Ordinal) || !addr[2..].All(Uri.IsHexDigit))
        {
            error = "address must be 0x + 40 hex";
            return null;
        }

        if (string.IsNullOrEmpty(nonce))
        {
            error = "nonce required";
            return null;
        }

        if (expiry <= nowUnix)
        {
            error = "auth expired";
            return null;
        }

        if (issuedAt > nowUnix + 60)
        {
            error = "auth issued in the future";
            return null;
        }

        if (maxTtlSeconds > 0 && expiry - issuedAt > maxTtlSeconds)
        {
            error = "auth validity window too long";
            return null;
        }

        var hex = (signature ?? "").Trim();
        if (hex.StartsWith("0x", StringComparison.Ordinal))
        {
            hex = hex[2..];
        }

        if (GoHexError(hex) is { } hexError)
        {
            error = "decode signature hex: " + hexError;
            return null;
        }

        var bytes = Convert.FromHexString(hex);
        if (bytes.Length != 65)
        {
            error = "signature must be 65 bytes";
            return null;
        }

        if (bytes[64] is not (0 or 1 or 27 or 28))
        {
            error = "invalid recovery id";
            return null;
        }

        string recovered;
        try
        {
            recovered = EthSigner.Recover(WsAuth.Digest(WsAuth.Message(domain, addr, nonce, issuedAt, expiry)), bytes);
        }
        catch (SignatureException e)
        {
            error = e.Field switch
            {
                "signature.r" => "signature R is 0",
                "signature.s" => "signature S is >= curve order",
                _ => "signature is not for a valid curve point",
            };
            return null;
        }

        if (!string.Equals(recovered, addr, StringComparison.OrdinalIgnoreCase))
        {
            error = "signature does not match address";
            return null;
        }

        return addr;
    }

    /// <summary>Go's <c>hex.DecodeString</c> errors: the first invalid byte of the pairs, then the odd length.</summary>
    private static string? GoHexError(string s)
    {
        for (var i = 0; i + 1 < s.Length; i += 2)
        {
            foreach (var c in new[] { s[i], s[i + 1] })
            {
                if (!Uri.IsHexDigit(c))
                {
                    return Invalid(c);
                }
            }
        }

        if (s.Length % 2 == 1)
        {
            return Uri.IsHexDigit(s[^1]) ? "encoding/hex: odd length hex string" : Invalid(s[^1]);
        }

        return null;
    }

    private static string Invalid(char c) => $"encoding/hex: invalid byte: U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)} '{c}'";
}
