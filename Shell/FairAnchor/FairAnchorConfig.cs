using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Shell.FairAnchor;

/// <summary>Where the fair-anchor listens.</summary>
public sealed record ListenEndpoint(IPAddress Address, int Port)
{
    public override string ToString() =>
        Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}

/// <summary>The outcome of parsing the FAIR_ANCHOR_* environment: a config, or every problem (one line each).</summary>
public sealed record FairAnchorConfigResult(FairAnchorConfig? Config, ImmutableArray<string> Errors, ImmutableArray<string> Warnings)
{
    public bool IsValid => Config is not null;
}

/// <summary>
/// The fair-anchor's configuration (reference-bot.md §9). Differences from the reference, by design:
/// <list type="bullet">
/// <item>A listen address without a host (<c>:8090</c>, also from <c>PORT</c>) binds <b>127.0.0.1</b>, not every
/// interface; give a host (<c>0.0.0.0:8090</c>, <c>[::]:8090</c>) to listen elsewhere. <c>localhost</c> means 127.0.0.1.
/// Port 0 picks a free port.</item>
/// <item>Bad numbers, booleans and URLs are reported (all of them at once) instead of panicking.</item>
/// <item>The StablesRail API key never appears in errors, warnings or <see cref="ToString"/>.</item>
/// </list>
/// </summary>
public sealed class FairAnchorConfig
{
    public const string DefaultListenAddr = ":8090";
    public const int DefaultTimeoutMs = 1500;
    public const string DefaultSpotSymbol = "USDCcNGN-SPOT";
    public const string DefaultFuturesSymbol = "USDCcNGN-APR30-2026";
    public const string DefaultExpiryUtc = "2026-04-30T00:00:00Z";
    public const int DefaultMaxSpotAgeSeconds = 300;
    public const string DefaultStrailsPair = "CNGN-USDC";

    public required ListenEndpoint Listen { get; init; }

    public required Uri ApiBaseUrl { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(DefaultTimeoutMs);

    public const int DefaultCacheMs = 1000;

    /// <summary>How long one upstream read serves every request (FAIR_ANCHOR_CACHE_MS, 0..1000; 0 = every request reads).</summary>
    public TimeSpan Cache { get; init; } = TimeSpan.FromMilliseconds(DefaultCacheMs);

    public string SpotSymbol { get; init; } = DefaultSpotSymbol;

    public string FuturesSymbol { get; init; } = DefaultFuturesSymbol;

    public DateTimeOffset ExpiryUtc { get; init; } = new(2026, 4, 30, 0, 0, 0, TimeSpan.Zero);

    public decimal RateApr { get; init; }

    public decimal CarryAbs { get; init; }

    public decimal CarryBps { get; init; }

    /// <summary>Maximum age of the latest spot trade; zero disables the check.</summary>
    public TimeSpan MaxSpotAge { get; init; } = TimeSpan.FromSeconds(DefaultMaxSpotAgeSeconds);

    public bool AllowAnyMarket { get; init; }

    public bool GuardedFallbackEnabled { get; init; }

    public decimal GuardedFallbackSpotPrice { get; init; }

    public Uri? StrailsApiUrl { get; init; }

    /// <summary>Secret. Never log or print it.</summary>
    public string StrailsApiKey { get; init; } = string.Empty;

    public string StrailsPair { get; init; } = DefaultStrailsPair;

    /// <summary>StablesRail is used only when both its URL and its key are set (as in the reference).</summary>
    public bool StrailsConfigured => StrailsApiUrl is not null && StrailsApiKey.Length > 0;

    public FairValueParams FairParams => new(RateApr, CarryAbs, CarryBps, ExpiryUtc);

    /// <summary>The guarded fallback spot price when the fallback is enabled, else null.</summary>
    public decimal? GuardedFallbackPrice => GuardedFallbackEnabled && GuardedFallbackSpotPrice > 0m ? GuardedFallbackSpotPrice : null;

    /// <summary>A one-line summary for the startup log; the API key is shown only as set/unset.</summary>
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"listen={Listen} spot={SpotSymbol} futures={FuturesSymbol} expiry={Rfc3339.Format(ExpiryUtc)} rate_apr={RateApr} carry_abs={CarryAbs} carry_bps={CarryBps} timeout_ms={Timeout.TotalMilliseconds} max_spot_age_s={MaxSpotAge.TotalSeconds} allow_any_market={AllowAnyMarket} guarded_fallback={(GuardedFallbackEnabled ? GuardedFallbackSpotPrice.ToString(CultureInfo.InvariantCulture) : "off")} strails={(StrailsConfigured ? "on" : "off")} strails_pair={StrailsPair} strails_api_key={(StrailsApiKey.Length > 0 ? "set" : "unset")}");

    /// <summary>Reads every FAIR_ANCHOR_* variable (and PORT), collecting every problem.</summary>
    public static FairAnchorConfigResult Parse(IReadOnlyDictionary<string, string> env)
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        var warnings = ImmutableArray.CreateBuilder<string>();

        string Get(string key) => env.TryGetValue(key, out var v) && v is not null ? v.Trim() : string.Empty;
        string GetOr(string key, string fallback) => Get(key) is { Length: > 0 } v ? v : fallback;

        // Listen address.
        var listenRaw = Get("FAIR_ANCHOR_LISTEN_ADDR");
        var listenSource = "FAIR_ANCHOR_LISTEN_ADDR";
        if (listenRaw.Length == 0)
        {
            var port = Get("PORT");
            if (port.Length > 0)
            {
                listenRaw = ":" + port;
                listenSource = "PORT";
            }
            else
            {
                listenRaw = DefaultListenAddr;
            }
        }

        var listen = ParseListen(listenRaw, listenSource, errors);

        // Markets-service base URL.
        var apiRaw = Get("FAIR_ANCHOR_API_BASE_URL");
        Uri? api = null;
        if (apiRaw.Length == 0)
        {
            errors.Add("FAIR_ANCHOR_API_BASE_URL is required");
        }
        else
        {
            api = ParseHttpUrl(apiRaw, "FAIR_ANCHOR_API_BASE_URL", errors);
        }

        var timeoutMs = ParseInt(Get("FAIR_ANCHOR_TIMEOUT_MS"), "FAIR_ANCHOR_TIMEOUT_MS", DefaultTimeoutMs, errors);
        if (timeoutMs is <= 0)
        {
            errors.Add("FAIR_ANCHOR_TIMEOUT_MS must be > 0");
        }

        var cacheMs = ParseInt(Get("FAIR_ANCHOR_CACHE_MS"), "FAIR_ANCHOR_CACHE_MS", DefaultCacheMs, errors);
        if (cacheMs is < 0 or > 1000)
        {
            errors.Add("FAIR_ANCHOR_CACHE_MS must be between 0 and 1000");
        }

        var spot = GetOr("FAIR_ANCHOR_SPOT_SYMBOL", DefaultSpotSymbol);
        var futures = GetOr("FAIR_ANCHOR_FUTURES_SYMBOL", DefaultFuturesSymbol);

        var expiryRaw = GetOr("FAIR_ANCHOR_EXPIRY_UTC", DefaultExpiryUtc);
        if (!Rfc3339.TryParse(expiryRaw, out var expiry))
        {
            errors.Add($"invalid FAIR_ANCHOR_EXPIRY_UTC: {GoText.Quote(expiryRaw)} is not an RFC3339 timestamp (e.g. 2026-04-30T00:00:00Z)");
        }

        var rate = ParseDecimal(Get("FAIR_ANCHOR_RATE_APR"), "FAIR_ANCHOR_RATE_APR", errors) ?? 0m;
        var carryAbs = ParseDecimal(Get("FAIR_ANCHOR_CARRY_ABS"), "FAIR_ANCHOR_CARRY_ABS", errors) ?? 0m;
        var carryBps = ParseDecimal(Get("FAIR_ANCHOR_CARRY_BPS"), "FAIR_ANCHOR_CARRY_BPS", errors) ?? 0m;

        var maxAge = ParseInt(Get("FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS"), "FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS", DefaultMaxSpotAgeSeconds, errors);
        if (maxAge is < 0)
        {
            errors.Add("FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS must be >= 0");
        }

        var allowAny = ParseBool(Get("FAIR_ANCHOR_ALLOW_ANY_MARKET"), "FAIR_ANCHOR_ALLOW_ANY_MARKET", errors);
        var fallbackEnabled = ParseBool(Get("FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED"), "FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED", errors);
        var fallbackPriceRaw = Get("FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE");
        var fallbackPrice = ParseDecimal(fallbackPriceRaw, "FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE", errors);
        if (fallbackEnabled && fallbackPrice is { } fp && fp <= 0m)
        {
            errors.Add("FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE must be > 0 when FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED=true");
        }

        var strailsRaw = Get("FAIR_ANCHOR_STRAILS_API_URL");
        var strailsKey = Get("FAIR_ANCHOR_STRAILS_API_KEY");
        Uri? strailsUrl = null;
        if (strailsRaw.Length > 0)
        {
            strailsUrl = ParseHttpUrl(strailsRaw, "FAIR_ANCHOR_STRAILS_API_URL", errors);
            if (strailsKey.Length == 0)
            {
                warnings.Add("FAIR_ANCHOR_STRAILS_API_URL is set but FAIR_ANCHOR_STRAILS_API_KEY is empty: StablesRail is not used");
            }
        }
        else if (strailsKey.Length > 0)
        {
            warnings.Add("FAIR_ANCHOR_STRAILS_API_KEY is set but FAIR_ANCHOR_STRAILS_API_URL is empty: StablesRail is not used");
        }

        var pair = GetOr("FAIR_ANCHOR_STRAILS_PAIR", DefaultStrailsPair);

        if (errors.Count > 0 || listen is null || api is null || timeoutMs is null || maxAge is null)
        {
            return new FairAnchorConfigResult(null, errors.ToImmutable(), warnings.ToImmutable());
        }

        var config = new FairAnchorConfig
        {
            Listen = listen,
            ApiBaseUrl = api,
            Timeout = TimeSpan.FromMilliseconds(timeoutMs.Value),
            Cache = TimeSpan.FromMilliseconds(Math.Clamp(cacheMs ?? DefaultCacheMs, 0, 1000)),
            SpotSymbol = spot,
            FuturesSymbol = futures,
            ExpiryUtc = expiry.ToUniversalTime(),
            RateApr = rate,
            CarryAbs = carryAbs,
            CarryBps = carryBps,
            MaxSpotAge = TimeSpan.FromSeconds(maxAge.Value),
            AllowAnyMarket = allowAny,
            GuardedFallbackEnabled = fallbackEnabled,
            GuardedFallbackSpotPrice = fallbackPrice ?? 0m,
            StrailsApiUrl = strailsUrl,
            StrailsApiKey = strailsKey,
            StrailsPair = pair,
        };
        return new FairAnchorConfigResult(config, [], warnings.ToImmutable());
    }

    private static ListenEndpoint? ParseListen(string raw, string source, ImmutableArray<string>.Builder errors)
    {
        string host;
        string portText;
        if (raw.StartsWith('['))
        {
            var close = raw.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= raw.Length || raw[close + 1] != ':')
            {
                errors.Add($"{source} must be host:port, :port or [ipv6]:port, got {GoText.Quote(raw)}");
                return null;
            }

            host = raw[1..close];
            portText = raw[(close + 2)..];
        }
        else
        {
            var colon = raw.LastIndexOf(':');
            if (colon < 0 || raw.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                errors.Add($"{source} must be host:port, :port or [ipv6]:port, got {GoText.Quote(raw)}");
                return null;
            }

            host = raw[..colon];
            portText = raw[(colon + 1)..];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            errors.Add($"{source} port must be a number from 0 to 65535, got {GoText.Quote(portText)}");
            return null;
        }

        IPAddress address;
        if (host.Length == 0 || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            errors.Add($"{source} host must be an IP address or localhost, got {GoText.Quote(host)}");
            return null;
        }

        return new ListenEndpoint(address, port);
    }

    private static Uri? ParseHttpUrl(string raw, string key, ImmutableArray<string>.Builder errors)
    {
        // The value itself is not echoed: URLs can carry credentials.
        if (Uri.TryCreate(raw, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0)
        {
            return uri;
        }

        errors.Add($"{key} must be an absolute http:// or https:// URL");
        return null;
    }

    private static int? ParseInt(string raw, string key, int fallback, ImmutableArray<string>.Builder errors)
    {
        if (raw.Length == 0)
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{key} must be an integer, got {GoText.Quote(raw)}");
        return null;
    }

    private static decimal? ParseDecimal(string raw, string key, ImmutableArray<string>.Builder errors)
    {
        if (raw.Length == 0)
        {
            return 0m;
        }

        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{key} must be a finite decimal number, got {GoText.Quote(raw)}");
        return null;
    }

    /// <summary>Go strconv.ParseBool: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False; empty = false.</summary>
    private static bool ParseBool(string raw, string key, ImmutableArray<string>.Builder errors)
    {
        switch (raw)
        {
            case "":
            case "0":
            case "f":
            case "F":
            case "false":
            case "FALSE":
            case "False":
                return false;
            case "1":
            case "t":
            case "T":
            case "true":
            case "TRUE":
            case "True":
                return true;
            default:
                errors.Add($"{key} must be true or false, got {GoText.Quote(raw)}");
                return false;
        }
    }
}
