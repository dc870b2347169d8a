using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Participants;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.Shell.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>
/// The markets-service contract (markets-service-api.md §1–§4) over real HTTP, run against both stores:
/// exact statuses, error strings and bodies.
/// </summary>
public abstract class PaperContractTests : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    internal PaperExchangeHost Host { get; private set; } = null!;

    internal HttpClient Http { get; private set; } = null!;

    protected abstract Task<string?> DatabaseAsync();

    public async Task InitializeAsync()
    {
        Host = await PaperExchangeHost.StartAsync(PaperHosts.Options(await DatabaseAsync(), Clock));
        Http = new HttpClient { BaseAddress = new Uri(Host.ApiUrl) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    private long Now => Clock.GetUtcNow().ToUnixTimeSeconds();

    [Fact]
    public async Task Healthz_answers_ok_as_json_with_trailing_newline()
    {
        var r = await Http.GetAsync2("/healthz");
        Assert.Equal(200, r.Status);
        Assert.Equal("{\"status\":\"ok\"}\n", r.Body);
        Assert.Equal("application/json", r.ContentType);
    }

    [Fact]
    public async Task Unknown_path_gets_chi_plain_text_404_and_wrong_method_an_empty_405()
    {
        var r = await Http.GetAsync2("/v1/nope");
        Assert.Equal(404, r.Status);
        Assert.Equal("404 page not found\n", r.Body);
        Assert.StartsWith("text/plain", r.ContentType);

        var slash = await Http.GetAsync2("/v1/book/");
        Assert.Equal(404, slash.Status);

        var wrong = await Http.SendAsync2(HttpMethod.Delete, "/v1/book");
        Assert.Equal(405, wrong.Status);
        Assert.Equal("", wrong.Body);
        Assert.Equal(405, (await Http.GetAsync2("/v1/orders")).Status);
    }

    [Fact]
    public async Task Markets_lists_enabled_instruments_sorted_by_symbol_with_exact_spot_presentation()
    {
        var r = await Http.GetAsync2("/v1/markets");
        Assert.Equal(200, r.Status);
        var markets = r.Json.EnumerateArray().ToList();
        Assert.Equal(["USDCcNGN-SEP16-2026", "USDCcNGN-SPOT"], markets.Select(m => m.GetProperty("market").GetString()));

        const string spot = "{\"market\":\"USDCcNGN-SPOT\",\"contract_type\":\"spot\",\"settlement_type\":\"spot\",\"base_asset_symbol\":\"USDC\",\"quote_asset_symbol\":\"cNGN\",\"last_trade_timestamp\":null,\"price_semantics\":\"linear\",\"display_semantics\":\"direct\",\"display_name\":\"USDC/cNGN Spot\",\"display_label\":\"cNGN per USDC\",\"tick_size\":\"0.000000000000000001\",\"settlement_note\":\"Spot-style orderbook market on Base. Trades exchange WRAPPED_CNGN against internal USDC cash using the existing single quote-asset rail.\",\"pricing_model\":\"linear\",\"display_price_kind\":\"direct\",\"asset_address\":\"0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493\",\"sub_id\":\"0\",\"order_entry_spec\":\"usdc_cngn_spot_v1\",\"ui_price_unit\":\"cNGN per USDC\",\"ui_size_unit\":\"USDC notional\",\"ui_side_meaning\":\"BUY acquires USDC and sells cNGN inventory; SELL delivers USDC and buys cNGN inventory.\",\"engine_price_unit\":\"USDC per cNGN\",\"engine_amount_unit\":\"cNGN amount\",\"engine_side_policy\":\"invert_ui_side\",\"ui_price_to_engine\":\"engine_price = 1 / ui_price\",\"ui_size_to_engine\":\"engine_amount = ui_size * ui_price\"}";
        Assert.EndsWith("," + spot + "]\n", r.Body);

        var future = markets[0];
        Assert.Equal(JsonValueKind.Number, future.GetProperty("expiry_timestamp").ValueKind);
        Assert.Equal(1789567201, future.GetProperty("expiry_timestamp").GetInt64());
        Assert.Equal("deliverable_fx_future", future.GetProperty("contract_type").GetString());
        Assert.Equal("physical_delivery", future.GetProperty("settlement_type").GetString());
        Assert.Equal("1", future.GetProperty("tick_size").GetString());
        Assert.Equal("1789567201", future.GetProperty("sub_id").GetString());
        Assert.False(future.TryGetProperty("order_entry_spec", out _));
        Assert.False(markets[1].TryGetProperty("expiry_timestamp", out _));
    }

    [Fact]
    public async Task Valid_spot_order_is_created_and_presented_exactly_like_the_markets_service()
    {
        var body = Bodies.SpotOrder("1001", orderId: "mm:USDCcNGN-SPOT:buy:1001", expiry: Now + 3600);
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(201, r.Status);
        var order = r.Json.GetProperty("order");
        var createdAt = order.GetProperty("created_at").GetString()!;
        Assert.Equal(Clock.GetUtcNow(), DateTimeOffset.Parse(createdAt, CultureInfo.InvariantCulture));
        var exp = body["expiry"]!.GetValue<long>();
        var data = body.Action()["data"]!.GetValue<string>();
        var expected =
            "{\"order\":{\"order_id\":\"mm:USDCcNGN-SPOT:buy:1001\",\"owner_address\":\"0x3448ac0a3283951a2afd5b3a582329eca43cb47b\",\"signer_address\":\"0x3448ac0a3283951a2afd5b3a582329eca43cb47b\"," +
            "\"subaccount_id\":\"10\",\"recipient_id\":\"10\",\"nonce\":\"1001\",\"side\":\"sell\",\"asset_address\":\"0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493\",\"sub_id\":\"0\"," +
            $"\"desired_amount\":\"160000\",\"filled_amount\":\"0\",\"limit_price\":\"0.000625\",\"worst_fee\":\"0\",\"expiry\":{exp}," +
            $"\"action_json\":{{\"data\":\"{data}\",\"nonce\":\"1001\",\"owner\":\"0x3448ac0a3283951a2afd5b3a582329eca43cb47b\",\"expiry\":\"{exp}\",\"module\":\"{Bodies.TradeModule}\",\"signer\":\"0x3448ac0a3283951a2afd5b3a582329eca43cb47b\",\"subaccount_id\":\"10\"}}," +
            $"\"signature\":\"{MarkerVerifier.Good}\",\"status\":\"active\",\"created_at\":\"{createdAt}\",\"market\":\"USDCcNGN-SPOT\",\"contract_type\":\"spot\",\"settlement_type\":\"spot\"," +
            "\"base_asset_symbol\":\"USDC\",\"quote_asset_symbol\":\"cNGN\",\"price_semantics\":\"linear\",\"display_name\":\"USDC/cNGN Spot\",\"display_label\":\"cNGN per USDC\",\"display_semantics\":\"direct\"," +
            "\"tick_size\":\"0.000000000000000001\",\"spot_contract\":{\"spec\":\"usdc_cngn_spot_v1\",\"ui_intent\":{\"side\":\"buy\",\"price\":\"1600\",\"size\":\"100\"}," +
            "\"engine_order\":{\"side\":\"sell\",\"price\":\"0.000625\",\"amount\":\"160000\"},\"balance_delta\":{\"usdc\":\"+100\",\"cngn\":\"-160000\"}}}}\n";
        Assert.Equal(expected, r.Body);
    }

    [Fact]
    public async Task Valid_future_order_stores_lots_and_the_rerendered_price()
    {
        var body = Bodies.FutureOrder("2001", price: "1391.0", size: "0.005");
        body.Action()["data"] = Bodies.Data(Bodies.Future, BigInteger.Parse(Bodies.FutureSubId, CultureInfo.InvariantCulture), Bodies.E18("1391"), Bodies.E18("0.005"), true);
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(201, r.Status);
        var o = r.Json.GetProperty("order");
        Assert.Equal("5", o.GetProperty("desired_amount").GetString());
        Assert.Equal("1391", o.GetProperty("limit_price").GetString());
        Assert.Equal("buy", o.GetProperty("side").GetString());
        Assert.Equal("1789567201", o.GetProperty("sub_id").GetString());
        Assert.Equal(1789567201, o.GetProperty("expiry_timestamp").GetInt64());
        Assert.Equal("USDCcNGN-SEP16-2026", o.GetProperty("market").GetString());
        Assert.Equal("1", o.GetProperty("tick_size").GetString());
        Assert.False(o.TryGetProperty("spot_contract", out _));
        var stored = await Host.Store.GetOrderAsync("mm:USDCcNGN-SEP16-2026:buy:2001", default);
        Assert.Equal("1391", stored!.LimitPriceTicks);
    }

    private static readonly string[] RequiredFieldOrder =
    [
        "order_id", "owner_address", "signer_address", "subaccount_id", "recipient_id", "nonce", "asset_address", "desired_amount", "limit_price", "worst_fee", "signature",
    ];

    public static TheoryData<string> RequiredFields => new(RequiredFieldOrder);

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task Missing_required_fields_are_reported_first_in_step_one_order(string field)
    {
        var names = RequiredFieldOrder.ToList();
        var body = Bodies.SpotOrder("3001");
        foreach (var later in names.Skip(names.IndexOf(field)))
        {
            body.Remove(later);
        }

        body["expiry"] = Now - 10;
        body.Remove("action_json");
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(400, r.Status);
        Assert.Equal($"{{\"error\":\"{field} is required\"}}\n", r.Body);
    }

    [Fact]
    public async Task Ui_intent_skips_the_amount_and_price_requirements()
    {
        var body = Bodies.SpotOrder("3002");
        body.Remove("desired_amount");
        body.Remove("limit_price");
        body.Remove("worst_fee");
        body["ui_intent"] = new JsonObject { ["side"] = "buy", ["price"] = "1600", ["size"] = "100" };
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal("worst_fee is required", r.Error);
    }

    [Fact]
    public async Task Expiry_must_be_in_the_future_and_a_number()
    {
        var body = Bodies.SpotOrder("3003");
        body["expiry"] = Now;
        Assert.Equal("expiry must be in the future", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        body["expiry"] = (Now + 100).ToString(CultureInfo.InvariantCulture);
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(400, r.Status);
        Assert.Equal("invalid JSON body", r.Error);
    }

    [Fact]
    public async Task Type_mismatches_and_garbage_bodies_are_invalid_json()
    {
        var body = Bodies.SpotOrder("3004");
        body["worst_fee"] = 0;
        Assert.Equal("invalid JSON body", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        Assert.Equal("invalid JSON body", (await Http.PostJsonAsync("/v1/orders", "not json")).Error);
        Assert.Equal("invalid JSON body", (await Http.PostJsonAsync("/v1/orders", "")).Error);
    }

    [Fact]
    public async Task Action_json_must_be_present_and_match_the_body()
    {
        var body = Bodies.SpotOrder("3005");
        body.Remove("action_json");
        Assert.Equal("action_json must be valid JSON", (await Http.PostJsonAsync("/v1/orders", body)).Error);

        body = Bodies.SpotOrder("3005");
        body.Action()["nonce"] = 3005;
        Assert.StartsWith("parse action_json: ", (await Http.PostJsonAsync("/v1/orders", body)).Error);

        (string Key, string Value, string Error)[] cases =
        [
            ("subaccount_id", "11", "action_json.subaccount_id must match subaccount_id"),
            ("nonce", "03005", "action_json.nonce must match nonce"),
            ("owner", "0x0000000000000000000000000000000000000001", "action_json.owner must match owner_address"),
            ("signer", "0x0000000000000000000000000000000000000001", "action_json.signer must match signer_address"),
        ];
        foreach (var (key, value, error) in cases)
        {
            body = Bodies.SpotOrder("3005");
            body.Action()[key] = value;
            Assert.Equal(error, (await Http.PostJsonAsync("/v1/orders", body)).Error);
        }

        body = Bodies.SpotOrder("3005");
        body.Action()["owner"] = Bodies.Owner.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal);
        Assert.Equal(201, (await Http.PostJsonAsync("/v1/orders", body)).Status);
    }

    [Fact]
    public async Task Side_must_be_buy_or_sell_case_insensitively()
    {
        var body = Bodies.SpotOrder("3006");
        body["side"] = "hold";
        Assert.Equal("side must be 'buy' or 'sell'", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        body.Remove("side");
        Assert.Equal("side must be 'buy' or 'sell'", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        body["side"] = "SELL";
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(201, r.Status);
        Assert.Equal("sell", r.Json.GetProperty("order").GetProperty("side").GetString());
    }

    [Fact]
    public async Task Unknown_instrument_is_rejected()
    {
        var body = Bodies.SpotOrder("3007");
        body["asset_address"] = "0x0000000000000000000000000000000000000abc";
        Assert.Equal("asset_address must match a configured instrument", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        body = Bodies.SpotOrder("3007");
        body["sub_id"] = "1";
        Assert.Equal("asset_address must match a configured instrument", (await Http.PostJsonAsync("/v1/orders", body)).Error);
    }

    [Theory]
    [InlineData("future", "1391.5", "price must align to tick size 1")]
    [InlineData("spot", "0.0000000000000000001", "price must align to tick size 0.000000000000000001")]
    [InlineData("spot", "abc", "parse price \"abc\": invalid decimal")]
    [InlineData("spot", "-0.000625", "parse price \"-0.000625\": invalid decimal")]
    [InlineData("spot", "1e-3", "parse price \"1e-3\": invalid decimal")]
    [InlineData("spot", "0", "price must be positive")]
    public async Task Price_must_be_a_positive_plain_decimal_on_the_tick(string market, string price, string error)
    {
        var body = market == "spot" ? Bodies.SpotOrder("3008") : Bodies.FutureOrder("3008");
        body["limit_price"] = price;
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(400, r.Status);
        Assert.Equal(error, r.Error);
    }

    [Theory]
    [InlineData("future", "0.0005", "desired_amount must align to amount step 0.001")]
    [InlineData("spot", "1.5", "desired_amount must align to amount step 1")]
    [InlineData("spot", "0", "normalized atomic size is 0")]
    [InlineData("spot", "-5", "desired_amount must be greater than zero")]
    [InlineData("spot", "x", "desired_amount: invalid decimal \"x\"")]
    public async Task Amount_must_be_a_positive_multiple_of_the_step(string market, string amount, string error)
    {
        var body = market == "spot" ? Bodies.SpotOrder("3009") : Bodies.FutureOrder("3009");
        body["desired_amount"] = amount;
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(400, r.Status);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public async Task Amounts_parse_like_big_rat_and_filled_amount_is_checked()
    {
        var body = Bodies.SpotOrder("3010", amount: "1000");
        body["desired_amount"] = "1e3";
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(201, r.Status);
        Assert.Equal("1000", r.Json.GetProperty("order").GetProperty("desired_amount").GetString());

        body = Bodies.SpotOrder("3011");
        body["filled_amount"] = "170000";
        Assert.Equal("filled_amount cannot exceed desired_amount", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        body["filled_amount"] = "-1";
        Assert.Equal("filled_amount cannot be negative", (await Http.PostJsonAsync("/v1/orders", body)).Error);
    }

    public static TheoryData<string, string> DataCases()
    {
        var sub = BigInteger.Zero;
        var price = Bodies.E18("0.000625");
        var amount = Bodies.E18("160000");
        return new TheoryData<string, string>
        {
            { Bodies.Data(Bodies.Spot, sub, price, amount, false)[..^64], "expected encoded TradeData tuple" },
            { "0x" + new string('g', 448), "decode action_json.data: encoding/hex: invalid byte: U+0067 'g'" },
            { Bodies.Data(Bodies.Spot, sub, 0, amount, false), "action_json.data.limitPrice must be positive" },
            { Bodies.Data(Bodies.Spot, sub, -price, amount, false), "action_json.data.limitPrice must be positive" },
            { Bodies.Data(Bodies.Spot, sub, price, 0, false), "action_json.data.desiredAmount must be positive" },
            { Bodies.Data(Bodies.Future, sub, price, amount, false), "action_json.data.asset must match asset_address" },
            { Bodies.Data(Bodies.Spot, 1, price, amount, false), "action_json.data.subId must match sub_id" },
            { Bodies.Data(Bodies.Spot, sub, price, amount, true), "action_json.data.isBid must match side" },
            { Bodies.Data(Bodies.Spot, sub, price + 1, amount, false), "action_json.data.limitPrice is not aligned with normalized limit_price" },
            { Bodies.Data(Bodies.Spot, sub, price, amount + 1, false), "action_json.data.desiredAmount is not aligned with normalized desired_amount" },
        };
    }

    [Theory]
    [MemberData(nameof(DataCases))]
    public async Task Action_data_invariants_are_enforced_with_exact_errors(string data, string error)
    {
        var body = Bodies.SpotOrder("3012");
        body.Action()["data"] = data;
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(400, r.Status);
        Assert.Equal("action_json.data invariant check failed: " + error, r.Error);
    }

    [Fact]
    public async Task Any_whole_multiple_of_the_body_values_passes_the_data_check()
    {
        var body = Bodies.SpotOrder("3013");
        body.Action()["data"] = Bodies.Data(Bodies.Spot, 0, Bodies.E18("0.000625") * 10, Bodies.E18("160000") * 10, false);
        Assert.Equal(201, (await Http.PostJsonAsync("/v1/orders", body)).Status);
    }

    [Fact]
    public async Task Spot_ui_intent_is_translated_to_the_engine_view()
    {
        var body = Bodies.SpotOrder("3014");
        body.Remove("side");
        body.Remove("limit_price");
        body.Remove("desired_amount");
        body["order_entry_spec"] = "usdc_cngn_spot_v1";
        body["ui_intent"] = new JsonObject { ["side"] = "buy", ["price"] = "1600", ["size"] = "100" };
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.Equal(201, r.Status);
        var o = r.Json.GetProperty("order");
        Assert.Equal("sell", o.GetProperty("side").GetString());
        Assert.Equal("0.000625", o.GetProperty("limit_price").GetString());
        Assert.Equal("160000", o.GetProperty("desired_amount").GetString());

        body = Bodies.SpotOrder("3015");
        body["side"] = "buy";
        body["order_entry_spec"] = "usdc_cngn_spot_v1";
        body["ui_intent"] = new JsonObject { ["side"] = "buy", ["price"] = "1600", ["size"] = "100" };
        Assert.Equal("side does not match ui_intent translation", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        body["side"] = "sell";
        body["limit_price"] = "0.000626";
        Assert.Equal("limit_price does not match ui_intent translation", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        body["order_entry_spec"] = "v2";
        Assert.Equal("order_entry_spec must be \"usdc_cngn_spot_v1\" for spot ui_intent", (await Http.PostJsonAsync("/v1/orders", body)).Error);
        body.Remove("ui_intent");
        Assert.Equal("ui_intent is required when order_entry_spec is provided", (await Http.PostJsonAsync("/v1/orders", body)).Error);

        var future = Bodies.FutureOrder("3016");
        future["order_entry_spec"] = "usdc_cngn_spot_v1";
        Assert.Equal("order_entry_spec and ui_intent are only supported for the spot usdc/cngn contract", (await Http.PostJsonAsync("/v1/orders", future)).Error);
    }

    [Fact]
    public async Task Duplicate_order_id_is_a_409_with_the_postgres_text()
    {
        Assert.Equal(201, (await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("4001", orderId: "dup-1"))).Status);
        var r = await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("4002", orderId: "dup-1"));
        Assert.Equal(409, r.Status);
        Assert.Equal("{\"error\":\"duplicate order: ERROR: duplicate key value violates unique constraint \\\"active_orders_pkey\\\" (SQLSTATE 23505)\"}\n", r.Body);
    }

    [Fact]
    public async Task An_owner_can_never_reuse_a_nonce_even_after_cancel_or_in_another_spelling()
    {
        Assert.Equal(201, (await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("4003", orderId: "n-1"))).Status);
        var cancel = await Http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner}\",\"nonce\":\"4003\"}}");
        Assert.Equal(200, cancel.Status);
        Assert.Equal("cancelled", cancel.Json.GetProperty("order").GetProperty("status").GetString());

        var again = await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("4003", orderId: "n-2"));
        Assert.Equal(409, again.Status);
        Assert.Equal("duplicate order: ERROR: duplicate key value violates unique constraint \"active_orders_owner_nonce_idx\" (SQLSTATE 23505)", again.Error);

        var padded = Bodies.SpotOrder("04003", orderId: "n-3");
        Assert.Equal(409, (await Http.PostJsonAsync("/v1/orders", padded)).Status);

        var otherOwner = Bodies.SpotOrder("4003", orderId: "n-4", owner: "0x1111111111111111111111111111111111111111");
        Assert.Equal(201, (await Http.PostJsonAsync("/v1/orders", otherOwner)).Status);
    }

    [Fact]
    public async Task Non_numeric_nonce_passes_validation_and_fails_the_insert_with_500()
    {
        // Unsigned path (signature checks off for internal orders): the database rejects the numeric column.
        var e = await Assert.ThrowsAsync<SeedOrderRejectedException>(() => Host.Seeder.PlaceAsync(new SeedOrder { Market = "USDCcNGN-SPOT", Side = "buy", LimitPrice = "0.0006", DesiredAmount = "10", Nonce = "abc" }));
        Assert.Equal(500, e.Status);
        Assert.Equal("ERROR: invalid input syntax for type numeric: \"abc\" (SQLSTATE 22P02)", e.Error);

        // With signature verification on, such a nonce cannot be the signed uint256 at all.
        var r = await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("abc"));
        Assert.Equal(400, r.Status);
        Assert.Equal("signature does not authorize this action", r.Error);
    }

    [Fact]
    public async Task Cancel_of_unknown_filled_or_matching_orders_is_404_active_order_not_found()
    {
        var unknown = await Http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner}\",\"nonce\":\"999\"}}");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("{\"error\":\"active order not found\"}\n", unknown.Body);

        // Filled: a resting ask and a crossing bid, matched by one tick.
        await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("5001", "sell"));
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("5002", "buy", owner: "0x2222222222222222222222222222222222222222"));
        await Host.Matcher.RunTickAsync();
        Assert.Equal("filled", (await Host.Store.GetOrderAsync("mm:USDCcNGN-SPOT:sell:5001", default))!.Status);
        Assert.Equal("active order not found", (await Http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner}\",\"nonce\":\"5001\"}}")).Error);

        // Matching: the matcher holds the best bid and ask.
        await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("5003", "sell", price: "0.000700"));
        await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("5004", "buy", price: "0.000600"));
        var reserved = await Host.Store.AcquireMatchCandidateAsync(Bodies.Spot, "0", Now, default);
        Assert.NotNull(reserved);
        var matching = await Http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)}\",\"nonce\":\"5003\"}}");
        Assert.Equal(404, matching.Status);
        Assert.Equal("active order not found", matching.Error);
        var book = await Http.GetAsync2("/v1/book");
        Assert.Empty(book.Json.GetProperty("asks").EnumerateArray());
        await Host.Store.ReleaseAsync([reserved!.Bid.OrderId, reserved.Ask.OrderId], default);
        Assert.Equal(200, (await Http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner}\",\"nonce\":\"5003\"}}")).Status);
    }

    [Fact]
    public async Task Cancel_body_errors_use_the_handler_strings()
    {
        Assert.Equal("invalid JSON body", (await Http.PostJsonAsync("/v1/orders/cancel", "{")).Error);
        Assert.Equal("invalid JSON body", (await Http.PostJsonAsync("/v1/orders/cancel", "{\"owner_address\":\"0x1\",\"nonce\":5}")).Error);
        Assert.Equal("owner_address is required", (await Http.PostJsonAsync("/v1/orders/cancel", "{\"nonce\":\"1\"}")).Error);
        Assert.Equal("nonce is required", (await Http.PostJsonAsync("/v1/orders/cancel", "{\"owner_address\":\"0x1\"}")).Error);
        var tooBig = "{\"owner_address\":\"" + new string('a', (1 << 20) + 10) + "\"}";
        Assert.Equal("invalid request body", (await Http.PostJsonAsync("/v1/orders/cancel", tooBig)).Error);
    }

    [Fact]
    public async Task Service_tagged_cancel_of_a_protected_namespace_is_403()
    {
        await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("6001", orderId: "Smoke:probe-1"));
        var r = await Http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner}\",\"nonce\":\"6001\",\"service\":\"mm\",\"reason\":\"bot.mm.requote\"}}");
        Assert.Equal(403, r.Status);
        Assert.Equal("service-tagged cancels are not allowed for protected namespace \"smoke:\"", r.Error);
        var untagged = await Http.PostJsonAsync("/v1/orders/cancel", $"{{\"owner_address\":\"{Bodies.Owner}\",\"nonce\":\"6001\"}}");
        Assert.Equal(200, untagged.Status);
    }

    [Theory]
    [InlineData("limit=0", "limit must be between 1 and 100")]
    [InlineData("limit=101", "limit must be between 1 and 100")]
    [InlineData("limit=ten", "limit must be between 1 and 100")]
    [InlineData("before_trade_id=0", "before_trade_id must be a positive integer")]
    [InlineData("before_trade_id=-4", "before_trade_id must be a positive integer")]
    [InlineData("before_trade_id=x", "before_trade_id must be a positive integer")]
    public async Task Trades_query_errors_are_400(string query, string error)
    {
        var r = await Http.GetAsync2("/v1/trades?" + query);
        Assert.Equal(400, r.Status);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public async Task Trades_of_an_empty_market_have_empty_stats_and_no_cursor()
    {
        var r = await Http.GetAsync2("/v1/trades?symbol=USDCcNGN-SPOT&limit=100");
        Assert.Equal(200, r.Status);
        Assert.Contains(",\"stats_24h\":{},\"trades\":[]}\n", r.Body, StringComparison.Ordinal);
        Assert.False(r.Json.TryGetProperty("next_before_trade_id", out _));
    }

    [Fact]
    public async Task Book_sorts_each_side_by_price_then_time_and_caps_at_25_orders()
    {
        var seeded = new List<OrderRow>();
        for (var i = 0; i < 30; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(1));
            var priceBump = (i % 10).ToString(CultureInfo.InvariantCulture);
            seeded.Add(await Host.Seeder.PlaceAsync(new SeedOrder { Market = "USDCcNGN-SPOT", Side = "buy", LimitPrice = "0.00060" + priceBump, DesiredAmount = "100" }));
            seeded.Add(await Host.Seeder.PlaceAsync(new SeedOrder { Market = "USDCcNGN-SPOT", Side = "sell", LimitPrice = "0.00070" + priceBump, DesiredAmount = "100" }));
        }

        var r = await Http.GetAsync2("/v1/book?symbol=USDCcNGN-SPOT");
        var bids = r.Json.GetProperty("bids").EnumerateArray().Select(o => o.GetProperty("order_id").GetString()!).ToList();
        var asks = r.Json.GetProperty("asks").EnumerateArray().Select(o => o.GetProperty("order_id").GetString()!).ToList();
        var expectedBids = seeded.Where(o => o.Side == "buy").OrderByDescending(o => o.Ticks).ThenBy(o => o.CreatedAt).Take(25).Select(o => o.OrderId).ToList();
        var expectedAsks = seeded.Where(o => o.Side == "sell").OrderBy(o => o.Ticks).ThenBy(o => o.CreatedAt).Take(25).Select(o => o.OrderId).ToList();
        Assert.Equal(expectedBids, bids);
        Assert.Equal(expectedAsks, asks);
        Assert.Equal("0.000609", r.Json.GetProperty("bids")[0].GetProperty("limit_price").GetString());
        Assert.Equal(seeded.First(o => o.Side == "buy" && o.LimitPrice == "0.000609").OrderId, bids[0]);
    }

    [Fact]
    public async Task Book_market_resolution_uses_symbol_alias_asset_then_spot_fallback()
    {
        async Task<string?> Market(string query) => (await Http.GetAsync2("/v1/book" + query)).Json.GetProperty("market_presentation").GetProperty("market").GetString();
        Assert.Equal("USDCcNGN-SPOT", await Market("?symbol=NOPE"));
        Assert.Equal("USDCcNGN-SPOT", await Market(""));
        Assert.Equal("USDCcNGN-SPOT", await Market("?symbol=USDC/cNGN"));
        Assert.Equal("USDCcNGN-SEP16-2026", await Market("?symbol=USDC-cNGN-SEP16-2026"));
        Assert.Equal("USDCcNGN-SEP16-2026", await Market($"?asset_address={Bodies.Future.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)}&sub_id={Bodies.FutureSubId}"));
        Assert.Equal("USDCcNGN-SPOT", await Market($"?asset_address={Bodies.Future}"));
        var disabled = await Http.GetAsync2("/v1/book?symbol=USDCcNGN-NOV30-2026");
        Assert.Equal(400, disabled.Status);
        Assert.Equal("unknown market", disabled.Error);
        Assert.Equal(400, (await Http.GetAsync2("/v1/trades?symbol=USDC-cNGN-MAY31-2027")).Status);
        var empty = await Http.GetAsync2("/v1/book?symbol=USDCcNGN-SEP16-2026");
        Assert.EndsWith(",\"bids\":[],\"asks\":[]}\n", empty.Body);
    }

    [Fact]
    public async Task Book_read_expires_orders_past_their_expiry()
    {
        await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("7001", expiry: Now + 10));
        Assert.Single((await Http.GetAsync2("/v1/book")).Json.GetProperty("asks").EnumerateArray());
        Clock.Advance(TimeSpan.FromSeconds(10));
        var status = await Http.GetAsync2("/v1/orders/mm%3AUSDCcNGN-SPOT%3Asell%3A7001");
        Assert.Equal("active", status.Json.GetProperty("status").GetString());
        Assert.Empty((await Http.GetAsync2("/v1/book")).Json.GetProperty("asks").EnumerateArray());
        status = await Http.GetAsync2("/v1/orders/mm:USDCcNGN-SPOT:sell:7001");
        Assert.Equal("expired", status.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Order_status_reports_remaining_empty_reason_and_creation_time()
    {
        var created = await Http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("7002"));
        var createdAt = created.Json.GetProperty("order").GetProperty("created_at").GetString();
        var r = await Http.GetAsync2("/v1/orders/mm%3AUSDCcNGN-SPOT%3Asell%3A7002");
        Assert.Equal(200, r.Status);
        Assert.Equal($"{{\"order_id\":\"mm:USDCcNGN-SPOT:sell:7002\",\"status\":\"active\",\"filled_amount\":\"0\",\"remaining_amount\":\"160000\",\"cancel_reason\":\"\",\"updated_at\":\"{createdAt}\"}}\n", r.Body);
        var missing = await Http.GetAsync2("/v1/orders/nope");
        Assert.Equal(404, missing.Status);
        Assert.Equal("order not found", missing.Error);
        Assert.Equal("order_id is required", (await Http.GetAsync2("/v1/orders/%20")).Error);
        Assert.Equal("order not found", (await Http.GetAsync2("/v1/orders/cancel")).Error);
    }

    [Fact]
    public async Task Signature_is_verified_against_the_owner_or_a_registered_session_key()
    {
        var bad = Bodies.SpotOrder("8001");
        bad["signature"] = MarkerVerifier.Bad;
        var r = await Http.PostJsonAsync("/v1/orders", bad);
        Assert.Equal(400, r.Status);
        Assert.Equal("signature does not authorize this action", r.Error);

        const string sessionKey = "0x5e55105e55105e55105e55105e55105e55105e55";
        var delegated = Bodies.SpotOrder("8002");
        delegated["signer_address"] = sessionKey;
        delegated.Action()["signer"] = sessionKey;
        Assert.Equal("signature does not authorize this action", (await Http.PostJsonAsync("/v1/orders", delegated)).Error);
        Host.SessionKeys.Register(Bodies.Owner, sessionKey);
        Assert.Equal(201, (await Http.PostJsonAsync("/v1/orders", delegated)).Status);

        var verifier = (MarkerVerifier)Host.Options.SignatureVerifier!;
        var seen = verifier.Actions[^1];
        Assert.Equal(sessionKey, seen.Signer);
        Assert.Equal(new BigInteger(8002), seen.Nonce);
        Assert.Equal(224, seen.Data.Length);
        Assert.Equal(Bodies.TradeModule.ToLowerInvariant(), seen.Module);
        Assert.Equal(8453, Host.Domain.ChainId);
        Assert.Equal("0x9e90a9cd13d859bd6a08168082fb1f6f7405f191", Host.Domain.VerifyingContract);
    }
}

public sealed class MemoryPaperContractTests : PaperContractTests
{
    protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPaperContractTests(TestPostgres postgres) : PaperContractTests
{
    protected override async Task<string?> DatabaseAsync() => await postgres.CreateDatabaseAsync("paper");
}
