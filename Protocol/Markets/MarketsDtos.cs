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
    public required string Market { get; init; }

    public string? ContractType { get; init; }

    public string? SettlementType { get; init; }

    public string? BaseAssetSymbol { get; init; }

    public string? QuoteAssetSymbol { get; init; }

    public long? ExpiryTimestamp { get; init; }

    public long? LastTradeTimestamp { get; init; }

    public string? PriceSemantics { get; init; }

    public string? DisplaySemantics { get; init; }

    public string? DisplayName { get; init; }

    public string? DisplayLabel { get; init; }

    public required string TickSize { get; init; }

    public string? SettlementNote { get; init; }

    public string? PricingModel { get; init; }

    public string? DisplayPriceKind { get; init; }

    public required string AssetAddress { get; init; }

    public required string SubId { get; init; }

    public string? OrderEntrySpec { get; init; }

    public string? UiPriceUnit { get; init; }

    public string? UiSizeUnit { get; init; }

    public string? UiSideMeaning { get; init; }

    public string? EnginePriceUnit { get; init; }

    public string? EngineAmountUnit { get; init; }

    public string? EngineSidePolicy { get; init; }

    public string? UiPriceToEngine { get; init; }

    public string? UiSizeToEngine { get; init; }
}

/// <summary><c>spot_contract</c> on spot book orders and trades: the exchange's own 6-dp trader-view rendering.</summary>
public sealed record SpotContract
{
    public string? Spec { get; init; }

    public SpotIntent? UiIntent { get; init; }

    public SpotEngineOrder? EngineOrder { get; init; }

    public SpotBalanceDelta? BalanceDelta { get; init; }
}

/// <summary><c>ui_intent</c>: trader side, price (cNGN per USDC) and size (USDC), all strings.</summary>
public sealed record SpotIntent
{
    public string? Side { get; init; }

    public string? Price { get; init; }

    public string? Size { get; init; }
}

/// <summary><c>engine_order</c>: engine side, price (USDC per cNGN) and amount (cNGN), all strings.</summary>
public sealed record SpotEngineOrder
{
    public string? Side { get; init; }

    public string? Price { get; init; }

    public string? Amount { get; init; }
}

/// <summary><c>balance_delta</c>: signed strings.</summary>
public sealed record SpotBalanceDelta
{
    public string? Usdc { get; init; }

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
    public required string OrderId { get; init; }

    public required string OwnerAddress { get; init; }

    public string? SignerAddress { get; init; }

    public required string SubaccountId { get; init; }

    public string? RecipientId { get; init; }

    public required string Nonce { get; init; }

    public required string Side { get; init; }

    public required string AssetAddress { get; init; }

    public required string SubId { get; init; }

    public required string DesiredAmount { get; init; }

    public required string FilledAmount { get; init; }

    public required string LimitPrice { get; init; }

    public string? WorstFee { get; init; }

    public required long Expiry { get; init; }

    public JsonElement? ActionJson { get; init; }

    public string? Signature { get; init; }

    public required string Status { get; init; }

    public required string CreatedAt { get; init; }

    public string? Market { get; init; }

    public string? ContractType { get; init; }

    public string? SettlementType { get; init; }

    public string? BaseAssetSymbol { get; init; }

    public string? QuoteAssetSymbol { get; init; }

    public long? ExpiryTimestamp { get; init; }

    public string? PriceSemantics { get; init; }

    public string? DisplayName { get; init; }

    public string? DisplayLabel { get; init; }

    public string? DisplaySemantics { get; init; }

    public string? TickSize { get; init; }

    public SpotContract? SpotContract { get; init; }
}

/// <summary>GET /v1/book: up to 25 individual orders per engine side, status active only.</summary>
public sealed record BookResponse
{
    public required MarketPresentation MarketPresentation { get; init; }

    public required IReadOnlyList<PresentedOrder> Bids { get; init; }

    public required IReadOnlyList<PresentedOrder> Asks { get; init; }
}

/// <summary>
/// <c>stats_24h</c>: numeric text, each omitted when there were no trades. <c>volume</c> is atomic,
/// prices are engine prices.
/// </summary>
public sealed record TradeStats
{
    public string? Last { get; init; }

    public string? High { get; init; }

    public string? Low { get; init; }

    public string? Volume { get; init; }

    public string? Change { get; init; }
}

/// <summary>
/// One trade: <c>price</c> is the maker's limit_price (engine units), <c>size</c> the atomic fill,
/// <c>aggressor_side</c> the taker's engine side.
/// </summary>
public sealed record TradeDto
{
    public required long TradeId { get; init; }

    public string? AssetAddress { get; init; }

    public string? SubId { get; init; }

    public required string Price { get; init; }

    public required string Size { get; init; }

    public required string AggressorSide { get; init; }

    public required string TakerOrderId { get; init; }

    public required string MakerOrderId { get; init; }

    public required string CreatedAt { get; init; }

    public string? ContractType { get; init; }

    public string? SettlementType { get; init; }

    public string? Market { get; init; }

    public SpotContract? SpotContract { get; init; }

    /// <summary>Later service versions only (markets-service-api.md §10): the taker's fee in USDC wei (spot); absent here.</summary>
    [JsonPropertyName("taker_fee")]
    public string? TakerFee { get; init; }
}

/// <summary>GET /v1/trades: newest first; <c>next_before_trade_id</c> only when a full page came back.</summary>
public sealed record TradesResponse
{
    public required MarketPresentation MarketPresentation { get; init; }

    [JsonPropertyName("stats_24h")]
    public TradeStats? Stats24h { get; init; }

    public required IReadOnlyList<TradeDto> Trades { get; init; }

    public long? NextBeforeTradeId { get; init; }
}

/// <summary>
/// GET /v1/orders/{order_id}: amounts atomic; <c>cancel_reason</c> is always "" and <c>updated_at</c> is the
/// creation time in this exchange version (do not rely on either).
/// </summary>
public sealed record OrderStatusResponse
{
    public required string OrderId { get; init; }

    public required string Status { get; init; }

    public required string FilledAmount { get; init; }

    public required string RemainingAmount { get; init; }

    public string? CancelReason { get; init; }

    public string? UpdatedAt { get; init; }
}

/// <summary>The place and cancel responses: <c>{"order": presentedOrder}</c>.</summary>
public sealed record OrderEnvelope
{
    public required PresentedOrder Order { get; init; }
}

/// <summary>Every error body of the exchange: <c>{"error":"&lt;message&gt;"}</c>.</summary>
public sealed record ErrorBody
{
    public string? Error { get; init; }
}

/// <summary>
/// <c>action_json</c> of an order: every field a JSON string, including <c>expiry</c>. <c>subaccount_id</c> and
/// <c>nonce</c> must be byte-identical to the body's; <c>expiry</c> must equal the body's number as text.
/// </summary>
public sealed record ActionJson
{
    public required string SubaccountId { get; init; }

    public required string Nonce { get; init; }

    public required string Module { get; init; }

    public required string Data { get; init; }

    public required string Expiry { get; init; }

    public required string Owner { get; init; }

    public required string Signer { get; init; }
}

/// <summary>
/// POST /v1/orders body, engine-native (the form the official bot uses; no <c>order_entry_spec</c>/<c>ui_intent</c>).
/// Every field is a JSON string except <c>expiry</c> (a number) and <c>action_json</c> (an object).
/// Amounts and prices are human/engine decimals (not ×1e18); the signed ×1e18 values live in <c>action_json.data</c>.
/// </summary>
public sealed record PlaceOrderRequest
{
    public required string OrderId { get; init; }

    public required string OwnerAddress { get; init; }

    public required string SignerAddress { get; init; }

    public required string SubaccountId { get; init; }

    public required string RecipientId { get; init; }

    public required string Nonce { get; init; }

    public required string Side { get; init; }

    public required string AssetAddress { get; init; }

    public required string SubId { get; init; }

    public required string DesiredAmount { get; init; }

    public string FilledAmount { get; init; } = "0";

    public required string LimitPrice { get; init; }

    public required string WorstFee { get; init; }

    public required long Expiry { get; init; }

    public required ActionJson ActionJson { get; init; }

    public required string Signature { get; init; }
}

/// <summary>
/// POST /v1/orders/cancel body: by owner + nonce. <c>expiry</c> is a <b>string</b> here (unlike the order body).
/// <c>signer_address</c>, <c>expiry</c> and <c>signature</c> are ignored by the local exchange code and enforced
/// by later versions (markets-service-api.md §4.2); null members are omitted.
/// </summary>
public sealed record CancelOrderRequest
{
    public required string OwnerAddress { get; init; }

    public string? SignerAddress { get; init; }

    public required string Nonce { get; init; }

    public string? Expiry { get; init; }

    public string? Signature { get; init; }

    public string? Reason { get; init; }

    public string? Service { get; init; }
}

/// <summary>
/// System.Text.Json source-generated metadata for the wire types: strict numbers (a string where a number is
/// expected is an error and vice versa), nullable annotations respected (null for a non-nullable member is an
/// error), unknown members skipped, null members omitted when writing; member names are the snake case of the
/// property names (a <c>[JsonPropertyName]</c> stays only where the wire name is something else).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
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
