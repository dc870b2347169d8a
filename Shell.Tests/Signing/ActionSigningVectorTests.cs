using System.Globalization;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.Shell.Tests.Signing;

/// <summary>Every case of /work/shared/vectors/action-signing.json reproduced byte for byte.</summary>
public sealed class ActionSigningVectorTests
{
    public static TheoryData<string> TypeNames => new(["Action", "Cancel"]);

    public static TheoryData<long> DomainChainIds =>
        new(SigningVectors.Document.GetProperty("domain_separators").EnumerateArray().Select(d => d.GetProperty("chain_id").GetInt64()));

    public static TheoryData<string> DeriveCases => new(SigningVectors.CaseNames("derive"));

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Type_string_and_typehash_match_the_vectors(string type)
    {
        var expectedString = SigningVectors.Document.GetProperty("type_strings").Str(type);
        var expectedHash = SigningVectors.Document.GetProperty("typehashes").Str(type);
        var (ourString, ourHash) = type == "Action"
            ? (Eip712.ActionType, Eip712.ActionTypeHash.ToArray())
            : (Eip712.CancelType, Eip712.CancelTypeHash.ToArray());

        Assert.Equal(expectedString, ourString);
        Assert.Equal(expectedHash, Hex.Encode(ourHash));
    }

    [Fact]
    public void Domain_type_string_matches_the_vectors()
    {
        Assert.Equal(Eip712.DomainType, SigningVectors.Document.GetProperty("type_strings").Str("EIP712Domain"));
    }

    [Theory]
    [MemberData(nameof(DomainChainIds))]
    public void Domain_separator_matches_the_vector(long chainId)
    {
        var vector = SigningVectors.Document.GetProperty("domain_separators").EnumerateArray()
            .Single(d => d.GetProperty("chain_id").GetInt64() == chainId);
        var domain = new MatchingDomain(chainId, vector.Str("verifying_contract"));

        Assert.Equal(vector.Str("domain_separator"), Hex.Encode(domain.Separator()));
    }

    [Theory]
    [MemberData(nameof(DeriveCases))]
    public void Derive_case_module_data_hashes_and_signature_are_reproduced(string name)
    {
        var v = SigningVectors.DeriveCase(name);
        var t = v.GetProperty("trade");

        var trade = TradeData.FromDecimalStrings(
            t.Str("asset_address"), t.Int("sub_id"), t.Str("limit_price"), t.Str("amount"), t.Str("max_fee"), t.Int("recipient_id"), t.GetProperty("is_bid").GetBoolean());
        Assert.Equal(v.Str("module_data"), trade.EncodeHex());
        Assert.Equal(v.Str("module_data_hash"), Hex.Encode(Keccak.Hash(trade.Encode())));

        // The decimal path gives the same bytes, and the encoding decodes back to the same trade.
        var viaDecimal = TradeData.FromDecimals(
            t.Str("asset_address"), t.Int("sub_id"), Dec(t.Str("limit_price")), Dec(t.Str("amount")), Dec(t.Str("max_fee")), t.Int("recipient_id"), t.GetProperty("is_bid").GetBoolean());
        Assert.Equal(trade, viaDecimal);
        Assert.Equal(trade, TradeData.Decode(v.Str("module_data")));

        var action = MatchingAction.ForTrade(
            v.Int("subaccount_id"), v.Int("nonce"), v.Str("module_address"), trade, v.Int("signature_expiry_sec"), v.Str("owner"), v.Str("signer"));
        var structHash = Eip712.ActionStructHash(action);
        Assert.Equal(v.Str("action_hash"), Hex.Encode(structHash));

        var separator = Hex.Decode(v.Str("domain_separator"), "domain_separator");
        Assert.Equal(v.Str("typed_data_hash"), Hex.Encode(Eip712.TypedDataHash(separator, structHash)));

        var key = EthKey.Parse(v.Str("session_key"));
        Assert.Equal(v.Str("signer").ToLowerInvariant(), key.Address);
        var signature = Eip712.SignAction(key, separator, action);
        Assert.Equal(v.Str("signature"), signature);
        Assert.Equal(key.Address, Eip712.RecoverActionSigner(separator, action, signature));
    }

    [Theory]
    [MemberData(nameof(DeriveCases))]
    public void Derive_case_domain_separator_is_one_we_compute_for_its_chain(string name)
    {
        var v = SigningVectors.DeriveCase(name);
        var ours = SigningVectors.Document.GetProperty("domain_separators").EnumerateArray()
            .Select(d => Hex.Encode(new MatchingDomain(d.GetProperty("chain_id").GetInt64(), d.Str("verifying_contract")).Separator()));

        Assert.Contains(v.Str("domain_separator"), ours);
    }

    [Fact]
    public void Numo_order_fixture_hashes_match_and_its_signature_recovers_to_the_owner()
    {
        var v = SigningVectors.NumoCase("markets_service_order_fixture_base_mainnet");
        var t = v.GetProperty("trade");
        var trade = TradeData.FromDecimalStrings(
            t.Str("asset_address"), t.Int("sub_id"), t.Str("limit_price"), t.Str("amount"), t.Str("max_fee"), t.Int("recipient_id"), t.GetProperty("is_bid").GetBoolean());
        Assert.Equal(v.Str("module_data"), trade.EncodeHex());

        var action = MatchingAction.ForTrade(v.Int("subaccount_id"), v.Int("nonce"), v.Str("module_address"), trade, v.Int("expiry"), v.Str("owner"), v.Str("signer"));
        var domain = new MatchingDomain(v.Int("chain_id"), v.Str("verifying_contract"));
        Assert.Equal(v.Str("action_hash"), Hex.Encode(Eip712.ActionStructHash(action)));
        Assert.Equal(v.Str("typed_data_hash"), Hex.Encode(Eip712.ActionDigest(domain, action)));

        Assert.Equal(v.Str("owner").ToLowerInvariant(), Eip712.RecoverActionSigner(domain, action, v.Str("signature")));
        Assert.True(Eip712.IsSignedBySigner(domain, action, v.Str("signature")));

        // The same signature over a different nonce does not authorise it.
        var other = MatchingAction.ForTrade(v.Int("subaccount_id"), v.Int("nonce") + 1, v.Str("module_address"), trade, v.Int("expiry"), v.Str("owner"), v.Str("signer"));
        Assert.False(Eip712.IsSignedBySigner(domain, other, v.Str("signature")));
    }

    [Fact]
    public void Onchain_getActionHash_struct_hash_is_reproduced()
    {
        var v = SigningVectors.NumoCase("onchain_getActionHash");
        var action = new MatchingAction(
            v.Int("subaccount_id"), v.Int("nonce"), v.Str("module_address"), Hex.Decode(v.Str("module_data"), "module_data"), v.Int("expiry"), v.Str("owner"), v.Str("signer"));

        Assert.Equal(v.Str("action_hash"), Hex.Encode(Eip712.ActionStructHash(action)));
    }

    [Fact]
    public void Signing_with_a_key_that_is_not_the_actions_signer_is_refused()
    {
        var v = SigningVectors.DeriveCase("limit_buy_round_mainnet");
        var action = new MatchingAction(1, 2, v.Str("module_address"), [], 3, v.Str("owner"), v.Str("owner"));
        var key = EthKey.Parse(v.Str("session_key"));

        var e = Assert.Throws<ProtocolException>(() => Eip712.SignAction(key, Hex.Decode(v.Str("domain_separator"), "ds"), action));
        Assert.Equal("signer", e.Field);
        Assert.DoesNotContain(v.Str("session_key")[2..], e.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static decimal Dec(string text) => decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
}
