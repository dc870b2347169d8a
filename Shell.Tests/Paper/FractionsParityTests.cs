using System.Globalization;
using System.Numerics;
using Fractions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MarketMaker.PaperExchange.Numerics;
using MarketMaker.Shell.Tests.Infrastructure;
using MarketMaker.Shell.Tests.Paper.Reference;
using Npgsql;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>Generators of the text and values the paper exchange's rational arithmetic sees.</summary>
internal static class RationalGens
{
    private static readonly Gen<char> Digit = Gen.Elements("0123456789".ToCharArray());

    /// <summary>0..60 digits, often with leading zeros, sometimes a single one.</summary>
    public static readonly Gen<string> Digits =
        from n in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 3)), (4, Gen.Choose(1, 20)), (2, Gen.Choose(21, 60)))
        from ds in Digit.ArrayOf(n)
        select new string(ds);

    /// <summary>Decimal text as clients send it: optional sign, integer and fraction digits, optional exponent.</summary>
    public static readonly Gen<string> DecimalText =
        from sign in Gen.Elements("", "", "", "+", "-")
        from integer in Digits
        from point in Gen.Elements(true, true, false)
        from fraction in Digits
        from exp in Gen.Frequency(
            (4, Gen.Constant("")),
            (2, from e in Gen.Elements("e", "E") from s in Gen.Elements("", "+", "-") from x in Gen.Choose(0, 40) select e + s + x.ToString(CultureInfo.InvariantCulture)),
            (1, Gen.Elements("e", "e+", "e-", "e10001", "e-10001", "e10000", "e-2147483648", "e2147483648", "e1.5", "e 1")))
        select sign + integer + (point ? "." + fraction : "") + exp;

    /// <summary>Fraction text "a/b" with the signs and zeros Go's parser rejects mixed in.</summary>
    public static readonly Gen<string> SlashText =
        from sa in Gen.Elements("", "", "+", "-")
        from a in Digits
        from sb in Gen.Elements("", "", "", "+", "-")
        from b in Digits
        from tail in Gen.Elements("", "", "", "/1", ".5", " ")
        select sa + a + "/" + sb + b + tail;

    /// <summary>Text with noise the strict grammars must reject (spaces, separators, hex, doubled signs, …).</summary>
    public static readonly Gen<string> NoisyText =
        from baseText in Gen.OneOf(DecimalText, SlashText)
        from at in Gen.Choose(0, 100)
        from noise in Gen.Elements(" ", ",", "_", "x", "--", "++", "..", "e", "/", "∞", "١", "\t", "0x", "NaN", "Infinity")
        let i = baseText.Length == 0 ? 0 : at % (baseText.Length + 1)
        select baseText[..i] + noise + baseText[i..];

    public static readonly Gen<string> AnyText = Gen.Frequency((4, DecimalText), (2, SlashText), (2, NoisyText), (1, Gen.Elements("", "+", "-", ".", "+.", "-.", "e3", ".e3", "/", "1/", "/1", "0/0")));

    /// <summary>A signed big integer of up to 60 digits.</summary>
    public static readonly Gen<BigInteger> Integer =
        from negative in Gen.Elements(true, false)
        from ds in Digits
        let v = BigInteger.Parse("0" + ds, CultureInfo.InvariantCulture)
        select negative ? -v : v;

    /// <summary>Numerator and non-zero denominator: decimal-shaped (10^k), price-shaped (small) or arbitrary.</summary>
    public static readonly Gen<(BigInteger Num, BigInteger Den)> Ratio =
        from num in Integer
        from den in Gen.Frequency(
            (3, from k in Gen.Choose(0, 40) select BigInteger.Pow(10, k)),
            (2, from d in Gen.Choose(1, 5000) select new BigInteger(d)),
            (2, Integer.Where(d => !d.IsZero)))
        select (num, den);
}

/// <summary>
/// The <c>Fractions</c> package (through <see cref="Rational"/>) gives exactly the results of the hand-written
/// <see cref="BigRational"/> for every operation the paper exchange uses.
/// </summary>
public sealed class FractionsParityTests
{
    private static (BigInteger, BigInteger) Terms(BigRational r) => (r.Numerator, r.Denominator);

    private static (BigInteger, BigInteger) Terms(Fraction f) => (f.Numerator, f.Denominator);

    /// <summary>BigRational threw OverflowException on the exponent -2147483648 (Math.Abs(int.MinValue)); counted as a rejection.</summary>
    private static bool OldTryParseRat(string text, out BigRational value)
    {
        try
        {
            return BigRational.TryParseRat(text, out value);
        }
        catch (OverflowException) when (text.Contains("e-2147483648", StringComparison.OrdinalIgnoreCase))
        {
            value = BigRational.Zero;
            return false;
        }
    }

    private static (BigRational Old, Fraction New) Both((BigInteger Num, BigInteger Den) r) => (new BigRational(r.Num, r.Den), new Fraction(r.Num, r.Den));

    [Property(MaxTest = 3000)]
    public Property Rat_parsing_accepts_the_same_text_and_gives_the_same_value() =>
        Prop.ForAll(RationalGens.AnyText.ToArbitrary(), text =>
        {
            var oldOk = OldTryParseRat(text, out var old);
            var newOk = Rational.TryParseRat(text, out var @new);
            Assert.True(oldOk == newOk, $"\"{text}\": BigRational {oldOk}, Fractions {newOk}");
            Assert.Equal(Terms(old), Terms(@new));
        });

    [Property(MaxTest = 3000)]
    public Property Plain_decimal_parsing_accepts_the_same_text_and_gives_the_same_value() =>
        Prop.ForAll(RationalGens.AnyText.ToArbitrary(), text =>
        {
            var oldOk = BigRational.TryParsePlainDecimal(text, out var old);
            var newOk = Rational.TryParsePlainDecimal(text, out var @new);
            Assert.True(oldOk == newOk, $"\"{text}\": BigRational {oldOk}, Fractions {newOk}");
            Assert.Equal(Terms(old), Terms(@new));
        });

    [Theory]
    [InlineData("1e-2147483648")]
    [InlineData("1e2147483648")]
    [InlineData("1e10001")]
    [InlineData(" 1")]
    [InlineData("1,000")]
    [InlineData("1-")]
    [InlineData("1/-2")]
    [InlineData("1/+2")]
    [InlineData("3/0")]
    [InlineData("1.5/2")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    [InlineData("∞")]
    public void Text_that_Fractions_alone_would_take_or_choke_on_is_rejected(string text)
    {
        Assert.False(Rational.TryParseRat(text, out _));
        Assert.False(Rational.TryParsePlainDecimal(text, out _));
    }

    [Property(MaxTest = 2000)]
    public Property Arithmetic_and_comparison_agree_exactly() =>
        Prop.ForAll(RationalGens.Ratio.ToArbitrary(), RationalGens.Ratio.ToArbitrary(), (x, y) =>
        {
            var (a, fa) = Both(x);
            var (b, fb) = Both(y);
            Assert.Equal(Terms(a), Terms(fa));
            Assert.Equal(Terms(a + b), Terms(fa + fb));
            Assert.Equal(Terms(a - b), Terms(fa - fb));
            Assert.Equal(Terms(a * b), Terms(fa * fb));
            Assert.Equal(Terms(-a), Terms(-fa));
            Assert.Equal(Terms(BigRational.Abs(a - b)), Terms(Fraction.Abs(fa - fb)));
            if (b.Sign != 0)
            {
                Assert.Equal(Terms(a / b), Terms(fa / fb));
                Assert.Equal((a / b).IsInteger, (fa / fb).IsInteger);
            }

            Assert.Equal(a.CompareTo(b), Math.Sign(fa.CompareTo(fb)));
            Assert.Equal(a == b, fa == fb);
            Assert.Equal(a <= b, fa <= fb);
            Assert.Equal(a.Sign, fa.Sign);
            Assert.Equal(a.IsInteger, fa.IsInteger);
            Assert.Equal(a.Floor(), fa.Floor());
            Assert.Equal((-a).Floor(), (-fa).Floor());
            Assert.Equal(a.Equals(b) && a.GetHashCode() == b.GetHashCode(), fa.Equals(fb) && fa.GetHashCode() == fb.GetHashCode());
        });

    [Property(MaxTest = 2000)]
    public Property Rendering_to_a_scale_agrees_exactly() =>
        Prop.ForAll(RationalGens.Ratio.ToArbitrary(), Gen.Choose(0, 40).ToArbitrary(), (x, decimals) =>
        {
            var (a, fa) = Both(x);
            Assert.Equal(a.ToFixed(decimals), fa.ToFixed(decimals));
            Assert.Equal(a.ToTrimmed(decimals), fa.ToTrimmed(decimals));
            var oldExact = a.TryToExactDecimal(out var oldText);
            var newExact = fa.TryToExactDecimal(out var newText);
            Assert.Equal((oldExact, oldText), (newExact, newText));
        });

    [Property(MaxTest = 1000)]
    public Property Rendering_halves_and_near_halves_agrees_exactly() =>
        Prop.ForAll(RationalGens.Integer.ToArbitrary(), Gen.Choose(0, 30).ToArbitrary(), Gen.Elements(-1, 0, 1).ToArbitrary(), (n, decimals, nudge) =>
        {
            // (2n + 1) / (2 × 10^decimals) lies exactly half-way between two results; nudge it by 10^-(decimals + 30).
            var half = new BigRational((2 * n) + 1, 2 * BigInteger.Pow(10, decimals)) + (new BigRational(nudge, 1) * BigRational.Pow10(-(decimals + 30)));
            var fraction = new Fraction(half.Numerator, half.Denominator);
            Assert.Equal(half.ToFixed(decimals), fraction.ToFixed(decimals));
        });

    [Property(MaxTest = 1000)]
    public Property Decimals_convert_to_the_same_value() =>
        Prop.ForAll(Exchange.UnitGens.AnyDecimal().ToArbitrary(), d =>
        {
            Assert.Equal(Terms(BigRational.FromDecimal(d)), Terms(Fraction.FromDecimal(d)));
            Assert.Equal(Terms(BigRational.FromDecimal(d) * BigRational.Pow10(18)), Terms(Fraction.FromDecimal(d) * Rational.Pow10(18)));
        });

    [Property(MaxTest = 500)]
    public Property Postgres_numeric_text_gives_the_same_value() =>
        Prop.ForAll(RationalGens.DecimalText.ToArbitrary(), text =>
        {
            if (PgNumeric.TryParse(text, out var n))
            {
                Assert.Equal(Terms(new BigRational(n.Unscaled, BigInteger.Pow(10, n.Scale))), Terms(n.Value));
            }
        });
}

/// <summary>Values rendered by <see cref="Rational"/> go through PostgreSQL's numeric and come back the same.</summary>
public sealed class FractionsNumericRoundTripTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Exact_decimals_survive_a_numeric_round_trip()
    {
        var gen = RationalGens.Ratio.Select(r => new Fraction(r.Num, BigInteger.Pow(10, (int)(BigInteger.Abs(r.Den) % 40))));
        var values = gen.Sample(300, 50).Concat([Fraction.Zero, new Fraction(-1, 8), Rational.Pow10(-18), Rational.Pow10(40)]).ToArray();
        Assert.Equal(304, values.Length);
        await using var conn = new NpgsqlConnection(postgres.AdminConnectionString);
        await conn.OpenAsync();
        foreach (var value in values)
        {
            Assert.True(value.TryToExactDecimal(out var text));
            await using var cmd = new NpgsqlCommand("SELECT $1::numeric::text", conn);
            cmd.Parameters.AddWithValue(text);
            var back = (string)(await cmd.ExecuteScalarAsync())!;
            Assert.True(PgNumeric.TryParse(back, out var n), back);
            Assert.True(n.Value == value, $"{text} came back as {back}");
            Assert.True(Rational.TryParseRat(back, out var parsed) && parsed == value, back);
            Assert.Equal(text, Rational.TrimZeros(back.Contains('.', StringComparison.Ordinal) ? back : back + ".0"));
        }
    }
}
