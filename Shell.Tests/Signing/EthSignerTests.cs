using System.Numerics;
using System.Security.Cryptography;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Signing;
using Nethereum.Signer;

namespace MarketMaker.Shell.Tests.Signing;

public sealed class EthSignerTests
{
    private static readonly BigInteger N = EthSigner.N;
    private static readonly EthKey Key = EthKey.Parse("0x2ae8be44db8a590d20bffbe3b6872df9b569147d3bf6801a35a28281a4816bbd");

    [Fact]
    public void Signatures_are_low_s_with_v_27_or_28_valid_and_recover_to_the_key()
    {
        var seenV = new HashSet<byte>();
        var rng = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var digest = new byte[32];
            rng.NextBytes(digest);
            var sig = EthSigner.Sign(Key, digest);

            Assert.Equal(65, sig.Length);
            var s = new BigInteger(sig.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
            Assert.True(s <= N >> 1, "s must be in the lower half");
            Assert.Contains(sig[64], new byte[] { 27, 28 });
            seenV.Add(sig[64]);

            // Independent check: plain ECDSA verification of (r, s) by another implementation (Nethereum's, on BouncyCastle).
            Assert.True(new EthECKey(Key.PublicKey, isPrivate: false).VerifyAllowingOnlyLowS(digest, EthECDSASignatureFactory.FromComponents(sig[..32], sig[32..64])));

            Assert.Equal(Key.Address, EthSigner.Recover(digest, sig));
        }

        Assert.Equal(2, seenV.Count);
    }

    [Fact]
    public void Signing_is_deterministic_rfc6979()
    {
        var digest = SHA256.HashData("same message"u8);
        Assert.Equal(EthSigner.Sign(Key, digest), EthSigner.Sign(Key, digest));
        Assert.NotEqual(EthSigner.Sign(Key, digest), EthSigner.Sign(Key, SHA256.HashData("other message"u8)));
    }

    [Fact]
    public void Recover_accepts_v_0_and_1_as_well_as_27_and_28()
    {
        var digest = SHA256.HashData("v styles"u8);
        var sig = EthSigner.Sign(Key, digest);
        sig[64] -= 27;
        Assert.Equal(Key.Address, EthSigner.Recover(digest, sig));
    }

    [Fact]
    public void Recover_accepts_the_high_s_twin_with_flipped_v_as_ecrecover_does()
    {
        var digest = SHA256.HashData("malleable"u8);
        var sig = EthSigner.Sign(Key, digest);
        var highS = (N - new BigInteger(sig.AsSpan(32, 32), isUnsigned: true, isBigEndian: true)).ToByteArray(isUnsigned: true, isBigEndian: true);
        var twin = sig.ToArray();
        Array.Clear(twin, 32, 32);
        highS.CopyTo(twin, 64 - highS.Length);
        twin[64] = (byte)(sig[64] == 27 ? 28 : 27);

        Assert.Equal(Key.Address, EthSigner.Recover(digest, twin));
    }

    [Fact]
    public void Recover_with_the_wrong_v_gives_another_address()
    {
        var digest = SHA256.HashData("wrong v"u8);
        var sig = EthSigner.Sign(Key, digest);
        sig[64] = (byte)(sig[64] == 27 ? 28 : 27);
        Assert.NotEqual(Key.Address, EthSigner.Recover(digest, sig));
    }

    [Theory]
    [InlineData(64, 27, "signature")]
    [InlineData(66, 27, "signature")]
    [InlineData(65, 29, "signature.v")]
    [InlineData(65, 2, "signature.v")]
    public void Recover_rejects_bad_length_and_v_with_a_typed_error(int length, byte v, string field)
    {
        var sig = new byte[length];
        sig[0] = 1;
        sig[33] = 1;
        sig[^1] = v;
        var e = Assert.Throws<SignatureException>(() => EthSigner.Recover(new byte[32], sig));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Recover_rejects_zero_r_and_s_at_or_above_n()
    {
        var digest = SHA256.HashData("ranges"u8);
        var sig = EthSigner.Sign(Key, digest);

        var zeroR = sig.ToArray();
        Array.Clear(zeroR, 0, 32);
        Assert.Equal("signature.r", Assert.Throws<SignatureException>(() => EthSigner.Recover(digest, zeroR)).Field);

        var bigS = sig.ToArray();
        N.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(bigS, 32);
        Assert.Equal("signature.s", Assert.Throws<SignatureException>(() => EthSigner.Recover(digest, bigS)).Field);
    }

    [Fact]
    public void Recover_rejects_an_r_that_is_not_on_the_curve()
    {
        // x = 5 is not the x-coordinate of a secp256k1 point (5^3 + 7 = 132 is not a square mod p).
        var sig = new byte[65];
        sig[31] = 5;
        sig[63] = 1;
        sig[64] = 27;
        var e = Assert.Throws<SignatureException>(() => EthSigner.Recover(new byte[32], sig));
        Assert.Equal("signature", e.Field);
    }

    [Fact]
    public void Hex_signature_that_is_not_hex_is_a_typed_error_naming_the_field()
    {
        var e = Assert.Throws<ProtocolFormatException>(() => EthSigner.Recover(new byte[32], "0xnothex"));
        Assert.Equal("signature", e.Field);
    }

    [Fact]
    public void Key_text_never_appears_in_ToString()
    {
        Assert.DoesNotContain("2ae8be44db8a590d", Key.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Key.Address, Key.ToString());
    }
}
