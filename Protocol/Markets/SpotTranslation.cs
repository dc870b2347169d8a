using System.Numerics;
using MarketMaker.Core;

namespace MarketMaker.Protocol.Markets;

/// <summary>
/// USDCcNGN-SPOT translation between the trader view (price in cNGN per USDC, size in USDC, buy = acquire USDC)
/// and the engine view (price in USDC per cNGN, amount in whole cNGN, buy = acquire cNGN),
/// markets-service-api.md §3 and behaviour.md §9. Pure and exact: the arithmetic is done on integers.
/// </summary>
public static class SpotTranslation
{
    /// <summary>Decimals of the engine price (tick 1e-18).</summary>
    public const int EnginePriceDecimals = 18;

    /// <summary>Decimals kept when reading back (trader price and trader size).</summary>
    public const int ReadBackDecimals = 18;

    /// <summary>10^18, the scale of signed amounts.</summary>
    public static readonly BigInteger Wei = BigInteger.Pow(10, 18);

    /// <summary>The engine side is the trader side inverted (trader buy USDC = engine sell cNGN). An involution.</summary>
    public static Side InvertSide(Side side) => side.Opposite();

    /// <summary>
    /// Engine price ticks (engine price × 1e18) = 1 / trader price quantised to 18 decimals, half-up.
    /// Example: 1600 → 625000000000000 (0.000625); 1601 → 624609618988132 (0.000624609618988132).
    /// </summary>
    public static BigInteger EnginePriceTicks(decimal traderPrice)
    {
        if (traderPrice <= 0m)
        {
            throw new OrderUnitsException("price", $"trader price must be greater than zero, got {WireDecimal.Format(traderPrice)}");
        }

        var (mantissa, scale) = WireDecimal.Decompose(traderPrice);
        var ticks = WireDecimal.RoundedQuotient(BigInteger.Pow(10, EnginePriceDecimals + scale), mantissa, DecimalRounding.HalfUp);
        if (ticks.IsZero)
        {
            throw new OrderUnitsException("price", $"trader price {WireDecimal.Format(traderPrice)} is too large: 1/price rounds to zero at 18 decimals");
        }

        return ticks;
    }

    /// <summary>Engine amount = floor(size × trader price), whole cNGN. Not checked against the minimum of 1.</summary>
    public static BigInteger EngineAmount(decimal traderPrice, decimal traderSize)
    {
        if (traderPrice <= 0m)
        {
            throw new OrderUnitsException("price", $"trader price must be greater than zero, got {WireDecimal.Format(traderPrice)}");
        }

        if (traderSize <= 0m)
        {
            throw new OrderUnitsException("size", $"trader size must be greater than zero, got {WireDecimal.Format(traderSize)}");
        }

        var (pm, ps) = WireDecimal.Decompose(traderPrice);
        var (sm, ss) = WireDecimal.Decompose(traderSize);
        return pm * sm / BigInteger.Pow(10, ps + ss);
    }

    /// <summary>
    /// Trader order → engine order:
    /// side inverted; engine price = 1/price quantised to 18 dp half-up (body <c>limit_price</c>, canonical text);
    /// engine amount = floor(size × price) whole cNGN, at least 1 (body <c>desired_amount</c>);
    /// signed limitPrice = engine price × 1e18 (the ticks); signed desiredAmount = engine amount × 1e18.
    /// Throws <see cref="OrderUnitsException"/> naming the field when price or size is not positive,
    /// the price is out of range, or size × price is below one whole cNGN.
    /// </summary>
    public static EngineOrderValues ToEngine(Side traderSide, decimal traderPrice, decimal traderSize)
    {
        var ticks = EnginePriceTicks(traderPrice);
        var amount = EngineAmount(traderPrice, traderSize);
        if (amount < BigInteger.One)
        {
            throw new OrderUnitsException(
                "size",
                $"size {WireDecimal.Format(traderSize)} USDC at {WireDecimal.Format(traderPrice)} cNGN/USDC is less than 1 whole cNGN; the spot engine trades whole cNGN only");
        }

        decimal enginePrice;
        try
        {
            enginePrice = WireDecimal.FromMantissa(ticks, EnginePriceDecimals);
        }
        catch (OverflowException)
        {
            throw new OrderUnitsException("price", $"trader price {WireDecimal.Format(traderPrice)} is too small: its engine price does not fit a decimal");
        }

        return new EngineOrderValues(
            InvertSide(traderSide),
            WireDecimal.Format(enginePrice),
            amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ticks,
            amount * Wei);
    }

    /// <summary>
    /// Engine → trader read-back (book rows, trades, active_orders):
    /// side inverted; trader price = 1 / engine price rounded half-up to 18 decimals (fewer only when the value
    /// needs more than decimal's 28-29 significant digits); trader size = engine amount × engine price, rounded
    /// down to 18 decimals — exact for whole-cNGN amounts and 18-dp engine prices, i.e. the USDC the engine order
    /// exchanges at its own limit price.
    /// </summary>
    public static TraderQuantity ToTrader(Side engineSide, decimal enginePrice, decimal engineAmount)
    {
        if (enginePrice <= 0m)
        {
            throw new OrderUnitsException("engine_price", $"engine price must be greater than zero, got {WireDecimal.Format(enginePrice)}");
        }

        if (engineAmount < 0m)
        {
            throw new OrderUnitsException("engine_amount", $"engine amount must not be negative, got {WireDecimal.Format(engineAmount)}");
        }

        var (em, es) = WireDecimal.Decompose(enginePrice);
        var (am, scale) = WireDecimal.Decompose(engineAmount);
        if (!WireDecimal.TryDivide(BigInteger.Pow(10, es), em, ReadBackDecimals, DecimalRounding.HalfUp, out var price))
        {
            throw new OrderUnitsException("engine_price", $"engine price {WireDecimal.Format(enginePrice)} is too small to read back as a trader price");
        }

        if (!WireDecimal.TryDivide(am * em, BigInteger.Pow(10, es + scale), ReadBackDecimals, DecimalRounding.Down, out var size))
        {
            throw new OrderUnitsException("engine_amount", $"engine amount {WireDecimal.Format(engineAmount)} is too large to read back");
        }

        return new TraderQuantity(InvertSide(engineSide), price, size);
    }
}
