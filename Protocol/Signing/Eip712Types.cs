using System.Numerics;
using Nethereum.ABI.EIP712;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace MarketMaker.Protocol.Signing;

/// <summary>
/// The Matching contract's EIP-712 types as Nethereum.ABI's typed-data model describes them: the type strings,
/// typehashes and domain separators of <see cref="Eip712"/> are computed by Nethereum from these definitions, and
/// <see cref="Digest(MatchingDomain, MatchingAction)"/> is Nethereum's own typed-data encoder end to end.
/// </summary>
public static class NethereumTypedData
{
    public static readonly Dictionary<string, MemberDescription[]> ActionTypes =
        MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(ActionMessage));

    public static readonly Dictionary<string, MemberDescription[]> CancelTypes =
        MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(CancelMessage));

    /// <summary>Nethereum's <c>encodeType</c> of the primary type, e.g. <c>Action(uint256 subaccountId,…)</c>.</summary>
    public static string EncodedType(string primaryType) =>
        Eip712TypedDataEncoder.Current.GetEncodedType(primaryType, primaryType == "Action" ? typeof(ActionMessage) : typeof(CancelMessage));

    /// <summary>Nethereum's <c>encodeType</c> of the Matching domain.</summary>
    public static string EncodedDomainType() => Eip712TypedDataEncoder.Current.GetEncodedTypeDomainSeparator(TypedData(1, Address.Zero, "Action"));

    public static TypedData<Domain> TypedData(BigInteger chainId, string verifyingContract, string primaryType) => new()
    {
        Domain = new Domain { Name = Eip712.DomainName, Version = Eip712.DomainVersion, ChainId = chainId, VerifyingContract = verifyingContract },
        Types = primaryType == "Action" ? ActionTypes : CancelTypes,
        PrimaryType = primaryType,
    };

    /// <summary>Nethereum's domain separator: hashStruct(EIP712Domain).</summary>
    public static byte[] DomainSeparator(BigInteger chainId, string verifyingContract) =>
        Eip712TypedDataEncoder.Current.HashDomainSeparator(TypedData(chainId, verifyingContract, "Action"));

    public static ActionMessage Message(MatchingAction action) => new()
    {
        SubaccountId = action.SubaccountId,
        Nonce = action.Nonce,
        Module = action.Module,
        Data = action.Data.ToArray(),
        Expiry = action.Expiry,
        Owner = action.Owner,
        Signer = action.Signer,
    };

    public static CancelMessage Message(MatchingCancel cancel) => new()
    {
        Owner = cancel.Owner,
        Signer = cancel.Signer,
        Nonce = cancel.Nonce,
        Expiry = cancel.Expiry,
    };

    /// <summary>The typed-data digest by Nethereum's encoder (about 20× the cost of <see cref="Eip712.ActionDigest(MatchingDomain, MatchingAction)"/>, see docs/benchmarks.md).</summary>
    public static byte[] Digest(MatchingDomain domain, MatchingAction action) =>
        Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(Message(action), TypedData(domain.ChainId, domain.VerifyingContract, "Action"));

    public static byte[] Digest(MatchingDomain domain, MatchingCancel cancel) =>
        Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(Message(cancel), TypedData(domain.ChainId, domain.VerifyingContract, "Cancel"));

    [Struct("Action")]
    public sealed class ActionMessage
    {
        [Parameter("uint256", "subaccountId", 1)]
        public BigInteger SubaccountId { get; set; }

        [Parameter("uint256", "nonce", 2)]
        public BigInteger Nonce { get; set; }

        [Parameter("address", "module", 3)]
        public string Module { get; set; } = "";

        [Parameter("bytes", "data", 4)]
        public byte[] Data { get; set; } = [];

        [Parameter("uint256", "expiry", 5)]
        public BigInteger Expiry { get; set; }

        [Parameter("address", "owner", 6)]
        public string Owner { get; set; } = "";

        [Parameter("address", "signer", 7)]
        public string Signer { get; set; } = "";
    }

    [Struct("Cancel")]
    public sealed class CancelMessage
    {
        [Parameter("address", "owner", 1)]
        public string Owner { get; set; } = "";

        [Parameter("address", "signer", 2)]
        public string Signer { get; set; } = "";

        [Parameter("uint256", "nonce", 3)]
        public BigInteger Nonce { get; set; }

        [Parameter("uint256", "expiry", 4)]
        public BigInteger Expiry { get; set; }
    }
}
