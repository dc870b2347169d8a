namespace MarketMaker.Core;

/// <summary>Decimal-only arithmetic helpers: explicit rounding, no floating point.</summary>
public static class Num
{
    public const decimal Bps = 10_000m;

    /// <summary>Rounds down to a multiple of <paramref name="step"/> (unchanged when step ≤ 0).</summary>
    public static decimal RoundDown(decimal value, decimal step)
    {
        if (step <= 0)
        {
            return value;
        }

        try
        {
            return Math.Floor(value / step) * step;
        }
        catch (OverflowException)
        {
            // value / step does not fit a decimal (a huge price on an 18-decimal tick): the remainder is exact.
            var r = value % step;
            return r == 0 ? value : (value > 0 ? value - r : value - r - step);
        }
    }

    /// <summary>Rounds up to a multiple of <paramref name="step"/> (unchanged when step ≤ 0).</summary>
    public static decimal RoundUp(decimal value, decimal step)
    {
        if (step <= 0)
        {
            return value;
        }

        try
        {
            return Math.Ceiling(value / step) * step;
        }
        catch (OverflowException)
        {
            var r = value % step;
            return r == 0 ? value : (value > 0 ? value - r + step : value - r);
        }
    }

    public static bool OnGrid(decimal value, decimal step) => step <= 0 || value % step == 0;

    /// <summary>|target − order| / order in bps; null (infinite) when either price is not positive.</summary>
    public static decimal? DriftBps(decimal orderPrice, decimal targetPrice) =>
        orderPrice <= 0 || targetPrice <= 0 ? null : Math.Abs(targetPrice - orderPrice) / orderPrice * Bps;

    public static decimal Clamp(decimal value, decimal min, decimal max) => Math.Min(Math.Max(value, min), max);

    public static decimal Seconds(TimeSpan span) => span.Ticks / (decimal)TimeSpan.TicksPerSecond;

    public static long UnixMicros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
