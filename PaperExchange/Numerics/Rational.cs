using System.Globalization;
using System.Numerics;
using Fractions;
using Fractions.Formatter;

namespace MarketMaker.PaperExchange.Numerics;

/// <summary>
/// What the <c>Fractions</c> package lacks for the markets-service arithmetic: the two strict input grammars
/// (Fraction's own parser also takes spaces, thousands separators, trailing signs, "1/-2", "3/0" and any exponent),
/// Go's <c>Rat.FloatString</c> rendering, the exact decimal text of a terminating fraction, and the floor.
/// Every value made here is normalised (gcd 1, denominator &gt; 0), and so is every result of + − × ÷ on them.
/// </summary>
public static class Rational
{
    private const NumberStyles PlainStyles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;
    private const NumberStyles RatStyles = PlainStyles | NumberStyles.AllowExponent;

    /// <summary>Largest decimal exponent <see cref="TryParseRat"/> takes ("1e10000"); more would only cost memory.</summary>
    public const int MaxExponent = 10_000;

    extension(Fraction value)
    {
        /// <summary>−1, 0 or 1.</summary>
        public int Sign => value.Numerator.Sign * value.Denominator.Sign;

        /// <summary>A finite whole number.</summary>
        public bool IsInteger => !value.Denominator.IsZero && BigInteger.Remainder(value.Numerator, value.Denominator).IsZero;

        /// <summary>The largest integer not above the value.</summary>
        public BigInteger Floor() => Fraction.RoundToBigInteger(value, MidpointRounding.ToNegativeInfinity);

        /// <summary>
        /// Like Go's Rat.FloatString(n): exactly <paramref name="decimals"/> digits after the point, the last digit
        /// rounded to nearest with halves away from zero, no sign on a result that rounds to zero.
        /// </summary>
        public string ToFixed(int decimals) =>
            DecimalNotationFormatter.Instance.Format("F" + decimals.ToString(CultureInfo.InvariantCulture), value, CultureInfo.InvariantCulture);

        /// <summary><see cref="ToFixed"/> with trailing fractional zeros (and a bare point) removed.</summary>
        public string ToTrimmed(int decimals) => TrimZeros(value.ToFixed(decimals));

        /// <summary>The exact decimal text when the expansion terminates (denominator of 2s and 5s), trimmed.</summary>
        public bool TryToExactDecimal(out string text)
        {
            var d = value.Reduce().Denominator;
            var twos = 0;
            var fives = 0;
            while (!d.IsZero && d.IsEven)
            {
                d /= 2;
                twos++;
            }

            while (!d.IsZero && (d % 5).IsZero)
            {
                d /= 5;
                fives++;
            }

            if (!d.IsOne)
            {
                text = "";
                return false;
            }

            text = value.ToTrimmed(Math.Max(twos, fives));
            return true;
        }
    }

    public static Fraction Pow10(int exponent) =>
        exponent >= 0 ? new Fraction(BigInteger.Pow(10, exponent)) : new Fraction(BigInteger.One, BigInteger.Pow(10, -exponent));

    /// <summary>
    /// Plain decimals only, as the markets-service price parser accepts them: digits, at most one '.',
    /// an optional leading '+', at least one digit. No sign '-', no exponent, no spaces.
    /// </summary>
    public static bool TryParsePlainDecimal(string? text, out Fraction value)
    {
        value = Fraction.Zero;
        var s = text.AsSpan();
        if (s.StartsWith('+'))
        {
            s = s[1..];
        }

        return IsDecimalDigits(s) && Fraction.TryParse(text.AsSpan(), PlainStyles, CultureInfo.InvariantCulture, true, out value);
    }

    /// <summary>
    /// Go big.Rat SetString semantics (decimal subset): an optionally signed fraction "a/b" (b unsigned, not zero),
    /// or an optionally signed decimal with an optional exponent ("1e3", "-0.5", "1.5E-2", |exponent| ≤ 10,000).
    /// </summary>
    public static bool TryParseRat(string? text, out Fraction value)
    {
        value = Fraction.Zero;
        return IsRatSyntax(text.AsSpan()) && Fraction.TryParse(text.AsSpan(), RatStyles, CultureInfo.InvariantCulture, true, out value);
    }

    public static string TrimZeros(string fixedText)
    {
        if (!fixedText.Contains('.', StringComparison.Ordinal))
        {
            return fixedText;
        }

        var t = fixedText.TrimEnd('0');
        return t.EndsWith('.') ? t[..^1] : t;
    }

    private static bool IsRatSyntax(ReadOnlySpan<char> s)
    {
        var slash = s.IndexOf('/');
        if (slash >= 0)
        {
            var numerator = s[..slash];
            if (numerator.Length > 0 && numerator[0] is '+' or '-')
            {
                numerator = numerator[1..];
            }

            var denominator = s[(slash + 1)..];
            return IsDigits(numerator) && IsDigits(denominator) && denominator.ContainsAnyExcept('0');
        }

        if (s.Length > 0 && s[0] is '+' or '-')
        {
            s = s[1..];
        }

        var e = s.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            var exponent = s[(e + 1)..];
            if (exponent.Length == 0 || !int.TryParse(exponent, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x) || x is < -MaxExponent or > MaxExponent)
            {
                return false;
            }

            s = s[..e];
        }

        return IsDecimalDigits(s);
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => s.Length > 0 && !s.ContainsAnyExceptInRange('0', '9');

    /// <summary>Digits with at most one '.', at least one digit.</summary>
    private static bool IsDecimalDigits(ReadOnlySpan<char> s)
    {
        var dot = s.IndexOf('.');
        if (dot < 0)
        {
            return IsDigits(s);
        }

        var integer = s[..dot];
        var fraction = s[(dot + 1)..];
        return integer.Length + fraction.Length > 0
            && !integer.ContainsAnyExceptInRange('0', '9')
            && !fraction.ContainsAnyExceptInRange('0', '9');
    }
}
