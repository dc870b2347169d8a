using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace MarketMaker.Protocol.Markets;

/// <summary>
/// Typed client of the markets-service HTTP API (markets-service-api.md §1) over an injected <see cref="HttpClient"/>.
/// Each call has its own timeout (<see cref="RequestTimeout"/>, covering headers and body) on top of the caller's
/// cancellation token. Every failure is a <see cref="MarketsApiException"/>; a cancelled caller token surfaces as
/// <see cref="OperationCanceledException"/> as usual.
/// </summary>
public sealed partial class MarketsClient
{
    /// <summary>Largest response body accepted; a bigger one is Malformed.</summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    public const string MarketsEndpoint = "GET /v1/markets";
    public const string BookEndpoint = "GET /v1/book";
    public const string TradesEndpoint = "GET /v1/trades";
    public const string OrderStatusEndpoint = "GET /v1/orders/{order_id}";
    public const string PlaceOrderEndpoint = "POST /v1/orders";
    public const string CancelOrderEndpoint = "POST /v1/orders/cancel";

    private const int MaxMessageChars = 500;

    private readonly HttpClient _http;
    private readonly string _baseUrl;

    /// <param name="http">The transport; its own Timeout should be at least <paramref name="requestTimeout"/>.</param>
    /// <param name="baseUrl">Absolute http(s) URL of the service; a trailing '/' is ignored, a path prefix is kept.</param>
    /// <param name="requestTimeout">Per-request timeout, greater than zero.</param>
    public MarketsClient(HttpClient http, Uri baseUrl, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("the markets-service base URL must be an absolute http or https URL", nameof(baseUrl));
        }

        if (requestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(requestTimeout), "the request timeout must be greater than zero");
        }

        _http = http;
        _baseUrl = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        RequestTimeout = requestTimeout;
    }

    public TimeSpan RequestTimeout { get; }

    /// <summary>GET /v1/markets: the enabled instruments, sorted by symbol.</summary>
    public Task<IReadOnlyList<MarketPresentation>> GetMarketsAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, MarketsEndpoint, "/v1/markets", null, MarketsJsonContext.Default.IReadOnlyListMarketPresentation, ct);

    /// <summary>
    /// GET /v1/book?symbol=…. The exchange silently falls back to the spot book for an unknown symbol, so a
    /// response for another market than <paramref name="symbol"/> is reported as Malformed
    /// (field <c>$.market_presentation.market</c>) instead of being returned.
    /// </summary>
    public async Task<BookResponse> GetBookAsync(string symbol, CancellationToken ct = default)
    {
        RequireText(BookEndpoint, "symbol", symbol);
        var book = await SendAsync(HttpMethod.Get, BookEndpoint, "/v1/book?symbol=" + Uri.EscapeDataString(symbol), null, MarketsJsonContext.Default.BookResponse, ct).ConfigureAwait(false);
        RequireMarket(BookEndpoint, symbol, book.MarketPresentation.Market);
        return book;
    }

    /// <summary>GET /v1/trades?symbol=…&amp;limit=… (limit 1..100), newest first. Same market check as the book.</summary>
    public Task<TradesResponse> GetTradesAsync(string symbol, int limit = 50, CancellationToken ct = default) =>
        GetTradesAsync(symbol, limit, null, ct);

    /// <summary>One page of trades, newest first; <paramref name="beforeTradeId"/> pages back (<c>next_before_trade_id</c> of the page before).</summary>
    public async Task<TradesResponse> GetTradesAsync(string symbol, int limit, long? beforeTradeId, CancellationToken ct = default)
    {
        RequireText(TradesEndpoint, "symbol", symbol);
        if (limit is < 1 or > 100)
        {
            throw new MarketsApiException(MarketsErrorKind.InvalidRequest, TradesEndpoint, null, $"limit must be between 1 and 100, got {limit}", "limit");
        }

        if (beforeTradeId is <= 0)
        {
            throw new MarketsApiException(MarketsErrorKind.InvalidRequest, TradesEndpoint, null, $"before_trade_id must be a positive integer, got {beforeTradeId}", "before_trade_id");
        }

        var query = "/v1/trades?symbol=" + Uri.EscapeDataString(symbol) + "&limit=" + limit.ToString(CultureInfo.InvariantCulture)
            + (beforeTradeId is { } before ? "&before_trade_id=" + before.ToString(CultureInfo.InvariantCulture) : "");
        var trades = await SendAsync(HttpMethod.Get, TradesEndpoint, query, null, MarketsJsonContext.Default.TradesResponse, ct).ConfigureAwait(false);
        RequireMarket(TradesEndpoint, symbol, trades.MarketPresentation.Market);
        return trades;
    }

    /// <summary>GET /v1/orders/{order_id}; the id is percent-encoded as one path segment (colons are left as they are).</summary>
    public Task<OrderStatusResponse> GetOrderStatusAsync(string orderId, CancellationToken ct = default)
    {
        RequireText(OrderStatusEndpoint, "order_id", orderId);
        return SendAsync(HttpMethod.Get, OrderStatusEndpoint, "/v1/orders/" + EscapePathSegment(orderId), null, MarketsJsonContext.Default.OrderStatusResponse, ct);
    }

    /// <summary>
    /// POST /v1/orders. The body is checked and normalized first (<see cref="NormalizePlaceOrder"/>); the answer
    /// (201) is the stored order. 409 means a duplicate order id or a duplicate (owner, nonce).
    /// </summary>
    public Task<PresentedOrder> PlaceOrderAsync(PlaceOrderRequest body, CancellationToken ct = default)
    {
        var normalized = NormalizePlaceOrder(body);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(normalized, MarketsJsonContext.Default.PlaceOrderRequest);
        return SendOrderAsync(PlaceOrderEndpoint, "/v1/orders", bytes, ct);
    }

    /// <summary>
    /// POST /v1/orders/cancel by owner + nonce. 404 <c>active order not found</c> (see
    /// <see cref="MarketsApiException.IsActiveOrderNotFound"/>) happens while the order is matching or just filled.
    /// </summary>
    public Task<PresentedOrder> CancelOrderAsync(CancelOrderRequest body, CancellationToken ct = default)
    {
        var normalized = NormalizeCancel(body);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(normalized, MarketsJsonContext.Default.CancelOrderRequest);
        return SendOrderAsync(CancelOrderEndpoint, "/v1/orders/cancel", bytes, ct);
    }

    /// <summary>
    /// Checks the wire invariants of an order body and returns it with addresses and side lower-cased
    /// (body and action_json; the signature is over the address bytes, so it is unchanged). Refuses
    /// (InvalidRequest, naming the field) a missing field, a non-integer id or nonce, a malformed address,
    /// a non-positive or non-plain decimal, an expiry that is not positive, and an action_json whose
    /// subaccount_id/nonce/expiry/owner/signer disagree with the body (markets-service-api.md §9 items 1-3).
    /// </summary>
    public static PlaceOrderRequest NormalizePlaceOrder(PlaceOrderRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        const string e = PlaceOrderEndpoint;
        RequireText(e, "order_id", body.OrderId);
        RequireAddress(e, "owner_address", body.OwnerAddress);
        RequireAddress(e, "signer_address", body.SignerAddress);
        RequireUnsigned(e, "subaccount_id", body.SubaccountId);
        RequireUnsigned(e, "recipient_id", body.RecipientId);
        RequireUnsigned(e, "nonce", body.Nonce);
        var side = (body.Side ?? "").ToLowerInvariant();
        if (side is not ("buy" or "sell"))
        {
            throw Invalid(e, "side", "must be 'buy' or 'sell' (the engine side)");
        }

        RequireAddress(e, "asset_address", body.AssetAddress);
        RequireUnsigned(e, "sub_id", body.SubId);
        RequirePositiveDecimal(e, "desired_amount", body.DesiredAmount);
        if (body.FilledAmount != "0")
        {
            throw Invalid(e, "filled_amount", "must be \"0\" for a new order");
        }

        RequirePositiveDecimal(e, "limit_price", body.LimitPrice);
        RequireUnsigned(e, "worst_fee", body.WorstFee);
        if (body.Expiry <= 0)
        {
            throw Invalid(e, "expiry", "must be positive unix seconds");
        }

        RequireText(e, "signature", body.Signature);
        var action = body.ActionJson ?? throw Invalid(e, "action_json", "is required");
        if (action.SubaccountId != body.SubaccountId)
        {
            throw Invalid(e, "action_json.subaccount_id", "must be byte-identical to subaccount_id");
        }

        if (action.Nonce != body.Nonce)
        {
            throw Invalid(e, "action_json.nonce", "must be byte-identical to nonce");
        }

        if (action.Expiry != body.Expiry.ToString(CultureInfo.InvariantCulture))
        {
            throw Invalid(e, "action_json.expiry", "must be the body expiry as a decimal string");
        }

        RequireAddress(e, "action_json.module", action.Module);
        RequireAddress(e, "action_json.owner", action.Owner);
        RequireAddress(e, "action_json.signer", action.Signer);
        RequireText(e, "action_json.data", action.Data);
        if (!string.Equals(action.Owner, body.OwnerAddress, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(e, "action_json.owner", "must equal owner_address");
        }

        if (!string.Equals(action.Signer, body.SignerAddress, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(e, "action_json.signer", "must equal signer_address");
        }

        return body with
        {
            OwnerAddress = body.OwnerAddress.ToLowerInvariant(),
            SignerAddress = body.SignerAddress.ToLowerInvariant(),
            Side = side,
            AssetAddress = body.AssetAddress.ToLowerInvariant(),
            ActionJson = action with
            {
                Module = action.Module.ToLowerInvariant(),
                Owner = action.Owner.ToLowerInvariant(),
                Signer = action.Signer.ToLowerInvariant(),
            },
        };
    }

    /// <summary>Checks a cancel body (owner address, integer nonce, optional signer address and integer expiry) and lower-cases its addresses.</summary>
    public static CancelOrderRequest NormalizeCancel(CancelOrderRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        const string e = CancelOrderEndpoint;
        RequireAddress(e, "owner_address", body.OwnerAddress);
        RequireUnsigned(e, "nonce", body.Nonce);
        if (body.SignerAddress is not null)
        {
            RequireAddress(e, "signer_address", body.SignerAddress);
        }

        if (body.Expiry is not null)
        {
            RequireUnsigned(e, "expiry", body.Expiry);
        }

        return body with
        {
            OwnerAddress = body.OwnerAddress.ToLowerInvariant(),
            SignerAddress = body.SignerAddress?.ToLowerInvariant(),
        };
    }

    /// <summary>Percent-encodes one path segment like Go's url.PathEscape would leave it: ':' and '@' stay literal.</summary>
    public static string EscapePathSegment(string segment) =>
        Uri.EscapeDataString(segment).Replace("%3A", ":", StringComparison.Ordinal).Replace("%40", "@", StringComparison.Ordinal);

    private async Task<PresentedOrder> SendOrderAsync(string endpoint, string path, byte[] body, CancellationToken ct)
    {
        var envelope = await SendAsync(HttpMethod.Post, endpoint, path, body, MarketsJsonContext.Default.OrderEnvelope, ct).ConfigureAwait(false);
        return envelope.Order;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string endpoint, string pathAndQuery, byte[]? body, JsonTypeInfo<T> typeInfo, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        int status;
        byte[] bytes;
        try
        {
            using var request = new HttpRequestMessage(method, _baseUrl + pathAndQuery);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            bytes = await ReadLimitedAsync(response.Content, endpoint, status, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw new MarketsApiException(MarketsErrorKind.Timeout, endpoint, null, $"no complete response within {RequestTimeout.TotalMilliseconds:0} ms", null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new MarketsApiException(MarketsErrorKind.Transport, endpoint, null, ex.Message, null, ex);
        }
        catch (IOException ex)
        {
            throw new MarketsApiException(MarketsErrorKind.Transport, endpoint, null, ex.Message, null, ex);
        }

        if (status is < 200 or > 299)
        {
            throw ErrorFor(endpoint, status, bytes);
        }

        return Parse(endpoint, status, bytes, typeInfo);
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, string endpoint, int status, CancellationToken ct)
    {
        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.ToArray();
                }

                if (buffer.Length + read > MaxResponseBytes)
                {
                    throw new MarketsApiException(MarketsErrorKind.Malformed, endpoint, status, $"response body larger than {MaxResponseBytes} bytes", "$");
                }

                buffer.Write(chunk, 0, read);
            }
        }
    }

    private static MarketsApiException ErrorFor(string endpoint, int status, byte[] bytes)
    {
        var kind = status switch
        {
            400 => MarketsErrorKind.Validation,
            401 => MarketsErrorKind.Unauthorized,
            403 => MarketsErrorKind.Forbidden,
            404 => MarketsErrorKind.NotFound,
            409 => MarketsErrorKind.Duplicate,
            >= 500 and <= 599 => MarketsErrorKind.Server,
            _ => MarketsErrorKind.UnexpectedStatus,
        };
        return new MarketsApiException(kind, endpoint, status, ErrorMessage(bytes));
    }

    /// <summary>The <c>error</c> of a JSON error body, else the body text (trimmed, shortened, control characters replaced).</summary>
    private static string ErrorMessage(byte[] bytes)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize(bytes, MarketsJsonContext.Default.ErrorBody);
            if (parsed?.Error is { } error)
            {
                return Clean(error);
            }
        }
        catch (JsonException)
        {
        }

        return Clean(Encoding.UTF8.GetString(bytes));
    }

    private static string Clean(string text)
    {
        var chars = text.Trim().Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        var clean = new string(chars);
        return clean.Length > MaxMessageChars ? clean[..MaxMessageChars] + "…" : clean;
    }

    private static T Parse<T>(string endpoint, int status, byte[] bytes, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            using (var document = JsonDocument.Parse(bytes))
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
                {
                    var message = error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText();
                    throw new MarketsApiException(MarketsErrorKind.Malformed, endpoint, status, $"success status with an error body: {Clean(message ?? "")}", "$.error");
                }
            }

            return JsonSerializer.Deserialize(bytes, typeInfo)
                ?? throw new MarketsApiException(MarketsErrorKind.Malformed, endpoint, status, "body is JSON null", "$");
        }
        catch (JsonException ex)
        {
            var (field, message) = Describe(ex);
            throw new MarketsApiException(MarketsErrorKind.Malformed, endpoint, status, message, field, ex);
        }
    }

    /// <summary>The JSON path of the offending member and a short description, from System.Text.Json's exception.</summary>
    internal static (string Field, string Message) Describe(JsonException ex)
    {
        var path = ex.Path ?? "$";
        var missing = MissingPropertiesPattern().Match(ex.Message);
        if (missing.Success)
        {
            var names = missing.Groups[1].Value.Split(',').Select(n => n.Trim().Trim('\'')).Where(n => n.Length > 0).ToList();
            var field = names.Count > 0 ? $"{path}.{names[0]}" : path;
            return (field, $"required field missing: {string.Join(", ", names)}");
        }

        if (ex.Message.Contains("doesn't allow null", StringComparison.Ordinal) || ex.Message.Contains("does not allow null", StringComparison.Ordinal))
        {
            return (path, "null is not allowed here");
        }

        if (ex.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return (path, "wrong JSON type or value out of range");
        }

        return (path, "not valid JSON: " + Clean(PathSuffixPattern().Replace(ex.Message, "")));
    }

    private static void RequireMarket(string endpoint, string requested, string answered)
    {
        if (!string.Equals(requested, answered, StringComparison.Ordinal))
        {
            throw new MarketsApiException(
                MarketsErrorKind.Malformed,
                endpoint,
                200,
                $"asked for market {requested} but the exchange answered for {answered} (it falls back to the spot market for unknown symbols)",
                "$.market_presentation.market");
        }
    }

    private static MarketsApiException Invalid(string endpoint, string field, string message) =>
        new(MarketsErrorKind.InvalidRequest, endpoint, null, $"{field} {message}", field);

    private static void RequireText(string endpoint, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(endpoint, field, "is required");
        }
    }

    private static void RequireUnsigned(string endpoint, string field, string? value)
    {
        RequireText(endpoint, field, value);
        if (!value!.All(char.IsAsciiDigit))
        {
            throw Invalid(endpoint, field, "must be a non-negative decimal integer string");
        }
    }

    private static void RequireAddress(string endpoint, string field, string? value)
    {
        RequireText(endpoint, field, value);
        if (!IsAddress(value!))
        {
            throw Invalid(endpoint, field, "must be a 0x-prefixed 20-byte hex address");
        }
    }

    private static void RequirePositiveDecimal(string endpoint, string field, string? value)
    {
        RequireText(endpoint, field, value);
        if (!WireDecimal.TryParse(value, out var parsed) || parsed <= 0m || value!.StartsWith('+') || value.StartsWith('-'))
        {
            throw Invalid(endpoint, field, "must be a plain positive decimal (digits and at most one '.')");
        }
    }

    /// <summary>0x followed by exactly 40 hex digits (any case).</summary>
    public static bool IsAddress(string value) =>
        value.Length == 42 && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && value.AsSpan(2).ContainsOnlyHex();

    [GeneratedRegex(@"missing required properties including: (.+?)\.?$")]
    private static partial Regex MissingPropertiesPattern();

    [GeneratedRegex(@" Path: .*$")]
    private static partial Regex PathSuffixPattern();
}

file static class HexSpanExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
