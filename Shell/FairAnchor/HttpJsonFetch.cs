using System.Globalization;
using System.Text.Json;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Shell.FairAnchor;

/// <summary>One GET returning JSON, with its own timeout (on the injected clock) and every failure as a message.</summary>
internal static class HttpJsonFetch
{
    /// <param name="what">Names the endpoint in messages, e.g. "book endpoint" → "book endpoint returned 500".</param>
    public static async Task<Fetched<JsonElement>> GetAsync(
        HttpClient http,
        Uri url,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        TimeSpan timeout,
        TimeProvider time,
        string what,
        CancellationToken ct)
    {
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or >= 300)
            {
                return new Fetched<JsonElement>.Failed(string.Create(CultureInfo.InvariantCulture, $"{what} returned {status}"));
            }

            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(body);
            return new Fetched<JsonElement>.Ok(doc.RootElement.Clone());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Fetched<JsonElement>.Failed(TimedOut(what, timeout));
        }
        catch (OperationCanceledException)
        {
            return new Fetched<JsonElement>.Failed($"{what} request cancelled");
        }
        catch (HttpRequestException ex)
        {
            return new Fetched<JsonElement>.Failed($"{what} request failed: {ex.Message}");
        }
        catch (JsonException ex)
        {
            return new Fetched<JsonElement>.Failed($"{what} returned malformed JSON: {ex.Message}");
        }
    }

    private static string TimedOut(string what, TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} timed out after {(long)timeout.TotalMilliseconds} ms");

    /// <summary>A string property along <paramref name="path"/>; null when any step is missing or JSON null; an error on a type mismatch.</summary>
    public static string? OptionalString(JsonElement element, string where, out string? error, params string[] path)
    {
        error = null;
        var current = element;
        var at = where;
        for (var i = 0; i < path.Length; i++)
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                error = $"{at} is not an object";
                return null;
            }

            at = $"{at}.{path[i]}";
            if (!current.TryGetProperty(path[i], out var next) || next.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            current = next;
        }

        if (current.ValueKind != JsonValueKind.String)
        {
            error = $"{at} is not a string";
            return null;
        }

        return current.GetString();
    }
}
