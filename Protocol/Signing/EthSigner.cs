using System.Numerics;
using NBitcoin.Secp256k1;

namespace MarketMaker.Protocol.Signing;

/// <summary>A signature that cannot be parsed or recovered (wrong length, bad v, r or s out of range, no point).</summary>
public sealed class SignatureException(string field, string message) : ProtocolException("signature", field, message);

/// <summary>
/// Ethereum ECDSA over secp256k1 on NBitcoin.Secp256k1 (the C# port of Bitcoin Core's libsecp256k1): RFC 6979
/// deterministic k, low-s, 65-byte r‖s‖v with v ∈ {27, 28}, and public-key recovery (what Solidity's
/// <c>ecrecover</c> does). Nothing here is our own curve arithmetic.
/// </summary>
public static class EthSigner
{
    /// <summary>The secp256k1 group order n.</summary>
    public static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Signs a 32-byte digest; returns r (32) ‖ s (32) ‖ v (1) with s ≤ n/2 and v = 27 + recovery id.</summary>
    public static byte[] Sign(EthKey key, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException($"a digest is 32 bytes, got {digest.Length}", nameof(digest));
        }

        // libsecp256k1 signs with the RFC 6979 nonce and always returns the low-s form.
        if (!key.Secret.TrySignRecoverable(digest, out var recoverable) || recoverable is null)
        {
            throw new InvalidOperationException("secp256k1 signing failed");
        }

        var signature = new byte[65];
        recoverable.WriteToSpanCompact(signature.AsSpan(0, 64), out var recoveryId);
        if (recoveryId > 1)
        {
            // Only when R.x ≥ n (probability about 2^-128), which v ∈ {27, 28} cannot express.
            throw new InvalidOperationException("signature has no recovery id expressible as v 27/28");
        }

        signature[64] = (byte)(27 + recoveryId);
        return signature;
    }

    /// <summary>
    /// The address that signed <paramref name="digest"/>. Accepts v ∈ {27, 28, 0, 1}; r and s must be in [1, n-1]
    /// (high s is accepted, as <c>ecrecover</c> does). Raises <see cref="SignatureException"/> on anything invalid.
    /// </summary>
    public static string Recover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (digest.Length != 32)
        {
            throw new SignatureException("digest", $"must be 32 bytes, got {digest.Length}");
        }

        if (signature.Length != 65)
        {
            throw new SignatureException("signature", $"must be 65 bytes (r‖s‖v), got {signature.Length}");
        }

        var v = signature[64];
        var recoveryId = v switch
        {
            27 or 28 => v - 27,
            0 or 1 => v,
            _ => throw new SignatureException("signature.v", $"must be 27, 28, 0 or 1, got {v}"),
        };
        CheckScalar(signature[..32], "signature.r");
        CheckScalar(signature[32..64], "signature.s");

        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(signature[..64], recoveryId, out var recoverable) || recoverable is null ||
            !ECPubKey.TryRecover(Context.Instance, recoverable, digest, out var publicKey) || publicKey is null)
        {
            throw new SignatureException("signature", "does not correspond to any public key");
        }

        return EthKey.AddressOf(publicKey.ToBytes(compressed: false));
    }

    /// <summary>As <see cref="Recover(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> for 0x-hex input.</summary>
    public static string Recover(ReadOnlySpan<byte> digest, string signatureHex) =>
        Recover(digest, Hex.DecodeFixed(signatureHex, 65, "signature"));

    /// <summary>True when the signature is valid for the digest and recovers to <paramref name="address"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, string address)
    {
        try
        {
            return Recover(digest, signature) == Address.Normalize(address, "address");
        }
        catch (SignatureException)
        {
            return false;
        }
    }

    private static void CheckScalar(ReadOnlySpan<byte> word, string field)
    {
        var value = new BigInteger(word, isUnsigned: true, isBigEndian: true);
        if (value.IsZero || value >= N)
        {
            throw new SignatureException(field, "must be between 1 and n-1");
        }
    }
}
