using MarketMaker.Protocol;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.PaperExchange.Signatures;

/// <summary>
/// The chain's check, done with the bot's own EIP-712 code (Protocol/Signing, proven against the vectors, ethers and
/// a real EVM): the typed-data digest of the Action or Cancel over the Matching domain must recover to the signer.
/// </summary>
public sealed class Eip712OrderVerifier : IOrderSignatureVerifier
{
    public static readonly Eip712OrderVerifier Instance = new();

    public bool VerifyAction(MatchingDomain domain, SignedAction action)
    {
        try
        {
            var typed = new MatchingAction(action.SubaccountId, action.Nonce, action.Module, action.Data, action.Expiry, action.Owner, action.Signer);
            var recovered = Eip712.RecoverActionSigner(Domain(domain), typed, Hex.Encode(action.Signature));
            return string.Equals(recovered, action.Signer, StringComparison.OrdinalIgnoreCase);
        }
        catch (ProtocolException)
        {
            return false;
        }
    }

    public bool VerifyCancel(MatchingDomain domain, SignedCancel cancel)
    {
        try
        {
            var typed = new MatchingCancel(cancel.Owner, cancel.Signer, cancel.Nonce, cancel.Expiry);
            var recovered = Eip712.RecoverCancelSigner(Domain(domain), typed, Hex.Encode(cancel.Signature));
            return string.Equals(recovered, cancel.Signer, StringComparison.OrdinalIgnoreCase);
        }
        catch (ProtocolException)
        {
            return false;
        }
    }

    private static Protocol.Signing.MatchingDomain Domain(MatchingDomain domain) => new(domain.ChainId, domain.VerifyingContract);
}
