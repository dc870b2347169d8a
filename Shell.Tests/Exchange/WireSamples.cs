namespace MarketMaker.Shell.Tests.Exchange;

/// <summary>Response bodies taken from markets-service-api.md §1 (elided parts filled in from the same section).</summary>
internal static class WireSamples
{
    public const string SpotPresentation = """{"market":"USDCcNGN-SPOT","contract_type":"spot","settlement_type":"spot","base_asset_symbol":"USDC","quote_asset_symbol":"cNGN","last_trade_timestamp":1789000123,"price_semantics":"linear","display_semantics":"direct","display_name":"USDC/cNGN Spot","display_label":"cNGN per USDC","tick_size":"0.000000000000000001","settlement_note":"Spot-style orderbook market on Base. Trades exchange WRAPPED_CNGN against internal USDC cash using the existing single quote-asset rail.","pricing_model":"linear","display_price_kind":"direct","asset_address":"0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493","sub_id":"0","order_entry_spec":"usdc_cngn_spot_v1","ui_price_unit":"cNGN per USDC","ui_size_unit":"USDC notional","ui_side_meaning":"BUY acquires USDC and sells cNGN inventory; SELL delivers USDC and buys cNGN inventory.","engine_price_unit":"USDC per cNGN","engine_amount_unit":"cNGN amount","engine_side_policy":"invert_ui_side","ui_price_to_engine":"engine_price = 1 / ui_price","ui_size_to_engine":"engine_amount = ui_size * ui_price"}""";

    public const string FuturePresentation = """{"market":"USDCcNGN-SEP16-2026","contract_type":"deliverable_fx_future","settlement_type":"physical_delivery","base_asset_symbol":"USDC","quote_asset_symbol":"cNGN","expiry_timestamp":1789567201,"last_trade_timestamp":null,"price_semantics":"linear","display_semantics":"direct","display_name":"USDC/cNGN SEP16 2026","display_label":"cNGN per USDC","tick_size":"1","settlement_note":"","pricing_model":"linear","display_price_kind":"direct","asset_address":"0xdd9c2ddf97a2dc9b9d348dcd0ef776af5291a1f9","sub_id":"1789567201"}""";

    public const string Markets = "[" + SpotPresentation + "," + FuturePresentation + "]\n";

    /// <summary>The §1.3 example ask: a maker selling 160000 cNGN at 0.000625 (trader: buying 100 USDC at 1600), 40000 filled.</summary>
    public static string SpotOrder(string orderId = "mm:USDCcNGN-SPOT:buy:1001", string side = "sell", string limitPrice = "0.000625", string desired = "160000", string filled = "40000", string status = "active", string createdAt = "2026-07-23T12:00:00.123456Z", string owner = "0x3448ac0a3283951a2afd5b3a582329eca43cb47b", string nonce = "1001") =>
        $$$"""{"order_id":"{{{orderId}}}","owner_address":"{{{owner}}}","signer_address":"{{{owner}}}","subaccount_id":"10","recipient_id":"10","nonce":"{{{nonce}}}","side":"{{{side}}}","asset_address":"0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493","sub_id":"0","desired_amount":"{{{desired}}}","filled_amount":"{{{filled}}}","limit_price":"{{{limitPrice}}}","worst_fee":"0","expiry":1790000000,"action_json":{"data":"0x00","nonce":"{{{nonce}}}","owner":"{{{owner}}}","expiry":"1790000000","module":"0x44813ad30b2ffc1bb2871eed9b19f63c8196ed1c","signer":"{{{owner}}}","subaccount_id":"10"},"signature":"0x11","status":"{{{status}}}","created_at":"{{{createdAt}}}","market":"USDCcNGN-SPOT","contract_type":"spot","settlement_type":"spot","base_asset_symbol":"USDC","quote_asset_symbol":"cNGN","price_semantics":"linear","display_name":"USDC/cNGN Spot","display_label":"cNGN per USDC","display_semantics":"direct","tick_size":"0.000000000000000001","spot_contract":{"spec":"usdc_cngn_spot_v1","ui_intent":{"side":"buy","price":"1600","size":"100"},"engine_order":{"side":"sell","price":"0.000625","amount":"160000"},"balance_delta":{"usdc":"+100","cngn":"-160000"}}""" + "}";

    public static string SpotBook(string bids, string asks) =>
        $$"""{"market_presentation":{{SpotPresentation}},"bids":[{{bids}}],"asks":[{{asks}}]}""" + "\n";

    public const string SpotTrade = """{"trade_id":346,"asset_address":"0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493","sub_id":"0","price":"0.000625","size":"40000","aggressor_side":"buy","taker_order_id":"taker-77","maker_order_id":"mm:USDCcNGN-SPOT:buy:1001","created_at":"2026-07-23T12:00:03.52Z","contract_type":"spot","settlement_type":"spot","market":"USDCcNGN-SPOT","spot_contract":{"spec":"usdc_cngn_spot_v1","ui_intent":{"side":"sell","price":"1600","size":"25"},"engine_order":{"side":"buy","price":"0.000625","amount":"40000"},"balance_delta":{"usdc":"-25","cngn":"+40000"}}}""";

    public static string SpotTrades(string trades, string extra = "") =>
        $$"""{"market_presentation":{{SpotPresentation}},"stats_24h":{"change":"0.000000","high":"0.000625","last":"0.000625","low":"0.000625","volume":"40000"},"trades":[{{trades}}]{{extra}}}""" + "\n";

    public const string OrderStatus = """{"order_id":"mm:USDCcNGN-SPOT:buy:1001","status":"active","filled_amount":"40000","remaining_amount":"120000","cancel_reason":"","updated_at":"2026-07-23T12:00:00.123456Z"}""" + "\n";
}
