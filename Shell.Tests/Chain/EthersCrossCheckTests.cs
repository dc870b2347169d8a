using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Chain;

/// <summary>
/// Our EIP-712 signing against ethers v6 in both directions on the same random actions and cancels (one node run for
/// all): our digest and signature equal ethers' <c>TypedDataEncoder.hash</c> and <c>Wallet.signTypedData</c> byte for
/// byte; ethers' <c>verifyTypedData</c> recovers our signer from our signature; our recovery gives the signer from
/// ethers' signature, and rejects it for a changed nonce.
/// </summary>
public sealed class EthersCrossCheckTests
{
    private const int Actions = 240;
    private const int Cancels = 210;

    [Fact]
    public async Task Random_actions_and_cancels_are_signed_exactly_as_ethers_signs_them()
    {
        var random = new RandomSigning(20260801);
        var items = new JsonArray();
        var ours = new List<(string Signature, string Digest, string Signer, string What, Func<string, string> Recover, Func<string, bool> ChangedVerifies)>();
        for (var i = 0; i < Actions + Cancels; i++)
        {
            var (key, keyHex) = random.Key();
            var domain = random.Domain();
            var item = new JsonObject
            {
                ["privateKey"] = keyHex,
                ["domain"] = new JsonObject { ["chainId"] = Dec(domain.ChainId), ["verifyingContract"] = domain.VerifyingContract },
            };
            if (i < Actions)
            {
                var action = random.Action(key);
                item["action"] = new JsonObject
                {
                    ["subaccountId"] = Dec(action.SubaccountId),
                    ["nonce"] = Dec(action.Nonce),
                    ["module"] = action.Module,
                    ["data"] = action.DataHex,
                    ["expiry"] = Dec(action.Expiry),
                    ["owner"] = action.Owner,
                    ["signer"] = action.Signer,
                };
                var changed = new MatchingAction(action.SubaccountId, (action.Nonce + 1) % (System.Numerics.BigInteger.One << 256), action.Module, action.Data, action.Expiry, action.Owner, action.Signer);
                ours.Add((Eip712.SignAction(key, domain, action), Hex.Encode(Eip712.ActionDigest(domain, action)), key.Address, action.ToString(),
                    sig => Eip712.RecoverActionSigner(domain, action, sig), sig => Eip712.IsSignedBySigner(domain, changed, sig)));
            }
            else
            {
                var cancel = random.Cancel(key);
                item["cancel"] = new JsonObject
                {
                    ["owner"] = cancel.Owner,
                    ["signer"] = cancel.Signer,
                    ["nonce"] = Dec(cancel.Nonce),
                    ["expiry"] = Dec(cancel.Expiry),
                };
                var changed = new MatchingCancel(cancel.Owner, cancel.Signer, (cancel.Nonce + 1) % (System.Numerics.BigInteger.One << 256), cancel.Expiry);
                ours.Add((Eip712.SignCancel(key, domain, cancel), Hex.Encode(Eip712.CancelDigest(domain, cancel)), key.Address, cancel.ToString(),
                    sig => Eip712.RecoverCancelSigner(domain, cancel, sig), sig => Eip712.IsSignedBySigner(domain, changed, sig)));
            }

            item["theirSignature"] = ours[^1].Signature;
            items.Add(item);
        }

        var output = await Node.RunScriptAsync("ethers-sign.mjs", items.ToJsonString());
        using var doc = JsonDocument.Parse(output);
        var theirs = doc.RootElement.EnumerateArray().ToList();

        Assert.Equal(ours.Count, theirs.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            Assert.True(ours[i].Digest == theirs[i].GetProperty("digest").GetString(), $"digest differs for item {i}: {ours[i].What}");
            Assert.True(ours[i].Signature == theirs[i].GetProperty("signature").GetString(), $"signature differs for item {i}: {ours[i].What}");
            Assert.Equal(ours[i].Signer, theirs[i].GetProperty("recovered").GetString());

            // ethers → us: our recovery of ethers' signature is the signer; the signature does not cover a changed nonce.
            var ethersSignature = theirs[i].GetProperty("signature").GetString()!;
            Assert.Equal(ours[i].Signer, ours[i].Recover(ethersSignature));
            Assert.False(ours[i].ChangedVerifies(ethersSignature), $"ethers' signature verified for a changed nonce, item {i}");

            // us → ethers: ethers' verifyTypedData recovers our signer from our signature.
            Assert.Equal(ours[i].Signer, theirs[i].GetProperty("recoveredTheirs").GetString());
        }
    }

    private static string Dec(System.Numerics.BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
