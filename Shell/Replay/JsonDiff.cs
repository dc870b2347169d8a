using System.Text.Json;

namespace MarketMaker.Shell.Replay;

/// <summary>The first place two JSON values differ: a field path such as <c>placements[0].price</c> and both values as JSON text.</summary>
public sealed record JsonDifference(string Path, string Recorded, string Replayed);

/// <summary>
/// Structural comparison of two JSON documents: objects by property name (order does not matter), arrays by index,
/// strings and numbers by their exact text (decimals are strings in recordings, so "1.50" and "1.5" differ).
/// </summary>
public static class JsonDiff
{
    private const int MaxValueText = 300;

    /// <summary>The first difference in document order of <paramref name="recorded"/>, or null when equal.</summary>
    public static JsonDifference? First(ReadOnlySpan<byte> recorded, ReadOnlySpan<byte> replayed, string root)
    {
        using var a = JsonDocument.Parse(recorded.ToArray());
        using var b = JsonDocument.Parse(replayed.ToArray());
        return First(a.RootElement, b.RootElement, root);
    }

    public static JsonDifference? First(JsonElement recorded, JsonElement replayed, string path)
    {
        if (recorded.ValueKind != replayed.ValueKind)
        {
            return Difference(path, recorded, replayed);
        }

        switch (recorded.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    var other = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    foreach (var p in replayed.EnumerateObject())
                    {
                        other[p.Name] = p.Value;
                    }

                    foreach (var p in recorded.EnumerateObject())
                    {
                        var childPath = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                        if (!other.Remove(p.Name, out var value))
                        {
                            return new JsonDifference(childPath, Text(p.Value), "(absent)");
                        }

                        if (First(p.Value, value, childPath) is { } d)
                        {
                            return d;
                        }
                    }

                    foreach (var (name, value) in other)
                    {
                        return new JsonDifference(path.Length == 0 ? name : $"{path}.{name}", "(absent)", Text(value));
                    }

                    return null;
                }

            case JsonValueKind.Array:
                {
                    var n = recorded.GetArrayLength();
                    var m = replayed.GetArrayLength();
                    for (var i = 0; i < Math.Min(n, m); i++)
                    {
                        if (First(recorded[i], replayed[i], $"{path}[{i}]") is { } d)
                        {
                            return d;
                        }
                    }

                    return n == m
                        ? null
                        : n > m
                            ? new JsonDifference($"{path}[{m}]", Text(recorded[m]), $"(absent: {m} element{(m == 1 ? "" : "s")})")
                            : new JsonDifference($"{path}[{n}]", $"(absent: {n} element{(n == 1 ? "" : "s")})", Text(replayed[n]));
                }

            case JsonValueKind.String:
                return recorded.GetString() == replayed.GetString() ? null : Difference(path, recorded, replayed);
            case JsonValueKind.Number:
                return recorded.GetRawText() == replayed.GetRawText() ? null : Difference(path, recorded, replayed);
            default:
                return null;
        }
    }

    private static JsonDifference Difference(string path, JsonElement recorded, JsonElement replayed) =>
        new(path, Text(recorded), Text(replayed));

    private static string Text(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length > MaxValueText ? text[..MaxValueText] + "…" : text;
    }
}
