using System.Numerics;

namespace MarketMaker.PaperExchange.Storage;

/// <summary>Order statuses of <c>active_orders.status</c> (markets-service-api.md §5.1).</summary>
public static class OrderStatus
{
    public const string Active = "active";
    public const string Matching = "matching";
    public const string Filled = "filled";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
}

/// <summary>
/// One <c>active_orders</c> row as the API reads it back (numeric columns as their numeric text).
/// <see cref="ActionJson"/> is the stored jsonb text; <see cref="CreatedAt"/> has microsecond precision.
/// </summary>
public sealed record OrderRow(
    string OrderId,
    string OwnerAddress,
    string SignerAddress,
    string SubaccountId,
    string RecipientId,
    string Nonce,
    string Side,
    string AssetAddress,
    string SubId,
    string DesiredAmount,
    string FilledAmount,
    string LimitPrice,
    string WorstFee,
    long Expiry,
    string ActionJson,
    string Signature,
    string Status,
    DateTimeOffset CreatedAt,
    string? LimitPriceTicks)
{
    /// <summary>Limit price in ticks (0 when the column is null or unparsable).</summary>
    public BigInteger Ticks => BigInteger.TryParse(LimitPriceTicks, out var t) ? t : BigInteger.Zero;

    public bool IsBuy => Side == "buy";
}

/// <summary>One <c>trade_fills</c> row.</summary>
public sealed record TradeRow(
    long TradeId,
    string AssetAddress,
    string SubId,
    string Price,
    string Size,
    string AggressorSide,
    string TakerOrderId,
    string MakerOrderId,
    DateTimeOffset CreatedAt);

/// <summary>
/// <c>stats_24h</c> as numeric text; each null when there were no trades in the window.
/// </summary>
public sealed record TradeStats(string? Last, string? High, string? Low, string? Volume, string? Change)
{
    public static TradeStats Empty { get; } = new(null, null, null, null, null);
}

/// <summary>Per-market counts for <c>GET /debug/markets</c> (open counts include <c>matching</c>).</summary>
public sealed record MarketCounts(int OpenBids, int OpenAsks, long TradeCount, DateTimeOffset? LastTradeAt);

/// <summary>The best bid and best ask, both reserved (<c>matching</c>) by the matcher.</summary>
public sealed record MatchCandidate(OrderRow Bid, OrderRow Ask);

/// <summary>A fill to finalize: both rows must still be <c>matching</c>.</summary>
public sealed record FinalizeFill(string TakerOrderId, string MakerOrderId, BigInteger FillAtomic, DateTimeOffset CreatedAt);

/// <summary>Both orders after the fill and the trade row written.</summary>
public sealed record FinalizedFill(OrderRow Taker, OrderRow Maker, TradeRow Trade);

public enum InsertOutcome
{
    Inserted,
    Duplicate,
    Failed,
}

/// <summary>
/// Result of inserting an order. <see cref="Error"/> is the database's text for Duplicate/Failed, in the
/// pgx wording the markets-service returns (<c>ERROR: … (SQLSTATE 23505)</c>).
/// </summary>
public sealed record InsertOrderResult(InsertOutcome Outcome, OrderRow? Row, string? Error)
{
    public static InsertOrderResult Ok(OrderRow row) => new(InsertOutcome.Inserted, row, null);

    public static InsertOrderResult DuplicateKey(string constraint) =>
        new(InsertOutcome.Duplicate, null, $"ERROR: duplicate key value violates unique constraint \"{constraint}\" (SQLSTATE 23505)");

    public static InsertOrderResult Failure(string message, string sqlState) => new(InsertOutcome.Failed, null, $"ERROR: {message} (SQLSTATE {sqlState})");
}

/// <summary>The store could not do the operation (database down, SQL error, injected fault).</summary>
public sealed class StoreException : Exception
{
    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
