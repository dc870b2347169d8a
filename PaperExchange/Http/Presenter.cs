using System.Globalization;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Storage;

namespace MarketMaker.PaperExchange.Http;

/// <summary>
/// JSON shapes of the markets-service reads (markets-service-api.md §1.2–§1.5): marketPresentation,
/// presentedOrder, trades — field order, omitempty rules and JSON types as the Go service writes them.
/// </summary>
public sealed class Presenter
{
    private readonly MarketRegistry _markets;

    public Presenter(MarketRegistry markets)
    {
        _markets = markets;
    }

    public void Market(GoJsonWriter w, MarketDefinition m, DateTimeOffset? lastTrade)
    {
        w.StartObject()
            .Prop("market", m.Symbol)
            .PropOmitEmpty("contract_type", m.ContractType)
            .PropOmitEmpty("settlement_type", m.SettlementType)
            .PropOmitEmpty("base_asset_symbol", "USDC")
            .PropOmitEmpty("quote_asset_symbol", "cNGN")
            .PropOmitZero("expiry_timestamp", m.ExpiryTimestamp);
        w.PropOrNull("last_trade_timestamp", lastTrade?.ToUnixTimeSeconds());

        w.PropOmitEmpty("price_semantics", "linear")
            .PropOmitEmpty("display_semantics", "direct")
            .PropOmitEmpty("display_name", m.DisplayName)
            .PropOmitEmpty("display_label", m.DisplayLabel)
            .PropOmitEmpty("tick_size", m.TickSize)
            .PropOmitEmpty("settlement_note", m.SettlementNote)
            .PropOmitEmpty("pricing_model", "linear")
            .PropOmitEmpty("display_price_kind", "direct")
            .PropOmitEmpty("asset_address", m.AssetAddress)
            .PropOmitEmpty("sub_id", m.SubId);
        if (m.IsSpot)
        {
            w.Prop("order_entry_spec", MarketDefinition.SpotOrderEntrySpec)
                .Prop("ui_price_unit", "cNGN per USDC")
                .Prop("ui_size_unit", "USDC notional")
                .Prop("ui_side_meaning", "BUY acquires USDC and sells cNGN inventory; SELL delivers USDC and buys cNGN inventory.")
                .Prop("engine_price_unit", "USDC per cNGN")
                .Prop("engine_amount_unit", "cNGN amount")
                .Prop("engine_side_policy", "invert_ui_side")
                .Prop("ui_price_to_engine", "engine_price = 1 / ui_price")
                .Prop("ui_size_to_engine", "engine_amount = ui_size * ui_price");
        }

        w.EndObject();
    }

    public void Order(GoJsonWriter w, OrderRow o)
    {
        w.StartObject()
            .Prop("order_id", o.OrderId)
            .Prop("owner_address", o.OwnerAddress)
            .Prop("signer_address", o.SignerAddress)
            .Prop("subaccount_id", o.SubaccountId)
            .Prop("recipient_id", o.RecipientId)
            .Prop("nonce", o.Nonce)
            .Prop("side", o.Side)
            .Prop("asset_address", o.AssetAddress)
            .Prop("sub_id", o.SubId)
            .Prop("desired_amount", o.DesiredAmount)
            .Prop("filled_amount", o.FilledAmount)
            .Prop("limit_price", o.LimitPrice)
            .Prop("worst_fee", o.WorstFee)
            .Prop("expiry", o.Expiry);
        w.Name("action_json").RawJson(o.ActionJson);
        w.Prop("signature", o.Signature)
            .Prop("status", o.Status)
            .Prop("created_at", Rfc3339Nano(o.CreatedAt));
        var m = _markets.ByAsset(o.AssetAddress, o.SubId);
        if (m is not null)
        {
            w.PropOmitEmpty("market", m.Symbol)
                .PropOmitEmpty("contract_type", m.ContractType)
                .PropOmitEmpty("settlement_type", m.SettlementType)
                .PropOmitEmpty("base_asset_symbol", "USDC")
                .PropOmitEmpty("quote_asset_symbol", "cNGN")
                .PropOmitZero("expiry_timestamp", m.ExpiryTimestamp)
                .PropOmitEmpty("price_semantics", "linear")
                .PropOmitEmpty("display_name", m.DisplayName)
                .PropOmitEmpty("display_label", m.DisplayLabel)
                .PropOmitEmpty("display_semantics", "direct")
                .PropOmitEmpty("tick_size", m.TickSize);
            if (m.IsSpot)
            {
                w.Name("spot_contract");
                SpotContract(w, SpotTranslation.Present(o.Side, o.LimitPrice, o.DesiredAmount));
            }
        }

        w.EndObject();
    }

    public void Trade(GoJsonWriter w, TradeRow t)
    {
        w.StartObject()
            .Prop("trade_id", t.TradeId)
            .Prop("asset_address", t.AssetAddress)
            .Prop("sub_id", t.SubId)
            .Prop("price", t.Price)
            .Prop("size", t.Size)
            .Prop("aggressor_side", t.AggressorSide)
            .Prop("taker_order_id", t.TakerOrderId)
            .Prop("maker_order_id", t.MakerOrderId)
            .Prop("created_at", Rfc3339Nano(t.CreatedAt));
        var m = _markets.ByAsset(t.AssetAddress, t.SubId);
        if (m is not null)
        {
            w.PropOmitEmpty("contract_type", m.ContractType)
                .PropOmitEmpty("settlement_type", m.SettlementType)
                .PropOmitEmpty("market", m.Symbol);
            if (m.IsSpot)
            {
                w.Name("spot_contract");
                SpotContract(w, SpotTranslation.Present(t.AggressorSide, t.Price, t.Size));
            }
        }

        w.EndObject();
    }

    private static void SpotContract(GoJsonWriter w, SpotContract c)
    {
        w.StartObject().Prop("spec", MarketDefinition.SpotOrderEntrySpec);
        w.Name("ui_intent").StartObject().Prop("side", c.UiSide).Prop("price", c.UiPrice).Prop("size", c.UiSize).EndObject();
        w.Name("engine_order").StartObject().Prop("side", c.EngineSide).Prop("price", c.EnginePrice).Prop("amount", c.EngineAmount).EndObject();
        w.Name("balance_delta").StartObject().Prop("usdc", c.UsdcDelta).Prop("cngn", c.CngnDelta).EndObject();
        w.EndObject();
    }

    /// <summary>Go's time.RFC3339Nano in UTC: fractional seconds without trailing zeros, "Z".</summary>
    public static string Rfc3339Nano(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = (utc.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        return fraction.Length > 0 ? $"{text}.{fraction}Z" : text + "Z";
    }
}
