using System.Globalization;
using System.Numerics;
using MarketMaker.PaperExchange.Signatures;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.PaperExchange.Wire;

namespace MarketMaker.PaperExchange.Orders;

/// <summary>Outcome of an order operation: HTTP status, the row (2xx) or the exact error string.</summary>
public sealed record OrderResult(int Status, OrderRow? Order, string? Error)
{
    public bool Ok => Status is >= 200 and < 300;

    public static OrderResult Fail(int status, string error) => new(status, null, error);
}

/// <summary>Signature settings (ENFORCE_ORDER_SIGNATURES / ENFORCE_CANCEL_SIGNATURES of the later markets-service).</summary>
public sealed record SignaturePolicy(bool VerifyOrders, bool RequireSignedCancels, IOrderSignatureVerifier? Verifier, MatchingDomain Domain);

/// <summary>
/// Order entry and cancel as the markets-service handlers do them (§1.6, §1.7, §2, §4): validation, signature
/// checks, insert with 201/409/500, cancel by owner + nonce with 404/403/401. Used by the HTTP API and by the
/// exchange's own participants (which skip the signature check).
/// </summary>
public sealed class OrderService
{
    public const string NotAuthorized = "signature does not authorize this action";

    private readonly IExchangeStore _store;
    private readonly OrderValidator _validator;
    private readonly SignaturePolicy _signatures;
    private readonly SessionKeyRegistry _sessionKeys;
    private readonly IReadOnlyList<string> _protectedPrefixes;
    private readonly TimeProvider _clock;
    private long _duplicatesRejected;

    public OrderService(IExchangeStore store, OrderValidator validator, SignaturePolicy signatures, SessionKeyRegistry sessionKeys, IReadOnlyList<string> protectedPrefixes, TimeProvider clock)
    {
        _store = store;
        _validator = validator;
        _signatures = signatures;
        _sessionKeys = sessionKeys;
        _protectedPrefixes = protectedPrefixes;
        _clock = clock;
    }

    /// <summary>Orders rejected with 409 (a reused order id or (owner, nonce)) since the exchange started.</summary>
    public long DuplicatesRejected => Interlocked.Read(ref _duplicatesRejected);

    /// <summary>POST /v1/orders. <paramref name="verifySignature"/> false is for the exchange's own participants only.</summary>
    public async Task<OrderResult> CreateAsync(CreateOrderRequest request, bool verifySignature, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var validation = _validator.Validate(request, now.ToUnixTimeSeconds());
        if (validation.Order is not { } order)
        {
            return OrderResult.Fail(400, validation.Error!);
        }

        if (verifySignature && _signatures.VerifyOrders && !ActionIsAuthorized(order.Action, request.Signature))
        {
            return OrderResult.Fail(400, NotAuthorized);
        }

        InsertOrderResult inserted;
        try
        {
            inserted = await _store.InsertOrderAsync(order.Row with { CreatedAt = now }, ct);
        }
        catch (StoreException e)
        {
            return OrderResult.Fail(500, e.Message);
        }

        if (inserted.Outcome == InsertOutcome.Duplicate)
        {
            Interlocked.Increment(ref _duplicatesRejected);
        }

        return inserted.Outcome switch
        {
            InsertOutcome.Inserted => new OrderResult(201, inserted.Row, null),
            InsertOutcome.Duplicate => OrderResult.Fail(409, $"duplicate order: {inserted.Error}"),
            _ => OrderResult.Fail(500, inserted.Error ?? "failed to create order"),
        };
    }

    private bool ActionIsAuthorized(ActionFields a, string signatureHex)
    {
        var verifier = _signatures.Verifier ?? throw new InvalidOperationException("order signature verification is on but no verifier is configured");
        if (!GoText.TryParseUInt(a.SubaccountId, out var subaccount) ||
            !GoText.TryParseUInt(a.Nonce, out var nonce) ||
            !GoText.TryParseUInt(a.Expiry, out var expiry) ||
            !GoText.IsAddress(a.Module) || !GoText.IsAddress(a.Owner) || !GoText.IsAddress(a.Signer) ||
            !GoText.TryDecodeHex(a.Data, out var data, out _) ||
            !GoText.TryDecodeHex(signatureHex, out var signature, out _))
        {
            return false;
        }

        var owner = a.Owner.ToLowerInvariant();
        var signer = a.Signer.ToLowerInvariant();
        var action = new SignedAction(subaccount, nonce, a.Module.ToLowerInvariant(), data, expiry, owner, signer, signature);
        return verifier.VerifyAction(_signatures.Domain, action) && _sessionKeys.IsAuthorized(owner, signer);
    }

    /// <summary>POST /v1/orders/cancel after body decoding: required fields, signed-cancel checks, lookup, namespace guard, update.</summary>
    public async Task<OrderResult> CancelAsync(CancelOrderRequest request, CancellationToken ct)
    {
        var owner = request.OwnerAddress.Trim().ToLowerInvariant();
        if (owner.Length == 0)
        {
            return OrderResult.Fail(400, "owner_address is required");
        }

        var nonce = request.Nonce.Trim();
        if (nonce.Length == 0)
        {
            return OrderResult.Fail(400, "nonce is required");
        }

        if (_signatures.RequireSignedCancels && CancelSignatureError(request, owner, nonce) is { } signatureError)
        {
            return OrderResult.Fail(401, signatureError);
        }

        return await CancelUncheckedAsync(owner, nonce, request.Service, ct);
    }

    /// <summary>Cancel without the signature policy (internal participants).</summary>
    public async Task<OrderResult> CancelUncheckedAsync(string owner, string nonce, string service, CancellationToken ct)
    {
        OrderRow? target;
        try
        {
            target = await _store.FindActiveByOwnerNonceAsync(owner, nonce, ct);
        }
        catch (StoreException)
        {
            return OrderResult.Fail(500, "failed to resolve cancel target");
        }

        if (target is null)
        {
            return OrderResult.Fail(404, "active order not found");
        }

        if (!string.IsNullOrWhiteSpace(service))
        {
            var id = target.OrderId.ToLowerInvariant();
            var prefix = _protectedPrefixes.FirstOrDefault(p => p.Length > 0 && id.StartsWith(p.ToLowerInvariant(), StringComparison.Ordinal));
            if (prefix is not null)
            {
                return OrderResult.Fail(403, $"service-tagged cancels are not allowed for protected namespace \"{prefix}\"");
            }
        }

        try
        {
            var cancelled = await _store.CancelActiveByOwnerNonceAsync(owner, nonce, ct);
            return cancelled is null ? OrderResult.Fail(404, "active order not found") : new OrderResult(200, cancelled, null);
        }
        catch (StoreException)
        {
            return OrderResult.Fail(500, "failed to cancel order");
        }
    }

    private string? CancelSignatureError(CancelOrderRequest request, string owner, string nonce)
    {
        if (string.IsNullOrWhiteSpace(request.Signature))
        {
            return "cancel must be signed";
        }

        var signer = string.IsNullOrWhiteSpace(request.SignerAddress) ? owner : request.SignerAddress.Trim().ToLowerInvariant();
        if (signer != owner)
        {
            return "cancel signer must be the owner";
        }

        if (!long.TryParse(request.Expiry.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var expiry) || expiry <= _clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return "cancel expiry: must be in the future";
        }

        var verifier = _signatures.Verifier ?? throw new InvalidOperationException("cancel signatures are required but no verifier is configured");
        if (!GoText.IsAddress(owner) ||
            !GoText.TryParseUInt(nonce, out var nonceValue) ||
            !GoText.TryDecodeHex(request.Signature.Trim(), out var signature, out _) ||
            !verifier.VerifyCancel(_signatures.Domain, new SignedCancel(owner, signer, nonceValue, new BigInteger(expiry), signature)))
        {
            return "signature does not authorize this cancel";
        }

        return null;
    }
}
