using System.Globalization;
using System.Numerics;

namespace MarketMaker.Protocol.Markets;

/// <summary>How a quotient is rounded to its last kept decimal.</summary>
public enum DecimalRounding
{
    /// <summary>Toward zero (the inputs here are never negative, so this is floor).</summary>
    Down,

    /// <summary>Half away from zero: 0.5 of the last unit rounds up.</summary>
    HalfUp,
}

/// <summary>
/// Decimal helpers for the wire: the canonical text form the markets-service accepts
/// (plain digits, no exponent, no trailing zeros), strict parsing of wire decimals,
/// and exact conversions between <see cref="decimal"/> and scaled <see cref="BigInteger"/> values.
/// </summary>
public static class WireDecimal
{
    private const string CanonicalFormat = "0.############################";

    private static readonly BigInteger DecimalMantissaLimit = BigInteger.One << 96;

    /// <summary>
    /// Canonical rendering used in request bodies: invariant culture, no exponent, no grouping,
    /// no trailing zeros after the point, no trailing point, and "0" for any zero (never "-0").
    /// Examples: 0.000625000 → "0.000625", 160000.0 → "160000", 1e-18 → "0.000000000000000001".
    /// </summary>
    public static string Format(decimal value)
    {
        // decimal has at most 28 fractional digits, so this custom format never rounds.
        var text = value.ToString(CanonicalFormat, CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    /// <summary>
    /// Parses a wire decimal: optional leading sign, digits, at most one '.', nothing else
    /// (no exponent, no spaces, no grouping). Returns false for anything else or a value outside decimal's range.
    /// </summary>
    public static bool TryParse(string? text, out decimal value)
    {
        value = 0m;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var digits = 0;
        var points = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '0' and <= '9')
            {
                digits++;
            }
            else if (c == '.')
            {
                points++;
            }
            else if (!((c == '-' || c == '+') && i == 0))
            {
                return false;
            }
        }

        return digits > 0 && points <= 1
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The value as <c>mantissa / 10^scale</c>, exactly.</summary>
    public static (BigInteger Mantissa, int Scale) Decompose(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var magnitude = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        var scale = (bits[3] >> 16) & 0xFF;
        return (bits[3] < 0 ? -magnitude : magnitude, scale);
    }

    /// <summary><c>value × 10^decimals</c> when that is a whole number; false when it is not.</summary>
    public static bool TryScaleToInteger(decimal value, int decimals, out BigInteger scaled)
    {
        var (mantissa, scale) = Decompose(value);
        if (scale <= decimals)
        {
            scaled = mantissa * BigInteger.Pow(10, decimals - scale);
            return true;
        }

        var divisor = BigInteger.Pow(10, scale - decimals);
        scaled = BigInteger.DivRem(mantissa, divisor, out var remainder);
        return remainder.IsZero;
    }

    /// <summary>
    /// <c>numerator / denominator</c> (both ≥ 0, denominator &gt; 0) rounded to <paramref name="maxScale"/>
    /// decimals with <paramref name="rounding"/>. When the result needs more significant digits than
    /// <see cref="decimal"/> holds, fewer decimals are kept (rounded the same way). False when even the
    /// integer part does not fit.
    /// </summary>
    public static bool TryDivide(BigInteger numerator, BigInteger denominator, int maxScale, DecimalRounding rounding, out decimal value)
    {
        if (numerator.Sign < 0 || denominator.Sign <= 0 || maxScale is < 0 or > 28)
        {
            throw new ArgumentOutOfRangeException(nameof(numerator), "TryDivide takes a non-negative numerator, a positive denominator and a scale of 0..28");
        }

        for (var scale = maxScale; scale >= 0; scale--)
        {
            var quotient = RoundedQuotient(numerator * BigInteger.Pow(10, scale), denominator, rounding);
            if (quotient < DecimalMantissaLimit)
            {
                value = FromMantissa(quotient, scale);
                return true;
            }
        }

        value = 0m;
        return false;
    }

    /// <summary><c>mantissa / 10^scale</c> as a decimal; the mantissa must be below 2^96 in magnitude.</summary>
    public static decimal FromMantissa(BigInteger mantissa, int scale)
    {
        var negative = mantissa.Sign < 0;
        var magnitude = BigInteger.Abs(mantissa);
        if (magnitude >= DecimalMantissaLimit || scale is < 0 or > 28)
        {
            throw new OverflowException("value does not fit in a decimal");
        }

        var lo = (int)(uint)(magnitude & uint.MaxValue);
        var mid = (int)(uint)((magnitude >> 32) & uint.MaxValue);
        var hi = (int)(uint)((magnitude >> 64) & uint.MaxValue);
        return new decimal(lo, mid, hi, negative, (byte)scale);
    }

    /// <summary>Integer quotient of non-negative operands, rounded as asked.</summary>
    public static BigInteger RoundedQuotient(BigInteger numerator, BigInteger denominator, DecimalRounding rounding) =>
        rounding == DecimalRounding.HalfUp
            ? ((numerator * 2) + denominator) / (denominator * 2)
            : numerator / denominator;
}
