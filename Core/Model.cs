using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>Trader-view side. Wire strings are "buy" and "sell".</summary>
public enum Side
{
    Buy,
    Sell,
}

public enum MarketKind
{
    Spot,
    Future,
}

public enum OperatorMode
{
    Normal,
    BidOnly,
    AskOnly,
    Pause,
    DryRunHealth,
}

public enum AnchorSourceType
{
    None,
    Fixed,
    Http,
    OracleCarry,
}

public enum ReferenceSource
{
    None,
    Book,
    Trade,
    Anchor,
    External,

    /// <summary>The last accepted reference, held for at most <c>ReferencePricing.ReferenceHold</c> while none is found (docs/hostile-input.md, rule 8).</summary>
    Held,
}

/// <summary>The reference price of a decision (behaviour.md §3): found, with the source it came from, or none. Closed.</summary>
public abstract record Reference
{
    private Reference()
    {
    }

    /// <summary>The price, or null when there is none (for what is defined without one: P&amp;L marks, the spread metric).</summary>
    public decimal? Price => this is Found f ? f.Value : null;

    /// <summary>Where the price came from; <see cref="ReferenceSource.None"/> when there is none.</summary>
    public ReferenceSource Source => this is Found f ? f.From : ReferenceSource.None;

    public static Reference Of(decimal? price, ReferenceSource source) => price is { } p ? new Found(source, p) : Absent.Value;

    /// <summary>No book mid, fresh trade or anchor: the decision halts (reference price unavailable).</summary>
    public sealed record Absent : Reference
    {
        public static readonly Absent Value = new();
    }

    public sealed record Found(ReferenceSource From, decimal Value) : Reference;
}

public static class Sides
{
    public static string Wire(this Side side) => side == Side.Buy ? "buy" : "sell";

    public static Side Opposite(this Side side) => side == Side.Buy ? Side.Sell : Side.Buy;

    public static bool TryParse(string? text, out Side side)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "buy":
                side = Side.Buy;
                return true;
            case "sell":
                side = Side.Sell;
                return true;
            default:
                side = Side.Buy;
                return false;
        }
    }

    public static string Wire(this ReferenceSource source) => source switch
    {
        ReferenceSource.Book => "book",
        ReferenceSource.Trade => "trade",
        ReferenceSource.Anchor => "anchor",
        ReferenceSource.External => "external",
        ReferenceSource.Held => "held",
        _ => "none",
    };

    public static string Wire(this OperatorMode mode) => mode switch
    {
        OperatorMode.BidOnly => "bid-only",
        OperatorMode.AskOnly => "ask-only",
        OperatorMode.Pause => "pause",
        OperatorMode.DryRunHealth => "dry-run-health",
        _ => "normal",
    };
}

/// <summary>
/// Market rules as data, in the trader view (price in quote per base, size in base).
/// For the spot market the engine tick and step differ; the shell translates.
/// </summary>
public sealed record MarketSpec(
    string Symbol,
    MarketKind Kind,
    decimal TickSize,
    decimal SizeStep,
    decimal MinSize,
    string BaseAsset,
    string QuoteAsset)
{
    public const string SpotSymbol = "USDCcNGN-SPOT";

    public bool IsSpot => Kind == MarketKind.Spot;

    /// <summary>The spec the bot uses for a symbol when the exchange gives the tick.</summary>
    public static MarketSpec For(string symbol, decimal tickSize) =>
        symbol == SpotSymbol
            ? new MarketSpec(symbol, MarketKind.Spot, tickSize, 0.000001m, 0.000001m, "USDC", "cNGN")
            : new MarketSpec(symbol, MarketKind.Future, tickSize, 0.001m, 0.001m, "USDC", "cNGN");
}

/// <summary>One order resting in the public book, trader view.</summary>
public sealed record BookOrder(
    string OrderId,
    string OwnerAddress,
    Side Side,
    decimal Price,
    decimal RemainingSize,
    DateTimeOffset CreatedAt);

/// <summary>One public trade, trader view. Aggressor side is the taker's trader side.</summary>
public sealed record Trade(
    long TradeId,
    decimal Price,
    decimal Size,
    Side AggressorSide,
    string TakerOrderId,
    string MakerOrderId,
    DateTimeOffset CreatedAt);

/// <summary>Book (bids best first, asks best first) and recent trades (newest first).</summary>
public sealed record MarketData(
    ImmutableArray<BookOrder> Bids,
    ImmutableArray<BookOrder> Asks,
    ImmutableArray<Trade> Trades)
{
    public static readonly MarketData Empty = new([], [], []);
}

/// <summary>A live order of our owner+subaccount in the market (Postgres active_orders), trader view.</summary>
public sealed record LiveOrder(
    string OrderId,
    long Nonce,
    Side Side,
    decimal Price,
    decimal Size,
    decimal Remaining,
    bool Matching,
    DateTimeOffset CreatedAt)
{
    /// <summary>The order's expiry (active_orders.expiry); null when not known.</summary>
    public DateTimeOffset? Expiry { get; init; }
}

/// <summary>
/// Balances of the subaccount: totals from chain, 1e18 already applied.
/// Spot: base = USDC cash, quote = cNGN. Futures: base = position (inventory), quote = cash margin.
/// </summary>
public sealed record Balances(decimal BaseTotal, decimal QuoteTotal);

/// <summary>A price from an anchor source. ObservedAt is the value's own time (e.g. oracle updatedAt).</summary>
public sealed record AnchorReading(decimal Price, DateTimeOffset ObservedAt);

/// <summary>
/// One input as the shell last saw it: the last good value, when it was fetched, and whether
/// this cycle's fetch succeeded. A failed fetch keeps the previous value and its age.
/// </summary>
public sealed record Input<T>(T? Value, DateTimeOffset? FetchedAt, bool FreshThisCycle, string? Error = null)
    where T : class
{
    public static readonly Input<T> Missing = new(null, null, false);

    public static Input<T> Fresh(T value, DateTimeOffset at) => new(value, at, true);

    /// <summary>The same last value, marked as not refreshed this cycle.</summary>
    public Input<T> Failed(string error) => this with { FreshThisCycle = false, Error = error };

    public bool HasValue => Value is not null;
}

public enum FinalOrderStatus
{
    Filled,
    Cancelled,
    Expired,
    NotFound,
}

/// <summary>The final row of an order that left the live set (trader-view filled size).</summary>
public sealed record FinalStatus(FinalOrderStatus Status, decimal FilledSize);

/// <summary>Everything the core needs for one decision. Time enters as a value.</summary>
public sealed record Snapshot(
    DateTimeOffset Now,
    MarketSpec Market,
    Input<MarketData> MarketData,
    Input<LiveOrders> Orders,
    Input<Balances> Balances,
    Input<AnchorReading> Anchor,
    Input<AnchorReading> ExternalAnchor,
    bool KillSwitchPresent,
    ImmutableSortedDictionary<string, FinalStatus> FinalStatuses);

/// <summary>Wrapper so the live-order list can be an <see cref="Input{T}"/>.</summary>
public sealed record LiveOrders(ImmutableArray<LiveOrder> Items)
{
    public static readonly LiveOrders Empty = new(ImmutableArray<LiveOrder>.Empty);
}
