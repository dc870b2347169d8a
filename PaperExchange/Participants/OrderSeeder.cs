using System.Globalization;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Orders;
using MarketMaker.PaperExchange.Storage;

namespace MarketMaker.PaperExchange.Participants;

/// <summary>
/// An engine-view order to rest on the book (same units as a POST /v1/orders body). Unset fields are filled in:
/// nonce (a fresh one), order id <c>seed:&lt;market&gt;:&lt;side&gt;:&lt;nonce&gt;</c>, expiry (now + 1 h).
/// </summary>
public sealed record SeedOrder
{
    /// <summary>Symbol or alias.</summary>
    public required string Market { get; init; }

    /// <summary>Engine side, "buy" or "sell".</summary>
    public required string Side { get; init; }

    /// <summary>Engine price as a body decimal (spot: USDC per cNGN; futures: integer ticks of 1).</summary>
    public required string LimitPrice { get; init; }

    /// <summary>Body amount (spot: whole cNGN; futures: multiples of 0.001).</summary>
    public required string DesiredAmount { get; init; }

    public string Owner { get; init; } = OrderSeeder.DefaultOwner;

    public string SubaccountId { get; init; } = "1";

    public string? Nonce { get; init; }

    public string? OrderId { get; init; }

    public long? Expiry { get; init; }

    public string FilledAmount { get; init; } = "0";
}

/// <summary>The exchange refused a seeded order; <see cref="Status"/> and the exact API error.</summary>
public sealed class SeedOrderRejectedException : Exception
{
    public SeedOrderRejectedException(int status, string error)
        : base($"seeded order rejected ({status}): {error}")
    {
        Status = status;
        Error = error;
    }

    public int Status { get; }

    public string Error { get; }
}

/// <summary>
/// Places resting orders of other participants directly (no HTTP, no signature check) through the same
/// validation as POST /v1/orders. For tests, demos and the integration harness.
/// </summary>
public sealed class OrderSeeder
{
    /// <summary>Owner of seeded orders unless given.</summary>
    public const string DefaultOwner = "0x5eed00000000000000000000000000000000a11c";

    private readonly OrderService _orders;
    private readonly MarketRegistry _markets;
    private readonly string _tradeModule;
    private readonly TimeProvider _clock;
    private long _nextNonce;

    public OrderSeeder(OrderService orders, MarketRegistry markets, string tradeModule, TimeProvider clock)
    {
        _orders = orders;
        _markets = markets;
        _tradeModule = tradeModule;
        _clock = clock;
        _nextNonce = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }

    /// <summary>A nonce never handed out before by this seeder (microsecond-clock based, increasing).</summary>
    public string NextNonce() => Interlocked.Increment(ref _nextNonce).ToString(CultureInfo.InvariantCulture);

    /// <summary>Places an engine-view order; throws <see cref="SeedOrderRejectedException"/> with the API's error.</summary>
    public async Task<OrderRow> PlaceAsync(SeedOrder order, CancellationToken ct = default)
    {
        var market = _markets.BySymbol(order.Market) is { IsActive: true } m
            ? m
            : throw new SeedOrderRejectedException(400, $"market \"{order.Market}\" is not an enabled market of this exchange");
        var nonce = order.Nonce ?? NextNonce();
        var request = InternalOrders.EngineOrder(
            market,
            _tradeModule,
            order.Owner,
            order.SubaccountId,
            nonce,
            order.OrderId ?? $"seed:{market.Symbol}:{order.Side}:{nonce}",
            order.Side,
            order.LimitPrice,
            order.DesiredAmount,
            order.Expiry ?? _clock.GetUtcNow().ToUnixTimeSeconds() + 3600,
            order.FilledAmount);
        var result = await _orders.CreateAsync(request, verifySignature: false, ct);
        return result.Ok ? result.Order! : throw new SeedOrderRejectedException(result.Status, result.Error!);
    }

    /// <summary>Places a trader-view order (spot translated to the engine view as the bot does).</summary>
    public Task<OrderRow> PlaceTraderOrderAsync(string market, string traderSide, decimal price, decimal size, string? owner = null, string subaccountId = "1", CancellationToken ct = default)
    {
        var m = _markets.BySymbol(market) ?? throw new SeedOrderRejectedException(400, $"market \"{market}\" is unknown");
        var (side, limit, amount) = InternalOrders.FromTraderView(m, traderSide, price, size);
        return PlaceAsync(new SeedOrder { Market = market, Side = side, LimitPrice = limit, DesiredAmount = amount, Owner = owner ?? DefaultOwner, SubaccountId = subaccountId }, ct);
    }

    /// <summary>Cancels an order of any owner by owner + nonce (no signature needed).</summary>
    public Task<OrderResult> CancelAsync(string owner, string nonce, CancellationToken ct = default) =>
        _orders.CancelUncheckedAsync(owner.ToLowerInvariant(), nonce, "", ct);
}
