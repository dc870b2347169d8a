using System.Numerics;
using System.Text;
using MarketMaker.Protocol.Abi;

namespace MarketMaker.Protocol.Signing;

/// <summary>The EIP-712 domain of the Matching contract: name "Matching", version "1.0", a chain id and the Matching address.</summary>
public sealed record MatchingDomain
{
    public MatchingDomain(BigInteger chainId, string verifyingContract)
    {
        if (chainId.Sign <= 0 || chainId > AbiCodec.UInt256Max)
        {
            throw new ProtocolFormatException("chainId", "must be a positive uint256", "MatchingDomain");
        }

        ChainId = chainId;
        VerifyingContract = Address.Normalize(verifyingContract, "verifyingContract", "MatchingDomain");
        _separator = Eip712.DomainSeparator(ChainId, VerifyingContract);
    }

    private readonly byte[] _separator;

    public BigInteger ChainId { get; }

    /// <summary>Lower-case Matching contract address.</summary>
    public string VerifyingContract { get; }

    /// <summary>hashStruct(EIP712Domain) by Nethereum's typed-data encoder, computed once per domain (a copy).</summary>
    public byte[] Separator() => (byte[])_separator.Clone();

    /// <summary>The separator without a copy, for the signing hot path.</summary>
    internal ReadOnlySpan<byte> SeparatorSpan => _separator;
}

/// <summary>
/// A Matching <c>Action(uint256 subaccountId,uint256 nonce,address module,bytes data,uint256 expiry,address owner,address signer)</c>.
/// Validated on construction; addresses are held lower-case.
/// </summary>
public sealed class MatchingAction
{
    private readonly byte[] _data;

    public MatchingAction(BigInteger subaccountId, BigInteger nonce, string module, ReadOnlySpan<byte> data, BigInteger expiry, string owner, string signer)
    {
        SubaccountId = UInt(subaccountId, "subaccountId");
        Nonce = UInt(nonce, "nonce");
        Module = Address.Normalize(module, "module", "Action");
        _data = data.ToArray();
        Expiry = UInt(expiry, "expiry");
        Owner = Address.Normalize(owner, "owner", "Action");
        Signer = Address.Normalize(signer, "signer", "Action");
    }

    /// <summary>An action whose data is an encoded <see cref="TradeData"/> (a TradeModule order).</summary>
    public static MatchingAction ForTrade(BigInteger subaccountId, BigInteger nonce, string tradeModule, TradeData trade, BigInteger expiry, string owner, string signer) =>
        new(subaccountId, nonce, tradeModule, trade.Encode(), expiry, owner, signer);

    public BigInteger SubaccountId { get; }

    public BigInteger Nonce { get; }

    public string Module { get; }

    /// <summary>The module data (for a trade, 224 bytes of TradeData).</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>The module data as 0x-hex, as <c>action_json.data</c> carries it.</summary>
    public string DataHex => Hex.Encode(_data);

    public BigInteger Expiry { get; }

    public string Owner { get; }

    public string Signer { get; }

    public override string ToString() =>
        $"Action {{ SubaccountId = {SubaccountId}, Nonce = {Nonce}, Module = {Module}, Data = {DataHex}, Expiry = {Expiry}, Owner = {Owner}, Signer = {Signer} }}";

    internal static BigInteger UInt(BigInteger value, string field) =>
        value.Sign >= 0 && value <= AbiCodec.UInt256Max
            ? value
            : throw new ProtocolFormatException(field, $"{value} is outside uint256", "Action");
}

/// <summary>A Matching <c>Cancel(address owner,address signer,uint256 nonce,uint256 expiry)</c> (markets-service cancel signature).</summary>
public sealed record MatchingCancel
{
    public MatchingCancel(string owner, string signer, BigInteger nonce, BigInteger expiry)
    {
        Owner = Address.Normalize(owner, "owner", "Cancel");
        Signer = Address.Normalize(signer, "signer", "Cancel");
        Nonce = MatchingAction.UInt(nonce, "nonce");
        Expiry = MatchingAction.UInt(expiry, "expiry");
    }

    public string Owner { get; }

    public string Signer { get; }

    public BigInteger Nonce { get; }

    public BigInteger Expiry { get; }
}

/// <summary>
/// EIP-712 hashing and signing of Matching actions and cancels. The type strings, typehashes and domain separators
/// come from Nethereum's typed-data model (<see cref="NethereumTypedData"/>); signing and recovery are
/// NBitcoin.Secp256k1's (<see cref="EthSigner"/>). The one hand-written piece is the per-order struct hash
/// (typehash ‖ seven fixed words, then Keccak): Nethereum's typed-data encoder costs about 20× as much per digest (and 130 KB against 2.2 KB allocated)
/// on the hot path (docs/benchmarks.md, "Signing"); a property test holds the two equal on random actions and cancels.
/// </summary>
public static class Eip712
{
    public const string DomainName = "Matching";
    public const string DomainVersion = "1.0";

    public static readonly string DomainType = NethereumTypedData.EncodedDomainType();
    public static readonly string ActionType = NethereumTypedData.EncodedType("Action");
    public static readonly string CancelType = NethereumTypedData.EncodedType("Cancel");

    private static readonly byte[] ActionTypeHashBytes = Keccak.Hash(Encoding.ASCII.GetBytes(ActionType));
    private static readonly byte[] CancelTypeHashBytes = Keccak.Hash(Encoding.ASCII.GetBytes(CancelType));
    private static readonly byte[] DomainTypeHashBytes = Keccak.Hash(Encoding.ASCII.GetBytes(DomainType));

    public static ReadOnlySpan<byte> DomainTypeHash => DomainTypeHashBytes;

    public static ReadOnlySpan<byte> ActionTypeHash => ActionTypeHashBytes;

    public static ReadOnlySpan<byte> CancelTypeHash => CancelTypeHashBytes;

    /// <summary>hashStruct(EIP712Domain{name "Matching", version "1.0", chainId, verifyingContract}), by Nethereum.</summary>
    public static byte[] DomainSeparator(BigInteger chainId, string verifyingContract) =>
        NethereumTypedData.DomainSeparator(chainId, verifyingContract);

    /// <summary>hashStruct(Action): keccak256(typehash ‖ subaccountId ‖ nonce ‖ module ‖ keccak256(data) ‖ expiry ‖ owner ‖ signer).</summary>
    public static byte[] ActionStructHash(MatchingAction action)
    {
        var buffer = new byte[8 * 32];
        ActionTypeHashBytes.CopyTo(buffer, 0);
        UInt(action.SubaccountId, buffer, 1);
        UInt(action.Nonce, buffer, 2);
        Addr(action.Module, buffer, 3);
        Keccak.Hash(action.Data).CopyTo(buffer, 4 * 32);
        UInt(action.Expiry, buffer, 5);
        Addr(action.Owner, buffer, 6);
        Addr(action.Signer, buffer, 7);
        return Keccak.Hash(buffer);
    }

    /// <summary>hashStruct(Cancel): keccak256(typehash ‖ owner ‖ signer ‖ nonce ‖ expiry).</summary>
    public static byte[] CancelStructHash(MatchingCancel cancel)
    {
        var buffer = new byte[5 * 32];
        CancelTypeHashBytes.CopyTo(buffer, 0);
        Addr(cancel.Owner, buffer, 1);
        Addr(cancel.Signer, buffer, 2);
        UInt(cancel.Nonce, buffer, 3);
        UInt(cancel.Expiry, buffer, 4);
        return Keccak.Hash(buffer);
    }

    /// <summary>keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ structHash): the digest that is signed.</summary>
    public static byte[] TypedDataHash(ReadOnlySpan<byte> domainSeparator, ReadOnlySpan<byte> structHash)
    {
        if (domainSeparator.Length != 32 || structHash.Length != 32)
        {
            throw new ArgumentException("domain separator and struct hash are 32 bytes each");
        }

        Span<byte> message = stackalloc byte[66];
        message[0] = 0x19;
        message[1] = 0x01;
        domainSeparator.CopyTo(message[2..]);
        structHash.CopyTo(message[34..]);
        return Keccak.Hash(message);
    }

    public static byte[] ActionDigest(ReadOnlySpan<byte> domainSeparator, MatchingAction action) =>
        TypedDataHash(domainSeparator, ActionStructHash(action));

    public static byte[] ActionDigest(MatchingDomain domain, MatchingAction action) => ActionDigest(domain.SeparatorSpan, action);

    public static byte[] CancelDigest(ReadOnlySpan<byte> domainSeparator, MatchingCancel cancel) =>
        TypedDataHash(domainSeparator, CancelStructHash(cancel));

    public static byte[] CancelDigest(MatchingDomain domain, MatchingCancel cancel) => CancelDigest(domain.SeparatorSpan, cancel);

    /// <summary>
    /// Signs the action with <paramref name="key"/>; returns the 65-byte signature as 0x-hex. The key's address must be
    /// the action's <c>signer</c> (otherwise the chain would reject it), else a <see cref="ProtocolException"/>.
    /// </summary>
    public static string SignAction(EthKey key, ReadOnlySpan<byte> domainSeparator, MatchingAction action)
    {
        RequireSigner(key, action.Signer, "Action");
        return Hex.Encode(EthSigner.Sign(key, ActionDigest(domainSeparator, action)));
    }

    public static string SignAction(EthKey key, MatchingDomain domain, MatchingAction action) => SignAction(key, domain.SeparatorSpan, action);

    /// <summary>Signs the cancel with <paramref name="key"/>, which must be the cancel's <c>signer</c>; 0x-hex, 65 bytes.</summary>
    public static string SignCancel(EthKey key, ReadOnlySpan<byte> domainSeparator, MatchingCancel cancel)
    {
        RequireSigner(key, cancel.Signer, "Cancel");
        return Hex.Encode(EthSigner.Sign(key, CancelDigest(domainSeparator, cancel)));
    }

    public static string SignCancel(EthKey key, MatchingDomain domain, MatchingCancel cancel) => SignCancel(key, domain.SeparatorSpan, cancel);

    /// <summary>The address that signed the action (0x-hex signature, v 27/28 or 0/1); <see cref="SignatureException"/> if invalid.</summary>
    public static string RecoverActionSigner(ReadOnlySpan<byte> domainSeparator, MatchingAction action, string signature) =>
        EthSigner.Recover(ActionDigest(domainSeparator, action), signature);

    public static string RecoverActionSigner(MatchingDomain domain, MatchingAction action, string signature) =>
        RecoverActionSigner(domain.SeparatorSpan, action, signature);

    public static string RecoverCancelSigner(ReadOnlySpan<byte> domainSeparator, MatchingCancel cancel, string signature) =>
        EthSigner.Recover(CancelDigest(domainSeparator, cancel), signature);

    public static string RecoverCancelSigner(MatchingDomain domain, MatchingCancel cancel, string signature) =>
        RecoverCancelSigner(domain.SeparatorSpan, cancel, signature);

    /// <summary>True when the signature is valid and recovers to the action's signer.</summary>
    public static bool IsSignedBySigner(MatchingDomain domain, MatchingAction action, string signature) =>
        TryRecover(() => RecoverActionSigner(domain, action, signature)) == action.Signer;

    /// <summary>True when the signature is valid and recovers to the cancel's signer.</summary>
    public static bool IsSignedBySigner(MatchingDomain domain, MatchingCancel cancel, string signature) =>
        TryRecover(() => RecoverCancelSigner(domain, cancel, signature)) == cancel.Signer;

    private static string? TryRecover(Func<string> recover)
    {
        try
        {
            return recover();
        }
        catch (ProtocolException)
        {
            return null;
        }
    }

    // A uint256 word: big-endian, right-aligned (the value is range-checked on construction of the action).
    private static void UInt(BigInteger value, byte[] buffer, int word)
    {
        var span = buffer.AsSpan(word * 32, 32);
        var length = value.GetByteCount(isUnsigned: true);
        value.TryWriteBytes(span[(32 - length)..], out _, isUnsigned: true, isBigEndian: true);
    }

    // An address word: 12 zero bytes, then the 20 address bytes (the address is held as lower-case 0x-hex).
    private static void Addr(string address, byte[] buffer, int word) =>
        Convert.FromHexString(address.AsSpan(2), buffer.AsSpan((word * 32) + 12, 20), out _, out _);

    private static void RequireSigner(EthKey key, string signer, string type)
    {
        if (key.Address != signer)
        {
            throw new ProtocolException(type, "signer", $"is {signer} but the signing key's address is {key.Address}");
        }
    }
}
