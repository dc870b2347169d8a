using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;

namespace MarketMaker.Shell.Tests.Exchange;

public sealed class TraderViewTests
{
    private static readonly MarketSpec Spot = MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m);
    private static readonly MarketSpec Future = MarketSpec.For("USDCcNGN-SEP16-2026", 1m);

    private static BookResponse Book(string json) => JsonSerializer.Deserialize(json, MarketsJsonContext.Default.BookResponse)!;

    private static TradesResponse Trades(string json) => JsonSerializer.Deserialize(json, MarketsJsonContext.Default.TradesResponse)!;

    private static string FutureOrder(string id, string side, string price, string desired, string filled, string created = "2026-07-23T12:00:00Z") =>
        WireSamples.SpotOrder(orderId: id, side: side, limitPrice: price, desired: desired, filled: filled, createdAt: created)
            .Replace("\"spot_contract\":", "\"ignored\":", StringComparison.Ordinal);

    private static string FutureBook(string bids, string asks) =>
        "{\"market_presentation\":" + WireSamples.FuturePresentation + ",\"bids\":[" + bids + "],\"asks\":[" + asks + "]}";

    [Fact]
    public void Spot_engine_bids_are_trader_asks_sorted_lowest_price_first()
    {
        var book = Book(WireSamples.SpotBook(
            string.Join(",",
                WireSamples.SpotOrder(orderId: "b3", side: "buy", limitPrice: "0.000626", desired: "1000", filled: "0"),
                WireSamples.SpotOrder(orderId: "b1", side: "buy", limitPrice: "0.000625", desired: "160000", filled: "0"),
                WireSamples.SpotOrder(orderId: "b2", side: "buy", limitPrice: "0.000624609618988132", desired: "160100", filled: "100")),
            ""));

        var (bids, asks) = TraderView.ToBook(Spot, book);

        Assert.Empty(bids);
        Assert.Equal(["b3", "b1", "b2"], asks.Select(o => o.OrderId).ToArray());
        Assert.All(asks, o => Assert.Equal(Side.Sell, o.Side));
        Assert.Equal(1597.444089456869009585m, asks[0].Price);
        Assert.Equal(0.626m, asks[0].RemainingSize);
        Assert.Equal(1600m, asks[1].Price);
        Assert.Equal(100m, asks[1].RemainingSize);
        Assert.Equal(1601.000000000001069468m, asks[2].Price);
        Assert.Equal(99.93753903810112m, asks[2].RemainingSize); // (160100 − 100) × 0.000624609618988132
    }

    [Fact]
    public void Spot_engine_asks_are_trader_bids_sorted_highest_price_first_with_remaining_size_and_no_empty_orders()
    {
        var book = Book(WireSamples.SpotBook(
            "",
            string.Join(",",
                WireSamples.SpotOrder(orderId: "a1", side: "sell", limitPrice: "0.00063", desired: "100000", filled: "100000"),
                WireSamples.SpotOrder(orderId: "a3", side: "sell", limitPrice: "0.000635", desired: "1000", filled: "0"),
                WireSamples.SpotOrder(orderId: "a2", side: "sell", limitPrice: "0.00064", desired: "156250", filled: "56250"))));

        var (bids, asks) = TraderView.ToBook(Spot, book);

        Assert.Empty(asks);
        Assert.Equal(["a3", "a2"], bids.Select(o => o.OrderId).ToArray());
        Assert.All(bids, o => Assert.Equal(Side.Buy, o.Side));
        Assert.Equal(1574.803149606299212598m, bids[0].Price);
        Assert.Equal(0.635m, bids[0].RemainingSize);
        Assert.Equal(1562.5m, bids[1].Price);
        Assert.Equal(64m, bids[1].RemainingSize);
    }

    [Fact]
    public void The_specs_example_ask_is_a_trader_bid_at_1600_with_75_usdc_remaining()
    {
        var book = Book(WireSamples.SpotBook("", WireSamples.SpotOrder()));

        var bid = Assert.Single(TraderView.ToBook(Spot, book).Bids);

        Assert.Equal(new BookOrder("mm:USDCcNGN-SPOT:buy:1001", "0x3448ac0a3283951a2afd5b3a582329eca43cb47b", Side.Buy, 1600m, 75m, new DateTimeOffset(2026, 7, 23, 12, 0, 0, TimeSpan.Zero).AddTicks(1234560)), bid);
    }

    [Fact]
    public void Equal_prices_keep_time_priority()
    {
        var book = Book(WireSamples.SpotBook("", string.Join(",",
            WireSamples.SpotOrder(orderId: "late", createdAt: "2026-07-23T12:00:01Z"),
            WireSamples.SpotOrder(orderId: "early", createdAt: "2026-07-23T12:00:00.999999999Z"))));

        Assert.Equal(["early", "late"], TraderView.ToBook(Spot, book).Bids.Select(o => o.OrderId).ToArray());
    }

    [Fact]
    public void Futures_book_sides_and_prices_are_unchanged_and_lots_become_size()
    {
        var book = Book(FutureBook(
            string.Join(",", FutureOrder("fb1", "buy", "1390", "500", "0"), FutureOrder("fb2", "buy", "1391", "1234", "234")),
            FutureOrder("fa1", "sell", "1400", "500", "0")));

        var (bids, asks) = TraderView.ToBook(Future, book);

        Assert.Equal(["fb2", "fb1"], bids.Select(o => o.OrderId).ToArray());
        Assert.Equal((Side.Buy, 1391m, 1.000m), (bids[0].Side, bids[0].Price, bids[0].RemainingSize));
        Assert.Equal(0.5m, bids[1].RemainingSize);
        var ask = Assert.Single(asks);
        Assert.Equal((Side.Sell, 1400m, 0.5m), (ask.Side, ask.Price, ask.RemainingSize));
    }

    [Theory]
    [InlineData("side", "\"side\":\"sell\"", "$.bids[0].side")]
    [InlineData("side", "\"side\":\"BUY\"", "$.bids[0].side")]
    [InlineData("limit_price", "\"limit_price\":\"abc\"", "$.bids[0].limit_price")]
    [InlineData("limit_price", "\"limit_price\":\"0\"", "$.bids[0].limit_price")]
    [InlineData("filled_amount", "\"filled_amount\":\"200000\"", "$.bids[0].filled_amount")]
    [InlineData("desired_amount", "\"desired_amount\":\"1e5\"", "$.bids[0].desired_amount")]
    [InlineData("created_at", "\"created_at\":\"yesterday\"", "$.bids[0].created_at")]
    public void An_unreadable_book_value_is_malformed_naming_the_field(string name, string replacement, string field)
    {
        var order = WireSamples.SpotOrder(side: "buy");
        var original = System.Text.RegularExpressions.Regex.Match(order, $"\"{name}\":\"[^\"]*\"").Value;
        var book = Book(WireSamples.SpotBook(order.Replace(original, replacement, StringComparison.Ordinal), ""));

        var ex = Assert.Throws<MarketsApiException>(() => TraderView.ToBook(Spot, book));

        Assert.Equal(MarketsErrorKind.Malformed, ex.Kind);
        Assert.Equal(field, ex.Field);
        Assert.Equal(MarketsClient.BookEndpoint, ex.Endpoint);
    }

    [Fact]
    public void The_specs_example_trade_is_a_trader_sell_of_25_usdc_at_1600_like_its_spot_contract()
    {
        var trades = TraderView.ToTrades(Spot, Trades(WireSamples.SpotTrades(WireSamples.SpotTrade)));

        var trade = Assert.Single(trades);
        Assert.Equal(new Trade(346, 1600m, 25m, Side.Sell, "taker-77", "mm:USDCcNGN-SPOT:buy:1001", new DateTimeOffset(2026, 7, 23, 12, 0, 3, 520, TimeSpan.Zero)), trade);
    }

    [Fact]
    public void Futures_trades_keep_side_and_price_and_turn_lots_into_size()
    {
        var json = "{\"market_presentation\":" + WireSamples.FuturePresentation + ",\"trades\":[" +
            "{\"trade_id\":7,\"price\":\"1391\",\"size\":\"1500\",\"aggressor_side\":\"sell\",\"taker_order_id\":\"t\",\"maker_order_id\":\"m\",\"created_at\":\"2026-07-23T12:00:00Z\"}]}";

        var trade = Assert.Single(TraderView.ToTrades(Future, Trades(json)));

        Assert.Equal((1391m, 1.5m, Side.Sell), (trade.Price, trade.Size, trade.AggressorSide));
    }

    [Fact]
    public void Trades_come_out_newest_first()
    {
        var older = WireSamples.SpotTrade.Replace("\"trade_id\":346", "\"trade_id\":345", StringComparison.Ordinal).Replace("12:00:03.52Z", "12:00:01Z", StringComparison.Ordinal);
        var trades = TraderView.ToTrades(Spot, Trades(WireSamples.SpotTrades(older + "," + WireSamples.SpotTrade)));

        Assert.Equal([346L, 345L], trades.Select(t => t.TradeId).ToArray());
    }

    [Theory]
    [InlineData("\"price\":\"0.000625\"", "\"price\":\"\"", "$.trades[0].price")]
    [InlineData("\"size\":\"40000\"", "\"size\":\"0\"", "$.trades[0].size")]
    [InlineData("\"aggressor_side\":\"buy\"", "\"aggressor_side\":\"up\"", "$.trades[0].aggressor_side")]
    public void An_unreadable_trade_value_is_malformed_naming_the_field(string original, string replacement, string field)
    {
        var response = Trades(WireSamples.SpotTrades(WireSamples.SpotTrade.Replace(original, replacement, StringComparison.Ordinal)));

        var ex = Assert.Throws<MarketsApiException>(() => TraderView.ToTrades(Spot, response));

        Assert.Equal(field, ex.Field);
        Assert.Equal(MarketsClient.TradesEndpoint, ex.Endpoint);
    }

    [Fact]
    public void A_presented_order_becomes_a_live_order_in_the_trader_view()
    {
        var order = JsonSerializer.Deserialize("{\"order\":" + WireSamples.SpotOrder(status: "matching") + "}", MarketsJsonContext.Default.OrderEnvelope)!.Order;

        var live = TraderView.ToLiveOrder(Spot, order, MarketsClient.PlaceOrderEndpoint);

        Assert.Equal(new LiveOrder("mm:USDCcNGN-SPOT:buy:1001", 1001, Side.Buy, 1600m, 100m, 75m, true, new DateTimeOffset(2026, 7, 23, 12, 0, 0, TimeSpan.Zero).AddTicks(1234560)), live);
    }

    [Fact]
    public void Market_data_combines_book_and_trades()
    {
        var data = TraderView.ToMarketData(
            Spot,
            Book(WireSamples.SpotBook(WireSamples.SpotOrder(orderId: "b", side: "buy", limitPrice: "0.0006"), WireSamples.SpotOrder(orderId: "a"))),
            Trades(WireSamples.SpotTrades(WireSamples.SpotTrade)));

        Assert.Equal("a", Assert.Single(data.Bids).OrderId);
        Assert.Equal(1666.666666666666666667m, Assert.Single(data.Asks).Price);
        Assert.Single(data.Trades);
    }
}
