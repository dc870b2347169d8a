using MarketMaker.Core.FairValue;

namespace MarketMaker.Core.Tests.FairValue;

public sealed class GoTextTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("1500", "1500")]
    [InlineData("1500.00", "1500")]
    [InlineData("1500.5", "1500.5")]
    [InlineData("99.5", "99.5")]
    [InlineData("100000", "100000")]
    [InlineData("123456.7", "123456.7")]
    [InlineData("1000000", "1e+06")]
    [InlineData("1234567", "1.234567e+06")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("0.00006", "6e-05")]
    [InlineData("-2.5", "-2.5")]
    [InlineData("0.000625", "0.000625")]
    public void Float_renders_like_go_percent_v(string value, string expected)
    {
        Assert.Equal(expected, GoText.Float(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(400, "0s")]
    [InlineData(500, "1s")]
    [InlineData(45_000, "45s")]
    [InlineData(60_000, "1m0s")]
    [InlineData(301_000, "5m1s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(3_723_600, "1h2m4s")]
    [InlineData(-61_000, "-1m1s")]
    public void Duration_renders_like_go_rounded_to_the_second(long milliseconds, string expected)
    {
        Assert.Equal(expected, GoText.DurationSeconds(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData("abc", "\"abc\"")]
    [InlineData("", "\"\"")]
    [InlineData(null, "\"\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("x\ny\tz", "\"x\\ny\\tz\"")]
    [InlineData("\u0001", "\"\\x01\"")]
    [InlineData("USDCcNGN-DEC31", "\"USDCcNGN-DEC31\"")]
    [InlineData("\a\b\f\v", "\"\\a\\b\\f\\v\"")]
    [InlineData("\u007f", "\"\\x7f\"")]
    [InlineData("\u0085", "\"\\u0085\"")]
    [InlineData("a\u00a0b", "\"a\\u00a0b\"")]
    [InlineData("\u200b", "\"\\u200b\"")]
    [InlineData("caf\u00e9 \U0001F600", "\"caf\u00e9 \U0001F600\"")]
    [InlineData("\U000E0001", "\"\\U000e0001\"")]
    public void Quote_renders_like_go_percent_q(string? value, string expected)
    {
        Assert.Equal(expected, GoText.Quote(value));
    }

    [Fact]
    public void Quote_writes_a_lone_surrogate_as_the_replacement_character()
    {
        var lone = "x" + (char)0xD800 + "y";
        Assert.Equal("\"x\\ufffdy\"", GoText.Quote(lone));
    }

    [Theory]
    [InlineData(0.9, "0s")]
    [InlineData(45.7, "45s")]
    [InlineData(93784.9, "26h3m4s")]
    [InlineData(-5.9, "-5s")]
    public void DurationTruncated_renders_like_go_truncated_to_the_second(double seconds, string expected)
    {
        Assert.Equal(expected, GoText.DurationTruncated(TimeSpan.FromSeconds(seconds)));
    }
}
