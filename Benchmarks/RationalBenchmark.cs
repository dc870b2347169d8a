using System.Numerics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Fractions;
using MarketMaker.PaperExchange.Numerics;
using Old = MarketMaker.Shell.Tests.Paper.Reference.BigRational;

namespace MarketMaker.Benchmarks;

/// <summary>
/// The paper exchange's per-order rational arithmetic, once with the hand-written <see cref="Old"/> and once with
/// the <c>Fractions</c> package (through <see cref="Rational"/>), on the values of a real spot and futures order.
/// Each pair of methods does what the named call site does (OrderValidator, SpotTranslation, BalanceLedger,
/// MemoryExchangeStore), with the market's tick and step parsed from text each time as MarketDefinition does.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RationalBenchmark
{
    private const string SpotTick = "0.000000000000000001";
    private const string SpotStep = "1";
    private const string FutureTick = "1";
    private const string FutureStep = "0.001";
    private const string EnginePrice = "0.000624609618988132";
    private const string EngineAmount = "160100.000000000000000000";
    private const string FillPrice = "0.000728875182750367";
    private const string Nonce = "1733312345678901234";

    private readonly HashSet<(string, Old)> _oldNonces = [];
    private readonly HashSet<(string, Fraction)> _newNonces = [];

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < 1000; i++)
        {
            var n = PgNumeric.Parse((1733312345678900000L + (i * 7)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            _oldNonces.Add(("0xabc", new Old(n.Unscaled, BigInteger.Pow(10, n.Scale))));
            _newNonces.Add(("0xabc", new Fraction(n.Unscaled, BigInteger.Pow(10, n.Scale))));
        }
    }

    // OrderValidator steps 8 and 9 on a spot order (18-decimal price, whole-cNGN amount) and a futures order.
    [BenchmarkCategory("validate order"), Benchmark(Baseline = true)]
    public int Validate_BigRational() => ValidateOld(EnginePrice, EngineAmount, SpotTick, SpotStep) + ValidateOld("1601", "12.345", FutureTick, FutureStep);

    [BenchmarkCategory("validate order"), Benchmark]
    public int Validate_Fractions() => ValidateNew(EnginePrice, EngineAmount, SpotTick, SpotStep) + ValidateNew("1601", "12.345", FutureTick, FutureStep);

    // SpotTranslation.Translate of a ui intent (buy 100 USDC at 1601) with the given limit price and amount checked.
    [BenchmarkCategory("translate ui intent"), Benchmark(Baseline = true)]
    public int Translate_BigRational()
    {
        Old.TryParseRat("1601", out var p);
        Old.TryParseRat("100", out var s);
        var price = (Old.One / p).ToFixed(18);
        var amount = (s * p).ToFixed(18);
        return (CloseOld(EnginePrice, price) && CloseOld(EngineAmount, amount) ? 1 : 0) + price.Length + amount.Length;
    }

    [BenchmarkCategory("translate ui intent"), Benchmark]
    public int Translate_Fractions()
    {
        Rational.TryParseRat("1601", out var p);
        Rational.TryParseRat("100", out var s);
        var price = (Fraction.One / p).ToFixed(18);
        var amount = (s * p).ToFixed(18);
        return (CloseNew(EnginePrice, price) && CloseNew(EngineAmount, amount) ? 1 : 0) + price.Length + amount.Length;
    }

    // SpotTranslation.Present of an engine order (every order and trade the API returns on a spot market).
    [BenchmarkCategory("present spot contract"), Benchmark(Baseline = true)]
    public int Present_BigRational()
    {
        Old.TryParseRat(FillPrice, out var price);
        Old.TryParseRat("1646", out var amount);
        return (Old.One / price).ToTrimmed(6).Length + (amount * price).ToTrimmed(6).Length + amount.ToTrimmed(6).Length;
    }

    [BenchmarkCategory("present spot contract"), Benchmark]
    public int Present_Fractions()
    {
        Rational.TryParseRat(FillPrice, out var price);
        Rational.TryParseRat("1646", out var amount);
        return (Fraction.One / price).ToTrimmed(6).Length + (amount * price).ToTrimmed(6).Length + amount.ToTrimmed(6).Length;
    }

    // BalanceLedger.ApplyFill: cash delta = floor(fill × step × price × 1e18).
    [BenchmarkCategory("settle fill"), Benchmark(Baseline = true)]
    public BigInteger Fill_BigRational()
    {
        Old.TryParseRat(FillPrice, out var p);
        Old.TryParsePlainDecimal(SpotStep, out var step);
        return (new Old(1646, 1) * step * p * Old.Pow10(18)).Floor();
    }

    [BenchmarkCategory("settle fill"), Benchmark]
    public BigInteger Fill_Fractions()
    {
        Rational.TryParseRat(FillPrice, out var p);
        Rational.TryParsePlainDecimal(SpotStep, out var step);
        return (new Fraction(1646) * step * p * Rational.Pow10(18)).Floor();
    }

    // MemoryExchangeStore: a numeric column's value and the (owner, nonce) uniqueness check among 1,000 orders.
    [BenchmarkCategory("nonce lookup"), Benchmark(Baseline = true)]
    public bool Nonce_BigRational()
    {
        var n = PgNumeric.Parse(Nonce);
        return _oldNonces.Contains(("0xabc", new Old(n.Unscaled, BigInteger.Pow(10, n.Scale))));
    }

    [BenchmarkCategory("nonce lookup"), Benchmark]
    public bool Nonce_Fractions()
    {
        var n = PgNumeric.Parse(Nonce);
        return _newNonces.Contains(("0xabc", new Fraction(n.Unscaled, BigInteger.Pow(10, n.Scale))));
    }

    private static int ValidateOld(string priceText, string amountText, string tickText, string stepText)
    {
        Old.TryParsePlainDecimal(tickText, out var tick);
        Old.TryParsePlainDecimal(stepText, out var step);
        if (!Old.TryParsePlainDecimal(priceText, out var price) || !(price / tick).IsInteger)
        {
            return -1;
        }

        var ticks = (price / tick).Numerator;
        (new Old(ticks, 1) * tick).TryToExactDecimal(out var normalized);
        if (!Old.TryParseRat(amountText, out var amount) || !(amount / step).IsInteger)
        {
            return -1;
        }

        return normalized.Length + (int)((amount / step).Numerator % 1000);
    }

    private static int ValidateNew(string priceText, string amountText, string tickText, string stepText)
    {
        Rational.TryParsePlainDecimal(tickText, out var tick);
        Rational.TryParsePlainDecimal(stepText, out var step);
        if (!Rational.TryParsePlainDecimal(priceText, out var price) || !(price / tick).IsInteger)
        {
            return -1;
        }

        var ticks = (price / tick).ToBigInteger();
        (new Fraction(ticks) * tick).TryToExactDecimal(out var normalized);
        if (!Rational.TryParseRat(amountText, out var amount) || !(amount / step).IsInteger)
        {
            return -1;
        }

        return normalized.Length + (int)((amount / step).ToBigInteger() % 1000);
    }

    private static bool CloseOld(string given, string derived) =>
        Old.TryParseRat(given, out var g) && Old.TryParseRat(derived, out var d) && Old.Abs(g - d) <= Old.Pow10(-18);

    private static bool CloseNew(string given, string derived) =>
        Rational.TryParseRat(given, out var g) && Rational.TryParseRat(derived, out var d) && Fraction.Abs(g - d) <= Rational.Pow10(-18);
}
