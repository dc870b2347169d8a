using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MarketMaker.Core;

namespace MarketMaker.Shell.Recording;

/// <summary>
/// One recorded cycle: why it ran (<c>wake</c>: <c>poll</c> or the WebSocket channel; not an input of the core), what
/// the core saw, the state before, the config in force, and what it decided. <c>mm-bot.cycle/2</c> lines have no wake.
/// </summary>
public sealed record CycleRecord(
    [property: JsonPropertyOrder(-3)] string Schema,
    [property: JsonPropertyOrder(-2)] long Cycle,
    Snapshot Snapshot,
    BotState StateBefore,
    BotConfig Config,
    Decision Decision,
    [property: JsonPropertyOrder(-1)] string? Wake = null)
{
    /// <summary>The schema written by this version.</summary>
    public const string SchemaId = "mm-bot.cycle/3";

    /// <summary>Every schema id replay reads.</summary>
    public static bool IsReadable(string? schema) => schema is SchemaId or RecordingVersions.CycleV2;
}

/// <summary>The input of `mm-bot decide`: one snapshot with the state and config inside.</summary>
public sealed record DecideInput(string Schema, Snapshot Snapshot, BotState State, BotConfig Config)
{
    public const string SchemaId = "mm-bot.decide-input/3";
}

/// <summary>
/// The JSON form of snapshots, states, configs and decisions (docs/recording-schema.md): snake_case names,
/// every decimal as a string with its scale (nothing is lost to binary floating point, and trailing zeros are kept
/// because the core's texts can show them: 940.000000 and 940 are the same number but not the same decision),
/// enums as snake_case strings,
/// times as ISO 8601 with offset. Serialisation is deterministic: the same value gives the same bytes.
/// </summary>
public static class RecordingJson
{
    public static readonly JsonSerializerOptions Options = Create(indented: false);
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = false,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitOptionalNulls, NoncesAsWireText } },
        };
        options.Converters.Add(new DecimalAsString());
        options.Converters.Add(new NullableDecimalAsString());
        options.Converters.Add(new HaltAsWire());
        options.Converters.Add(new ReadinessAsWire());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Fields added to <c>/3</c> after its first release that are written only when set (docs/recording-schema.md):
    /// <c>state.reference.held_since</c>. A line without them reads as null, so earlier <c>/3</c> recordings replay unchanged.
    /// </summary>
    private static void OmitOptionalNulls(JsonTypeInfo info)
    {
        if (info.Type == typeof(Decision))
        {
            // Derived from the snapshot and config alone (Core/Dependencies.cs), not part of the recorded decision.
            for (var i = info.Properties.Count - 1; i >= 0; i--)
            {
                if (info.Properties[i].Name == "dependencies")
                {
                    info.Properties.RemoveAt(i);
                }
            }

            return;
        }

        if (info.Type != typeof(ReferenceMemory))
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            if (property.Name == "held_since")
            {
                property.ShouldSerialize = static (_, value) => value is not null;
            }
        }
    }

    /// <summary>
    /// The nonce of a live order and of a cancel is written as the exchange writes it, a decimal integer string (the core
    /// holds every nonce as a <see cref="long"/>; a placement's nonce is a JSON number, as it always was).
    /// </summary>
    private static void NoncesAsWireText(JsonTypeInfo info)
    {
        if (info.Type != typeof(LiveOrder) && info.Type != typeof(CancelAction))
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            if (property.Name == "nonce")
            {
                property.CustomConverter = NonceAsText.Instance;
            }
        }
    }

    public static string Serialize<T>(T value, bool indented = false) =>
        JsonSerializer.Serialize(value, indented ? Indented : Options);

    /// <summary>Parses JSON of a known shape; a malformed document is a <see cref="RecordingFormatException"/> naming where it failed.</summary>
    public static T Deserialize<T>(string json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new RecordingFormatException($"{what}: document is null");
        }
        catch (JsonException ex)
        {
            throw new RecordingFormatException($"{what}: {ex.Message}");
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            throw new RecordingFormatException($"{what}: {ex.Message}");
        }
    }

    private sealed class DecimalAsString : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // The UTF-8 bytes are parsed as they are when they can be (no string per decimal: replay reads many).
            if (reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && !reader.ValueIsEscaped
                && decimal.TryParse(reader.ValueSpan, NumberStyles.Number, CultureInfo.InvariantCulture, out var direct))
            {
                return direct;
            }

            if (reader.TokenType == JsonTokenType.String
                && decimal.TryParse(reader.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }

            if (reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var number))
            {
                return number;
            }

            throw new JsonException(reader.TokenType == JsonTokenType.String
                ? $"expected a decimal string, got {Shown(reader.GetString() ?? "")}: {WhyNotDecimal(reader.GetString() ?? "")}"
                : $"expected a decimal string, got a JSON {reader.TokenType.ToString().ToLowerInvariant()}");
        }

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => WriteExact(writer, value);
    }

    /// <summary>The value as quoted in an error message, cut to 40 characters (a hostile input can be a megabyte).</summary>
    private static string Shown(string text) =>
        text.Length <= 40 ? MarketMaker.Core.Config.ConfigReader.Quote(text) : MarketMaker.Core.Config.ConfigReader.Quote(text[..40]) + $"… ({text.Length} characters)";

    private static string WhyNotDecimal(string text)
    {
        var t = text.Trim();
        if (t.Equals("NaN", StringComparison.OrdinalIgnoreCase) || t.Contains("Infinity", StringComparison.OrdinalIgnoreCase) || t is "∞" or "-∞")
        {
            return "NaN and infinities are not decimal numbers";
        }

        if (t.Length == 0)
        {
            return "an empty string is not a number";
        }

        if (decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return "write it without an exponent";
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "out of the decimal range (at most 28-29 significant digits, magnitude below 7.9e28)"
            : "not a number";
    }

    /// <summary>A halt as <c>{"reason","detail","category"}</c>: the wire reason of behaviour.md §5 names the case.</summary>
    private sealed class HaltAsWire : JsonConverter<Halt>
    {
        public override Halt Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"expected a halt object, got a JSON {reader.TokenType.ToString().ToLowerInvariant()}");
            }

            string? reason = null, detail = null, category = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonException($"halt.{name}: expected a string");
                }

                switch (name)
                {
                    case "reason": reason = reader.GetString(); break;
                    case "detail": detail = reader.GetString(); break;
                    case "category": category = reader.GetString(); break;
                    default: throw new JsonException($"halt: unknown field {Shown(name ?? "")}");
                }
            }

            if (reason is null || detail is null || category is null)
            {
                throw new JsonException("halt: reason, detail and category are required");
            }

            var halt = Halt.FromWire(reason, detail) ?? throw new JsonException($"halt.reason: {Shown(reason)} is not a halt reason of behaviour.md §5");
            return halt.Category == category ? halt : throw new JsonException($"halt.category: {Shown(category)} is not the category of \"{reason}\" ({halt.Category})");
        }

        public override void Write(Utf8JsonWriter writer, Halt value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("reason", value.Reason);
            writer.WriteString("detail", value.Detail);
            writer.WriteString("category", value.Category);
            writer.WriteEndObject();
        }
    }

    /// <summary>Readiness as <c>{"ready","reason"}</c>: the wire reason names the case (<see cref="Readiness.FromWire"/>).</summary>
    private sealed class ReadinessAsWire : JsonConverter<Readiness>
    {
        public override Readiness Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"expected a readiness object, got a JSON {reader.TokenType.ToString().ToLowerInvariant()}");
            }

            bool? ready = null;
            string? reason = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "ready" when reader.TokenType is JsonTokenType.True or JsonTokenType.False: ready = reader.GetBoolean(); break;
                    case "reason" when reader.TokenType == JsonTokenType.String: reason = reader.GetString(); break;
                    case "ready" or "reason": throw new JsonException($"readiness.{name}: expected a {(name == "ready" ? "boolean" : "string")}");
                    default: throw new JsonException($"readiness: unknown field {Shown(name ?? "")}");
                }
            }

            return ready is { } r && reason is not null
                ? Readiness.FromWire(r, reason)
                : throw new JsonException("readiness: ready and reason are required");
        }

        public override void Write(Utf8JsonWriter writer, Readiness value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteBoolean("ready", value.Ready);
            writer.WriteString("reason", value.Reason);
            writer.WriteEndObject();
        }
    }

    private sealed class NonceAsText : JsonConverter<long>
    {
        public static readonly NonceAsText Instance = new();

        public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"expected a nonce string, got a JSON {reader.TokenType.ToString().ToLowerInvariant()}");
            }

            var text = reader.GetString() ?? "";
            return Nonces.TryParse(text, out var nonce) ? nonce : throw new JsonException($"expected a decimal integer nonce, got {Shown(text)}");
        }

        public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options)
        {
            Span<byte> buffer = stackalloc byte[20];
            value.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture);
            writer.WriteStringValue(buffer[..written]);
        }
    }

    private sealed class NullableDecimalAsString : JsonConverter<decimal?>
    {
        public override bool HandleNull => true;

        public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            return new DecimalAsString().Read(ref reader, typeof(decimal), options);
        }

        public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
        {
            if (value is { } v)
            {
                WriteExact(writer, v);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    /// <summary>
    /// The decimal as written in recordings: invariant, no exponent, with its scale (trailing zeros kept), so that
    /// reading it back gives the same <see cref="decimal"/> bits and a replayed decision the same text.
    /// </summary>
    public static string Exact(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes <see cref="Exact"/> text without a string in between.</summary>
    private static void WriteExact(Utf8JsonWriter writer, decimal value)
    {
        Span<byte> buffer = stackalloc byte[64];
        if (value.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture))
        {
            writer.WriteStringValue(buffer[..written]);
        }
        else
        {
            writer.WriteStringValue(Exact(value));
        }
    }

    /// <summary>Canonical decimal text for reports: invariant, no exponent, no trailing zeros.</summary>
    public static string Render(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return text == "-0" ? "0" : text;
    }
}

public sealed class RecordingFormatException(string message) : Exception(message);
