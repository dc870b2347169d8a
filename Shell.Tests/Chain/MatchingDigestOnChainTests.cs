using System.Numerics;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Tests.Infrastructure;
using MarketMaker.Shell.Tests.Signing;

namespace MarketMaker.Shell.Tests.Chain;

public sealed class MatchingDigestFixture : AnvilFixture
{
    public string Contract { get; private set; } = "";

    protected override async Task OnStartedAsync() => Contract = await DeployAsync("MatchingDigest");
}

/// <summary>A Solidity contract on a real EVM recomputes the Matching EIP-712 hashes and ecrecovers our signatures.</summary>
public sealed class MatchingDigestOnChainTests(MatchingDigestFixture chain) : IClassFixture<MatchingDigestFixture>
{
    [Fact]
    public async Task Typehashes_on_chain_equal_ours()
    {
        Assert.Equal(Hex.Encode(Eip712.DomainTypeHash), Hex.Encode(await CallAsync("DOMAIN_TYPEHASH()")));
        Assert.Equal(Hex.Encode(Eip712.ActionTypeHash), Hex.Encode(await CallAsync("ACTION_TYPEHASH()")));
        Assert.Equal(Hex.Encode(Eip712.CancelTypeHash), Hex.Encode(await CallAsync("CANCEL_TYPEHASH()")));
    }

    [Fact]
    public async Task Domain_separators_on_chain_equal_ours_and_the_vectors()
    {
        foreach (var d in SigningVectors.Document.GetProperty("domain_separators").EnumerateArray())
        {
            var domain = new MatchingDomain(d.GetProperty("chain_id").GetInt64(), d.Str("verifying_contract"));
            var onChain = await CallAsync("domainSeparator(uint256,address)", Word(AbiCodec.EncodeUInt256(domain.ChainId)), Word(AbiCodec.EncodeAddress(domain.VerifyingContract)));
            Assert.Equal(d.Str("domain_separator"), Hex.Encode(onChain));
        }
    }

    [Fact]
    public async Task Onchain_getActionHash_vector_equals_the_contracts_action_hash()
    {
        var v = SigningVectors.NumoCase("onchain_getActionHash");
        var action = new MatchingAction(v.Int("subaccount_id"), v.Int("nonce"), v.Str("module_address"), Hex.Decode(v.Str("module_data"), "module_data"), v.Int("expiry"), v.Str("owner"), v.Str("signer"));
        var onChain = await CallAsync("actionHash((uint256,uint256,address,bytes,uint256,address,address))", ActionTuple(action));
        Assert.Equal(v.Str("action_hash"), Hex.Encode(onChain));
    }

    [Fact]
    public async Task Random_signed_actions_recover_to_our_signer_on_chain_with_our_digest()
    {
        var random = new RandomSigning(31337);
        for (var i = 0; i < 60; i++)
        {
            var (key, _) = random.Key();
            var domain = random.Domain();
            var action = random.Action(key);
            var signature = Eip712.SignAction(key, domain, action);

            var result = await CallAsync(
                "recoverAction(uint256,address,(uint256,uint256,address,bytes,uint256,address,address),bytes)",
                Word(AbiCodec.EncodeUInt256(domain.ChainId)),
                Word(AbiCodec.EncodeAddress(domain.VerifyingContract)),
                ActionTuple(action),
                new AbiArg.Bytes(Hex.Decode(signature, "signature")));

            Assert.Equal(key.Address, AbiCodec.DecodeAddress(result, 0, "recovered"));
            Assert.Equal(Hex.Encode(Eip712.ActionDigest(domain, action)), Hex.Encode(AbiCodec.DecodeBytes32(result, 1, "digest")));
            Assert.Equal(Hex.Encode(Eip712.ActionStructHash(action)), Hex.Encode(await CallAsync("actionHash((uint256,uint256,address,bytes,uint256,address,address))", ActionTuple(action))));
        }
    }

    [Fact]
    public async Task Random_signed_cancels_recover_to_our_signer_on_chain_with_our_digest()
    {
        var random = new RandomSigning(8453);
        for (var i = 0; i < 60; i++)
        {
            var (key, _) = random.Key();
            var domain = random.Domain();
            var cancel = random.Cancel(key);
            var signature = Eip712.SignCancel(key, domain, cancel);

            var result = await CallAsync(
                "recoverCancel(uint256,address,address,address,uint256,uint256,bytes)",
                Word(AbiCodec.EncodeUInt256(domain.ChainId)),
                Word(AbiCodec.EncodeAddress(domain.VerifyingContract)),
                Word(AbiCodec.EncodeAddress(cancel.Owner)),
                Word(AbiCodec.EncodeAddress(cancel.Signer)),
                Word(AbiCodec.EncodeUInt256(cancel.Nonce)),
                Word(AbiCodec.EncodeUInt256(cancel.Expiry)),
                new AbiArg.Bytes(Hex.Decode(signature, "signature")));

            Assert.Equal(key.Address, AbiCodec.DecodeAddress(result, 0, "recovered"));
            Assert.Equal(Hex.Encode(Eip712.CancelDigest(domain, cancel)), Hex.Encode(AbiCodec.DecodeBytes32(result, 1, "digest")));
        }
    }

    [Fact]
    public async Task Numo_order_fixture_signature_recovers_to_the_owner_on_chain()
    {
        var v = SigningVectors.NumoCase("markets_service_order_fixture_base_mainnet");
        var action = new MatchingAction(v.Int("subaccount_id"), v.Int("nonce"), v.Str("module_address"), Hex.Decode(v.Str("module_data"), "module_data"), v.Int("expiry"), v.Str("owner"), v.Str("signer"));
        var result = await CallAsync(
            "recoverAction(uint256,address,(uint256,uint256,address,bytes,uint256,address,address),bytes)",
            Word(AbiCodec.EncodeUInt256(v.Int("chain_id"))),
            Word(AbiCodec.EncodeAddress(v.Str("verifying_contract"))),
            ActionTuple(action),
            new AbiArg.Bytes(Hex.Decode(v.Str("signature"), "signature")));

        Assert.Equal(v.Str("owner"), AbiCodec.DecodeAddress(result, 0, "recovered"));
        Assert.Equal(v.Str("typed_data_hash"), Hex.Encode(AbiCodec.DecodeBytes32(result, 1, "digest")));
    }

    private static AbiArg.Word Word(byte[] word) => new(word);

    private static AbiArg.Tuple ActionTuple(MatchingAction a) => new([
        Word(AbiCodec.EncodeUInt256(a.SubaccountId)),
        Word(AbiCodec.EncodeUInt256(a.Nonce)),
        Word(AbiCodec.EncodeAddress(a.Module)),
        new AbiArg.Bytes(a.Data.ToArray()),
        Word(AbiCodec.EncodeUInt256(a.Expiry)),
        Word(AbiCodec.EncodeAddress(a.Owner)),
        Word(AbiCodec.EncodeAddress(a.Signer)),
    ]);

    private Task<byte[]> CallAsync(string signature, params AbiArg[] args) =>
        chain.Rpc.EthCallAsync(chain.Contract, AbiArg.Call(signature, args), signature);
}
