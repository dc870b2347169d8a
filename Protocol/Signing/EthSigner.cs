using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace MarketMaker.Protocol.Signing;

/// <summary>A signature that cannot be parsed or recovered (wrong length, bad v, r or s out of range, no point).</summary>
public sealed class SignatureException(string field, string message) : ProtocolException("signature", field, message);

/// <summary>
/// Ethereum ECDSA over secp256k1: RFC 6979 deterministic k (HMAC-SHA256), low-s, 65-byte r‖s‖v with v ∈ {27, 28},
/// and public-key recovery (what Solidity's <c>ecrecover</c> does).
/// </summary>
public static class EthSigner
{
    private static readonly BigInteger N = EthKey.Domain.N;
    private static readonly BigInteger HalfN = N.ShiftRight(1);

    /// <summary>Signs a 32-byte digest; returns r (32) ‖ s (32) ‖ v (1) with s ≤ n/2 and v = 27 + recovery id.</summary>
    public static byte[] Sign(EthKey key, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException($"a digest is 32 bytes, got {digest.Length}", nameof(digest));
        }

        var hash = digest.ToArray();
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, key.Parameters);
        var rs = signer.GenerateSignature(hash);
        var r = rs[0];
        var s = rs[1];

        // Low-s (EIP-2). Negating s mirrors R, so the recovery id flips; we find it by recovery below,
        // which is correct whether or not s was flipped.
        if (s.CompareTo(HalfN) > 0)
        {
            s = N.Subtract(s);
        }

        var e = new BigInteger(1, hash);
        var expected = key.PublicKey;
        for (var recoveryId = 0; recoveryId < 2; recoveryId++)
        {
            var q = RecoverPoint(e, r, s, recoveryId);
            if (q is not null && q.GetEncoded(false).AsSpan().SequenceEqual(expected))
            {
                var signature = new byte[65];
                ToFixed32(r).CopyTo(signature, 0);
                ToFixed32(s).CopyTo(signature, 32);
                signature[64] = (byte)(27 + recoveryId);
                return signature;
            }
        }

        // Only possible when R.x ≥ n (probability about 2^-128), which v ∈ {27, 28} cannot express.
        throw new InvalidOperationException("signature has no recovery id expressible as v 27/28");
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
        var r = new BigInteger(1, signature[..32].ToArray());
        var s = new BigInteger(1, signature[32..64].ToArray());
        if (r.SignValue == 0 || r.CompareTo(N) >= 0)
        {
            throw new SignatureException("signature.r", "must be between 1 and n-1");
        }

        if (s.SignValue == 0 || s.CompareTo(N) >= 0)
        {
            throw new SignatureException("signature.s", "must be between 1 and n-1");
        }

        var q = RecoverPoint(new BigInteger(1, digest.ToArray()), r, s, recoveryId)
            ?? throw new SignatureException("signature", "does not correspond to any public key");
        return EthKey.AddressOf(q.GetEncoded(false));
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

    // SEC 1 v2 §4.1.6: Q = r⁻¹ (s·R − e·G), with R the curve point whose x is r and whose y parity is the recovery id.
    private static ECPoint? RecoverPoint(BigInteger e, BigInteger r, BigInteger s, int recoveryId)
    {
        var curve = EthKey.Domain.Curve;
        var x = r;
        if (x.CompareTo(curve.Field.Characteristic) >= 0)
        {
            return null;
        }

        var encoded = new byte[33];
        encoded[0] = (byte)(recoveryId == 0 ? 0x02 : 0x03);
        ToFixed32(x).CopyTo(encoded, 1);
        ECPoint rPoint;
        try
        {
            rPoint = curve.DecodePoint(encoded);
        }
        catch (ArgumentException)
        {
            return null; // x is not on the curve
        }

        var rInv = r.ModInverse(N);
        var u1 = N.Subtract(e.Mod(N)).Multiply(rInv).Mod(N);
        var u2 = s.Multiply(rInv).Mod(N);
        var q = ECAlgorithms.SumOfTwoMultiplies(EthKey.Domain.G, u1, rPoint, u2).Normalize();
        return q.IsInfinity ? null : q;
    }

    private static byte[] ToFixed32(BigInteger value)
    {
        var bytes = value.ToByteArrayUnsigned();
        var word = new byte[32];
        bytes.CopyTo(word, 32 - bytes.Length);
        return word;
    }
}
