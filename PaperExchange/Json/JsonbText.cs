using System.Text;
using System.Text.Json;
using MarketMaker.PaperExchange.Numerics;

namespace MarketMaker.PaperExchange.Json;

/// <summary>
/// Stores JSON the way a PostgreSQL <c>jsonb</c> column does, so the in-memory store returns
/// <c>action_json</c> exactly as the Postgres store does: object keys ordered by length then bytes,
/// duplicate keys keep the last value, numbers normalised as <c>numeric</c>, insignificant space dropped.
/// </summary>
public static class JsonbText
{
    /// <summary>The error PostgreSQL gives for a \u0000 inside a jsonb string.</summary>
    public const string NulError = "unsupported Unicode escape sequence";

    /// <summary>Canonical jsonb text of a JSON document, or an error (PostgreSQL's wording) when jsonb would reject it.</summary>
    public static bool TryCanonicalize(string json, out string canonical, out string error)
    {
        canonical = "";
        error = "";
        try
        {
            using var doc = JsonDocument.Parse(json);
            var w = new GoJsonWriter();
            if (!Write(w, doc.RootElement, ref error))
            {
                return false;
            }

            canonical = w.ToString();
            return true;
        }
        catch (JsonException)
        {
            error = "invalid input syntax for type json";
            return false;
        }
    }

    private static bool Write(GoJsonWriter w, JsonElement e, ref string error)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var last = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    last[p.Name] = p.Value;
                }

                w.StartObject();
                foreach (var key in last.Keys.OrderBy(k => Encoding.UTF8.GetByteCount(k)).ThenBy(k => Encoding.UTF8.GetBytes(k), ByteComparer.Instance))
                {
                    if (key.Contains('\0'))
                    {
                        error = NulError;
                        return false;
                    }

                    w.Name(key);
                    if (!Write(w, last[key], ref error))
                    {
                        return false;
                    }
                }

                w.EndObject();
                return true;
            case JsonValueKind.Array:
                w.StartArray();
                foreach (var item in e.EnumerateArray())
                {
                    if (!Write(w, item, ref error))
                    {
                        return false;
                    }
                }

                w.EndArray();
                return true;
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (s.Contains('\0'))
                {
                    error = NulError;
                    return false;
                }

                w.String(s);
                return true;
            case JsonValueKind.Number:
                w.RawNumber(PgNumeric.TryParse(e.GetRawText(), out var n) ? n.ToString() : e.GetRawText());
                return true;
            default:
                w.Element(e);
                return true;
        }
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y.AsSpan());
    }
}
