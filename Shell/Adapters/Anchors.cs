using System.Globalization;
using System.Numerics;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Core.FairValue;
using MarketMaker.Protocol.Rpc;
using MarketMaker.Shell.Cycle;

namespace MarketMaker.Shell.Adapters;

/// <summary>An anchor reading that was refused: the source and what was wrong (never a secret).</summary>
public sealed class AnchorException(string source, string message) : Exception($"{source}: {message}")
{
    public string SourceName { get; } = source;
}

/// <summary>MM_ANCHOR_SOURCE_TYPE=fixed.</summary>
public sealed class FixedAnchor(decimal price, TimeProvider time) : IAnchorSource
{
    public string Name => "fixed";

    public Task<AnchorReading> FetchAsync(CancellationToken ct) => Task.FromResult(new AnchorReading(price, time.GetUtcNow()));
}

/// <summary>
/// MM_ANCHOR_SOURCE_TYPE=http: GET the URL with <c>market=&lt;symbol&gt;</c> set (replacing any value), 2xx required,
/// body <c>{"price": x}</c> (number or decimal string) or a bare number; zero, negative or malformed is refused.
/// Consumes the fair-anchor service unchanged.
/// </summary>
public sealed class HttpAnchor(HttpClient http, string url, string market, TimeProvider time) : IAnchorSource
{
    public string Name => "http";

    public static Uri WithMarket(string url, string market)
    {
        var builder = new UriBuilder(url);
        var pairs = (builder.Query.TrimStart('?') is { Length: > 0 } q ? q.Split('&') : [])
            .Where(p => !p.StartsWith("market=", StringComparison.Ordinal) && p != "market")
            .Append("market=" + Uri.EscapeDataString(market));
        builder.Query = string.Join("&", pairs);
        return builder.Uri;
    }

    public async Task<AnchorReading> FetchAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync(WithMarket(url, market), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new AnchorException(Name, $"status {(int)response.StatusCode}");
        }

        var price = Parse(body) ?? throw new AnchorException(Name, "body is neither {\"price\": x} nor a number");
        return price > 0 ? new AnchorReading(price, time.GetUtcNow()) : throw new AnchorException(Name, $"price {price} is not positive");
    }

    public static decimal? Parse(string body)
    {
        var text = body.Trim();
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            return bare;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("price", out var p))
            {
                if (p.ValueKind == JsonValueKind.Number && p.TryGetDecimal(out var n))
                {
                    return n;
                }

                if (p.ValueKind == JsonValueKind.String && decimal.TryParse(p.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
                {
                    return s;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}

/// <summary>A Chainlink NGN/USD feed read as cNGN per USDC = 10^decimals / answer; the value's time is updatedAt.</summary>
public sealed class ChainlinkCngnFeed(JsonRpcClient rpc, string feed)
{
    public async Task<AnchorReading> ReadAsync(string source, CancellationToken ct)
    {
        var decimalsTask = rpc.DecimalsAsync(feed, ct);
        var roundTask = rpc.LatestRoundDataAsync(feed, ct);
        await Task.WhenAll(decimalsTask, roundTask);
        var decimals = await decimalsTask;
        var round = await roundTask;
        if (round.Answer <= BigInteger.Zero)
        {
            throw new AnchorException(source, $"oracle answer {round.Answer} is not positive");
        }

        if (round.UpdatedAtTime is not { } updatedAt)
        {
            throw new AnchorException(source, "oracle updatedAt is missing");
        }

        if (decimals > 28 || round.Answer > new BigInteger(decimal.MaxValue))
        {
            throw new AnchorException(source, "oracle answer out of range");
        }

        var price = Pow10(decimals) / (decimal)round.Answer;
        return new AnchorReading(price, updatedAt);
    }

    private static decimal Pow10(int n)
    {
        var v = 1m;
        for (var i = 0; i < n; i++)
        {
            v *= 10m;
        }

        return v;
    }
}

/// <summary>
/// MM_ANCHOR_SOURCE_TYPE=oracle_carry (futures): spot from the cNGN oracle, carried to the market's expiry:
/// fair = spot × exp(MM_CARRY_RATE_APR × T). The reading's time is the oracle's updatedAt; older than
/// MM_ANCHOR_ORACLE_MAX_AGE_SECONDS is refused.
/// </summary>
public sealed class OracleCarryAnchor(ChainlinkCngnFeed feed, decimal rateApr, DateTimeOffset expiry, TimeSpan maxAge, TimeProvider time) : IAnchorSource
{
    public string Name => "oracle_carry";

    public async Task<AnchorReading> FetchAsync(CancellationToken ct)
    {
        var spot = await feed.ReadAsync(Name, ct);
        var now = time.GetUtcNow();
        if (now - spot.ObservedAt > maxAge)
        {
            throw new AnchorException(Name, $"oracle value is {(now - spot.ObservedAt).TotalSeconds:0}s old (max {maxAge.TotalSeconds:0}s)");
        }

        return FairValueFormula.Compute(spot.Price, rateApr, FairValueFormula.YearsToExpiry(expiry, now), 0m, 0m) switch
        {
            FairValueOutcome.Valid v => new AnchorReading(v.Fair, spot.ObservedAt),
            FairValueOutcome.Invalid i => throw new AnchorException(Name, i.Reason),
            _ => throw new AnchorException(Name, "no fair value"),
        };
    }
}

/// <summary>The spot external bootstrap anchor from the Chainlink cNGN feed (provider cngn-price-oracle).</summary>
public sealed class OracleExternalAnchor(ChainlinkCngnFeed feed) : IAnchorSource
{
    public string Name => "cngn-price-oracle";

    public Task<AnchorReading> FetchAsync(CancellationToken ct) => feed.ReadAsync(Name, ct);
}

/// <summary>
/// The spot external bootstrap anchor from the 0x Swap API v2 price endpoint (provider 0x): headers
/// <c>0x-api-key</c> (when given) and <c>0x-version: v2</c>; price = (buyAmount / 10^buyDecimals) / (sellAmount / 10^sellDecimals).
/// A v1-style top-level decimal <c>price</c> is accepted as a fallback. No liquidity, non-200 or malformed is refused.
/// The API key is sent only as a header and never appears in errors.
/// </summary>
public sealed class ZeroExAnchor(
    HttpClient http, string baseUrl, long chainId, string sellToken, string buyToken, string sellAmount,
    string? apiKey, int sellDecimals, int buyDecimals, TimeProvider time) : IAnchorSource
{
    public string Name => "0x";

    public async Task<AnchorReading> FetchAsync(CancellationToken ct)
    {
        var url = $"{baseUrl.TrimEnd('/')}/swap/permit2/price?chainId={chainId}&sellToken={Uri.EscapeDataString(sellToken)}&buyToken={Uri.EscapeDataString(buyToken)}&sellAmount={Uri.EscapeDataString(sellAmount)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("0x-version", "v2");
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Add("0x-api-key", apiKey);
        }

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new AnchorException(Name, $"status {(int)response.StatusCode}");
        }

        var price = Parse(body, sellDecimals, buyDecimals);
        return price > 0 ? new AnchorReading(price, time.GetUtcNow()) : throw new AnchorException(Name, $"price {price} is not positive");
    }

    public static decimal Parse(string body, int sellDecimals, int buyDecimals)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new AnchorException("0x", "body is not an object");
            }

            if (root.TryGetProperty("liquidityAvailable", out var liq) && liq.ValueKind == JsonValueKind.False)
            {
                throw new AnchorException("0x", "no liquidity available");
            }

            if (root.TryGetProperty("buyAmount", out var buy) && root.TryGetProperty("sellAmount", out var sell)
                && buy.ValueKind == JsonValueKind.String && sell.ValueKind == JsonValueKind.String
                && BigInteger.TryParse(buy.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                && BigInteger.TryParse(sell.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
            {
                if (s.IsZero)
                {
                    throw new AnchorException("0x", "sellAmount is zero");
                }

                return Scale(b, buyDecimals) / Scale(s, sellDecimals);
            }

            if (root.TryGetProperty("price", out var p) && p.ValueKind == JsonValueKind.String
                && decimal.TryParse(p.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v1))
            {
                return v1;
            }

            throw new AnchorException("0x", "response has neither buyAmount/sellAmount nor price");
        }
        catch (JsonException)
        {
            throw new AnchorException("0x", "body is not JSON");
        }
        catch (OverflowException)
        {
            throw new AnchorException("0x", "amounts out of range");
        }
    }

    private static decimal Scale(BigInteger amount, int decimals)
    {
        var value = (decimal)amount;
        for (var i = 0; i < decimals; i++)
        {
            value /= 10m;
        }

        return value;
    }
}
