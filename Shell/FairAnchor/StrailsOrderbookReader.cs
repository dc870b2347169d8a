using System.Collections.Immutable;
using System.Text.Json;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Shell.FairAnchor;

/// <summary>
/// StablesRail FX orderbook: <c>GET &lt;url&gt;/fx/orderbook?pair=&lt;escaped pair&gt;&amp;limit=10</c> with headers
/// <c>x-api-key</c> and <c>Accept: application/json</c>; body <c>{"data":{"buyOrders":[{"price","status"}],"sellOrders":[…]}}</c>.
/// A missing <c>data</c> or side reads as an empty side (as in the reference); wrong types are errors. Prices may be
/// strings (as sent) or JSON numbers. The API key never appears in any message.
/// </summary>
public sealed class StrailsOrderbookReader(HttpClient http, Uri apiUrl, string apiKey, string pair, TimeSpan timeout, TimeProvider time) : IStrailsOrderbookReader
{
    public async Task<Fetched<StrailsBook>> GetOrderbookAsync(CancellationToken ct)
    {
        var url = new Uri(apiUrl.AbsoluteUri.TrimEnd('/') + $"/fx/orderbook?pair={Uri.EscapeDataString(pair)}&limit=10");
        KeyValuePair<string, string>[] headers = [new("x-api-key", apiKey), new("Accept", "application/json")];
        return await HttpJsonFetch.GetAsync(http, url, headers, timeout, time, "strails orderbook", ct).ConfigureAwait(false) switch
        {
            Fetched<JsonElement>.Ok ok => Parse(ok.Value),
            Fetched<JsonElement>.Failed f => new Fetched<StrailsBook>.Failed(f.Error),
            _ => new Fetched<StrailsBook>.Failed("strails orderbook not read"),
        };
    }

    internal static Fetched<StrailsBook> Parse(JsonElement root)
    {
        static Fetched<StrailsBook> Malformed(string detail) => new Fetched<StrailsBook>.Failed($"malformed strails orderbook payload: {detail}");

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Malformed("not a JSON object");
        }

        if (!root.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null)
        {
            return new Fetched<StrailsBook>.Ok(new StrailsBook([], []));
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            return Malformed("data is not an object");
        }

        var buys = Side(data, "buyOrders", out var error);
        if (error is not null)
        {
            return Malformed(error);
        }

        var sells = Side(data, "sellOrders", out error);
        return error is not null ? Malformed(error) : new Fetched<StrailsBook>.Ok(new StrailsBook(buys, sells));
    }

    private static ImmutableArray<StrailsOrder> Side(JsonElement data, string name, out string? error)
    {
        error = null;
        if (!data.TryGetProperty(name, out var side) || side.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (side.ValueKind != JsonValueKind.Array)
        {
            error = $"data.{name} is not an array";
            return [];
        }

        var orders = ImmutableArray.CreateBuilder<StrailsOrder>();
        var i = 0;
        foreach (var entry in side.EnumerateArray())
        {
            var where = $"data.{name}[{i++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                error = $"{where} is not an object";
                return [];
            }

            var status = HttpJsonFetch.OptionalString(entry, where, out error, "status");
            if (error is not null)
            {
                return [];
            }

            string? price = null;
            if (entry.TryGetProperty("price", out var p))
            {
                switch (p.ValueKind)
                {
                    case JsonValueKind.String:
                        price = p.GetString();
                        break;
                    case JsonValueKind.Number:
                        price = p.GetRawText();
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        error = $"{where}.price is not a string or number";
                        return [];
                }
            }

            orders.Add(new StrailsOrder(status, price));
        }

        return orders.ToImmutable();
    }
}
