using Fractions;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Numerics;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>The exact arithmetic and encodings the paper exchange's answers depend on.</summary>
public sealed class PaperUnitTests
{
    [Fact]
    public void Spot_contract_matches_the_api_docs_example()
    {
        var c = SpotTranslation.Present("buy", "0.000728875182750367", "1646");
        Assert.Equal(("sell", "1371.977018", "1.199729", "-1.199729", "+1646"), (c.UiSide, c.UiPrice, c.UiSize, c.UsdcDelta, c.CngnDelta));
    }

    [Fact]
    public void Ui_intent_price_translates_at_18_decimals_half_up()
    {
        var t = SpotTranslation.Translate("usdc_cngn_spot_v1", new MarketMaker.PaperExchange.Orders.UiIntent("buy", "1601", "100"), "", "", "");
        Assert.Null(t.Error);
        Assert.Equal(("sell", "0.000624609618988132", "160100.000000000000000000"), (t.Side, t.LimitPrice, t.DesiredAmount));
    }

    [Theory]
    [InlineData("010", "10")]
    [InlineData("1e3", "1000")]
    [InlineData("1.50", "1.50")]
    [InlineData("-0", "0")]
    [InlineData(" 7 ", "7")]
    [InlineData("1.5e-2", "0.015")]
    public void Numeric_text_renders_like_postgres(string input, string output)
    {
        Assert.True(PgNumeric.TryParse(input, out var n));
        Assert.Equal(output, n.ToString());
    }

    [Fact]
    public void Numeric_subtraction_keeps_the_larger_scale()
    {
        Assert.Equal("0.000000", (PgNumeric.Parse("0.000625") - PgNumeric.Parse("0.000625")).ToString());
        Assert.Equal("0.000002", (PgNumeric.Parse("0.000622") - PgNumeric.Parse("0.00062")).ToString());
    }

    [Fact]
    public void Stored_action_json_is_ordered_like_jsonb()
    {
        Assert.True(JsonbText.TryCanonicalize("{\"subaccount_id\":\"10\",\"nonce\":\"1\",\"module\":\"m\",\"data\":\"d\",\"expiry\":\"9\",\"owner\":\"o\",\"signer\":\"s\",\"nonce\":\"2\",\"n\":1.50}", out var text, out _));
        Assert.Equal("{\"n\":1.50,\"data\":\"d\",\"nonce\":\"2\",\"owner\":\"o\",\"expiry\":\"9\",\"module\":\"m\",\"signer\":\"s\",\"subaccount_id\":\"10\"}", text);
        Assert.False(JsonbText.TryCanonicalize("{\"a\":\"\\u0000\"}", out _, out var error));
        Assert.Equal("unsupported Unicode escape sequence", error);
    }

    [Fact]
    public void Json_strings_are_escaped_like_go()
    {
        Assert.Equal("{\"error\":\"a\\u003cb\\u003e\\u0026\\\"\\n+\"}\n", GoJsonWriter.ErrorBody("a<b>&\"\n+"));
    }

    [Fact]
    public void Rationals_round_half_away_from_zero()
    {
        Assert.Equal("0.000625000000000000", (Fraction.One / Fraction.FromDecimal(1600m)).ToFixed(18));
        Assert.Equal("-1", new Fraction(-1, 2).ToFixed(0));
        Assert.Equal("0", new Fraction(-1, 3).ToFixed(0));
        Assert.Equal("0.67", new Fraction(2, 3).ToFixed(2));
        Assert.True(Rational.TryParseRat("3/2", out var r) && r == new Fraction(3, 2));
        Assert.False(Rational.TryParsePlainDecimal("1e3", out _));
        Assert.True(Rational.TryParsePlainDecimal("+.5", out var half) && half == new Fraction(1, 2));
    }

    [Fact]
    public async Task Options_problems_are_all_reported_before_anything_starts()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => PaperExchangeHost.StartAsync(new PaperExchangeOptions
        {
            Port = 70000,
            TickInterval = TimeSpan.Zero,
            SignatureVerifier = null,
            Addresses = DeploymentAddresses.Base with { Matching = "0x12" },
            TakerFlow = new() { MinSize = 5, MaxSize = 1 },
        }));
        Assert.Contains("PaperExchangeOptions.Port", e.Message);
        Assert.Contains("PaperExchangeOptions.TickInterval", e.Message);
        Assert.Contains("PaperExchangeOptions.SignatureVerifier", e.Message);
        Assert.Contains("PaperExchangeOptions.Addresses.Matching", e.Message);
        Assert.Contains("PaperExchangeOptions.TakerFlow.MinSize/MaxSize", e.Message);
    }
}
