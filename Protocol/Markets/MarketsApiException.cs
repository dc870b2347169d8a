namespace MarketMaker.Protocol.Markets;

/// <summary>What went wrong with a markets-service call. Closed: every failure of the client is one of these.</summary>
public enum MarketsErrorKind
{
    /// <summary>400: the exchange rejected the request; <see cref="MarketsApiException.ExchangeMessage"/> is its exact message.</summary>
    Validation,

    /// <summary>404: <c>order not found</c>, <c>active order not found</c> (cancel of a matching/filled order), or an unknown path.</summary>
    NotFound,

    /// <summary>409: duplicate <c>order_id</c> or duplicate <c>(owner_address, nonce)</c>.</summary>
    Duplicate,

    /// <summary>403: e.g. a service-tagged cancel of a protected order-id namespace.</summary>
    Forbidden,

    /// <summary>401: later exchange versions reject unsigned or wrongly signed cancels.</summary>
    Unauthorized,

    /// <summary>5xx.</summary>
    Server,

    /// <summary>Any other non-2xx status (e.g. 405, 413, 429).</summary>
    UnexpectedStatus,

    /// <summary>No complete response within the client's per-request timeout.</summary>
    Timeout,

    /// <summary>Connection refused/reset, DNS or TLS failure, body cut off.</summary>
    Transport,

    /// <summary>A 2xx body that is not what the contract says: not JSON, wrong JSON types, missing fields, an error body.</summary>
    Malformed,

    /// <summary>The request was refused by the client before sending (it would break a wire invariant); nothing was sent.</summary>
    InvalidRequest,
}

/// <summary>
/// A failed markets-service call: the endpoint ("GET /v1/book"), the HTTP status when there was one, the exchange's
/// own message (the <c>error</c> of its body, or the raw text), and for <see cref="MarketsErrorKind.Malformed"/> and
/// <see cref="MarketsErrorKind.InvalidRequest"/> the offending field as a JSON path. Never carries request bodies
/// (so no signature) or credentials.
/// </summary>
public sealed class MarketsApiException : Exception
{
    /// <summary>The exchange's message when the order to cancel is not (or no longer) active.</summary>
    public const string ActiveOrderNotFound = "active order not found";

    public MarketsApiException(MarketsErrorKind kind, string endpoint, int? status, string? exchangeMessage, string? field = null, Exception? inner = null)
        : base(Describe(kind, endpoint, status, exchangeMessage, field), inner)
    {
        Kind = kind;
        Endpoint = endpoint;
        Status = status;
        ExchangeMessage = exchangeMessage;
        Field = field;
    }

    public MarketsErrorKind Kind { get; }

    /// <summary>Method and route template, e.g. "POST /v1/orders/cancel".</summary>
    public string Endpoint { get; }

    public int? Status { get; }

    /// <summary>The exchange's message (exact), or for Malformed/Transport/Timeout a description.</summary>
    public string? ExchangeMessage { get; }

    /// <summary>The offending field (JSON path such as "$.bids[0].expiry") for Malformed and InvalidRequest.</summary>
    public string? Field { get; }

    /// <summary>True for the cancel 404 <c>active order not found</c>: re-check next cycle, never retry blindly.</summary>
    public bool IsActiveOrderNotFound => Kind == MarketsErrorKind.NotFound && ExchangeMessage == ActiveOrderNotFound;

    private static string Describe(MarketsErrorKind kind, string endpoint, int? status, string? message, string? field)
    {
        var text = $"markets-service {endpoint}: {kind}";
        if (status is { } s)
        {
            text += $" (HTTP {s})";
        }

        if (field is not null)
        {
            text += $" field {field}";
        }

        if (!string.IsNullOrEmpty(message))
        {
            text += $": {message}";
        }

        return text;
    }
}
