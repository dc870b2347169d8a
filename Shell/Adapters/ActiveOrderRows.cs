using MarketMaker.Core;
using MarketMaker.Protocol.Markets;

namespace MarketMaker.Shell.Adapters;

/// <summary>
/// An <c>active_orders</c> row in the trader view, the same for every reader of that table (Postgres in production,
/// the paper exchange's in-memory store): engine side (inverted for spot), price, desired and filled amounts → a
/// <see cref="LiveOrder"/> or a <see cref="FinalStatus"/>. A value that does not fit is a typed error naming the
/// source, the column and the order.
/// </summary>
internal static class ActiveOrderRows
{
    public static Side EngineSide(string source, string orderId, string side) => side switch
    {
        "buy" => Side.Buy,
        "sell" => Side.Sell,
        var other => throw Malformed(source, "side", orderId, $"side must be buy or sell, got \"{other}\""),
    };

    public static decimal Number(string source, string column, string orderId, string text) =>
        WireDecimal.TryParse(text, out var value) ? value : throw Malformed(source, column, orderId, $"not a plain decimal: \"{text}\"");

    /// <summary>A live row (status <c>active</c> or <c>matching</c>): Size = desired, Remaining = desired − filled.</summary>
    public static LiveOrder Live(string source, MarketSpec market, string orderId, string nonce, Side engineSide, decimal price, decimal desired, decimal filled, string status, DateTimeOffset createdAt, decimal? expiryUnix = null)
    {
        DateTimeOffset? expiry = null;
        if (expiryUnix is { } e)
        {
            if (e <= 0m || e > 253_402_300_799m)
            {
                throw Malformed(source, "expiry", orderId, $"expiry {WireDecimal.Format(e)} is not a unix time in seconds");
            }

            expiry = DateTimeOffset.FromUnixTimeSeconds((long)decimal.Truncate(e));
        }

        if (filled < 0m || filled > desired)
        {
            throw Malformed(source, "filled_amount", orderId, $"filled {WireDecimal.Format(filled)} is outside 0..desired {WireDecimal.Format(desired)}");
        }

        if (!Nonces.TryParse(nonce, out var parsedNonce))
        {
            throw Malformed(source, "nonce", orderId, $"not a decimal integer nonce within 64 bits: \"{nonce}\"");
        }

        var original = ToTrader(source, market, engineSide, price, desired, orderId);
        var remaining = ToTrader(source, market, engineSide, price, desired - filled, orderId);
        return new LiveOrder(orderId, parsedNonce, original.Side, original.Price, original.Size, remaining.Size, status == "matching", createdAt) { Expiry = expiry };
    }

    /// <summary>How a row ended, or null while it is still live (<c>active</c> or <c>matching</c>).</summary>
    public static FinalStatus? Final(string source, MarketSpec market, string orderId, Side engineSide, decimal price, decimal filled, string status)
    {
        FinalOrderStatus? final = status switch
        {
            "filled" => FinalOrderStatus.Filled,
            "cancelled" => FinalOrderStatus.Cancelled,
            "expired" => FinalOrderStatus.Expired,
            "active" or "matching" => null,
            _ => throw Malformed(source, "status", orderId, $"unknown status \"{status}\""),
        };
        if (final is not { } finalStatus)
        {
            return null;
        }

        if (filled < 0m)
        {
            throw Malformed(source, "filled_amount", orderId, "negative filled amount");
        }

        return new FinalStatus(finalStatus, ToTrader(source, market, engineSide, price, filled, orderId).Size);
    }

    public static DataSourceException Malformed(string source, string column, string orderId, string message) =>
        new(source, $"active_orders.{column}", DataSourceErrorKind.Malformed, $"order {orderId}: {message}");

    private static TraderQuantity ToTrader(string source, MarketSpec market, Side engineSide, decimal price, decimal amount, string orderId)
    {
        try
        {
            return OrderUnits.ToTrader(market, engineSide, price, amount);
        }
        catch (OrderUnitsException ex)
        {
            throw Malformed(source, ex.Field == "engine_price" ? "limit_price" : "desired_amount", orderId, ex.Detail);
        }
    }
}
