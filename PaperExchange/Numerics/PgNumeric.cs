using System.Globalization;
using System.Numerics;
using Fractions;

namespace MarketMaker.PaperExchange.Numerics;

/// <summary>
/// A PostgreSQL <c>numeric</c> value (unscaled integer + display scale), so the in-memory store
/// accepts, compares and renders numeric columns exactly as the Postgres store does
/// ("010" → "10", "1e3" → "1000", "1.50" stays "1.50", sums keep the largest scale).
/// </summary>
public readonly record struct PgNumeric(BigInteger Unscaled, int Scale)
{
    public Fraction Value => new(Unscaled, BigInteger.Pow(10, Scale));

    /// <summary>Parses PostgreSQL numeric input (surrounding spaces, sign, digits, point, exponent).</summary>
    public static bool TryParse(string? text, out PgNumeric value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        var s = text.Trim();
        if (s.Length == 0)
        {
            return false;
        }

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
            if (expText.Length == 0 || !int.TryParse(expText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || exponent is < -1000 or > 1000)
            {
                return false;
            }

            s = s[..e];
        }

        var dot = s.IndexOf('.');
        var intPart = dot >= 0 ? s[..dot] : s;
        var fracPart = dot >= 0 ? s[(dot + 1)..] : "";
        if (intPart.Length + fracPart.Length == 0 || !intPart.All(char.IsAsciiDigit) || !fracPart.All(char.IsAsciiDigit))
        {
            return false;
        }

        var unscaled = BigInteger.Parse("0" + intPart + fracPart, NumberStyles.None, CultureInfo.InvariantCulture);
        var scale = fracPart.Length - exponent;
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        value = new PgNumeric(negative ? -unscaled : unscaled, scale);
        return true;
    }

    public static PgNumeric Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"invalid input syntax for type numeric: \"{text}\"");

    public static PgNumeric FromInteger(BigInteger value) => new(value, 0);

    public bool IsInteger => (Unscaled % BigInteger.Pow(10, Scale)).IsZero;

    public BigInteger IntegerValue => BigInteger.Divide(Unscaled, BigInteger.Pow(10, Scale));

    public int CompareTo(PgNumeric other) => Value.CompareTo(other.Value);

    public bool ValueEquals(PgNumeric other) => Value == other.Value;

    public static PgNumeric operator +(PgNumeric a, PgNumeric b)
    {
        var scale = Math.Max(a.Scale, b.Scale);
        return new PgNumeric(a.Rescale(scale) + b.Rescale(scale), scale);
    }

    public static PgNumeric operator -(PgNumeric a, PgNumeric b)
    {
        var scale = Math.Max(a.Scale, b.Scale);
        return new PgNumeric(a.Rescale(scale) - b.Rescale(scale), scale);
    }

    private BigInteger Rescale(int scale) => Unscaled * BigInteger.Pow(10, scale - Scale);

    /// <summary>PostgreSQL's numeric output: plain notation with exactly <see cref="Scale"/> fraction digits.</summary>
    public override string ToString()
    {
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture);
        if (Scale > 0)
        {
            if (digits.Length <= Scale)
            {
                digits = new string('0', Scale - digits.Length + 1) + digits;
            }

            digits = digits[..^Scale] + "." + digits[^Scale..];
        }

        return Unscaled.Sign < 0 ? "-" + digits : digits;
    }

    /// <summary>The error text PostgreSQL gives for numeric input it cannot parse.</summary>
    public static string SyntaxError(string text) => $"invalid input syntax for type numeric: \"{text}\"";
}
