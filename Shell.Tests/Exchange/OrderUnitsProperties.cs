using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;

namespace MarketMaker.Shell.Tests.Exchange;

/// <summary>Generators of trader-view prices and sizes (decimals with at most 6 fractional digits).</summary>
internal static class UnitGens
{
    private static readonly Gen<Side> Sides = Gen.Elements(Side.Buy, Side.Sell);

    /// <summary>n / 10^k for k in 0..6, within [0.001, max] (max ≤ 2000 so n fits an int).</summary>
    public static Gen<decimal> SmallPrice(int max) =>
        from k in Gen.Choose(0, 6)
        let scale = (int)Math.Pow(10, k)
        from n in Gen.Choose(Math.Max(1, scale / 1000), max * scale)
        select new decimal(n, 0, 0, false, (byte)k);

    /// <summary>Whole part in [1, 10 000 000] plus 0..6 decimals: prices far beyond the realistic range.</summary>
    public static Gen<decimal> WidePrice() =>
        from whole in Gen.Choose(1, 10_000_000)
        from k in Gen.Choose(0, 6)
        from frac in Gen.Choose(0, (int)Math.Pow(10, k) - 1)
        select whole + new decimal(frac, 0, 0, false, (byte)k);

    /// <summary>
    /// Sizes with 6 decimals: mostly 0..1 000 000 USDC, sometimes whole USDC (so size × price is often a whole
    /// number of cNGN and nothing is floored away), sometimes tiny (below one cNGN at most prices).
    /// </summary>
    public static Gen<decimal> Size() =>
        Gen.Frequency(
            (2, from whole in Gen.Choose(1, 100_000) select (decimal)whole),
            (4, from whole in Gen.Choose(0, 1_000_000)
                from micros in Gen.Choose(0, 999_999)
                select Math.Max(0.000001m, whole + (micros / 1_000_000m))),
            (1, from micros in Gen.Choose(1, 5_000) select micros / 1_000_000m));

    public static Gen<(Side Side, decimal Price, decimal Size)> SpotOrder(int maxPrice) =>
        from side in Sides
        from price in SmallPrice(maxPrice)
        from size in Size()
        select (side, price, size);

    public static Gen<(Side Side, decimal Price, decimal Size)> ValidSpotOrder(int maxPrice) =>
        SpotOrder(maxPrice).Where(o => o.Size * o.Price >= 1m);

    public static Gen<(Side Side, decimal Price, decimal Size)> FuturesOrder() =>
        from side in Sides
        from price in Gen.Choose(1, 1_000_000)
        from whole in Gen.Choose(0, 1_000_000)
        from micros in Gen.Choose(0, 999_999)
        let size = whole + (micros / 1_000_000m)
        where size >= 0.001m
        select (side, (decimal)price, size);

    public static Gen<decimal> AnyDecimal() =>
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        from mid in Gen.Choose(int.MinValue, int.MaxValue)
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from negative in Gen.Elements(true, false)
        from scale in Gen.Choose(0, 28)
        from small in Gen.Elements(true, false)
        select small ? new decimal(lo, 0, 0, negative, (byte)scale) : new decimal(lo, mid, hi, negative, (byte)scale);
}

public sealed class OrderUnitsProperties
{
    private static readonly decimal HalfTick = 0.0000000000000000005m;
    private static readonly decimal Tick = 0.000000000000000001m;

    [Property(MaxTest = 1000)]
    public Property Spot_price_round_trip_is_within_a_relative_1e_15_up_to_1900_cngn_per_usdc() =>
        Prop.ForAll(UnitGens.SmallPrice(1900).ToArbitrary(), price =>
        {
            var engine = SpotTranslation.ToEngine(Side.Buy, price, 1_000_000m);
            var back = SpotTranslation.ToTrader(engine.EngineSide, Parse(engine.LimitPrice), 1m);
            var relative = Math.Abs(back.Price - price) / price;
            Assert.True(relative <= 0.000000000000001m, $"price {price} read back as {back.Price} (relative error {relative})");
        });

    [Property(MaxTest = 1000)]
    public Property Spot_price_round_trip_error_is_bounded_by_the_18_decimal_quantum_at_any_price() =>
        Prop.ForAll(UnitGens.WidePrice().ToArbitrary(), price =>
        {
            // engine price is within half a tick of 1/p, so 1/engine is within about p² × 0.5e-18 of p,
            // plus half a unit of the read-back's last decimal.
            var engine = SpotTranslation.ToEngine(Side.Sell, price, 10_000_000m);
            var back = SpotTranslation.ToTrader(engine.EngineSide, Parse(engine.LimitPrice), 1m);
            var bound = (price * price * HalfTick * 1.000001m) + HalfTick;
            Assert.True(Math.Abs(back.Price - price) <= bound, $"price {price} read back as {back.Price}, bound {bound}");
        });

    [Property(MaxTest = 1000)]
    public Property Spot_size_round_trip_never_increases_and_loses_less_than_one_cngn() =>
        Prop.ForAll(UnitGens.ValidSpotOrder(2000).ToArbitrary(), order =>
        {
            var engine = SpotTranslation.ToEngine(order.Side, order.Price, order.Size);
            var amount = Parse(engine.DesiredAmount);
            var enginePrice = Parse(engine.LimitPrice);
            var back = SpotTranslation.ToTrader(engine.EngineSide, enginePrice, amount);
            var cngn = order.Size * order.Price;

            // In cNGN the engine order never exceeds the trader's notional and is less than one cNGN short of it.
            Assert.True(amount <= cngn && cngn < amount + 1m, $"amount {amount} for notional {cngn}");

            // In USDC the read-back never exceeds the size except by the engine price's rounding (at most amount × 0.5e-18),
            // and never when the engine price was rounded down.
            Assert.True(back.Size <= order.Size + (amount * HalfTick), $"size {order.Size} read back as {back.Size}");
            if (enginePrice * order.Price <= 1m)
            {
                Assert.True(back.Size <= order.Size, $"size {order.Size} read back as {back.Size} with a rounded-down engine price");
            }

            // It is less than one cNGN's worth short (one cNGN = engine price in USDC), up to the same rounding.
            Assert.True(order.Size - back.Size < enginePrice + ((amount + 2m) * Tick), $"size {order.Size} read back as {back.Size}, lost more than one cNGN ({enginePrice} USDC)");
        });

    [Property(MaxTest = 1000)]
    public Property Spot_engine_amount_is_whole_and_at_least_one_or_a_size_error() =>
        Prop.ForAll(UnitGens.SpotOrder(2000).ToArbitrary(), order =>
        {
            var cngn = order.Size * order.Price;
            if (cngn < 1m)
            {
                var ex = Assert.Throws<OrderUnitsException>(() => SpotTranslation.ToEngine(order.Side, order.Price, order.Size));
                Assert.Equal("size", ex.Field);
                Assert.Contains("whole cNGN", ex.Message, StringComparison.Ordinal);
                return;
            }

            var engine = SpotTranslation.ToEngine(order.Side, order.Price, order.Size);
            Assert.Matches("^[1-9][0-9]*$", engine.DesiredAmount);
            var amount = BigInteger.Parse(engine.DesiredAmount, CultureInfo.InvariantCulture);
            Assert.True(amount >= BigInteger.One);
            Assert.Equal(amount * BigInteger.Pow(10, 18), engine.SignedDesiredAmount);
        });

    [Property(MaxTest = 1000)]
    public Property Spot_engine_price_has_at_most_18_decimals_and_is_the_half_up_inverse() =>
        Prop.ForAll(UnitGens.WidePrice().ToArbitrary(), price =>
        {
            var engine = SpotTranslation.ToEngine(Side.Buy, price, 10_000_000m);
            var enginePrice = Parse(engine.LimitPrice);
            Assert.True(WireDecimal.Decompose(enginePrice).Scale <= 18);
            Assert.True(WireDecimal.TryScaleToInteger(enginePrice, 18, out var ticks));
            Assert.Equal(ticks, engine.SignedLimitPrice);

            // price = n / 10^k; half-up means (ticks - 1/2) × n ≤ 10^(18+k) < (ticks + 1/2) × n.
            var (n, k) = WireDecimal.Decompose(price);
            var target = 2 * BigInteger.Pow(10, 18 + k);
            Assert.True(((2 * ticks) - 1) * n <= target && target < ((2 * ticks) + 1) * n, $"ticks {ticks} for price {price}");
        });

    [Property(MaxTest = 1000)]
    public Property Futures_lots_round_trip_to_the_floored_amount() =>
        Prop.ForAll(UnitGens.FuturesOrder().ToArbitrary(), order =>
        {
            var engine = FuturesUnits.ToEngine(order.Side, order.Price, order.Size);
            var amount = Parse(engine.DesiredAmount);
            Assert.True(amount <= order.Size && order.Size - amount < 0.001m, $"size {order.Size} became {amount}");
            var lots = amount * 1000m;
            Assert.Equal(decimal.Truncate(lots), lots);
            Assert.Equal(WireDecimal.Format(amount), engine.DesiredAmount);

            var back = FuturesUnits.ToTrader(engine.EngineSide, Parse(engine.LimitPrice), lots);
            Assert.Equal(new TraderQuantity(order.Side, order.Price, amount), back);
            Assert.Equal(new BigInteger(lots) * BigInteger.Pow(10, 15), engine.SignedDesiredAmount);
            Assert.Equal(new BigInteger(order.Price) * BigInteger.Pow(10, 18), engine.SignedLimitPrice);
        });

    [Property(MaxTest = 1000)]
    public Property Side_inversion_is_an_involution_and_round_trips() =>
        Prop.ForAll(UnitGens.ValidSpotOrder(2000).ToArbitrary(), order =>
        {
            Assert.Equal(order.Side, SpotTranslation.InvertSide(SpotTranslation.InvertSide(order.Side)));
            var engine = SpotTranslation.ToEngine(order.Side, order.Price, order.Size);
            Assert.Equal(order.Side.Opposite(), engine.EngineSide);
            Assert.Equal(engine.EngineSide == Side.Buy, engine.IsBid);
            Assert.Equal(order.Side, SpotTranslation.ToTrader(engine.EngineSide, Parse(engine.LimitPrice), Parse(engine.DesiredAmount)).Side);

            var futures = FuturesUnits.ToEngine(order.Side, 1500m, 1m);
            Assert.Equal(order.Side, futures.EngineSide);
        });

    [Property(MaxTest = 1000)]
    public Property Canonical_decimal_text_parses_back_to_the_same_value() =>
        Prop.ForAll(UnitGens.AnyDecimal().ToArbitrary(), value =>
        {
            var text = WireDecimal.Format(value);
            Assert.DoesNotContain('E', text);
            Assert.DoesNotContain('e', text);
            Assert.False(text.Contains('.', StringComparison.Ordinal) && (text.EndsWith('0') || text.EndsWith('.')), text);
            Assert.True(WireDecimal.TryParse(text, out var parsed), text);
            Assert.Equal(value, parsed);
        });

    private static decimal Parse(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
