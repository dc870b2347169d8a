using System.Globalization;
using System.Numerics;
using System.Text;

namespace MarketMaker.Shell.Tests.Paper.Reference;

/// <summary>
/// The hand-written exact rational the paper exchange used before the <c>Fractions</c> package (as it was, unchanged),
/// kept only as the oracle of <c>FractionsParityTests</c> and the baseline of <c>Benchmarks/RationalBenchmark.cs</c>.
/// An exact rational number (like Go's big.Rat). Always normalised: gcd(num, den) = 1, den &gt; 0.
/// </summary>
internal readonly struct BigRational : IEquatable<BigRational>, IComparable<BigRational>
{
    private readonly BigInteger _den;

    public BigRational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("rational denominator is zero");
        }

        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!g.IsOne && !g.IsZero)
        {
            numerator /= g;
            denominator /= g;
        }

        Numerator = numerator;
        _den = numerator.IsZero ? BigInteger.One : denominator;
    }

    public BigInteger Numerator { get; }

    public BigInteger Denominator => _den.IsZero ? BigInteger.One : _den;

    public static BigRational Zero => new(BigInteger.Zero, BigInteger.One);

    public static BigRational One => new(BigInteger.One, BigInteger.One);

    public int Sign => Numerator.Sign;

    public bool IsInteger => Denominator.IsOne;

    public static BigRational FromInteger(BigInteger value) => new(value, BigInteger.One);

    public static BigRational Pow10(int exponent) =>
        exponent >= 0 ? new(BigInteger.Pow(10, exponent), BigInteger.One) : new(BigInteger.One, BigInteger.Pow(10, -exponent));

    public static BigRational operator +(BigRational a, BigRational b) =>
        new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static BigRational operator -(BigRational a, BigRational b) =>
        new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static BigRational operator -(BigRational a) => new(-a.Numerator, a.Denominator);

    public static BigRational operator *(BigRational a, BigRational b) =>
        new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static BigRational operator /(BigRational a, BigRational b) =>
        new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public static bool operator ==(BigRational a, BigRational b) => a.Equals(b);

    public static bool operator !=(BigRational a, BigRational b) => !a.Equals(b);

    public static bool operator <(BigRational a, BigRational b) => a.CompareTo(b) < 0;

    public static bool operator >(BigRational a, BigRational b) => a.CompareTo(b) > 0;

    public static bool operator <=(BigRational a, BigRational b) => a.CompareTo(b) <= 0;

    public static bool operator >=(BigRational a, BigRational b) => a.CompareTo(b) >= 0;

    public static BigRational Abs(BigRational a) => a.Sign < 0 ? -a : a;

    public BigInteger Floor() => BigInteger.Divide(Numerator - (Numerator.Sign < 0 ? Denominator - 1 : 0), Denominator);

    public bool Equals(BigRational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is BigRational r && Equals(r);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    public int CompareTo(BigRational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    public static BigRational FromDecimal(decimal value)
    {
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var mag = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        if (bits[3] < 0)
        {
            mag = -mag;
        }

        return new BigRational(mag, BigInteger.Pow(10, scale));
    }

    /// <summary>
    /// Plain decimals only, as the markets-service price parser accepts them: digits, at most one '.',
    /// an optional leading '+', at least one digit. No sign '-', no exponent, no spaces.
    /// </summary>
    public static bool TryParsePlainDecimal(string? text, out BigRational value)
    {
        value = Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.StartsWith('+') ? text[1..] : text;
        var dot = -1;
        var digits = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '.')
            {
                if (dot >= 0)
                {
                    return false;
                }

                dot = i;
            }
            else if (c is >= '0' and <= '9')
            {
                digits++;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        var intPart = dot >= 0 ? s[..dot] : s;
        var fracPart = dot >= 0 ? s[(dot + 1)..] : "";
        var mantissa = BigInteger.Parse("0" + intPart + fracPart, NumberStyles.None, CultureInfo.InvariantCulture);
        value = new BigRational(mantissa, BigInteger.Pow(10, fracPart.Length));
        return true;
    }

    /// <summary>
    /// Go big.Rat SetString semantics (decimal subset): an optionally signed fraction "a/b", or an optionally
    /// signed decimal with an optional exponent ("1e3", "-0.5", "1.5E-2").
    /// </summary>
    public static bool TryParseRat(string? text, out BigRational value)
    {
        value = Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            if (!TryParseInteger(text[..slash], allowSign: true, out var a) || !TryParseInteger(text[(slash + 1)..], allowSign: false, out var b) || b.IsZero)
            {
                return false;
            }

            value = new BigRational(a, b);
            return true;
        }

        var s = text;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        var exponent = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            var expText = s[(e + 1)..];
            if (!int.TryParse(expText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || expText.Length == 0 || Math.Abs(exponent) > 10_000)
            {
                return false;
            }

            s = s[..e];
        }

        if (!TryParsePlainDecimal(s, out var mantissa) || s.StartsWith('+'))
        {
            return false;
        }

        value = mantissa * Pow10(exponent);
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private static bool TryParseInteger(string text, bool allowSign, out BigInteger value)
    {
        value = BigInteger.Zero;
        var s = text;
        var negative = false;
        if (allowSign && s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.Length == 0 || !s.All(char.IsAsciiDigit))
        {
            return false;
        }

        value = BigInteger.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>
    /// Like Go's Rat.FloatString(n): exactly <paramref name="decimals"/> digits after the point,
    /// the last digit rounded to nearest with halves away from zero.
    /// </summary>
    public string ToFixed(int decimals)
    {
        var scale = BigInteger.Pow(10, decimals);
        var abs = BigInteger.Abs(Numerator) * scale;
        var q = BigInteger.DivRem(abs, Denominator, out var r);
        if (r * 2 >= Denominator)
        {
            q += 1;
        }

        var digits = q.ToString(CultureInfo.InvariantCulture);
        if (digits.Length <= decimals)
        {
            digits = new string('0', decimals - digits.Length + 1) + digits;
        }

        var sb = new StringBuilder();
        if (Numerator.Sign < 0 && !q.IsZero)
        {
            sb.Append('-');
        }

        sb.Append(digits, 0, digits.Length - decimals);
        if (decimals > 0)
        {
            sb.Append('.').Append(digits, digits.Length - decimals, decimals);
        }

        return sb.ToString();
    }

    /// <summary><see cref="ToFixed"/> with trailing fractional zeros (and a bare point) removed.</summary>
    public string ToTrimmed(int decimals) => TrimZeros(ToFixed(decimals));

    /// <summary>The exact decimal text when the expansion terminates (denominator of 2s and 5s), trimmed.</summary>
    public bool TryToExactDecimal(out string text)
    {
        var d = Denominator;
        var twos = 0;
        var fives = 0;
        while (d.IsEven)
        {
            d /= 2;
            twos++;
        }

        while ((d % 5).IsZero)
        {
            d /= 5;
            fives++;
        }

        if (!d.IsOne)
        {
            text = "";
            return false;
        }

        text = ToTrimmed(Math.Max(twos, fives));
        return true;
    }

    public static string TrimZeros(string fixedText)
    {
        if (!fixedText.Contains('.'))
        {
            return fixedText;
        }

        var t = fixedText.TrimEnd('0');
        return t.EndsWith('.') ? t[..^1] : t;
    }

    public override string ToString() => TryToExactDecimal(out var t) ? t : $"{Numerator}/{Denominator}";
}
