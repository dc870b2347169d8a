using System.Globalization;
using System.Text.Json.Nodes;

namespace MarketMaker.Shell.Tests.FairAnchor;

/// <summary>
/// markets-service <c>/v1/book</c> and <c>/v1/trades</c> bodies for the spot market, shaped as in
/// markets-service-api.md §1.3, §1.4 and §3 (engine view plus the derived <c>spot_contract</c>).
/// </summary>
public static class SpotPayloads
{
    private const string Asset = "0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493";
    private const string Owner = "0x3448ac0a3283951a2afd5b3a582329eca43cb47b";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static JsonObject MarketPresentation() => new()
    {
        ["market"] = "USDCcNGN-SPOT",
        ["contract_type"] = "spot",
        ["settlement_type"] = "spot",
        ["base_asset_symbol"] = "USDC",
        ["quote_asset_symbol"] = "cNGN",
        ["last_trade_timestamp"] = 1789000123,
        ["price_semantics"] = "linear",
        ["display_semantics"] = "direct",
        ["display_name"] = "USDC/cNGN Spot",
        ["display_label"] = "cNGN per USDC",
        ["tick_size"] = "0.000000000000000001",
        ["pricing_model"] = "linear",
        ["display_price_kind"] = "direct",
        ["asset_address"] = Asset,
        ["sub_id"] = "0",
        ["order_entry_spec"] = "usdc_cngn_spot_v1",
        ["ui_price_unit"] = "cNGN per USDC",
        ["ui_size_unit"] = "USDC notional",
        ["engine_price_unit"] = "USDC per cNGN",
        ["engine_amount_unit"] = "cNGN amount",
        ["engine_side_policy"] = "invert_ui_side",
        ["ui_price_to_engine"] = "engine_price = 1 / ui_price",
        ["ui_size_to_engine"] = "engine_amount = ui_size * ui_price",
    };

    /// <summary>Engine price 1/ui rounded half-up to 18 dp, as the service stores it.</summary>
    public static decimal EnginePrice(decimal uiPrice) => Math.Round(1m / uiPrice, 18, MidpointRounding.AwayFromZero);

    private static string Text(decimal value) => (value / 1.0000000000000000000000000000m).ToString(Inv);

    /// <summary>The derived spot_contract for an engine (side, price, amount): ui price = 1/price at 6 dp half-up.</summary>
    public static JsonObject SpotContract(string engineSide, decimal enginePrice, decimal engineAmount)
    {
        var uiSide = engineSide == "buy" ? "sell" : "buy";
        var uiPrice = Math.Round(1m / enginePrice, 6, MidpointRounding.AwayFromZero);
        var uiSize = Math.Round(engineAmount * enginePrice, 6, MidpointRounding.AwayFromZero);
        var usdc = uiSide == "buy" ? "+" + Text(uiSize) : "-" + Text(uiSize);
        var cngn = uiSide == "buy" ? "-" + Text(engineAmount) : "+" + Text(engineAmount);
        return new JsonObject
        {
            ["spec"] = "usdc_cngn_spot_v1",
            ["ui_intent"] = new JsonObject { ["side"] = uiSide, ["price"] = Text(uiPrice), ["size"] = Text(uiSize) },
            ["engine_order"] = new JsonObject { ["side"] = engineSide, ["price"] = Text(enginePrice), ["amount"] = Text(engineAmount) },
            ["balance_delta"] = new JsonObject { ["usdc"] = usdc, ["cngn"] = cngn },
        };
    }

    /// <summary>A resting maker order given in the trader view (side, cNGN per USDC, USDC size).</summary>
    public static JsonObject MakerOrder(string traderSide, decimal uiPrice, decimal uiSize, long nonce, bool withSpotContract = true)
    {
        var engineSide = traderSide == "buy" ? "sell" : "buy";
        var enginePrice = EnginePrice(uiPrice);
        var amount = decimal.Floor(uiSize * uiPrice);
        var order = new JsonObject
        {
            ["order_id"] = $"mm:USDCcNGN-SPOT:{traderSide}:{nonce}",
            ["owner_address"] = Owner,
            ["signer_address"] = Owner,
            ["subaccount_id"] = "10",
            ["recipient_id"] = "10",
            ["nonce"] = nonce.ToString(Inv),
            ["side"] = engineSide,
            ["asset_address"] = Asset,
            ["sub_id"] = "0",
            ["desired_amount"] = Text(amount),
            ["filled_amount"] = "0",
            ["limit_price"] = Text(enginePrice),
            ["worst_fee"] = "0",
            ["expiry"] = 1790000000,
            ["action_json"] = new JsonObject
            {
                ["data"] = "0x00",
                ["nonce"] = nonce.ToString(Inv),
                ["owner"] = Owner,
                ["expiry"] = "1790000000",
                ["module"] = "0x44813ad30b2ffc1bb2871eed9b19f63c8196ed1c",
                ["signer"] = Owner,
                ["subaccount_id"] = "10",
            },
            ["signature"] = "0x00",
            ["status"] = "active",
            ["created_at"] = "2026-02-28T12:00:00.123456Z",
            ["market"] = "USDCcNGN-SPOT",
            ["contract_type"] = "spot",
            ["settlement_type"] = "spot",
            ["base_asset_symbol"] = "USDC",
            ["quote_asset_symbol"] = "cNGN",
            ["price_semantics"] = "linear",
            ["display_name"] = "USDC/cNGN Spot",
            ["display_label"] = "cNGN per USDC",
            ["display_semantics"] = "direct",
            ["tick_size"] = "0.000000000000000001",
        };
        if (withSpotContract)
        {
            order["spot_contract"] = SpotContract(engineSide, enginePrice, amount);
        }

        return order;
    }

    /// <summary>
    /// A book from trader-view quotes: trader bids (makers buying USDC) are engine <c>asks</c>, sorted by engine price
    /// ascending; trader asks are engine <c>bids</c>, sorted by engine price descending.
    /// </summary>
    public static string Book(IEnumerable<JsonObject> traderBids, IEnumerable<JsonObject> traderAsks)
    {
        var engineAsks = new JsonArray([.. traderBids.OrderBy(o => decimal.Parse((string)o["limit_price"]!, Inv))]);
        var engineBids = new JsonArray([.. traderAsks.OrderByDescending(o => decimal.Parse((string)o["limit_price"]!, Inv))]);
        return new JsonObject { ["market_presentation"] = MarketPresentation(), ["bids"] = engineBids, ["asks"] = engineAsks }.ToJsonString();
    }

    public static string EmptyBook() => Book([], []);

    /// <summary>A trade at a trader price (the maker's engine limit price is the trade price).</summary>
    public static JsonObject Trade(long id, decimal uiPrice, decimal engineAmount, string aggressorEngineSide, string? createdAt)
    {
        var enginePrice = EnginePrice(uiPrice);
        var trade = new JsonObject
        {
            ["trade_id"] = id,
            ["asset_address"] = Asset,
            ["sub_id"] = "0",
            ["price"] = Text(enginePrice),
            ["size"] = Text(engineAmount),
            ["aggressor_side"] = aggressorEngineSide,
            ["taker_order_id"] = "taker-77",
            ["maker_order_id"] = "mm:USDCcNGN-SPOT:buy:1001",
            ["contract_type"] = "spot",
            ["settlement_type"] = "spot",
            ["market"] = "USDCcNGN-SPOT",
            ["spot_contract"] = SpotContract(aggressorEngineSide, enginePrice, engineAmount),
        };
        if (createdAt is not null)
        {
            trade["created_at"] = createdAt;
        }

        return trade;
    }

    public static string Trades(params JsonObject[] trades)
    {
        var stats = new JsonObject();
        if (trades.Length > 0)
        {
            var last = (string)trades[0]["price"]!;
            stats["change"] = "0.000000";
            stats["high"] = last;
            stats["last"] = last;
            stats["low"] = last;
            stats["volume"] = (string)trades[0]["size"]!;
        }

        var body = new JsonObject
        {
            ["market_presentation"] = MarketPresentation(),
            ["stats_24h"] = stats,
            ["trades"] = new JsonArray([.. trades]),
        };
        if (trades.Length == 1)
        {
            body["next_before_trade_id"] = (long)trades[0]["trade_id"]!;
        }

        return body.ToJsonString();
    }

    public static string NoTrades() => Trades();

    public static string StrailsBook(IEnumerable<(string Price, string Status)> buys, IEnumerable<(string Price, string Status)> sells)
    {
        static JsonArray Side(IEnumerable<(string Price, string Status)> orders) =>
            new([.. orders.Select(o => (JsonNode)new JsonObject { ["price"] = o.Price, ["status"] = o.Status, ["amount"] = "1000" })]);
        return new JsonObject
        {
            ["success"] = true,
            ["data"] = new JsonObject { ["pair"] = "CNGN-USDC", ["buyOrders"] = Side(buys), ["sellOrders"] = Side(sells) },
        }.ToJsonString();
    }
}
