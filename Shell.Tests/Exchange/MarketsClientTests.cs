using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MarketMaker.Protocol.Markets;
using Microsoft.AspNetCore.Http;

namespace MarketMaker.Shell.Tests.Exchange;

public sealed class MarketsClientTests(RecordingExchange exchange) : IClassFixture<RecordingExchange>, IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private MarketsClient Client(TimeSpan? timeout = null) => new(_http, exchange.BaseUrl, timeout ?? TimeSpan.FromSeconds(5));

    private static PlaceOrderRequest Order(Func<ActionJson, ActionJson>? action = null)
    {
        const string owner = "0x3448AC0A3283951A2AFD5B3A582329ECA43CB47B";
        var actionJson = new ActionJson
        {
            SubaccountId = "10",
            Nonce = "1001",
            Module = "0x44813aD30b2fFC1bB2871Eed9b19F63c8196eD1c",
            Data = "0x" + new string('0', 448),
            Expiry = "1790000000",
            Owner = owner,
            Signer = owner,
        };
        return new PlaceOrderRequest
        {
            OrderId = "mm:USDCcNGN-SPOT:buy:1001",
            OwnerAddress = owner,
            SignerAddress = owner,
            SubaccountId = "10",
            RecipientId = "10",
            Nonce = "1001",
            Side = "sell",
            AssetAddress = "0x9D806fD040a719D27a8E5E77dc5aE0ED1e089493",
            SubId = "0",
            DesiredAmount = "160000",
            LimitPrice = "0.000625",
            WorstFee = "0",
            Expiry = 1790000000,
            ActionJson = action is null ? actionJson : action(actionJson),
            Signature = "0x" + new string('a', 130),
        };
    }

    private static CancelOrderRequest Cancel() => new()
    {
        OwnerAddress = "0x3448AC0A3283951A2AFD5B3A582329ECA43CB47B",
        SignerAddress = "0x3448AC0A3283951A2AFD5B3A582329ECA43CB47B",
        Nonce = "1001",
        Expiry = "1790000120",
        Signature = "0x" + new string('b', 130),
        Reason = CancelReasons.Reason("mm", "requote"),
        Service = CancelReasons.Service("mm"),
    };

    [Fact]
    public async Task Markets_are_fetched_from_v1_markets_and_parsed_with_nullable_and_omitted_fields()
    {
        exchange.Answer(200, WireSamples.Markets);

        var markets = await Client().GetMarketsAsync();

        var request = Assert.Single(exchange.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/markets", request.RawTarget);
        Assert.Equal(2, markets.Count);
        var spot = markets[0];
        Assert.Equal("USDCcNGN-SPOT", spot.Market);
        Assert.Equal("0.000000000000000001", spot.TickSize);
        Assert.Equal("0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493", spot.AssetAddress);
        Assert.Equal("0", spot.SubId);
        Assert.Equal(1789000123L, spot.LastTradeTimestamp);
        Assert.Null(spot.ExpiryTimestamp);
        Assert.Equal("invert_ui_side", spot.EngineSidePolicy);
        var future = markets[1];
        Assert.Equal("deliverable_fx_future", future.ContractType);
        Assert.Equal(1789567201L, future.ExpiryTimestamp);
        Assert.Null(future.LastTradeTimestamp);
        Assert.Null(future.OrderEntrySpec);
        Assert.Equal("1", future.TickSize);
    }

    [Fact]
    public async Task A_base_url_with_a_path_prefix_keeps_the_prefix()
    {
        exchange.Answer(200, "[]");
        var client = new MarketsClient(_http, new Uri(exchange.BaseUrl, "/prefix/"), TimeSpan.FromSeconds(5));

        var markets = await client.GetMarketsAsync();

        Assert.Empty(markets);
        Assert.Equal("/prefix/v1/markets", Assert.Single(exchange.Requests).RawTarget);
    }

    [Fact]
    public async Task The_book_is_asked_by_symbol_and_parsed_including_the_stored_action_json()
    {
        exchange.Answer(200, WireSamples.SpotBook("", WireSamples.SpotOrder()));

        var book = await Client().GetBookAsync("USDCcNGN-SPOT");

        Assert.Equal("/v1/book?symbol=USDCcNGN-SPOT", Assert.Single(exchange.Requests).RawTarget);
        Assert.Empty(book.Bids);
        var ask = Assert.Single(book.Asks);
        Assert.Equal("mm:USDCcNGN-SPOT:buy:1001", ask.OrderId);
        Assert.Equal("sell", ask.Side);
        Assert.Equal("160000", ask.DesiredAmount);
        Assert.Equal("40000", ask.FilledAmount);
        Assert.Equal("0.000625", ask.LimitPrice);
        Assert.Equal(1790000000L, ask.Expiry);
        Assert.Equal("2026-07-23T12:00:00.123456Z", ask.CreatedAt);
        Assert.Equal("1600", ask.SpotContract?.UiIntent?.Price);
        Assert.Equal("1001", ask.ActionJson!.Value.GetProperty("nonce").GetString());
    }

    [Fact]
    public async Task A_book_for_another_market_than_asked_is_malformed_not_silently_used()
    {
        exchange.Answer(200, WireSamples.SpotBook("", ""));

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetBookAsync("USDCcNGN-NOV30-2026"));

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Equal("$.market_presentation.market", ex.Field);
        Assert.Equal(MarketsClient.BookEndpoint, ex.Endpoint);
    }

    [Fact]
    public async Task Trades_are_asked_with_symbol_and_limit_and_parsed()
    {
        exchange.Answer(200, WireSamples.SpotTrades(WireSamples.SpotTrade, ",\"next_before_trade_id\":346"));

        var trades = await Client().GetTradesAsync("USDCcNGN-SPOT", 1);

        Assert.Equal("/v1/trades?symbol=USDCcNGN-SPOT&limit=1", Assert.Single(exchange.Requests).RawTarget);
        var trade = Assert.Single(trades.Trades);
        Assert.Equal(346L, trade.TradeId);
        Assert.Equal("0.000625", trade.Price);
        Assert.Equal("40000", trade.Size);
        Assert.Equal("buy", trade.AggressorSide);
        Assert.Equal("taker-77", trade.TakerOrderId);
        Assert.Equal("40000", trades.Stats24h?.Volume);
        Assert.Equal(346L, trades.NextBeforeTradeId);
    }

    [Fact]
    public async Task Empty_trade_stats_and_no_next_page_are_absent_values()
    {
        exchange.Answer(200, "{\"market_presentation\":" + WireSamples.SpotPresentation + ",\"stats_24h\":{},\"trades\":[]}");

        var trades = await Client().GetTradesAsync("USDCcNGN-SPOT");

        Assert.Equal("/v1/trades?symbol=USDCcNGN-SPOT&limit=50", Assert.Single(exchange.Requests).RawTarget);
        Assert.Empty(trades.Trades);
        Assert.Null(trades.Stats24h?.Last);
        Assert.Null(trades.NextBeforeTradeId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task A_trade_limit_outside_1_to_100_is_refused_before_sending(int limit)
    {
        exchange.Answer(200, "{}");

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetTradesAsync("USDCcNGN-SPOT", limit));

        Assert.Equal(MarketsErrorKind.InvalidRequest, ex.Kind);
        Assert.Equal("limit", ex.Field);
        Assert.Empty(exchange.Requests);
    }

    [Fact]
    public async Task Order_status_encodes_the_id_as_one_path_segment_keeping_colons()
    {
        exchange.Answer(200, WireSamples.OrderStatus);

        var status = await Client().GetOrderStatusAsync("mm:USDCcNGN-SPOT:buy:1001");

        Assert.Equal("/v1/orders/mm:USDCcNGN-SPOT:buy:1001", Assert.Single(exchange.Requests).RawTarget);
        Assert.Equal("active", status.Status);
        Assert.Equal("40000", status.FilledAmount);
        Assert.Equal("120000", status.RemainingAmount);
        Assert.Equal("", status.CancelReason);
    }

    [Fact]
    public async Task Order_status_percent_encodes_slashes_spaces_and_question_marks()
    {
        exchange.Answer(200, WireSamples.OrderStatus);

        await Client().GetOrderStatusAsync("manual:a b/c?d#e%");

        Assert.Equal("/v1/orders/manual:a%20b%2Fc%3Fd%23e%25", Assert.Single(exchange.Requests).RawTarget);
    }

    [Fact]
    public async Task The_order_body_has_the_exact_field_names_and_json_types()
    {
        exchange.Answer(201, "{\"order\":" + WireSamples.SpotOrder(filled: "0") + "}\n");

        var placed = await Client().PlaceOrderAsync(Order());

        var request = Assert.Single(exchange.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/orders", request.RawTarget);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Contains("\"expiry\":1790000000,", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"expiry\":\"1790000000\"", request.Body, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(request.Body);
        var root = doc.RootElement;
        string[] expected =
        [
            "order_id", "owner_address", "signer_address", "subaccount_id", "recipient_id", "nonce", "side", "asset_address",
            "sub_id", "desired_amount", "filled_amount", "limit_price", "worst_fee", "expiry", "action_json", "signature",
        ];
        Assert.Equal(expected, root.EnumerateObject().Select(p => p.Name).ToArray());
        foreach (var property in root.EnumerateObject())
        {
            var kind = property.Name switch
            {
                "expiry" => JsonValueKind.Number,
                "action_json" => JsonValueKind.Object,
                _ => JsonValueKind.String,
            };
            Assert.True(kind == property.Value.ValueKind, $"{property.Name} is {property.Value.ValueKind}, expected {kind}");
        }

        var action = root.GetProperty("action_json");
        Assert.Equal(["subaccount_id", "nonce", "module", "data", "expiry", "owner", "signer"], action.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.All(action.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));

        Assert.Equal("0x3448ac0a3283951a2afd5b3a582329eca43cb47b", root.GetProperty("owner_address").GetString());
        Assert.Equal("0x3448ac0a3283951a2afd5b3a582329eca43cb47b", root.GetProperty("signer_address").GetString());
        Assert.Equal("0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493", root.GetProperty("asset_address").GetString());
        Assert.Equal("0x44813ad30b2ffc1bb2871eed9b19f63c8196ed1c", action.GetProperty("module").GetString());
        Assert.Equal("0x3448ac0a3283951a2afd5b3a582329eca43cb47b", action.GetProperty("owner").GetString());
        Assert.Equal("0", root.GetProperty("filled_amount").GetString());
        Assert.Equal(root.GetProperty("nonce").GetString(), action.GetProperty("nonce").GetString());
        Assert.Equal(root.GetProperty("subaccount_id").GetString(), action.GetProperty("subaccount_id").GetString());

        Assert.Equal("mm:USDCcNGN-SPOT:buy:1001", placed.OrderId);
        Assert.Equal("active", placed.Status);
    }

    [Fact]
    public async Task The_cancel_body_has_a_string_expiry_and_the_normalized_reason()
    {
        exchange.Answer(200, "{\"order\":" + WireSamples.SpotOrder(status: "cancelled") + "}\n");

        var cancelled = await Client().CancelOrderAsync(Cancel());

        var request = Assert.Single(exchange.Requests);
        Assert.Equal("/v1/orders/cancel", request.RawTarget);
        using var doc = JsonDocument.Parse(request.Body);
        var root = doc.RootElement;
        Assert.Equal(["owner_address", "signer_address", "nonce", "expiry", "signature", "reason", "service"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.All(root.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("0x3448ac0a3283951a2afd5b3a582329eca43cb47b", root.GetProperty("owner_address").GetString());
        Assert.Equal("1790000120", root.GetProperty("expiry").GetString());
        Assert.Equal("bot.mm.requote", root.GetProperty("reason").GetString());
        Assert.Equal("mm", root.GetProperty("service").GetString());
        Assert.Equal("cancelled", cancelled.Status);
    }

    [Fact]
    public async Task An_unsigned_cancel_omits_the_signature_fields()
    {
        exchange.Answer(200, "{\"order\":" + WireSamples.SpotOrder(status: "cancelled") + "}\n");

        await Client().CancelOrderAsync(new CancelOrderRequest { OwnerAddress = "0x3448ac0a3283951a2afd5b3a582329eca43cb47b", Nonce = "1001" });

        Assert.Equal("{\"owner_address\":\"0x3448ac0a3283951a2afd5b3a582329eca43cb47b\",\"nonce\":\"1001\"}", Assert.Single(exchange.Requests).Body);
    }

    [Theory]
    [InlineData("action_json.nonce")]
    [InlineData("action_json.subaccount_id")]
    [InlineData("action_json.expiry")]
    [InlineData("action_json.owner")]
    public async Task An_action_json_that_disagrees_with_the_body_is_refused_before_sending(string field)
    {
        exchange.Answer(201, "{}");
        var order = Order(a => field switch
        {
            "action_json.nonce" => a with { Nonce = "01001" },
            "action_json.subaccount_id" => a with { SubaccountId = "11" },
            "action_json.expiry" => a with { Expiry = "1790000001" },
            _ => a with { Owner = "0x0000000000000000000000000000000000000001" },
        });

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().PlaceOrderAsync(order));

        Assert.Equal(MarketsErrorKind.InvalidRequest, ex.Kind);
        Assert.Equal(field, ex.Field);
        Assert.Empty(exchange.Requests);
    }

    [Theory]
    [InlineData("desired_amount", "1e3")]
    [InlineData("limit_price", "-0.1")]
    [InlineData("nonce", "10.5")]
    [InlineData("owner_address", "0x1234")]
    [InlineData("side", "long")]
    public async Task A_malformed_order_field_is_refused_before_sending(string field, string value)
    {
        exchange.Answer(201, "{}");
        var order = field switch
        {
            "desired_amount" => Order() with { DesiredAmount = value },
            "limit_price" => Order() with { LimitPrice = value },
            "nonce" => Order(a => a with { Nonce = value }) with { Nonce = value },
            "owner_address" => Order(a => a with { Owner = value }) with { OwnerAddress = value },
            _ => Order() with { Side = value },
        };

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().PlaceOrderAsync(order));

        Assert.Equal(MarketsErrorKind.InvalidRequest, ex.Kind);
        Assert.Equal(field, ex.Field);
        Assert.Empty(exchange.Requests);
    }

    [Theory]
    [InlineData(400, "{\"error\":\"price must align to tick size 0.000000000000000001\"}\n", MarketsErrorKind.Validation, "price must align to tick size 0.000000000000000001")]
    [InlineData(400, "{\"error\":\"subaccount_id 10 is not deposited in matching custody\"}\n", MarketsErrorKind.Validation, "subaccount_id 10 is not deposited in matching custody")]
    [InlineData(409, "{\"error\":\"duplicate order: ERROR: duplicate key value violates unique constraint \\\"active_orders_pkey\\\" (SQLSTATE 23505)\"}\n", MarketsErrorKind.Duplicate, "duplicate order: ERROR: duplicate key value violates unique constraint \"active_orders_pkey\" (SQLSTATE 23505)")]
    [InlineData(403, "{\"error\":\"forbidden\"}", MarketsErrorKind.Forbidden, "forbidden")]
    [InlineData(401, "{\"error\":\"cancel must be signed\"}", MarketsErrorKind.Unauthorized, "cancel must be signed")]
    [InlineData(500, "ERROR: relation \"active_orders\" does not exist\n", MarketsErrorKind.Server, "ERROR: relation \"active_orders\" does not exist")]
    [InlineData(503, "", MarketsErrorKind.Server, "")]
    [InlineData(405, "", MarketsErrorKind.UnexpectedStatus, "")]
    public async Task Each_error_status_maps_to_its_kind_with_the_exchanges_message(int status, string body, MarketsErrorKind kind, string message)
    {
        exchange.Answer(status, body);

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().PlaceOrderAsync(Order()));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(status, ex.Status);
        Assert.Equal(message, ex.ExchangeMessage);
        Assert.Equal("POST /v1/orders", ex.Endpoint);
        Assert.DoesNotContain("aaaaaaaa", ex.ToString(), StringComparison.Ordinal); // never the signature
    }

    [Fact]
    public async Task A_cancel_of_a_matching_or_filled_order_is_not_found_active_order()
    {
        exchange.Answer(404, "{\"error\":\"active order not found\"}\n");

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().CancelOrderAsync(Cancel()));

        Assert.Equal(MarketsErrorKind.NotFound, ex.Kind);
        Assert.True(ex.IsActiveOrderNotFound);
        Assert.Equal("POST /v1/orders/cancel", ex.Endpoint);
    }

    [Fact]
    public async Task An_unknown_order_id_is_not_found_but_not_active_order_not_found()
    {
        exchange.Answer(404, "{\"error\":\"order not found\"}\n");

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetOrderStatusAsync("mm:x:buy:1"));

        Assert.Equal(MarketsErrorKind.NotFound, ex.Kind);
        Assert.False(ex.IsActiveOrderNotFound);
        Assert.Equal("order not found", ex.ExchangeMessage);
        Assert.Equal("GET /v1/orders/{order_id}", ex.Endpoint);
    }

    [Fact]
    public async Task The_routers_plain_text_404_is_not_found_with_its_text()
    {
        exchange.AnswerWith(context =>
        {
            context.Response.StatusCode = 404;
            return context.Response.WriteAsync("404 page not found\n");
        });

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetMarketsAsync());

        Assert.Equal(MarketsErrorKind.NotFound, ex.Kind);
        Assert.Equal("404 page not found", ex.ExchangeMessage);
    }

    [Theory]
    [InlineData("<html>oops</html>", "$")]
    [InlineData("", "$")]
    [InlineData("null", "$")]
    [InlineData("{\"order_id\":\"x\"}", "$")]
    public async Task A_markets_body_that_is_not_a_json_array_is_malformed(string body, string field)
    {
        exchange.Answer(200, body);

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetMarketsAsync());

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Equal(field, ex.Field);
        Assert.Equal(MarketsClient.MarketsEndpoint, ex.Endpoint);
        Assert.Equal(200, ex.Status);
    }

    [Fact]
    public async Task A_success_status_with_an_error_body_is_malformed_and_carries_the_message()
    {
        exchange.Answer(200, "{\"error\":\"failed to load book\"}\n");

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetBookAsync("USDCcNGN-SPOT"));

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Equal("$.error", ex.Field);
        Assert.Contains("failed to load book", ex.ExchangeMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"expiry\":1790000000", "\"expiry\":\"1790000000\"", "$.bids[0].expiry")]
    [InlineData("\"desired_amount\":\"160000\"", "\"desired_amount\":160000", "$.bids[0].desired_amount")]
    [InlineData("\"desired_amount\":\"160000\",", "", "$.bids[0].desired_amount")]
    [InlineData("\"order_id\":\"mm:USDCcNGN-SPOT:buy:1001\"", "\"order_id\":null", "$.bids[0].order_id")]
    [InlineData("\"expiry\":1790000000", "\"expiry\":1.5", "$.bids[0].expiry")]
    public async Task A_book_order_with_a_wrong_type_or_missing_field_is_malformed_naming_the_field(string original, string replacement, string field)
    {
        var order = WireSamples.SpotOrder(side: "buy");
        Assert.Contains(original, order, StringComparison.Ordinal);
        exchange.Answer(200, WireSamples.SpotBook(order.Replace(original, replacement, StringComparison.Ordinal), ""));

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetBookAsync("USDCcNGN-SPOT"));

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Equal(field, ex.Field);
        Assert.Equal(MarketsClient.BookEndpoint, ex.Endpoint);
    }

    [Fact]
    public async Task A_trade_id_sent_as_a_string_is_malformed_naming_the_field()
    {
        exchange.Answer(200, WireSamples.SpotTrades(WireSamples.SpotTrade.Replace("\"trade_id\":346", "\"trade_id\":\"346\"", StringComparison.Ordinal)));

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetTradesAsync("USDCcNGN-SPOT"));

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Equal("$.trades[0].trade_id", ex.Field);
    }

    [Fact]
    public async Task An_order_status_without_remaining_amount_is_malformed()
    {
        exchange.Answer(200, "{\"order_id\":\"x\",\"status\":\"active\",\"filled_amount\":\"0\"}");

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetOrderStatusAsync("x"));

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Equal("$.remaining_amount", ex.Field);
    }

    [Fact]
    public async Task A_place_answer_without_the_order_envelope_is_malformed()
    {
        exchange.Answer(201, WireSamples.SpotOrder());

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().PlaceOrderAsync(Order()));

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Equal("$.order", ex.Field);
    }

    [Fact]
    public async Task A_response_body_above_the_limit_is_malformed()
    {
        exchange.AnswerWith(async context =>
        {
            context.Response.StatusCode = 200;
            var chunk = new byte[1024 * 1024];
            Array.Fill(chunk, (byte)' ');
            for (var i = 0; i < 5; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client().GetMarketsAsync());

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Contains("larger than", ex.ExchangeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_a_timeout_within_the_request_timeout()
    {
        exchange.AnswerWith(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client(TimeSpan.FromMilliseconds(300)).GetBookAsync("USDCcNGN-SPOT"));

        Assert.Equal(MarketsErrorKind.Timeout, ex.Kind);
        Assert.Equal(MarketsClient.BookEndpoint, ex.Endpoint);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_body_that_stops_half_way_is_a_timeout()
    {
        exchange.AnswerWith(async context =>
        {
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("[{\"market\":", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => Client(TimeSpan.FromMilliseconds(300)).GetMarketsAsync());

        Assert.Equal(MarketsErrorKind.Timeout, ex.Kind);
    }

    [Fact]
    public async Task The_callers_cancellation_is_a_cancellation_not_a_timeout()
    {
        exchange.AnswerWith(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(TimeSpan.FromSeconds(10)).GetMarketsAsync(cts.Token));
    }

    [Fact]
    public async Task A_refused_connection_is_a_transport_error()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new MarketsClient(_http, new Uri($"http://127.0.0.1:{port}/"), TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<MarketsApiException>(() => client.GetMarketsAsync());

        Assert.Equal(MarketsErrorKind.Transport, ex.Kind);
        Assert.Null(ex.Status);
    }
}
