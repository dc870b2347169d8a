using System.Globalization;
using System.Text;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.Protocol.Markets;

/// <summary>The fields of one <c>{"op":"auth",…}</c> frame (markets-service-ws.md §2.2).</summary>
public sealed record WsAuthFields(string Address, string Signature, string Nonce, long IssuedAt, long Expiry);

/// <summary>
/// The markets-service WebSocket authentication (markets-service-ws.md §5): EIP-191 <c>personal_sign</c> over a
/// SIWE-like text with the lower-case address, a configurable domain and unix-second integers.
/// </summary>
public static class WsAuth
{
    public const string DefaultDomain = "markets.numo.xyz";

    /// <summary>The server's default WS_AUTH_MAX_TTL: expiry − issued_at must not exceed it.</summary>
    public const int MaxTtlSeconds = 300;

    /// <summary>The exact signed text (lines joined by \n, no trailing newline).</summary>
    public static string Message(string domain, string address, string nonce, long issuedAt, long expiry) =>
        $"{domain} wants you to authenticate for the Numo markets WebSocket.\n"
        + $"Address: {address.Trim().ToLowerInvariant()}\n"
        + $"Nonce: {nonce}\n"
        + $"Issued At: {issuedAt.ToString(CultureInfo.InvariantCulture)}\n"
        + $"Expiration Time: {expiry.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>keccak256("\x19Ethereum Signed Message:\n" + byte length + message): the personal_sign digest.</summary>
    public static byte[] Digest(string message)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var prefix = Encoding.UTF8.GetBytes("\u0019Ethereum Signed Message:\n" + body.Length.ToString(CultureInfo.InvariantCulture));
        return Keccak.Hash([.. prefix, .. body]);
    }

    /// <summary>
    /// A fresh auth frame for <paramref name="key"/>: issued a little in the past (clock skew), valid for
    /// <paramref name="ttlSeconds"/> (at most <see cref="MaxTtlSeconds"/>), a random nonce.
    /// </summary>
    public static WsAuthFields Sign(EthKey key, string domain, DateTimeOffset now, string nonce, int ttlSeconds = 240)
    {
        var issued = now.ToUnixTimeSeconds() - 30;
        var expiry = issued + Math.Min(ttlSeconds, MaxTtlSeconds);
        var address = key.Address.ToLowerInvariant();
        var signature = EthSigner.Sign(key, Digest(Message(domain, address, nonce, issued, expiry)));
        return new WsAuthFields(address, Hex.Encode(signature), nonce, issued, expiry);
    }
}
