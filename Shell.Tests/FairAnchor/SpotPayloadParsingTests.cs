using System.Text.Json;
using MarketMaker.Core.FairValue;
using MarketMaker.Shell.FairAnchor;

namespace MarketMaker.Shell.Tests.FairAnchor;

public sealed class SpotPayloadParsingTests
{
    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Engine_bids_are_trader_asks_and_engine_asks_are_trader_bids()
    {
        var book = SpotPayloads.Book([SpotPayloads.MakerOrder("buy", 1595m, 10m, 1)], [SpotPayloads.MakerOrder("sell", 1605m, 10m, 2)]);
        var top = Assert.IsType<Fetched<SpotBookTop>.Ok>(MarketsServiceSpotReader.ParseBook(Json(book))).Value;
        Assert.Equal(1595m, top.BestBid);
        Assert.Equal(1605m, top.BestAsk);
    }

    [Fact]
    public void The_first_usable_level_of_a_side_is_its_top()
    {
        var top = Assert.IsType<Fetched<SpotBookTop>.Ok>(MarketsServiceSpotReader.ParseBook(Json(
            "{\"bids\":[{\"limit_price\":\"0\"},{\"limit_price\":\"0.000625\",\"spot_contract\":{\"ui_intent\":{\"price\":\"\"}}}],"
            + "\"asks\":[{\"spot_contract\":{\"ui_intent\":{\"price\":\"1590\"}},\"limit_price\":\"0.0008\"}]}"))).Value;
        Assert.Equal(1600m, top.BestAsk);
        Assert.Equal(1590m, top.BestBid);
    }

    [Theory]
    [InlineData("[]", "malformed book payload: not a JSON object")]
    [InlineData("{\"asks\":[]}", "malformed book payload: \"bids\" is missing or not an array")]
    [InlineData("{\"bids\":[],\"asks\":{}}", "malformed book payload: \"asks\" is missing or not an array")]
    [InlineData("{\"bids\":[1],\"asks\":[]}", "malformed book payload: bids[0] is not an object")]
    [InlineData("{\"bids\":[{\"limit_price\":0.0006}],\"asks\":[]}", "malformed book payload: bids[0].limit_price is not a string")]
    [InlineData("{\"bids\":[],\"asks\":[{\"spot_contract\":\"x\"}]}", "malformed book payload: asks[0].spot_contract is not an object")]
    public void Malformed_books_name_the_field(string body, string error)
    {
        Assert.Equal(error, Assert.IsType<Fetched<SpotBookTop>.Failed>(MarketsServiceSpotReader.ParseBook(Json(body))).Error);
    }

    [Fact]
    public void A_trade_is_read_in_the_trader_view_with_its_time()
    {
        var body = SpotPayloads.Trades(SpotPayloads.Trade(346, 1600m, 40000m, "buy", "2026-07-23T12:00:03.52Z"));
        var trade = Assert.IsType<Fetched<SpotTradeSample?>.Ok>(MarketsServiceSpotReader.ParseLatestTrade(Json(body))).Value!;
        Assert.Equal("0.000625", trade.RawPrice);
        Assert.Equal(1600m, trade.TraderPrice);
        Assert.Equal(new DateTimeOffset(2026, 7, 23, 12, 0, 3, 520, TimeSpan.Zero), trade.CreatedAt);
    }

    [Fact]
    public void A_trade_without_spot_contract_is_priced_as_one_over_the_engine_price()
    {
        var trade = Assert.IsType<Fetched<SpotTradeSample?>.Ok>(MarketsServiceSpotReader.ParseLatestTrade(Json(
            "{\"trades\":[{\"price\":\"0.0008\"}]}"))).Value!;
        Assert.Equal(1250m, trade.TraderPrice);
        Assert.Null(trade.CreatedAt);
    }

    [Fact]
    public void No_trades_is_an_empty_answer_not_an_error()
    {
        Assert.Null(Assert.IsType<Fetched<SpotTradeSample?>.Ok>(MarketsServiceSpotReader.ParseLatestTrade(Json(SpotPayloads.NoTrades()))).Value);
    }

    [Theory]
    [InlineData("{}", "malformed trades payload: \"trades\" is missing or not an array")]
    [InlineData("{\"trades\":[\"x\"]}", "malformed trades payload: trades[0] is not an object")]
    [InlineData("{\"trades\":[{\"price\":\"0.0008\",\"created_at\":\"yesterday\"}]}", "malformed trades payload: trades[0].created_at is not an RFC3339 timestamp: \"yesterday\"")]
    [InlineData("{\"trades\":[{\"price\":\"0.0008\",\"created_at\":17}]}", "malformed trades payload: trades[0].created_at is not a string")]
    public void Malformed_trades_name_the_field(string body, string error)
    {
        Assert.Equal(error, Assert.IsType<Fetched<SpotTradeSample?>.Failed>(MarketsServiceSpotReader.ParseLatestTrade(Json(body))).Error);
    }

    [Fact]
    public void Strails_payload_is_read_with_string_or_number_prices_and_missing_sides_as_empty()
    {
        var book = Assert.IsType<Fetched<StrailsBook>.Ok>(StrailsOrderbookReader.Parse(Json(
            "{\"data\":{\"buyOrders\":[{\"price\":\"1590\",\"status\":\"active\"},{\"price\":1591}]}}"))).Value;
        Assert.Equal([new StrailsOrder("active", "1590"), new StrailsOrder(null, "1591")], book.BuyOrders.ToArray());
        Assert.Empty(book.SellOrders);
        Assert.IsType<Fetched<StrailsBook>.Ok>(StrailsOrderbookReader.Parse(Json("{}")));
    }

    [Theory]
    [InlineData("[]", "malformed strails orderbook payload: not a JSON object")]
    [InlineData("{\"data\":{\"buyOrders\":{}}}", "malformed strails orderbook payload: data.buyOrders is not an array")]
    [InlineData("{\"data\":{\"sellOrders\":[{\"price\":true}]}}", "malformed strails orderbook payload: data.sellOrders[0].price is not a string or number")]
    [InlineData("{\"data\":{\"sellOrders\":[{\"price\":\"1\",\"status\":1}]}}", "malformed strails orderbook payload: data.sellOrders[0].status is not a string")]
    public void Malformed_strails_payloads_name_the_field(string body, string error)
    {
        Assert.Equal(error, Assert.IsType<Fetched<StrailsBook>.Failed>(StrailsOrderbookReader.Parse(Json(body))).Error);
    }

    [Theory]
    [InlineData("1600.000", "1600")]
    [InlineData("0.5000", "0.5")]
    [InlineData("1.0005200000000000000000000000", "1.00052")]
    [InlineData("0", "0")]
    public void Json_numbers_lose_trailing_zeros_only(string value, string expected)
    {
        var d = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, FairAnchorService.Normal(d).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(d, FairAnchorService.Normal(d));
    }
}
