using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MarketMaker.PaperExchange.Json;

/// <summary>
/// Writes compact JSON the way Go's encoding/json does (the markets-service is written in Go):
/// fields in the order written, strings escaped with Go's rules (including the HTML-safe
/// \u003c \u003e \u0026 and U+2028/U+2029), no spaces. <see cref="Finish"/> appends the "\n" that
/// json.Encoder adds.
/// </summary>
public sealed class GoJsonWriter
{
    private readonly StringBuilder _sb = new();
    private readonly Stack<bool> _first = new();
    private bool _afterName;

    public GoJsonWriter StartObject()
    {
        BeforeValue();
        _sb.Append('{');
        _first.Push(true);
        return this;
    }

    public GoJsonWriter EndObject()
    {
        _first.Pop();
        _sb.Append('}');
        return this;
    }

    public GoJsonWriter StartArray()
    {
        BeforeValue();
        _sb.Append('[');
        _first.Push(true);
        return this;
    }

    public GoJsonWriter EndArray()
    {
        _first.Pop();
        _sb.Append(']');
        return this;
    }

    public GoJsonWriter Name(string name)
    {
        Separator();
        AppendString(_sb, name);
        _sb.Append(':');
        _afterName = true;
        return this;
    }

    public GoJsonWriter String(string value)
    {
        BeforeValue();
        AppendString(_sb, value);
        return this;
    }

    public GoJsonWriter Number(long value)
    {
        BeforeValue();
        _sb.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public GoJsonWriter RawNumber(string numberText)
    {
        BeforeValue();
        _sb.Append(numberText);
        return this;
    }

    public GoJsonWriter Bool(bool value)
    {
        BeforeValue();
        _sb.Append(value ? "true" : "false");
        return this;
    }

    public GoJsonWriter Null()
    {
        BeforeValue();
        _sb.Append("null");
        return this;
    }

    public GoJsonWriter Prop(string name, string value) => Name(name).String(value);

    public GoJsonWriter Prop(string name, long value) => Name(name).Number(value);

    /// <summary>A string field that is <c>null</c> when absent (a Go <c>*string</c> without omitempty).</summary>
    public GoJsonWriter PropOrNull(string name, string? value) => value is null ? Name(name).Null() : Prop(name, value);

    /// <summary>A number field that is <c>null</c> when absent (a Go <c>*int64</c> without omitempty).</summary>
    public GoJsonWriter PropOrNull(string name, long? value) => value is { } v ? Prop(name, v) : Name(name).Null();

    /// <summary>Writes the property only when the value is non-empty (Go's omitempty).</summary>
    public GoJsonWriter PropOmitEmpty(string name, string? value) => string.IsNullOrEmpty(value) ? this : Prop(name, value);

    /// <summary>Writes the property only when the value is non-zero (Go's omitempty on an int64).</summary>
    public GoJsonWriter PropOmitZero(string name, long? value) => value is null or 0 ? this : Prop(name, value.Value);

    /// <summary>Re-emits a parsed JSON value in its stored key order (json.RawMessage is compacted by Go).</summary>
    public GoJsonWriter Element(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                StartObject();
                foreach (var p in element.EnumerateObject())
                {
                    Name(p.Name).Element(p.Value);
                }

                return EndObject();
            case JsonValueKind.Array:
                StartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Element(item);
                }

                return EndArray();
            case JsonValueKind.String:
                return String(element.GetString()!);
            case JsonValueKind.Number:
                return RawNumber(element.GetRawText());
            case JsonValueKind.True:
                return Bool(true);
            case JsonValueKind.False:
                return Bool(false);
            default:
                return Null();
        }
    }

    /// <summary>Writes the text of a stored JSON document (falls back to null for unparsable text).</summary>
    public GoJsonWriter RawJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Element(doc.RootElement);
        }
        catch (JsonException)
        {
            return Null();
        }
    }

    /// <summary>The document followed by "\n", as json.Encoder.Encode writes it.</summary>
    public string Finish() => _sb.ToString() + "\n";

    /// <summary>The document without the trailing newline.</summary>
    public override string ToString() => _sb.ToString();

    private void BeforeValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }

        Separator();
    }

    private void Separator()
    {
        if (_first.Count == 0)
        {
            return;
        }

        if (_first.Peek())
        {
            _first.Pop();
            _first.Push(false);
        }
        else
        {
            _sb.Append(',');
        }
    }

    private static void AppendString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>A complete <c>{"error":"..."}\n</c> body.</summary>
    public static string ErrorBody(string message) => new GoJsonWriter().StartObject().Prop("error", message).EndObject().Finish();
}
