using System.Text.Json;
using System.Text.Json.Serialization;

namespace MarketMaker.Protocol.Markets;

// Wire shapes of the markets-service HTTP API (markets-service-api.md §1), field names and JSON types exactly as
// on the wire. Numbers on the wire are C# long; everything else is a string (decimals stay text here and are
// parsed by TraderView). `required` members must be present (and non-null) in responses, or the client reports
// Malformed naming the member; unknown members are ignored.

/// <summary>
/// One entry of GET /v1/markets, and the <c>market_presentation</c> of the book and trades responses.
/// <c>expiry_timestamp</c> is omitted for spot; <c>last_trade_timestamp</c> is a number or null; the spot-only
/// fields are absent on futures.
/// </summary>
public sealed record MarketPresentation
{
    [JsonPropertyName("market")]
    public required string Market { get; init; }

    [JsonPropertyName("contract_type")]
    public string? ContractType { get; init; }

    [JsonPropertyName("settlement_type")]
    public string? SettlementType { get; init; }

    [JsonPropertyName("base_asset_symbol")]
    public string? BaseAssetSymbol { get; init; }

    [JsonPropertyName("quote_asset_symbol")]
    public string? QuoteAssetSymbol { get; init; }

    [JsonPropertyName("expiry_timestamp")]
    public long? ExpiryTimestamp { get; init; }

    [JsonPropertyName("last_trade_timestamp")]
    public long? LastTradeTimestamp { get; init; }

    [JsonPropertyName("price_semantics")]
    public string? PriceSemantics { get; init; }

    [JsonPropertyName("display_semantics")]
    public string? DisplaySemantics { get; init; }

    [JsonPropertyName("display_name")]
    public string? DisplayName { get; init; }

    [JsonPropertyName("display_label")]
    public string? DisplayLabel { get; init; }

    [JsonPropertyName("tick_size")]
    public required string TickSize { get; init; }

    [JsonPropertyName("settlement_note")]
    public string? SettlementNote { get; init; }

    [JsonPropertyName("pricing_model")]
    public string? PricingModel { get; init; }

    [JsonPropertyName("display_price_kind")]
    public string? DisplayPriceKind { get; init; }

    [JsonPropertyName("asset_address")]
    public required string AssetAddress { get; init; }

    [JsonPropertyName("sub_id")]
    public required string SubId { get; init; }

    [JsonPropertyName("order_entry_spec")]
    public string? OrderEntrySpec { get; init; }

    [JsonPropertyName("ui_price_unit")]
    public string? UiPriceUnit { get; init; }

    [JsonPropertyName("ui_size_unit")]
    public string? UiSizeUnit { get; init; }

    [JsonPropertyName("ui_side_meaning")]
    public string? UiSideMeaning { get; init; }

    [JsonPropertyName("engine_price_unit")]
    public string? EnginePriceUnit { get; init; }

    [JsonPropertyName("engine_amount_unit")]
    public string? EngineAmountUnit { get; init; }

    [JsonPropertyName("engine_side_policy")]
    public string? EngineSidePolicy { get; init; }

    [JsonPropertyName("ui_price_to_engine")]
    public string? UiPriceToEngine { get; init; }

    [JsonPropertyName("ui_size_to_engine")]
    public string? UiSizeToEngine { get; init; }
}

/// <summary><c>spot_contract</c> on spot book orders and trades: the exchange's own 6-dp trader-view rendering.</summary>
public sealed record SpotContract
{
    [JsonPropertyName("spec")]
    public string? Spec { get; init; }

    [JsonPropertyName("ui_intent")]
    public SpotIntent? UiIntent { get; init; }

    [JsonPropertyName("engine_order")]
    public SpotEngineOrder? EngineOrder { get; init; }

    [JsonPropertyName("balance_delta")]
    public SpotBalanceDelta? BalanceDelta { get; init; }
}

/// <summary><c>ui_intent</c>: trader side, price (cNGN per USDC) and size (USDC), all strings.</summary>
public sealed record SpotIntent
{
    [JsonPropertyName("side")]
    public string? Side { get; init; }

    [JsonPropertyName("price")]
    public string? Price { get; init; }

    [JsonPropertyName("size")]
    public string? Size { get; init; }
}

/// <summary><c>engine_order</c>: engine side, price (USDC per cNGN) and amount (cNGN), all strings.</summary>
public sealed record SpotEngineOrder
{
    [JsonPropertyName("side")]
    public string? Side { get; init; }

    [JsonPropertyName("price")]
    public string? Price { get; init; }

    [JsonPropertyName("amount")]
    public string? Amount { get; init; }
}

/// <summary><c>balance_delta</c>: signed strings.</summary>
public sealed record SpotBalanceDelta
{
    [JsonPropertyName("usdc")]
    public string? Usdc { get; init; }

    [JsonPropertyName("cngn")]
    public string? Cngn { get; init; }
}

/// <summary>
/// <c>presentedOrder</c> (book rows, and the <c>order</c> of the place and cancel responses). Engine view:
/// <c>side</c> is the engine side, <c>desired_amount</c> the original atomic size (not the remaining),
/// <c>limit_price</c> the normalized engine price, <c>expiry</c> a number, <c>created_at</c> RFC3339Nano text.
/// <c>action_json</c> is kept as raw JSON (the stored jsonb, keys reordered).
/// </summary>
public sealed record PresentedOrder
{
    [JsonPropertyName("order_id")]
    public required string OrderId { get; init; }

    [JsonPropertyName("owner_address")]
    public required string OwnerAddress { get; init; }

    [JsonPropertyName("signer_address")]
    public string? SignerAddress { get; init; }

    [JsonPropertyName("subaccount_id")]
    public required string SubaccountId { get; init; }

    [JsonPropertyName("recipient_id")]
    public string? RecipientId { get; init; }

    [JsonPropertyName("nonce")]
    public required string Nonce { get; init; }

    [JsonPropertyName("side")]
    public required string Side { get; init; }

    [JsonPropertyName("asset_address")]
    public required string AssetAddress { get; init; }

    [JsonPropertyName("sub_id")]
    public required string SubId { get; init; }

    [JsonPropertyName("desired_amount")]
    public required string DesiredAmount { get; init; }

    [JsonPropertyName("filled_amount")]
    public required string FilledAmount { get; init; }

    [JsonPropertyName("limit_price")]
    public required string LimitPrice { get; init; }

    [JsonPropertyName("worst_fee")]
    public string? WorstFee { get; init; }

    [JsonPropertyName("expiry")]
    public required long Expiry { get; init; }

    [JsonPropertyName("action_json")]
    public JsonElement? ActionJson { get; init; }

    [JsonPropertyName("signature")]
    public string? Signature { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("created_at")]
    public required string CreatedAt { get; init; }

    [JsonPropertyName("market")]
    public string? Market { get; init; }

    [JsonPropertyName("contract_type")]
    public string? ContractType { get; init; }

    [JsonPropertyName("settlement_type")]
    public string? SettlementType { get; init; }

    [JsonPropertyName("base_asset_symbol")]
    public string? BaseAssetSymbol { get; init; }

    [JsonPropertyName("quote_asset_symbol")]
    public string? QuoteAssetSymbol { get; init; }

    [JsonPropertyName("expiry_timestamp")]
    public long? ExpiryTimestamp { get; init; }

    [JsonPropertyName("price_semantics")]
    public string? PriceSemantics { get; init; }

    [JsonPropertyName("display_name")]
    public string? DisplayName { get; init; }

    [JsonPropertyName("display_label")]
    public string? DisplayLabel { get; init; }

    [JsonPropertyName("display_semantics")]
    public string? DisplaySemantics { get; init; }

    [JsonPropertyName("tick_size")]
    public string? TickSize { get; init; }

    [JsonPropertyName("spot_contract")]
    public SpotContract? SpotContract { get; init; }
}

/// <summary>GET /v1/book: up to 25 individual orders per engine side, status active only.</summary>
public sealed record BookResponse
{
    [JsonPropertyName("market_presentation")]
    public required MarketPresentation MarketPresentation { get; init; }

    [JsonPropertyName("bids")]
    public required IReadOnlyList<PresentedOrder> Bids { get; init; }

    [JsonPropertyName("asks")]
    public required IReadOnlyList<PresentedOrder> Asks { get; init; }
}

/// <summary>
/// <c>stats_24h</c>: numeric text, each omitted when there were no trades. <c>volume</c> is atomic,
/// prices are engine prices.
/// </summary>
public sealed record TradeStats
{
    [JsonPropertyName("last")]
    public string? Last { get; init; }

    [JsonPropertyName("high")]
    public string? High { get; init; }

    [JsonPropertyName("low")]
    public string? Low { get; init; }

    [JsonPropertyName("volume")]
    public string? Volume { get; init; }

    [JsonPropertyName("change")]
    public string? Change { get; init; }
}

/// <summary>
/// One trade: <c>price</c> is the maker's limit_price (engine units), <c>size</c> the atomic fill,
/// <c>aggressor_side</c> the taker's engine side.
/// </summary>
public sealed record TradeDto
{
    [JsonPropertyName("trade_id")]
    public required long TradeId { get; init; }

    [JsonPropertyName("asset_address")]
    public string? AssetAddress { get; init; }

    [JsonPropertyName("sub_id")]
    public string? SubId { get; init; }

    [JsonPropertyName("price")]
    public required string Price { get; init; }

    [JsonPropertyName("size")]
    public required string Size { get; init; }

    [JsonPropertyName("aggressor_side")]
    public required string AggressorSide { get; init; }

    [JsonPropertyName("taker_order_id")]
    public required string TakerOrderId { get; init; }

    [JsonPropertyName("maker_order_id")]
    public required string MakerOrderId { get; init; }

    [JsonPropertyName("created_at")]
    public required string CreatedAt { get; init; }

    [JsonPropertyName("contract_type")]
    public string? ContractType { get; init; }

    [JsonPropertyName("settlement_type")]
    public string? SettlementType { get; init; }

    [JsonPropertyName("market")]
    public string? Market { get; init; }

    [JsonPropertyName("spot_contract")]
    public SpotContract? SpotContract { get; init; }

    /// <summary>Later service versions only (markets-service-api.md §10): the taker's fee in USDC wei (spot); absent here.</summary>
    [JsonPropertyName("taker_fee")]
    public string? TakerFee { get; init; }
}

/// <summary>GET /v1/trades: newest first; <c>next_before_trade_id</c> only when a full page came back.</summary>
public sealed record TradesResponse
{
    [JsonPropertyName("market_presentation")]
    public required MarketPresentation MarketPresentation { get; init; }

    [JsonPropertyName("stats_24h")]
    public TradeStats? Stats24h { get; init; }

    [JsonPropertyName("trades")]
    public required IReadOnlyList<TradeDto> Trades { get; init; }

    [JsonPropertyName("next_before_trade_id")]
    public long? NextBeforeTradeId { get; init; }
}

/// <summary>
/// GET /v1/orders/{order_id}: amounts atomic; <c>cancel_reason</c> is always "" and <c>updated_at</c> is the
/// creation time in this exchange version (do not rely on either).
/// </summary>
public sealed record OrderStatusResponse
{
    [JsonPropertyName("order_id")]
    public required string OrderId { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("filled_amount")]
    public required string FilledAmount { get; init; }

    [JsonPropertyName("remaining_amount")]
    public required string RemainingAmount { get; init; }

    [JsonPropertyName("cancel_reason")]
    public string? CancelReason { get; init; }

    [JsonPropertyName("updated_at")]
    public string? UpdatedAt { get; init; }
}

/// <summary>The place and cancel responses: <c>{"order": presentedOrder}</c>.</summary>
public sealed record OrderEnvelope
{
    [JsonPropertyName("order")]
    public required PresentedOrder Order { get; init; }
}

/// <summary>Every error body of the exchange: <c>{"error":"&lt;message&gt;"}</c>.</summary>
public sealed record ErrorBody
{
    [JsonPropertyName("error")]
    public string? Error { get; init; }
}

/// <summary>
/// <c>action_json</c> of an order: every field a JSON string, including <c>expiry</c>. <c>subaccount_id</c> and
/// <c>nonce</c> must be byte-identical to the body's; <c>expiry</c> must equal the body's number as text.
/// </summary>
public sealed record ActionJson
{
    [JsonPropertyName("subaccount_id")]
    public required string SubaccountId { get; init; }

    [JsonPropertyName("nonce")]
    public required string Nonce { get; init; }

    [JsonPropertyName("module")]
    public required string Module { get; init; }

    [JsonPropertyName("data")]
    public required string Data { get; init; }

    [JsonPropertyName("expiry")]
    public required string Expiry { get; init; }

    [JsonPropertyName("owner")]
    public required string Owner { get; init; }

    [JsonPropertyName("signer")]
    public required string Signer { get; init; }
}

/// <summary>
/// POST /v1/orders body, engine-native (the form the official bot uses; no <c>order_entry_spec</c>/<c>ui_intent</c>).
/// Every field is a JSON string except <c>expiry</c> (a number) and <c>action_json</c> (an object).
/// Amounts and prices are human/engine decimals (not ×1e18); the signed ×1e18 values live in <c>action_json.data</c>.
/// </summary>
public sealed record PlaceOrderRequest
{
    [JsonPropertyName("order_id")]
    public required string OrderId { get; init; }

    [JsonPropertyName("owner_address")]
    public required string OwnerAddress { get; init; }

    [JsonPropertyName("signer_address")]
    public required string SignerAddress { get; init; }

    [JsonPropertyName("subaccount_id")]
    public required string SubaccountId { get; init; }

    [JsonPropertyName("recipient_id")]
    public required string RecipientId { get; init; }

    [JsonPropertyName("nonce")]
    public required string Nonce { get; init; }

    [JsonPropertyName("side")]
    public required string Side { get; init; }

    [JsonPropertyName("asset_address")]
    public required string AssetAddress { get; init; }

    [JsonPropertyName("sub_id")]
    public required string SubId { get; init; }

    [JsonPropertyName("desired_amount")]
    public required string DesiredAmount { get; init; }

    [JsonPropertyName("filled_amount")]
    public string FilledAmount { get; init; } = "0";

    [JsonPropertyName("limit_price")]
    public required string LimitPrice { get; init; }

    [JsonPropertyName("worst_fee")]
    public required string WorstFee { get; init; }

    [JsonPropertyName("expiry")]
    public required long Expiry { get; init; }

    [JsonPropertyName("action_json")]
    public required ActionJson ActionJson { get; init; }

    [JsonPropertyName("signature")]
    public required string Signature { get; init; }
}

/// <summary>
/// POST /v1/orders/cancel body: by owner + nonce. <c>expiry</c> is a <b>string</b> here (unlike the order body).
/// <c>signer_address</c>, <c>expiry</c> and <c>signature</c> are ignored by the local exchange code and enforced
/// by later versions (markets-service-api.md §4.2); null members are omitted.
/// </summary>
public sealed record CancelOrderRequest
{
    [JsonPropertyName("owner_address")]
    public required string OwnerAddress { get; init; }

    [JsonPropertyName("signer_address")]
    public string? SignerAddress { get; init; }

    [JsonPropertyName("nonce")]
    public required string Nonce { get; init; }

    [JsonPropertyName("expiry")]
    public string? Expiry { get; init; }

    [JsonPropertyName("signature")]
    public string? Signature { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("service")]
    public string? Service { get; init; }
}

/// <summary>
/// System.Text.Json source-generated metadata for the wire types: strict numbers (a string where a number is
/// expected is an error and vice versa), nullable annotations respected (null for a non-nullable member is an
/// error), unknown members skipped, null members omitted when writing.
/// </summary>
[JsonSourceGenerationOptions(
    RespectNullableAnnotations = true,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<MarketPresentation>))]
[JsonSerializable(typeof(BookResponse))]
[JsonSerializable(typeof(TradesResponse))]
[JsonSerializable(typeof(OrderStatusResponse))]
[JsonSerializable(typeof(OrderEnvelope))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(PlaceOrderRequest))]
[JsonSerializable(typeof(CancelOrderRequest))]
public sealed partial class MarketsJsonContext : JsonSerializerContext
{
}
