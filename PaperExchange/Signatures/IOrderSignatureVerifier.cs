using System.Numerics;

namespace MarketMaker.PaperExchange.Signatures;

/// <summary>EIP-712 domain of the Matching contract: <c>{name:"Matching", version:"1.0", chainId, verifyingContract}</c>.</summary>
public sealed record MatchingDomain(long ChainId, string VerifyingContract)
{
    public const string Name = "Matching";
    public const string Version = "1.0";
}

/// <summary>
/// An order's signed <c>Action(uint256 subaccountId,uint256 nonce,address module,bytes data,uint256 expiry,address owner,address signer)</c>,
/// taken from <c>action_json</c>, and the body's 65-byte signature (r‖s‖v, v = 27/28 or 0/1).
/// Addresses are lower-case 0x hex.
/// </summary>
public sealed record SignedAction(
    BigInteger SubaccountId,
    BigInteger Nonce,
    string Module,
    byte[] Data,
    BigInteger Expiry,
    string Owner,
    string Signer,
    byte[] Signature);

/// <summary>A signed <c>Cancel(address owner,address signer,uint256 nonce,uint256 expiry)</c> (markets-service-api.md §4.2).</summary>
public sealed record SignedCancel(string Owner, string Signer, BigInteger Nonce, BigInteger Expiry, byte[] Signature);

/// <summary>
/// The chain's signature check, as the paper exchange needs it. Implementations must be pure and thread-safe.
/// The exchange itself checks that the recovered signer is authorised (the owner, or a registered session key
/// of the owner for orders; the owner itself for cancels); the verifier only answers whether the EIP-712
/// signature over the typed data recovers to <c>Signer</c>.
/// </summary>
public interface IOrderSignatureVerifier
{
    /// <summary>True when <paramref name="action"/>.Signature is a valid EIP-712 signature of the Action by <c>action.Signer</c>.</summary>
    bool VerifyAction(MatchingDomain domain, SignedAction action);

    /// <summary>True when <paramref name="cancel"/>.Signature is a valid EIP-712 signature of the Cancel by <c>cancel.Signer</c>.</summary>
    bool VerifyCancel(MatchingDomain domain, SignedCancel cancel);
}
