using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Fractions;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Numerics;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.PaperExchange.Wire;

namespace MarketMaker.PaperExchange.Orders;

/// <summary>The parsed <c>action_json</c> (all strings; missing keys are empty).</summary>
public sealed record ActionFields(string SubaccountId, string Nonce, string Module, string Data, string Expiry, string Owner, string Signer);

/// <summary>An order that passed validation: the row to insert (created_at still unset) and what was derived.</summary>
public sealed record ValidatedOrder(OrderRow Row, MarketDefinition Market, ActionFields Action, BigInteger Ticks, BigInteger Atomic);

/// <summary>Result of <see cref="OrderValidator.Validate"/>: an order, or the exact 400 error string.</summary>
public sealed record OrderValidation(ValidatedOrder? Order, string? Error)
{
    public static OrderValidation Fail(string error) => new(null, error);
}

/// <summary>Validation settings (the markets-service env switches of §2).</summary>
public sealed record ValidationSettings(bool EnforceActionDataInvariants, string? ExpectedOwner, string? ExpectedSigner);

/// <summary>
/// POST /v1/orders validation, steps 1–12 of markets-service-api.md §2 in order, with the exact error strings
/// (step 13, the custody guard, is not simulated). Pure: the clock enters as <c>nowUnix</c>.
/// </summary>
public sealed class OrderValidator
{
    private const string DataPrefix = "action_json.data invariant check failed: ";
    private readonly MarketRegistry _markets;
    private readonly ValidationSettings _settings;

    public OrderValidator(MarketRegistry markets, ValidationSettings settings)
    {
        _markets = markets;
        _settings = settings;
    }

    public OrderValidation Validate(CreateOrderRequest req, long nowUnix)
    {
        // Step 1: required fields, in order.
        var hasIntent = req.UiIntent is not null;
        (string Value, string Name, bool Skip)[] required =
        [
            (req.OrderId, "order_id", false),
            (req.OwnerAddress, "owner_address", false),
            (req.SignerAddress, "signer_address", false),
            (req.SubaccountId, "subaccount_id", false),
            (req.RecipientId, "recipient_id", false),
            (req.Nonce, "nonce", false),
            (req.AssetAddress, "asset_address", false),
            (req.DesiredAmount, "desired_amount", hasIntent),
            (req.LimitPrice, "limit_price", hasIntent),
            (req.WorstFee, "worst_fee", false),
            (req.Signature, "signature", false),
        ];
        foreach (var (value, name, skip) in required)
        {
            if (!skip && string.IsNullOrWhiteSpace(value))
            {
                return OrderValidation.Fail($"{name} is required");
            }
        }

        // Step 2: expiry.
        if (req.Expiry <= nowUnix)
        {
            return OrderValidation.Fail("expiry must be in the future");
        }

        // Step 3: action_json is JSON.
        if (string.IsNullOrWhiteSpace(req.ActionJson) || !IsValidJson(req.ActionJson))
        {
            return OrderValidation.Fail("action_json must be valid JSON");
        }

        // Step 4: configured owner/signer.
        var owner = req.OwnerAddress.ToLowerInvariant();
        var signer = req.SignerAddress.ToLowerInvariant();
        if (!string.IsNullOrEmpty(_settings.ExpectedOwner) && owner != _settings.ExpectedOwner.ToLowerInvariant())
        {
            return OrderValidation.Fail("owner_address must match configured expected owner");
        }

        if (!string.IsNullOrEmpty(_settings.ExpectedSigner) && signer != _settings.ExpectedSigner.ToLowerInvariant())
        {
            return OrderValidation.Fail("signer_address must match configured expected signer");
        }

        // Step 5: side.
        var side = req.Side.Trim().ToLowerInvariant();
        if (side.Length > 0 && side is not ("buy" or "sell"))
        {
            return OrderValidation.Fail("side must be 'buy' or 'sell'");
        }

        // Step 6: instrument.
        var asset = req.AssetAddress.Trim().ToLowerInvariant();
        var subId = string.IsNullOrEmpty(req.SubId) ? "0" : req.SubId;
        var market = _markets.ByAsset(asset, subId);
        if (market is null)
        {
            return OrderValidation.Fail("asset_address must match a configured instrument");
        }

        // Step 7: spot translation / non-spot rejection of ui fields.
        var limitPriceText = req.LimitPrice;
        var desiredText = req.DesiredAmount;
        if (market.IsSpot)
        {
            if (!string.IsNullOrEmpty(req.OrderEntrySpec) || req.UiIntent is not null)
            {
                var translation = SpotTranslation.Translate(req.OrderEntrySpec, req.UiIntent, side, req.LimitPrice, req.DesiredAmount);
                if (translation.Error is not null)
                {
                    return OrderValidation.Fail(translation.Error);
                }

                (side, limitPriceText, desiredText) = (translation.Side, translation.LimitPrice, translation.DesiredAmount);
            }
        }
        else if (!string.IsNullOrEmpty(req.OrderEntrySpec) || req.UiIntent is not null)
        {
            return OrderValidation.Fail("order_entry_spec and ui_intent are only supported for the spot usdc/cngn contract");
        }

        if (side is not ("buy" or "sell"))
        {
            return OrderValidation.Fail("side must be 'buy' or 'sell'");
        }

        // Step 8: price.
        if (!Rational.TryParsePlainDecimal(limitPriceText, out var price))
        {
            return OrderValidation.Fail($"parse price \"{limitPriceText}\": invalid decimal");
        }

        var tickRatio = price / market.Tick;
        if (!tickRatio.IsInteger)
        {
            return OrderValidation.Fail($"price must align to tick size {market.TickSize}");
        }

        var ticks = tickRatio.ToBigInteger();
        if (ticks.Sign <= 0)
        {
            return OrderValidation.Fail("price must be positive");
        }

        (new Fraction(ticks) * market.Tick).TryToExactDecimal(out var normalizedPrice);

        // Step 9: amount.
        var amount = NormalizeAmount("desired_amount", desiredText, market);
        if (amount.Error is not null)
        {
            return OrderValidation.Fail(amount.Error);
        }

        if (amount.Atomic.IsZero)
        {
            return OrderValidation.Fail("normalized atomic size is 0");
        }

        if (amount.Atomic.Sign < 0)
        {
            return OrderValidation.Fail("desired_amount must be greater than zero");
        }

        // Step 10: filled amount.
        var filled = NormalizeAmount("filled_amount", string.IsNullOrEmpty(req.FilledAmount) ? "0" : req.FilledAmount, market);
        if (filled.Error is not null)
        {
            return OrderValidation.Fail(filled.Error);
        }

        if (filled.Atomic.Sign < 0)
        {
            return OrderValidation.Fail("filled_amount cannot be negative");
        }

        if (filled.Atomic > amount.Atomic)
        {
            return OrderValidation.Fail("filled_amount cannot exceed desired_amount");
        }

        // Step 11: action_json against the body.
        if (!TryParseAction(req.ActionJson, out var action, out var parseError))
        {
            return OrderValidation.Fail($"parse action_json: {parseError}");
        }

        if (action.SubaccountId != req.SubaccountId)
        {
            return OrderValidation.Fail("action_json.subaccount_id must match subaccount_id");
        }

        if (action.Nonce != req.Nonce)
        {
            return OrderValidation.Fail("action_json.nonce must match nonce");
        }

        if (action.Owner.ToLowerInvariant() != owner)
        {
            return OrderValidation.Fail("action_json.owner must match owner_address");
        }

        if (action.Signer.ToLowerInvariant() != signer)
        {
            return OrderValidation.Fail("action_json.signer must match signer_address");
        }

        // Step 12: data invariants.
        if (_settings.EnforceActionDataInvariants)
        {
            var invariant = CheckDataInvariants(action.Data, asset, subId, side, ticks, amount.Atomic, market);
            if (invariant is not null)
            {
                return OrderValidation.Fail(DataPrefix + invariant);
            }
        }

        var row = new OrderRow(
            req.OrderId,
            owner,
            signer,
            req.SubaccountId,
            req.RecipientId,
            req.Nonce,
            side,
            asset,
            subId,
            amount.Atomic.ToString(CultureInfo.InvariantCulture),
            filled.Atomic.ToString(CultureInfo.InvariantCulture),
            normalizedPrice,
            req.WorstFee,
            req.Expiry,
            req.ActionJson,
            req.Signature,
            OrderStatus.Active,
            default,
            ticks.ToString(CultureInfo.InvariantCulture));
        return new OrderValidation(new ValidatedOrder(row, market, action, ticks, amount.Atomic), null);
    }

    private static (BigInteger Atomic, string? Error) NormalizeAmount(string field, string text, MarketDefinition market)
    {
        if (!Rational.TryParseRat(text, out var value))
        {
            return (default, $"{field}: invalid decimal \"{text}\"");
        }

        var atomic = value / market.Step;
        if (!atomic.IsInteger)
        {
            return (default, $"{field} must align to amount step {market.AmountStep}");
        }

        return (atomic.ToBigInteger(), null);
    }

    private static string? CheckDataInvariants(string dataHex, string asset, string subId, string side, BigInteger ticks, BigInteger atomic, MarketDefinition market)
    {
        if (!TradeDataText.TryDecode(dataHex, out var data, out var error))
        {
            return error;
        }

        if (data!.LimitPrice.Sign <= 0)
        {
            return "action_json.data.limitPrice must be positive";
        }

        if (data.DesiredAmount.Sign <= 0)
        {
            return "action_json.data.desiredAmount must be positive";
        }

        if (data.Asset != asset)
        {
            return "action_json.data.asset must match asset_address";
        }

        if (!BigInteger.TryParse(subId, NumberStyles.None, CultureInfo.InvariantCulture, out var subIdValue) || data.SubId != subIdValue)
        {
            return "action_json.data.subId must match sub_id";
        }

        if (data.IsBid != (side == "buy"))
        {
            return "action_json.data.isBid must match side";
        }

        if (!(data.LimitPrice % ticks).IsZero || data.LimitPrice / ticks < 1)
        {
            return "action_json.data.limitPrice is not aligned with normalized limit_price";
        }

        var scaled = (data.DesiredAmount % atomic).IsZero && data.DesiredAmount / atomic >= 1;
        var compat = new Fraction(data.DesiredAmount) / market.Step == new Fraction(atomic);
        if (!scaled && !compat)
        {
            return "action_json.data.desiredAmount is not aligned with normalized desired_amount";
        }

        return null;
    }

    private static bool IsValidJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Parses action_json into its seven string fields (Go struct rules: case-insensitive keys, strings only).</summary>
    public static bool TryParseAction(string? json, out ActionFields action, out string error)
    {
        action = new ActionFields("", "", "", "", "", "", "");
        error = "";
        using var doc = JsonDocument.Parse(json ?? "null");
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"json: cannot unmarshal {GoKind(root.ValueKind)} into Go value of type actionJSON";
            return false;
        }

        var a = action;
        foreach (var p in root.EnumerateObject())
        {
            var key = p.Name.ToLowerInvariant();
            if (key is not ("subaccount_id" or "nonce" or "module" or "data" or "expiry" or "owner" or "signer"))
            {
                continue;
            }

            if (p.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (p.Value.ValueKind != JsonValueKind.String)
            {
                error = $"json: cannot unmarshal {GoKind(p.Value.ValueKind)} into Go struct field actionJSON.{key} of type string";
                return false;
            }

            var s = p.Value.GetString()!;
            a = key switch
            {
                "subaccount_id" => a with { SubaccountId = s },
                "nonce" => a with { Nonce = s },
                "module" => a with { Module = s },
                "data" => a with { Data = s },
                "expiry" => a with { Expiry = s },
                "owner" => a with { Owner = s },
                _ => a with { Signer = s },
            };
        }

        action = a;
        return true;
    }

    private static string GoKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "string",
    };
}
