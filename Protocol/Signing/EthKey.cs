using System.Globalization;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace MarketMaker.Protocol.Signing;

/// <summary>
/// A secp256k1 private key and its Ethereum address. The key's text never appears in
/// <see cref="ToString"/>, so it cannot leak through logs or exception messages.
/// </summary>
public sealed class EthKey
{
    internal static readonly Org.BouncyCastle.Asn1.X9.X9ECParameters Curve = SecNamedCurves.GetByName("secp256k1");
    internal static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H);

    private EthKey(BigInteger d)
    {
        D = d;
        PublicKey = Domain.G.Multiply(d).Normalize().GetEncoded(false);
        Address = AddressOf(PublicKey);
    }

    internal BigInteger D { get; }

    /// <summary>Uncompressed public key, 65 bytes starting with 0x04.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Lower-case 0x-prefixed address.</summary>
    public string Address { get; }

    internal ECPrivateKeyParameters Parameters => new(D, Domain);

    /// <summary>Parses 64 hex digits, with or without 0x. The error text never contains the key.</summary>
    public static bool TryParse(string? text, out EthKey? key, out string error)
    {
        key = null;
        var hex = (text ?? "").Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            error = "must be 32 bytes of hex (64 hex digits, optional 0x)";
            return false;
        }

        var d = new BigInteger(1, Convert.FromHexString(hex));
        if (d.SignValue <= 0 || d.CompareTo(Domain.N) >= 0)
        {
            error = "is not a valid secp256k1 private key (must be between 1 and n-1)";
            return false;
        }

        key = new EthKey(d);
        error = "";
        return true;
    }

    public static EthKey Parse(string text) =>
        TryParse(text, out var key, out var error) ? key! : throw new FormatException($"private key {error}");

    /// <summary>Address of an uncompressed public key (65 bytes with 0x04 prefix, or 64 bytes).</summary>
    public static string AddressOf(ReadOnlySpan<byte> publicKey)
    {
        var raw = publicKey.Length == 65 ? publicKey[1..] : publicKey;
        var hash = Keccak.Hash(raw);
        return "0x" + Convert.ToHexString(hash, 12, 20).ToLower(CultureInfo.InvariantCulture);
    }

    public override string ToString() => $"EthKey({Address})";
}
