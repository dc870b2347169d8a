using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Signing;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using Org.BouncyCastle.Crypto.Digests;

namespace MarketMaker.Shell.Tests.Signing;

/// <summary>
/// Properties (FsCheck, 1,000 random cases each) that the production signing path — the hand-written EIP-712 struct
/// hash, NBitcoin.Secp256k1 signing and recovery — agrees with expectations that do not come from ethers and do not
/// share its code: (1) a reference digest built here word by word from the EIP-712 and ABI rules, hashed with
/// BouncyCastle's Keccak; (2) Nethereum's own typed-data encoder and its EIP-712 signer and recovery end to end
/// (<see cref="Eip712TypedDataSigner"/>, on BouncyCastle ECDSA). Random keys, chain ids, contracts, nonces, expiries,
/// addresses and TradeData with prices and amounts at the edges of uint256/int256 (0, ±1, ±1e18, the extremes).
/// </summary>
public sealed class SigningAgreementProperties
{
    internal static readonly FsCheck.Config Thousand = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true);

    private static readonly BigInteger Two256 = BigInteger.One << 256;

    internal static readonly Gen<byte> AnyByte = Gen.Choose(0, 255).Select(b => (byte)b);

    private static Gen<byte[]> Bytes(int length) => AnyByte.ArrayOf(length);

    /// <summary>uint256 biased to its edges: 0, 1, 1e18, 2^255, 2^256-1, small, and full-width random values.</summary>
    internal static readonly Gen<BigInteger> UInt256 = Gen.Frequency(
        (1, Gen.Elements(BigInteger.Zero, BigInteger.One, Fixed18.One, BigInteger.One << 255, AbiCodec.UInt256Max, AbiCodec.UInt256Max - 1)),
        (1, Gen.Choose(0, int.MaxValue).Select(v => (BigInteger)v)),
        (1, Gen.Choose(1, 1_000_000).Select(v => v * Fixed18.One)),
        (3, from bits in Gen.Choose(1, 256) from raw in Bytes(32) select new BigInteger(raw, isUnsigned: true) >> (256 - bits)));

    /// <summary>int256 biased to its edges: min, max, -1, 0, ±1e18 multiples (prices and amounts), random widths of both signs.</summary>
    internal static readonly Gen<BigInteger> Int256 = Gen.Frequency(
        (1, Gen.Elements(AbiCodec.Int256Min, AbiCodec.Int256Max, AbiCodec.Int256Min + 1, BigInteger.MinusOne, BigInteger.Zero, BigInteger.One, -Fixed18.One, Fixed18.One)),
        (2, Gen.Choose(-2_000_000, 2_000_000).Select(v => v * Fixed18.One / 1000)),
        (3, from bits in Gen.Choose(1, 255)
            from raw in Bytes(32)
            from negative in Gen.Elements(true, false)
            let magnitude = new BigInteger(raw, isUnsigned: true) >> (256 - bits)
            select negative ? -magnitude - 1 : magnitude));

    internal static readonly Gen<string> AnyAddress = Gen.Frequency(
        (1, Gen.Elements(Address.Zero, "0xffffffffffffffffffffffffffffffffffffffff")),
        (9, Bytes(20).Select(b => Address.FromBytes(b))));

    internal static readonly Gen<(EthKey Key, byte[] Secret)> AnyKey =
        from secret in Bytes(32).Where(b => EthKey.TryParse(Convert.ToHexString(b), out _, out _))
        select (EthKey.Parse(Convert.ToHexString(secret)), secret);

    internal static readonly Gen<MatchingDomain> AnyDomain =
        from chainId in Gen.Frequency((3, Gen.Choose(1, 100_000).Select(v => (BigInteger)v)), (1, UInt256.Where(v => v.Sign > 0)))
        from contract in AnyAddress
        select new MatchingDomain(chainId, contract);

    internal static readonly Gen<TradeData> AnyTrade =
        from asset in AnyAddress
        from subId in UInt256
        from price in Int256
        from amount in Int256
        from fee in UInt256
        from recipient in UInt256
        from isBid in Gen.Elements(true, false)
        select new TradeData(asset, subId, price, amount, fee, recipient, isBid);

    internal sealed record ActionCase(EthKey Key, byte[] Secret, MatchingDomain Domain, MatchingAction Action, TradeData? Trade)
    {
        public override string ToString() => $"{Domain} {Action}";
    }

    internal sealed record CancelCase(EthKey Key, byte[] Secret, MatchingDomain Domain, MatchingCancel Cancel)
    {
        public override string ToString() => $"{Domain} {Cancel}";
    }

    internal static readonly Gen<ActionCase> AnyAction =
        from key in AnyKey
        from domain in AnyDomain
        from trade in Gen.Frequency((4, AnyTrade.Select(t => (TradeData?)t)), (1, Gen.Constant((TradeData?)null)))
        from otherData in Gen.Choose(0, 100).SelectMany(n => Bytes(n))
        from subaccount in UInt256
        from nonce in UInt256
        from module in AnyAddress
        from expiry in UInt256
        from owner in Gen.Frequency((1, Gen.Constant(key.Key.Address)), (1, AnyAddress))
        select new ActionCase(key.Key, key.Secret, domain, new MatchingAction(subaccount, nonce, module, trade?.Encode() ?? otherData, expiry, owner, key.Key.Address), trade);

    internal static readonly Gen<CancelCase> AnyCancel =
        from key in AnyKey
        from domain in AnyDomain
        from owner in Gen.Frequency((1, Gen.Constant(key.Key.Address)), (1, AnyAddress))
        from nonce in UInt256
        from expiry in UInt256
        select new CancelCase(key.Key, key.Secret, domain, new MatchingCancel(owner, key.Key.Address, nonce, expiry));

    [Fact]
    public void Action_digest_signature_and_recovery_agree_with_the_reference_and_with_Nethereum_end_to_end()
    {
        Prop.ForAll(AnyAction.ToArbitrary(), c =>
        {
            if (c.Trade is { } trade)
            {
                Assert.Equal(ReferenceTradeData(trade), trade.Encode());
                Assert.Equal(trade, TradeData.Decode(trade.Encode()));
            }

            var digest = Eip712.ActionDigest(c.Domain, c.Action);
            Assert.Equal(Hex.Encode(ReferenceActionDigest(c.Domain, c.Action)), Hex.Encode(digest));
            Assert.Equal(Hex.Encode(NethereumTypedData.Digest(c.Domain, c.Action)), Hex.Encode(digest));

            var ours = Eip712.SignAction(c.Key, c.Domain, c.Action);
            var nethereumKey = new EthECKey(c.Secret, isPrivate: true);
            var theirs = Eip712TypedDataSigner.Current.SignTypedDataV4(
                NethereumTypedData.Message(c.Action), NethereumTypedData.TypedData(c.Domain.ChainId, c.Domain.VerifyingContract, "Action"), nethereumKey);
            Assert.Equal(theirs.ToLowerInvariant(), ours);

            AssertRecovers(digest, ours, c.Key);
            Assert.True(Eip712.IsSignedBySigner(c.Domain, c.Action, ours));
        }).Check(Thousand);
    }

    [Fact]
    public void A_signature_never_verifies_for_a_changed_action_or_cancel()
    {
        var changed = from c in AnyAction from bump in UInt256.Where(v => v.Sign > 0) select (c, bump);
        Prop.ForAll(changed.ToArbitrary(), t =>
        {
            var (c, bump) = t;
            var signature = Eip712.SignAction(c.Key, c.Domain, c.Action);
            var a = c.Action;
            var otherNonce = new MatchingAction(a.SubaccountId, (a.Nonce + bump) % Two256, a.Module, a.Data, a.Expiry, a.Owner, a.Signer);
            var otherExpiry = new MatchingAction(a.SubaccountId, a.Nonce, a.Module, a.Data, (a.Expiry + bump) % Two256, a.Owner, a.Signer);
            Assert.False(Eip712.IsSignedBySigner(c.Domain, otherNonce, signature));
            Assert.False(Eip712.IsSignedBySigner(c.Domain, otherExpiry, signature));

            var cancel = new MatchingCancel(a.Owner, a.Signer, a.Nonce, a.Expiry);
            var cancelSignature = Eip712.SignCancel(c.Key, c.Domain, cancel);
            Assert.False(Eip712.IsSignedBySigner(c.Domain, new MatchingCancel(a.Owner, a.Signer, (a.Nonce + bump) % Two256, a.Expiry), cancelSignature));

            // An action signature is not a cancel signature (different typehash), even over the same fields.
            Assert.False(Eip712.IsSignedBySigner(c.Domain, cancel, signature));
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    }

    // Recovery by libsecp256k1 (ours) gives the key's address; every 8th case also by Nethereum/BouncyCastle from the
    // same r, s, v (BouncyCastle's recovery costs milliseconds; the byte-equal Nethereum signature already covers r, s, v).
    internal static void AssertRecovers(byte[] digest, string signatureHex, EthKey key)
    {
        var signature = Hex.Decode(signatureHex, "signature");
        Assert.Equal(key.Address, EthSigner.Recover(digest, signature));
        if (digest[0] % 8 == 0)
        {
            var components = EthECDSASignatureFactory.FromComponents(signature[..32], signature[32..64], signature[64]);
            Assert.Equal(key.Address, EthECKey.RecoverFromSignature(components, digest).GetPublicAddress().ToLowerInvariant());
        }
    }

    // ----- the reference: EIP-712 and ABI by their definitions, Keccak by BouncyCastle -----
    private static byte[] KeccakReference(params byte[][] parts)
    {
        var digest = new KeccakDigest(256);
        foreach (var part in parts)
        {
            digest.BlockUpdate(part, 0, part.Length);
        }

        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // A uint256 or int256 word: the value modulo 2^256 (two's complement for negatives), big-endian, 32 bytes.
    private static byte[] IntWord(BigInteger value)
    {
        var unsigned = value.Sign < 0 ? value + Two256 : value;
        var hex = unsigned.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
        return Convert.FromHexString(hex[^64..]);
    }

    private static byte[] AddressWord(string address) => Convert.FromHexString(new string('0', 24) + address[2..]);

    private static byte[] ReferenceTradeData(TradeData t) =>
        [.. AddressWord(t.Asset), .. IntWord(t.SubId), .. IntWord(t.LimitPrice), .. IntWord(t.DesiredAmount), .. IntWord(t.WorstFee), .. IntWord(t.RecipientId), .. IntWord(t.IsBid ? 1 : 0)];

    private static byte[] ReferenceSeparator(MatchingDomain d) => KeccakReference(
        KeccakReference(Utf8("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")),
        KeccakReference(Utf8("Matching")),
        KeccakReference(Utf8("1.0")),
        IntWord(d.ChainId),
        AddressWord(d.VerifyingContract));

    private static byte[] ReferenceActionDigest(MatchingDomain d, MatchingAction a)
    {
        var structHash = KeccakReference(
            KeccakReference(Utf8("Action(uint256 subaccountId,uint256 nonce,address module,bytes data,uint256 expiry,address owner,address signer)")),
            IntWord(a.SubaccountId),
            IntWord(a.Nonce),
            AddressWord(a.Module),
            KeccakReference(a.Data.ToArray()),
            IntWord(a.Expiry),
            AddressWord(a.Owner),
            AddressWord(a.Signer));
        return KeccakReference([0x19, 0x01], ReferenceSeparator(d), structHash);
    }

    internal static byte[] ReferenceCancelDigest(MatchingDomain d, MatchingCancel c)
    {
        var structHash = KeccakReference(
            KeccakReference(Utf8("Cancel(address owner,address signer,uint256 nonce,uint256 expiry)")),
            AddressWord(c.Owner),
            AddressWord(c.Signer),
            IntWord(c.Nonce),
            IntWord(c.Expiry));
        return KeccakReference([0x19, 0x01], ReferenceSeparator(d), structHash);
    }
}

/// <summary>The cancel half of <see cref="SigningAgreementProperties"/> (its own class, so xunit runs the two in parallel).</summary>
public sealed class CancelSigningAgreementProperties
{
    [Fact]
    public void Cancel_digest_signature_and_recovery_agree_with_the_reference_and_with_Nethereum_end_to_end()
    {
        Prop.ForAll(SigningAgreementProperties.AnyCancel.ToArbitrary(), c =>
        {
            var digest = Eip712.CancelDigest(c.Domain, c.Cancel);
            Assert.Equal(Hex.Encode(SigningAgreementProperties.ReferenceCancelDigest(c.Domain, c.Cancel)), Hex.Encode(digest));
            Assert.Equal(Hex.Encode(NethereumTypedData.Digest(c.Domain, c.Cancel)), Hex.Encode(digest));

            var ours = Eip712.SignCancel(c.Key, c.Domain, c.Cancel);
            var theirs = Eip712TypedDataSigner.Current.SignTypedDataV4(
                NethereumTypedData.Message(c.Cancel), NethereumTypedData.TypedData(c.Domain.ChainId, c.Domain.VerifyingContract, "Cancel"), new EthECKey(c.Secret, isPrivate: true));
            Assert.Equal(theirs.ToLowerInvariant(), ours);

            SigningAgreementProperties.AssertRecovers(digest, ours, c.Key);
            Assert.True(Eip712.IsSignedBySigner(c.Domain, c.Cancel, ours));
        }).Check(SigningAgreementProperties.Thousand);
    }
}
