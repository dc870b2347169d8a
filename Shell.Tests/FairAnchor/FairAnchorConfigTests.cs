using System.Net;
using MarketMaker.Shell.FairAnchor;

namespace MarketMaker.Shell.Tests.FairAnchor;

public sealed class FairAnchorConfigTests
{
    private const string Key = "sk_live_do_not_print_me";

    private static Dictionary<string, string> Env(params (string Key, string Value)[] pairs)
    {
        var env = new Dictionary<string, string> { ["FAIR_ANCHOR_API_BASE_URL"] = "http://127.0.0.1:9000" };
        foreach (var (k, v) in pairs)
        {
            env[k] = v;
        }

        return env;
    }

    private static FairAnchorConfig Valid(Dictionary<string, string> env)
    {
        var result = FairAnchorConfig.Parse(env);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Config!;
    }

    [Fact]
    public void Defaults_follow_the_reference_with_loopback_binding()
    {
        var c = Valid(Env());
        Assert.Equal(new ListenEndpoint(IPAddress.Loopback, 8090), c.Listen);
        Assert.Equal(new Uri("http://127.0.0.1:9000"), c.ApiBaseUrl);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), c.Timeout);
        Assert.Equal("USDCcNGN-SPOT", c.SpotSymbol);
        Assert.Equal("USDCcNGN-APR30-2026", c.FuturesSymbol);
        Assert.Equal(new DateTimeOffset(2026, 4, 30, 0, 0, 0, TimeSpan.Zero), c.ExpiryUtc);
        Assert.Equal(0m, c.RateApr);
        Assert.Equal(0m, c.CarryAbs);
        Assert.Equal(0m, c.CarryBps);
        Assert.Equal(TimeSpan.FromSeconds(300), c.MaxSpotAge);
        Assert.False(c.AllowAnyMarket);
        Assert.False(c.GuardedFallbackEnabled);
        Assert.Null(c.GuardedFallbackPrice);
        Assert.Null(c.StrailsApiUrl);
        Assert.False(c.StrailsConfigured);
        Assert.Equal("CNGN-USDC", c.StrailsPair);
    }

    [Fact]
    public void Every_variable_is_read()
    {
        var c = Valid(Env(
            ("FAIR_ANCHOR_LISTEN_ADDR", "0.0.0.0:18090"),
            ("FAIR_ANCHOR_TIMEOUT_MS", "250"),
            ("FAIR_ANCHOR_SPOT_SYMBOL", "SPOT-X"),
            ("FAIR_ANCHOR_FUTURES_SYMBOL", "FUT-X"),
            ("FAIR_ANCHOR_EXPIRY_UTC", "2026-09-16T08:00:00+01:00"),
            ("FAIR_ANCHOR_RATE_APR", "0.18"),
            ("FAIR_ANCHOR_CARRY_ABS", "-1.5"),
            ("FAIR_ANCHOR_CARRY_BPS", "2.5e1"),
            ("FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS", "0"),
            ("FAIR_ANCHOR_ALLOW_ANY_MARKET", "true"),
            ("FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED", "1"),
            ("FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE", "1580.5"),
            ("FAIR_ANCHOR_STRAILS_API_URL", "https://127.0.0.1:7443/api/"),
            ("FAIR_ANCHOR_STRAILS_API_KEY", Key),
            ("FAIR_ANCHOR_STRAILS_PAIR", "CNGN/USDC")));
        Assert.Equal(new ListenEndpoint(IPAddress.Any, 18090), c.Listen);
        Assert.Equal(TimeSpan.FromMilliseconds(250), c.Timeout);
        Assert.Equal("SPOT-X", c.SpotSymbol);
        Assert.Equal("FUT-X", c.FuturesSymbol);
        Assert.Equal(new DateTimeOffset(2026, 9, 16, 7, 0, 0, TimeSpan.Zero), c.ExpiryUtc);
        Assert.Equal(TimeSpan.Zero, c.ExpiryUtc.Offset);
        Assert.Equal(0.18m, c.RateApr);
        Assert.Equal(-1.5m, c.CarryAbs);
        Assert.Equal(25m, c.CarryBps);
        Assert.Equal(TimeSpan.Zero, c.MaxSpotAge);
        Assert.True(c.AllowAnyMarket);
        Assert.Equal(1580.5m, c.GuardedFallbackPrice);
        Assert.True(c.StrailsConfigured);
        Assert.Equal(Key, c.StrailsApiKey);
        Assert.Equal("CNGN/USDC", c.StrailsPair);
    }

    [Theory]
    [InlineData(":8091", "127.0.0.1", 8091)]
    [InlineData("localhost:8092", "127.0.0.1", 8092)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("[::1]:8093", "::1", 8093)]
    [InlineData("[::]:8094", "::", 8094)]
    public void Listen_addresses_without_a_host_bind_loopback(string raw, string host, int port)
    {
        var c = Valid(Env(("FAIR_ANCHOR_LISTEN_ADDR", raw)));
        Assert.Equal(new ListenEndpoint(IPAddress.Parse(host), port), c.Listen);
    }

    [Fact]
    public void Port_is_used_when_no_listen_address_is_given()
    {
        Assert.Equal(new ListenEndpoint(IPAddress.Loopback, 9123), Valid(Env(("PORT", "9123"))).Listen);
        Assert.Equal(8095, Valid(Env(("PORT", "9123"), ("FAIR_ANCHOR_LISTEN_ADDR", ":8095"))).Listen.Port);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_one_line_each()
    {
        var env = new Dictionary<string, string>
        {
            ["FAIR_ANCHOR_LISTEN_ADDR"] = "8090",
            ["FAIR_ANCHOR_TIMEOUT_MS"] = "0",
            ["FAIR_ANCHOR_EXPIRY_UTC"] = "2026-04-30",
            ["FAIR_ANCHOR_RATE_APR"] = "five",
            ["FAIR_ANCHOR_CARRY_ABS"] = "NaN",
            ["FAIR_ANCHOR_CARRY_BPS"] = "1,5",
            ["FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS"] = "-1",
            ["FAIR_ANCHOR_ALLOW_ANY_MARKET"] = "yes",
            ["FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED"] = "true",
            ["FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE"] = "0",
            ["FAIR_ANCHOR_STRAILS_API_URL"] = "ftp://example",
            ["FAIR_ANCHOR_STRAILS_API_KEY"] = Key,
        };
        var result = FairAnchorConfig.Parse(env);
        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "FAIR_ANCHOR_LISTEN_ADDR must be host:port, :port or [ipv6]:port, got \"8090\"",
                "FAIR_ANCHOR_API_BASE_URL is required",
                "FAIR_ANCHOR_TIMEOUT_MS must be > 0",
                "invalid FAIR_ANCHOR_EXPIRY_UTC: \"2026-04-30\" is not an RFC3339 timestamp (e.g. 2026-04-30T00:00:00Z)",
                "FAIR_ANCHOR_RATE_APR must be a finite decimal number, got \"five\"",
                "FAIR_ANCHOR_CARRY_ABS must be a finite decimal number, got \"NaN\"",
                "FAIR_ANCHOR_CARRY_BPS must be a finite decimal number, got \"1,5\"",
                "FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS must be >= 0",
                "FAIR_ANCHOR_ALLOW_ANY_MARKET must be true or false, got \"yes\"",
                "FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE must be > 0 when FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED=true",
                "FAIR_ANCHOR_STRAILS_API_URL must be an absolute http:// or https:// URL",
            ],
            result.Errors.ToArray());
        Assert.DoesNotContain(result.Errors, e => e.Contains(Key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("FAIR_ANCHOR_LISTEN_ADDR", "127.0.0.1:70000", "FAIR_ANCHOR_LISTEN_ADDR port must be a number from 0 to 65535, got \"70000\"")]
    [InlineData("FAIR_ANCHOR_LISTEN_ADDR", "myhost:8090", "FAIR_ANCHOR_LISTEN_ADDR host must be an IP address or localhost, got \"myhost\"")]
    [InlineData("FAIR_ANCHOR_LISTEN_ADDR", "::1:8090", "FAIR_ANCHOR_LISTEN_ADDR must be host:port, :port or [ipv6]:port, got \"::1:8090\"")]
    [InlineData("PORT", "http", "PORT port must be a number from 0 to 65535, got \"http\"")]
    [InlineData("FAIR_ANCHOR_API_BASE_URL", "127.0.0.1:9000", "FAIR_ANCHOR_API_BASE_URL must be an absolute http:// or https:// URL")]
    [InlineData("FAIR_ANCHOR_TIMEOUT_MS", "1.5", "FAIR_ANCHOR_TIMEOUT_MS must be an integer, got \"1.5\"")]
    [InlineData("FAIR_ANCHOR_TIMEOUT_MS", "-3", "FAIR_ANCHOR_TIMEOUT_MS must be > 0")]
    [InlineData("FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS", "ten", "FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS must be an integer, got \"ten\"")]
    [InlineData("FAIR_ANCHOR_EXPIRY_UTC", "2026-02-30T00:00:00Z", "invalid FAIR_ANCHOR_EXPIRY_UTC: \"2026-02-30T00:00:00Z\" is not an RFC3339 timestamp (e.g. 2026-04-30T00:00:00Z)")]
    [InlineData("FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED", "on", "FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED must be true or false, got \"on\"")]
    public void A_single_bad_value_names_its_variable(string key, string value, string expected)
    {
        var result = FairAnchorConfig.Parse(Env((key, value)));
        Assert.Equal([expected], result.Errors.ToArray());
    }

    [Fact]
    public void Guarded_fallback_enabled_without_a_price_is_an_error()
    {
        var result = FairAnchorConfig.Parse(Env(("FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED", "true")));
        Assert.Equal(["FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE must be > 0 when FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED=true"], result.Errors.ToArray());
    }

    [Fact]
    public void Half_configured_strails_is_a_warning_and_stays_off()
    {
        var urlOnly = FairAnchorConfig.Parse(Env(("FAIR_ANCHOR_STRAILS_API_URL", "http://127.0.0.1:7000")));
        Assert.True(urlOnly.IsValid);
        Assert.False(urlOnly.Config!.StrailsConfigured);
        Assert.Single(urlOnly.Warnings);

        var keyOnly = FairAnchorConfig.Parse(Env(("FAIR_ANCHOR_STRAILS_API_KEY", Key)));
        Assert.True(keyOnly.IsValid);
        Assert.False(keyOnly.Config!.StrailsConfigured);
        Assert.DoesNotContain(keyOnly.Warnings, w => w.Contains(Key, StringComparison.Ordinal));
    }

    [Fact]
    public void The_api_key_never_appears_in_the_config_summary()
    {
        var c = Valid(Env(("FAIR_ANCHOR_STRAILS_API_URL", "http://127.0.0.1:7000"), ("FAIR_ANCHOR_STRAILS_API_KEY", Key)));
        var text = c.ToString();
        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
        Assert.Contains("strails_api_key=set", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-04-30T00:00:00Z", "2026-04-30T00:00:00Z", "2026-04-30T00:00:00Z")]
    [InlineData("2026-07-23T12:00:00.123456789Z", "2026-07-23T12:00:00Z", "2026-07-23T12:00:00.1234567Z")]
    [InlineData("2026-07-23T12:00:03.52Z", "2026-07-23T12:00:03Z", "2026-07-23T12:00:03.52Z")]
    [InlineData("2026-07-23T13:30:00+01:30", "2026-07-23T12:00:00Z", "2026-07-23T12:00:00Z")]
    public void Rfc3339_parses_and_formats_like_go(string text, string rfc3339, string rfc3339Nano)
    {
        Assert.True(Rfc3339.TryParse(text, out var value));
        Assert.Equal(rfc3339, Rfc3339.Format(value));
        Assert.Equal(rfc3339Nano, Rfc3339.FormatNano(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-04-30 00:00:00Z")]
    [InlineData("2026-04-30T00:00:00")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-04-30T24:00:00Z")]
    [InlineData("2026-04-30T00:00:60Z")]
    public void Rfc3339_rejects_what_is_not_a_timestamp(string text)
    {
        Assert.False(Rfc3339.TryParse(text, out _));
    }
}
