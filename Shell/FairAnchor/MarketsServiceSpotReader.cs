using System.Text.Json;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Shell.FairAnchor;

/// <summary>
/// <see cref="ISpotMarketReader"/> over the markets-service HTTP API (markets-service-api.md §1.3, §1.4, §3.4):
/// <c>GET /v1/book?symbol=</c> and <c>GET /v1/trades?symbol=&amp;limit=1</c>. Reads only the fields it needs.
/// <para>
/// Spot reads are in the engine view: the book's <c>bids</c> are makers selling USDC (trader asks) and its
/// <c>asks</c> are makers buying USDC (trader bids). A level's trader price is <c>spot_contract.ui_intent.price</c>
/// when &gt; 0, else 1 / <c>limit_price</c>; a trade's is <c>spot_contract.ui_intent.price</c> when &gt; 0, else
/// 1 / <c>price</c>. The top of a side is its first level with a usable price (the service sorts best first).
/// </para>
/// Self-contained so it can be replaced by the shared markets-service client later.
/// </summary>
public sealed class MarketsServiceSpotReader(HttpClient http, Uri baseUrl, TimeSpan timeout, TimeProvider time) : ISpotMarketReader
{
    private static readonly KeyValuePair<string, string>[] JsonAccept = [new("Accept", "application/json")];

    public async Task<Fetched<SpotBookTop>> GetSpotBookTopAsync(string spotSymbol, CancellationToken ct)
    {
        var url = Endpoint($"/v1/book?symbol={Uri.EscapeDataString(spotSymbol)}");
        return await HttpJsonFetch.GetAsync(http, url, JsonAccept, timeout, time, "book endpoint", ct).ConfigureAwait(false) switch
        {
            Fetched<JsonElement>.Ok ok => ParseBook(ok.Value),
            Fetched<JsonElement>.Failed f => new Fetched<SpotBookTop>.Failed(f.Error),
            _ => new Fetched<SpotBookTop>.Failed("book endpoint not read"),
        };
    }

    public async Task<Fetched<SpotTradeSample?>> GetLatestSpotTradeAsync(string spotSymbol, CancellationToken ct)
    {
        var url = Endpoint($"/v1/trades?symbol={Uri.EscapeDataString(spotSymbol)}&limit=1");
        return await HttpJsonFetch.GetAsync(http, url, JsonAccept, timeout, time, "trades endpoint", ct).ConfigureAwait(false) switch
        {
            Fetched<JsonElement>.Ok ok => ParseLatestTrade(ok.Value),
            Fetched<JsonElement>.Failed f => new Fetched<SpotTradeSample?>.Failed(f.Error),
            _ => new Fetched<SpotTradeSample?>.Failed("trades endpoint not read"),
        };
    }

    private Uri Endpoint(string pathAndQuery) => new(baseUrl.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    /// <summary>Trader-view top of book from a <c>/v1/book</c> body.</summary>
    internal static Fetched<SpotBookTop> ParseBook(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new Fetched<SpotBookTop>.Failed("malformed book payload: not a JSON object");
        }

        var traderAsk = TopOfSide(root, "bids", out var bidsError);
        var traderBid = TopOfSide(root, "asks", out var asksError);
        return (bidsError ?? asksError) is { } error
            ? new Fetched<SpotBookTop>.Failed($"malformed book payload: {error}")
            : new Fetched<SpotBookTop>.Ok(new SpotBookTop(traderBid, traderAsk));
    }

    private static decimal? TopOfSide(JsonElement root, string side, out string? error)
    {
        error = null;
        if (!root.TryGetProperty(side, out var levels) || levels.ValueKind != JsonValueKind.Array)
        {
            error = $"\"{side}\" is missing or not an array";
            return null;
        }

        var i = 0;
        foreach (var level in levels.EnumerateArray())
        {
            var where = $"{side}[{i++}]";
            if (level.ValueKind != JsonValueKind.Object)
            {
                error = $"{where} is not an object";
                return null;
            }

            var ui = HttpJsonFetch.OptionalString(level, where, out error, "spot_contract", "ui_intent", "price");
            if (error is not null)
            {
                return null;
            }

            if (SpotSelector.ParsePositive(ui) is { } uiPrice)
            {
                return uiPrice;
            }

            var limit = HttpJsonFetch.OptionalString(level, where, out error, "limit_price");
            if (error is not null)
            {
                return null;
            }

            if (SpotSelector.ParsePositive(limit) is { } enginePrice)
            {
                return 1m / enginePrice;
            }
        }

        return null;
    }

    /// <summary>The newest trade of a <c>/v1/trades</c> body in the trader view; Ok(null) when there are none.</summary>
    internal static Fetched<SpotTradeSample?> ParseLatestTrade(JsonElement root)
    {
        static Fetched<SpotTradeSample?> Malformed(string detail) => new Fetched<SpotTradeSample?>.Failed($"malformed trades payload: {detail}");

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Malformed("not a JSON object");
        }

        if (!root.TryGetProperty("trades", out var trades) || trades.ValueKind != JsonValueKind.Array)
        {
            return Malformed("\"trades\" is missing or not an array");
        }

        if (trades.GetArrayLength() == 0)
        {
            return new Fetched<SpotTradeSample?>.Ok(null);
        }

        var trade = trades[0];
        const string where = "trades[0]";
        if (trade.ValueKind != JsonValueKind.Object)
        {
            return Malformed($"{where} is not an object");
        }

        var raw = HttpJsonFetch.OptionalString(trade, where, out var error, "price");
        if (error is not null)
        {
            return Malformed(error);
        }

        var ui = HttpJsonFetch.OptionalString(trade, where, out error, "spot_contract", "ui_intent", "price");
        if (error is not null)
        {
            return Malformed(error);
        }

        var createdText = HttpJsonFetch.OptionalString(trade, where, out error, "created_at");
        if (error is not null)
        {
            return Malformed(error);
        }

        DateTimeOffset? createdAt = null;
        if (createdText is not null)
        {
            if (!Rfc3339.TryParse(createdText, out var parsed))
            {
                return Malformed($"{where}.created_at is not an RFC3339 timestamp: {GoText.Quote(createdText)}");
            }

            createdAt = parsed;
        }

        var traderPrice = SpotSelector.ParsePositive(ui) ?? (SpotSelector.ParsePositive(raw) is { } engine ? 1m / engine : null);
        return new Fetched<SpotTradeSample?>.Ok(new SpotTradeSample(raw ?? string.Empty, traderPrice, createdAt));
    }
}
