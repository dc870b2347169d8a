using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Chain;

/// <summary>Our EIP-712 signatures equal ethers v6 <c>Wallet.signTypedData</c> byte for byte (one node run for all).</summary>
public sealed class EthersCrossCheckTests
{
    private const int Actions = 220;
    private const int Cancels = 60;

    [Fact]
    public async Task Random_actions_and_cancels_are_signed_exactly_as_ethers_signs_them()
    {
        var random = new RandomSigning(20260801);
        var items = new JsonArray();
        var ours = new List<(string Signature, string Digest, string Signer, string What)>();
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
                ours.Add((Eip712.SignAction(key, domain, action), Hex.Encode(Eip712.ActionDigest(domain, action)), key.Address, action.ToString()));
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
                ours.Add((Eip712.SignCancel(key, domain, cancel), Hex.Encode(Eip712.CancelDigest(domain, cancel)), key.Address, cancel.ToString()));
            }

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
        }
    }

    private static string Dec(System.Numerics.BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
