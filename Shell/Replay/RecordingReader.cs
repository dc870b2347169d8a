using System.Buffers;
using System.Text;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>One line of a recording: its line number, the parsed record and the bytes of its <c>decision</c> value as written.</summary>
internal readonly record struct RecordedLine(long LineNumber, CycleRecord Record, ReadOnlyMemory<byte> DecisionJson, ReadOnlyMemory<byte> StateBeforeJson);

/// <summary>
/// Streams a JSON-lines recording (<see cref="JsonlRecorder"/>) one cycle at a time: blank lines are skipped, every other
/// line must be a <see cref="CycleRecord"/> of schema <see cref="CycleRecord.SchemaId"/>. A malformed line is a
/// <see cref="RecordingFormatException"/> naming the file and line.
/// </summary>
internal sealed class RecordingReader : IDisposable
{
    private readonly string _name;
    private readonly FileStream _file;
    private readonly StreamReader _reader;
    private byte[] _buffer = new byte[64 * 1024];
    private long _lineNumber;

    public RecordingReader(string path)
    {
        _name = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        _reader = new StreamReader(_file, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true, 1 << 16);
    }

    /// <summary>How far through the file the reader is, 0..1 (for progress).</summary>
    public double Fraction => _file.Length == 0 ? 1 : Math.Min(1, (double)_file.Position / _file.Length);

    /// <summary>The next cycle, or null at the end of the file. The decision bytes are valid until the next call.</summary>
    public RecordedLine? Next()
    {
        while (true)
        {
            string? line;
            try
            {
                line = _reader.ReadLine();
            }
            catch (DecoderFallbackException ex)
            {
                throw new RecordingFormatException($"{_name}:{_lineNumber + 1}: not UTF-8 text ({ex.Message})");
            }

            if (line is null)
            {
                return null;
            }

            _lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            return Parse(line);
        }
    }

    private RecordedLine Parse(string line)
    {
        var max = Encoding.UTF8.GetMaxByteCount(line.Length);
        if (_buffer.Length < max)
        {
            _buffer = new byte[Math.Max(max, _buffer.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(line, _buffer);
        var bytes = _buffer.AsMemory(0, length);
        var where = $"{_name}:{_lineNumber}";
        var schema = CheckSchema(bytes.Span, where);
        if (schema != CycleRecord.SchemaId)
        {
            throw new RecordingFormatException(
                $"{where}: schema {(schema is null ? "missing" : "\"" + schema + "\"")}; this mm-bot reads \"{CycleRecord.SchemaId}\" (docs/recording-schema.md)");
        }

        CycleRecord record;
        try
        {
            record = JsonSerializer.Deserialize<CycleRecord>(bytes.Span, RecordingJson.Options)
                ?? throw new RecordingFormatException($"{where}: the line is null");
        }
        catch (JsonException ex)
        {
            throw new RecordingFormatException($"{where}: {ex.Message}");
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            throw new RecordingFormatException($"{where}: {ex.Message}");
        }

        if (record.Snapshot is null || record.StateBefore is null || record.Config is null || record.Decision is null)
        {
            throw new RecordingFormatException($"{where}: snapshot, state_before, config and decision are all required");
        }

        return new RecordedLine(_lineNumber, record, Slice(bytes, "decision"u8), Slice(bytes, "state_before"u8));
    }

    /// <summary>The top-level "schema" string, read before the whole line is bound so a future version gets a clear message.</summary>
    private static string? CheckSchema(ReadOnlySpan<byte> json, string where)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new RecordingFormatException($"{where}: a line must be one JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSchema = reader.ValueTextEquals("schema"u8);
                reader.Read();
                if (isSchema)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException ex)
        {
            throw new RecordingFormatException($"{where}: {ex.Message}");
        }
    }

    /// <summary>The bytes of a top-level property's value of a JSON object (empty when absent).</summary>
    public static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> json, ReadOnlySpan<byte> property)
    {
        var reader = new Utf8JsonReader(json.Span);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueTextEquals(property);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (found)
            {
                return json[start..(int)reader.BytesConsumed];
            }
        }

        return ReadOnlyMemory<byte>.Empty;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
    }
}

/// <summary>Serialises decisions into a reused buffer, for byte comparison without a string per cycle.</summary>
internal sealed class DecisionWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;

    public DecisionWriter()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = RecordingJson.Options.Encoder, SkipValidation = true });
    }

    public ReadOnlySpan<byte> Write(Decision decision)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, decision, RecordingJson.Options);
        _writer.Flush();
        return _buffer.WrittenSpan;
    }
}
