using System.Numerics;
using MarketMaker.Core;

namespace MarketMaker.Protocol.Markets;

/// <summary>
/// A trader-view quantity that cannot be turned into a valid engine order (or an engine value that cannot be
/// read back). <see cref="Field"/> names the input ("price", "size", "engine_price", "engine_amount", ...).
/// </summary>
public sealed class OrderUnitsException : Exception
{
    public OrderUnitsException(string field, string message)
        : base($"{field}: {message}")
    {
        Field = field;
        Detail = message;
    }

    public string Field { get; }

    public string Detail { get; }
}

/// <summary>
/// The values of one order as the engine stores and the chain signs them.
/// <see cref="LimitPrice"/> and <see cref="DesiredAmount"/> go in the POST /v1/orders body;
/// <see cref="SignedLimitPrice"/>, <see cref="SignedDesiredAmount"/> and <see cref="IsBid"/> go in the
/// ABI-encoded TradeData that is signed (markets-service-api.md §2 "canonical scales").
/// </summary>
public sealed record EngineOrderValues(
    Side EngineSide,
    string LimitPrice,
    string DesiredAmount,
    BigInteger SignedLimitPrice,
    BigInteger SignedDesiredAmount)
{
    /// <summary>TradeData.isBid: true exactly when the engine side is buy.</summary>
    public bool IsBid => EngineSide == Side.Buy;

    /// <summary>The body's <c>side</c> field ("buy"/"sell", engine side).</summary>
    public string SideWire => EngineSide.Wire();
}

/// <summary>A quantity read back from the engine, in the trader view.</summary>
public readonly record struct TraderQuantity(Side Side, decimal Price, decimal Size);

/// <summary>
/// Units of the dated cNGN futures (trader view = engine view), markets-service-api.md §2 and §7.1:
/// amount step 0.001 (one lot), price tick 1. The body carries the human amount, the engine stores lots
/// (atomic = amount / 0.001), and the signed data carries amount × 1e18 and price × 1e18.
/// </summary>
public static class FuturesUnits
{
    /// <summary>One lot, the amount step.</summary>
    public const decimal LotSize = 0.001m;

    /// <summary>The price tick of the cNGN futures.</summary>
    public const decimal DefaultTick = 1m;

    /// <summary>Lots for a size: floor(size / 0.001).</summary>
    public static BigInteger Lots(decimal size)
    {
        if (size <= 0m)
        {
            throw new OrderUnitsException("size", $"size must be greater than zero, got {WireDecimal.Format(size)}");
        }

        var (mantissa, scale) = WireDecimal.Decompose(size);
        return mantissa * 1000 / BigInteger.Pow(10, scale);
    }

    /// <summary>
    /// Trader order → engine order (same side): body <c>desired_amount</c> = floor(size / 0.001) × 0.001 (canonical text),
    /// signed desiredAmount = that amount × 1e18 (= lots × 1e15); body <c>limit_price</c> = price (canonical text),
    /// signed limitPrice = price × 1e18. Throws <see cref="OrderUnitsException"/> when the size is below one lot,
    /// the price is not positive, or the price is not a multiple of <paramref name="tick"/>.
    /// </summary>
    public static EngineOrderValues ToEngine(Side side, decimal price, decimal size, decimal tick = DefaultTick)
    {
        if (tick <= 0m)
        {
            throw new OrderUnitsException("tick_size", $"tick size must be greater than zero, got {WireDecimal.Format(tick)}");
        }

        if (price <= 0m)
        {
            throw new OrderUnitsException("price", $"price must be greater than zero, got {WireDecimal.Format(price)}");
        }

        if (price % tick != 0m)
        {
            throw new OrderUnitsException("price", $"price {WireDecimal.Format(price)} is not a multiple of the tick {WireDecimal.Format(tick)}");
        }

        if (!WireDecimal.TryScaleToInteger(price, 18, out var signedPrice))
        {
            throw new OrderUnitsException("price", $"price {WireDecimal.Format(price)} has more than 18 decimals");
        }

        var lots = Lots(size);
        if (lots < BigInteger.One)
        {
            throw new OrderUnitsException("size", $"size {WireDecimal.Format(size)} is below the 0.001 amount step");
        }

        var amount = WireDecimal.FromMantissa(lots, 3);
        return new EngineOrderValues(
            side,
            WireDecimal.Format(price),
            WireDecimal.Format(amount),
            signedPrice,
            lots * BigInteger.Pow(10, 15));
    }

    /// <summary>Trader size of an engine amount in lots: lots × 0.001 (exact).</summary>
    public static decimal SizeFromLots(decimal lots) => lots * LotSize;

    /// <summary>Engine → trader read-back: side and price unchanged, size = lots × 0.001.</summary>
    public static TraderQuantity ToTrader(Side side, decimal price, decimal lots)
    {
        if (price <= 0m)
        {
            throw new OrderUnitsException("engine_price", $"price must be greater than zero, got {WireDecimal.Format(price)}");
        }

        if (lots < 0m)
        {
            throw new OrderUnitsException("engine_amount", $"amount must not be negative, got {WireDecimal.Format(lots)}");
        }

        return new TraderQuantity(side, price, SizeFromLots(lots));
    }
}

/// <summary>Dispatches to <see cref="SpotTranslation"/> or <see cref="FuturesUnits"/> by market kind.</summary>
public static class OrderUnits
{
    /// <summary>Trader order → engine body and signed values for the market.</summary>
    public static EngineOrderValues ToEngine(MarketSpec market, Side traderSide, decimal price, decimal size) =>
        market.IsSpot
            ? SpotTranslation.ToEngine(traderSide, price, size)
            : FuturesUnits.ToEngine(traderSide, price, size, market.TickSize);

    /// <summary>The trader side of an engine side in the market (inverted for spot).</summary>
    public static Side TraderSide(MarketSpec market, Side engineSide) =>
        market.IsSpot ? SpotTranslation.InvertSide(engineSide) : engineSide;

    /// <summary>
    /// An engine price (the stored / displayed <c>limit_price</c>, or a trade price) and an atomic amount
    /// (whole cNGN for spot, lots for futures) in the trader view.
    /// </summary>
    public static TraderQuantity ToTrader(MarketSpec market, Side engineSide, decimal enginePrice, decimal atomicAmount) =>
        market.IsSpot
            ? SpotTranslation.ToTrader(engineSide, enginePrice, atomicAmount)
            : FuturesUnits.ToTrader(engineSide, enginePrice, atomicAmount);
}
