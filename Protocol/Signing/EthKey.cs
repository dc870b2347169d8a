using System.Security.Cryptography;
using NBitcoin.Secp256k1;
using Nethereum.Signer;

namespace MarketMaker.Protocol.Signing;

/// <summary>
/// A secp256k1 private key (held as NBitcoin.Secp256k1's <see cref="ECPrivKey"/>, never as text) and its Ethereum
/// address. Nothing public returns the secret: <see cref="ToString"/> prints the address only, and no error text
/// (of <see cref="TryParse"/>, <see cref="Parse"/> or a signing call) ever contains the key.
/// </summary>
public sealed class EthKey
{
    private readonly ECPrivKey _secret;

    private EthKey(ECPrivKey secret)
    {
        _secret = secret;
        PublicKey = secret.CreatePubKey().ToBytes(compressed: false);
        Address = AddressOf(PublicKey);
    }

    /// <summary>Uncompressed public key, 65 bytes starting with 0x04.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Lower-case 0x-prefixed address.</summary>
    public string Address { get; }

    /// <summary>The libsecp256k1 key, for <see cref="EthSigner"/> only.</summary>
    internal ECPrivKey Secret => _secret;

    /// <summary>Parses 64 hex digits, with or without 0x. The error text never contains the key.</summary>
    public static bool TryParse(string? text, out EthKey? key, out string error)
    {
        key = null;
        var hex = (text ?? "").AsSpan().Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length != 64 || hex.ContainsAnyExcept("0123456789abcdefABCDEF"))
        {
            error = "must be 32 bytes of hex (64 hex digits, optional 0x)";
            return false;
        }

        Span<byte> bytes = stackalloc byte[32];
        try
        {
            Convert.FromHexString(hex, bytes, out _, out _);

            // TryCreate refuses 0 and values ≥ n (the curve order).
            if (!Context.Instance.TryCreateECPrivKey(bytes, out var secret) || secret is null)
            {
                error = "is not a valid secp256k1 private key (must be between 1 and n-1)";
                return false;
            }

            key = new EthKey(secret);
            error = "";
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public static EthKey Parse(string text) =>
        TryParse(text, out var key, out var error) ? key! : throw new FormatException($"private key {error}");

    /// <summary>Address of an uncompressed public key (65 bytes with 0x04 prefix, or 64 bytes): Nethereum's <see cref="EthECKey.GetPublicAddress()"/>, lower-cased.</summary>
    public static string AddressOf(ReadOnlySpan<byte> publicKey)
    {
        var full = publicKey.Length == 64 ? [0x04, .. publicKey] : publicKey.ToArray();
        return new EthECKey(full, isPrivate: false).GetPublicAddress().ToLowerInvariant();
    }

    public override string ToString() => $"EthKey({Address})";
}
