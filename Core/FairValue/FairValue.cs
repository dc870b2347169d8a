namespace MarketMaker.Core.FairValue;

/// <summary>
/// e^x for <see cref="decimal"/>, deterministic and without floating point.
/// <para>
/// Method: for x ≥ 0, range reduction x = k·ln2 + r with k = ⌊x / ln2⌋ (0 ≤ k ≤ 95) and 0 ≤ r &lt; ln2, then
/// e^r by its Taylor series summed until a term rounds to zero at decimal's 28-digit scale, then × 2^k
/// (2^k is an exact decimal for k ≤ 95). For x &lt; 0, e^x = 1 / e^(−x).
/// </para>
/// <para>
/// Error bound (documented and tested): |Exp(x) − e^x| ≤ <see cref="RelativeErrorBound"/>·e^x + <see cref="AbsoluteErrorBound"/>.
/// Derivation: ln2 is stored to 28 decimals (error &lt; 4.2e-29, times k ≤ 95 → &lt; 4e-27 in r), the product k·ln2 rounds
/// by ≤ 5e-28, the Taylor sum (value in [1, 2), at most 40 terms each rounded at 5e-29, tail &lt; 1e-28) adds ≤ 5e-27,
/// and the final multiplication or reciprocal rounds by ≤ 1e-28 relative or 5e-29 absolute (decimal keeps at most
/// 28 digits after the point). The total is below 1e-26 relative; the published bound keeps a tenfold margin.
/// </para>
/// <para>
/// Domain: x ≤ <see cref="MaxArgument"/> (e^66.5 ≈ 7.6e28 is just below decimal.MaxValue ≈ 7.92e28); larger x is an
/// overflow and <see cref="TryExp"/> returns false. For x &lt; <see cref="MinArgument"/> the true value is below
/// 1.3e-29 and 0 is returned (within the absolute bound).
/// </para>
/// </summary>
public static class DecimalExp
{
    /// <summary>ln 2 rounded to 28 decimal places (|Ln2 − ln 2| &lt; 4.2e-29).</summary>
    internal const decimal Ln2 = 0.6931471805599453094172321215m;

    public const decimal MaxArgument = 66.5m;
    public const decimal MinArgument = -66.5m;
    public const decimal RelativeErrorBound = 0.0000000000000000000000001m; // 1e-25
    public const decimal AbsoluteErrorBound = 0.0000000000000000000000000001m; // 1e-28

    private const int MaxTerms = 40;

    /// <summary>e^x; false (and 0) when x &gt; <see cref="MaxArgument"/> (the result would not fit in a decimal).</summary>
    public static bool TryExp(decimal x, out decimal result)
    {
        if (x > MaxArgument)
        {
            result = 0m;
            return false;
        }

        if (x < 0m)
        {
            result = x < MinArgument ? 0m : 1m / ExpNonNegative(-x);
            return true;
        }

        result = ExpNonNegative(x);
        return true;
    }

    private static decimal ExpNonNegative(decimal x)
    {
        var k = (int)decimal.Floor(x / Ln2);
        var r = x - (k * Ln2);

        // Taylor series of e^r; r is in [0, ln2) up to rounding, so terms fall below 5e-29 within 30 steps.
        var sum = 1m;
        var term = 1m;
        for (var n = 1; n <= MaxTerms; n++)
        {
            term = term * r / n;
            if (term == 0m)
            {
                break;
            }

            sum += term;
        }

        return k == 0 ? sum : sum * Pow2(k);
    }

    private static decimal Pow2(int k)
    {
        var p = 1m;
        for (var i = 0; i < k; i++)
        {
            p *= 2m;
        }

        return p;
    }
}

/// <summary>Parameters of the futures fair value (FAIR_ANCHOR_RATE_APR / _CARRY_ABS / _CARRY_BPS / _EXPIRY_UTC).</summary>
public sealed record FairValueParams(decimal RateApr, decimal CarryAbs, decimal CarryBps, DateTimeOffset ExpiryUtc);

/// <summary>A computed fair value, or why none could be computed. Never an exception.</summary>
public abstract record FairValueOutcome
{
    private FairValueOutcome()
    {
    }

    /// <summary>A fair value that is strictly positive and representable.</summary>
    public sealed record Valid(decimal Fair, decimal Years) : FairValueOutcome;

    /// <summary>The inputs do not give a positive, representable fair value.</summary>
    public sealed record Invalid(string Reason) : FairValueOutcome;
}

/// <summary>
/// fair = spot × e^(r × T) + carry_abs + spot × carry_bps / 10000, T = max(0, (expiry − now) / 31,536,000 s).
/// Decimal only; time is a parameter.
/// </summary>
public static class FairValueFormula
{
    public const decimal SecondsPerYear = 31_536_000m;

    private const decimal TicksPerYear = SecondsPerYear * TimeSpan.TicksPerSecond;

    /// <summary>Years from <paramref name="now"/> to <paramref name="expiry"/> (365-day years), never negative.</summary>
    public static decimal YearsToExpiry(DateTimeOffset expiry, DateTimeOffset now)
    {
        var ticks = expiry.UtcTicks - now.UtcTicks;
        return ticks <= 0 ? 0m : ticks / TicksPerYear;
    }

    /// <summary>The fair value of the future at <paramref name="now"/>.</summary>
    public static FairValueOutcome Compute(decimal spot, FairValueParams p, DateTimeOffset now) =>
        Compute(spot, p.RateApr, YearsToExpiry(p.ExpiryUtc, now), p.CarryAbs, p.CarryBps);

    /// <summary>The fair value for a time to expiry given in years.</summary>
    public static FairValueOutcome Compute(decimal spot, decimal rateApr, decimal years, decimal carryAbs, decimal carryBps)
    {
        if (spot <= 0m)
        {
            return new FairValueOutcome.Invalid($"spot must be > 0, got {spot}");
        }

        if (years < 0m)
        {
            return new FairValueOutcome.Invalid($"time to expiry must be >= 0 years, got {years}");
        }

        try
        {
            var exponent = rateApr * years;
            if (!DecimalExp.TryExp(exponent, out var growth))
            {
                return new FairValueOutcome.Invalid($"e^(rate_apr × t_years) overflows: rate_apr × t_years = {exponent} > {DecimalExp.MaxArgument}");
            }

            var fair = (spot * growth) + carryAbs + (spot * carryBps / Num.Bps);
            return fair > 0m
                ? new FairValueOutcome.Valid(fair, years)
                : new FairValueOutcome.Invalid($"fair value is not positive: {fair}");
        }
        catch (OverflowException)
        {
            return new FairValueOutcome.Invalid("fair value does not fit in a decimal");
        }
    }
}
