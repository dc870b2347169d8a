using System.Text.Json;

namespace MarketMaker.PaperExchange.Orders;

/// <summary>The spot trader-view intent of a <c>POST /v1/orders</c> body (strings).</summary>
public sealed record UiIntent(string Side, string Price, string Size);

/// <summary>
/// <c>createOrderRequest</c> (markets-service-api.md §1.6). Every field is a string except <see cref="Expiry"/>
/// (a JSON number) and <see cref="ActionJson"/> (any JSON value, kept as its raw text; null when absent) and
/// <see cref="UiIntent"/> (an object).
/// </summary>
public sealed record CreateOrderRequest
{
    public string OrderId { get; init; } = "";

    public string OwnerAddress { get; init; } = "";

    public string SignerAddress { get; init; } = "";

    public string SubaccountId { get; init; } = "";

    public string RecipientId { get; init; } = "";

    public string Nonce { get; init; } = "";

    public string Side { get; init; } = "";

    public string AssetAddress { get; init; } = "";

    public string SubId { get; init; } = "";

    public string DesiredAmount { get; init; } = "";

    public string FilledAmount { get; init; } = "";

    public string LimitPrice { get; init; } = "";

    public string WorstFee { get; init; } = "";

    public long Expiry { get; init; }

    public string OrderEntrySpec { get; init; } = "";

    public UiIntent? UiIntent { get; init; }

    public string? ActionJson { get; init; }

    public string Signature { get; init; } = "";

    /// <summary>
    /// Decodes a body the way Go's json.Decoder does into the struct: the first JSON value only, unknown fields
    /// ignored, field names case-insensitive, null leaves a field empty, any type mismatch fails (→ 400 invalid JSON body).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out CreateOrderRequest request)
    {
        var r = new CreateOrderRequest();
        var ok = GoJsonDecoding.TryDecodeObject(body, (name, v) => name switch
        {
            "order_id" => GoJsonDecoding.Str(v, s => r = r with { OrderId = s }),
            "owner_address" => GoJsonDecoding.Str(v, s => r = r with { OwnerAddress = s }),
            "signer_address" => GoJsonDecoding.Str(v, s => r = r with { SignerAddress = s }),
            "subaccount_id" => GoJsonDecoding.Str(v, s => r = r with { SubaccountId = s }),
            "recipient_id" => GoJsonDecoding.Str(v, s => r = r with { RecipientId = s }),
            "nonce" => GoJsonDecoding.Str(v, s => r = r with { Nonce = s }),
            "side" => GoJsonDecoding.Str(v, s => r = r with { Side = s }),
            "asset_address" => GoJsonDecoding.Str(v, s => r = r with { AssetAddress = s }),
            "sub_id" => GoJsonDecoding.Str(v, s => r = r with { SubId = s }),
            "desired_amount" => GoJsonDecoding.Str(v, s => r = r with { DesiredAmount = s }),
            "filled_amount" => GoJsonDecoding.Str(v, s => r = r with { FilledAmount = s }),
            "limit_price" => GoJsonDecoding.Str(v, s => r = r with { LimitPrice = s }),
            "worst_fee" => GoJsonDecoding.Str(v, s => r = r with { WorstFee = s }),
            "order_entry_spec" => GoJsonDecoding.Str(v, s => r = r with { OrderEntrySpec = s }),
            "signature" => GoJsonDecoding.Str(v, s => r = r with { Signature = s }),
            "expiry" => GoJsonDecoding.Int64(v, n => r = r with { Expiry = n }),
            "action_json" => SetAction(v, ref r),
            "ui_intent" => SetUiIntent(v, ref r),
            _ => true,
        });
        request = ok ? r : new CreateOrderRequest();
        return ok;
    }

    private static bool SetAction(JsonElement v, ref CreateOrderRequest r)
    {
        r = r with { ActionJson = v.ValueKind == JsonValueKind.Null ? null : v.GetRawText() };
        return true;
    }

    private static bool SetUiIntent(JsonElement v, ref CreateOrderRequest r)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            r = r with { UiIntent = null };
            return true;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var intent = r.UiIntent ?? new UiIntent("", "", "");
        if (!GoJsonDecoding.DecodeFields(v, (name, f) => name switch
        {
            "side" => GoJsonDecoding.Str(f, s => intent = intent with { Side = s }),
            "price" => GoJsonDecoding.Str(f, s => intent = intent with { Price = s }),
            "size" => GoJsonDecoding.Str(f, s => intent = intent with { Size = s }),
            _ => true,
        }))
        {
            return false;
        }

        r = r with { UiIntent = intent };
        return true;
    }
}

/// <summary>
/// <c>cancelOrderRequest</c>: owner + nonce, optional reason/service, and the signed-cancel fields of the
/// later markets-service (signer_address, expiry as a string, signature).
/// </summary>
public sealed record CancelOrderRequest
{
    public string OwnerAddress { get; init; } = "";

    public string Nonce { get; init; } = "";

    public string Reason { get; init; } = "";

    public string Service { get; init; } = "";

    public string SignerAddress { get; init; } = "";

    public string Expiry { get; init; } = "";

    public string Signature { get; init; } = "";

    /// <summary>
    /// Go-style decoding. <paramref name="strictSignatureFields"/> types the signed-cancel fields as strings
    /// (later version); otherwise they are ignored like any unknown field (this version).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, bool strictSignatureFields, out CancelOrderRequest request)
    {
        var r = new CancelOrderRequest();
        var ok = GoJsonDecoding.TryDecodeObject(body, (name, v) => name switch
        {
            "owner_address" => GoJsonDecoding.Str(v, s => r = r with { OwnerAddress = s }),
            "nonce" => GoJsonDecoding.Str(v, s => r = r with { Nonce = s }),
            "reason" => GoJsonDecoding.Str(v, s => r = r with { Reason = s }),
            "service" => GoJsonDecoding.Str(v, s => r = r with { Service = s }),
            "signer_address" => Lenient(v, strictSignatureFields, s => r = r with { SignerAddress = s }),
            "expiry" => Lenient(v, strictSignatureFields, s => r = r with { Expiry = s }),
            "signature" => Lenient(v, strictSignatureFields, s => r = r with { Signature = s }),
            _ => true,
        });
        request = ok ? r : new CancelOrderRequest();
        return ok;
    }

    private static bool Lenient(JsonElement v, bool strict, Action<string> set) =>
        GoJsonDecoding.Str(v, set) || !strict;
}

/// <summary>Helpers that reproduce Go encoding/json decoding rules for the request structs.</summary>
internal static class GoJsonDecoding
{
    /// <summary>Parses the first JSON value of the body (json.Decoder ignores what follows it).</summary>
    public static bool TryParseFirstValue(ReadOnlySpan<byte> body, out JsonDocument? doc)
    {
        doc = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = 10_000 });
            if (!JsonDocument.TryParseValue(ref reader, out doc))
            {
                return false;
            }

            return doc is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Decodes the first JSON value of the body into a struct the way Go's json.Decoder does: null leaves every field
    /// empty, anything but an object fails, and each member goes to <paramref name="field"/> by its lower-cased name
    /// (names are case-insensitive; unknown ones are the field's to ignore), which returns false on a type mismatch.
    /// </summary>
    public static bool TryDecodeObject(ReadOnlySpan<byte> body, Func<string, JsonElement, bool> field)
    {
        if (!TryParseFirstValue(body, out var doc))
        {
            return false;
        }

        using (doc)
        {
            var root = doc!.RootElement;
            return root.ValueKind == JsonValueKind.Null || DecodeFields(root, field);
        }
    }

    /// <summary>The members of a JSON object, each by its lower-cased name; false for a non-object or a member that fails.</summary>
    public static bool DecodeFields(JsonElement obj, Func<string, JsonElement, bool> field)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var p in obj.EnumerateObject())
        {
            if (!field(p.Name.ToLowerInvariant(), p.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A string field: a JSON string sets it, null leaves it, anything else is a type error.</summary>
    public static bool Str(JsonElement v, Action<string> set)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                set(v.GetString()!);
                return true;
            case JsonValueKind.Null:
                return true;
            default:
                return false;
        }
    }

    /// <summary>An int64 field: an integer literal in range sets it, null leaves it, anything else fails.</summary>
    public static bool Int64(JsonElement v, Action<long> set)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Number:
                var raw = v.GetRawText();
                if (raw.Contains('.') || raw.Contains('e') || raw.Contains('E') || !v.TryGetInt64(out var n))
                {
                    return false;
                }

                set(n);
                return true;
            case JsonValueKind.Null:
                return true;
            default:
                return false;
        }
    }
}
