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
    }

    public BigInteger ChainId { get; }

    /// <summary>Lower-case Matching contract address.</summary>
    public string VerifyingContract { get; }

    /// <summary>keccak256(abi.encode(EIP712Domain typehash, keccak("Matching"), keccak("1.0"), chainId, verifyingContract)).</summary>
    public byte[] Separator() => Eip712.DomainSeparator(ChainId, VerifyingContract);
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

/// <summary>EIP-712 hashing and signing of Matching actions and cancels.</summary>
public static class Eip712
{
    public const string DomainName = "Matching";
    public const string DomainVersion = "1.0";
    public const string DomainType = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
    public const string ActionType = "Action(uint256 subaccountId,uint256 nonce,address module,bytes data,uint256 expiry,address owner,address signer)";
    public const string CancelType = "Cancel(address owner,address signer,uint256 nonce,uint256 expiry)";

    private static readonly byte[] DomainTypeHashBytes = Keccak.Hash(Encoding.ASCII.GetBytes(DomainType));
    private static readonly byte[] ActionTypeHashBytes = Keccak.Hash(Encoding.ASCII.GetBytes(ActionType));
    private static readonly byte[] CancelTypeHashBytes = Keccak.Hash(Encoding.ASCII.GetBytes(CancelType));
    private static readonly byte[] NameHash = Keccak.Hash(Encoding.ASCII.GetBytes(DomainName));
    private static readonly byte[] VersionHash = Keccak.Hash(Encoding.ASCII.GetBytes(DomainVersion));

    public static ReadOnlySpan<byte> DomainTypeHash => DomainTypeHashBytes;

    public static ReadOnlySpan<byte> ActionTypeHash => ActionTypeHashBytes;

    public static ReadOnlySpan<byte> CancelTypeHash => CancelTypeHashBytes;

    public static byte[] DomainSeparator(BigInteger chainId, string verifyingContract) =>
        Keccak.Hash(AbiCodec.Concat(
            DomainTypeHashBytes,
            NameHash,
            VersionHash,
            AbiCodec.EncodeUInt256(chainId, "chainId"),
            AbiCodec.EncodeAddress(verifyingContract, "verifyingContract")));

    /// <summary>hashStruct(Action): keccak256(typehash ‖ subaccountId ‖ nonce ‖ module ‖ keccak256(data) ‖ expiry ‖ owner ‖ signer).</summary>
    public static byte[] ActionStructHash(MatchingAction action) =>
        Keccak.Hash(AbiCodec.Concat(
            ActionTypeHashBytes,
            AbiCodec.EncodeUInt256(action.SubaccountId, "subaccountId"),
            AbiCodec.EncodeUInt256(action.Nonce, "nonce"),
            AbiCodec.EncodeAddress(action.Module, "module"),
            Keccak.Hash(action.Data),
            AbiCodec.EncodeUInt256(action.Expiry, "expiry"),
            AbiCodec.EncodeAddress(action.Owner, "owner"),
            AbiCodec.EncodeAddress(action.Signer, "signer")));

    /// <summary>hashStruct(Cancel): keccak256(typehash ‖ owner ‖ signer ‖ nonce ‖ expiry).</summary>
    public static byte[] CancelStructHash(MatchingCancel cancel) =>
        Keccak.Hash(AbiCodec.Concat(
            CancelTypeHashBytes,
            AbiCodec.EncodeAddress(cancel.Owner, "owner"),
            AbiCodec.EncodeAddress(cancel.Signer, "signer"),
            AbiCodec.EncodeUInt256(cancel.Nonce, "nonce"),
            AbiCodec.EncodeUInt256(cancel.Expiry, "expiry")));

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

    public static byte[] ActionDigest(MatchingDomain domain, MatchingAction action) => ActionDigest(domain.Separator(), action);

    public static byte[] CancelDigest(ReadOnlySpan<byte> domainSeparator, MatchingCancel cancel) =>
        TypedDataHash(domainSeparator, CancelStructHash(cancel));

    public static byte[] CancelDigest(MatchingDomain domain, MatchingCancel cancel) => CancelDigest(domain.Separator(), cancel);

    /// <summary>
    /// Signs the action with <paramref name="key"/>; returns the 65-byte signature as 0x-hex. The key's address must be
    /// the action's <c>signer</c> (otherwise the chain would reject it), else a <see cref="ProtocolException"/>.
    /// </summary>
    public static string SignAction(EthKey key, ReadOnlySpan<byte> domainSeparator, MatchingAction action)
    {
        RequireSigner(key, action.Signer, "Action");
        return Hex.Encode(EthSigner.Sign(key, ActionDigest(domainSeparator, action)));
    }

    public static string SignAction(EthKey key, MatchingDomain domain, MatchingAction action) => SignAction(key, domain.Separator(), action);

    /// <summary>Signs the cancel with <paramref name="key"/>, which must be the cancel's <c>signer</c>; 0x-hex, 65 bytes.</summary>
    public static string SignCancel(EthKey key, ReadOnlySpan<byte> domainSeparator, MatchingCancel cancel)
    {
        RequireSigner(key, cancel.Signer, "Cancel");
        return Hex.Encode(EthSigner.Sign(key, CancelDigest(domainSeparator, cancel)));
    }

    public static string SignCancel(EthKey key, MatchingDomain domain, MatchingCancel cancel) => SignCancel(key, domain.Separator(), cancel);

    /// <summary>The address that signed the action (0x-hex signature, v 27/28 or 0/1); <see cref="SignatureException"/> if invalid.</summary>
    public static string RecoverActionSigner(ReadOnlySpan<byte> domainSeparator, MatchingAction action, string signature) =>
        EthSigner.Recover(ActionDigest(domainSeparator, action), signature);

    public static string RecoverActionSigner(MatchingDomain domain, MatchingAction action, string signature) =>
        RecoverActionSigner(domain.Separator(), action, signature);

    public static string RecoverCancelSigner(ReadOnlySpan<byte> domainSeparator, MatchingCancel cancel, string signature) =>
        EthSigner.Recover(CancelDigest(domainSeparator, cancel), signature);

    public static string RecoverCancelSigner(MatchingDomain domain, MatchingCancel cancel, string signature) =>
        RecoverCancelSigner(domain.Separator(), cancel, signature);

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

    private static void RequireSigner(EthKey key, string signer, string type)
    {
        if (key.Address != signer)
        {
            throw new ProtocolException(type, "signer", $"is {signer} but the signing key's address is {key.Address}");
        }
    }
}
