using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>One line of a recording: its line number, the parsed record and the bytes of its <c>decision</c> value as written.</summary>
internal readonly record struct RecordedLine(long LineNumber, CycleRecord Record, ReadOnlyMemory<byte> DecisionJson, ReadOnlyMemory<byte> StateBeforeJson, bool V1 = false);

/// <summary>
/// Streams a JSON-lines recording (<see cref="JsonlRecorder"/>) one line at a time, as UTF-8 bytes: blank lines are
/// skipped, every other line must be a <see cref="CycleRecord"/> of schema <see cref="CycleRecord.SchemaId"/> (or the older <see cref="RecordingVersions.CycleV2"/>).
/// A malformed line is a <see cref="RecordingFormatException"/> naming the file and line.
/// </summary>
internal sealed class RecordingReader : IDisposable
{
    private readonly FileStream _file;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
    private int _start;
    private int _end;
    private bool _eof;

    public RecordingReader(string path)
    {
        Name = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
    }

    public string Name { get; }

    public long LineNumber { get; private set; }

    /// <summary>How far through the file the reader is, 0..1 (for progress).</summary>
    public double Fraction => _file.Length == 0 ? 1 : Math.Min(1, (double)(_file.Position - (_end - _start)) / _file.Length);

    /// <summary>Where the current line is, for messages: FILE:LINE.</summary>
    public string Where => $"{Name}:{LineNumber}";

    /// <summary>The next non-blank line's bytes (without the line break), or false at the end. Valid until the next call.</summary>
    public bool TryNextLine(out ReadOnlyMemory<byte> line)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var newline = span.IndexOf((byte)'\n');
            if (newline < 0 && !_eof)
            {
                Fill();
                continue;
            }

            if (newline < 0 && _start == _end)
            {
                line = ReadOnlyMemory<byte>.Empty;
                return false;
            }

            var length = newline < 0 ? _end - _start : newline;
            var at = _start;
            _start += newline < 0 ? length : length + 1;
            LineNumber++;
            var raw = _buffer.AsSpan(at, length);
            int first = 0, last = length;
            while (first < last && raw[first] is (byte)' ' or (byte)'\t' or (byte)'\r')
            {
                first++;
            }

            while (last > first && raw[last - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
            {
                last--;
            }

            if (LineNumber == 1 && raw[first..last].StartsWith("\uFEFF"u8))
            {
                first += 3;
            }

            if (first == last)
            {
                continue;
            }

            line = _buffer.AsMemory(at + first, last - first);
            return true;
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = _file.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    /// <summary>The next cycle, fully parsed, or null at the end of the file. The byte slices are valid until the next call.</summary>
    public RecordedLine? Next() => TryNextLine(out var line) ? Parse(line, Where, LineNumber) : null;

    /// <summary>Parses one line in any property order and spacing; every problem names <paramref name="where"/>.</summary>
    public static RecordedLine Parse(ReadOnlyMemory<byte> bytes, string where, long lineNumber)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            throw new RecordingFormatException($"{where}: not UTF-8 text");
        }

        var schema = Schema(bytes.Span, where);
        var v2 = schema == RecordingVersions.CycleV2;
        if (!CycleRecord.IsReadable(schema))
        {
            throw new RecordingFormatException(
                $"{where}: schema {(schema is null ? "missing" : "\"" + schema + "\"")}; this mm-bot reads \"{CycleRecord.SchemaId}\" and \"{RecordingVersions.CycleV2}\" (docs/recording-schema.md)");
        }

        var record = v2 ? DeserializeV2(bytes.Span, where) : Deserialize<CycleRecord>(bytes.Span, where);
        if (v2 && record.Wake is not null)
        {
            throw new RecordingFormatException($"{where}: \"wake\" is not a field of {RecordingVersions.CycleV2}");
        }

        if (!v2 && string.IsNullOrEmpty(record.Wake))
        {
            throw new RecordingFormatException($"{where}: \"wake\" is required in {CycleRecord.SchemaId}");
        }

        if (record.Snapshot is null || record.StateBefore is null || record.Config is null || record.Decision is null)
        {
            throw new RecordingFormatException($"{where}: snapshot, state_before, config and decision are all required");
        }

        return new RecordedLine(lineNumber, record, Slice(bytes, "decision"u8), Slice(bytes, "state_before"u8), v2);
    }

    /// <summary>A /2 line: the fields /3 added take their defaults (docs/recording-schema.md, version policy).</summary>
    private static CycleRecord DeserializeV2(ReadOnlySpan<byte> json, string where)
    {
        JsonObject line;
        try
        {
            line = JsonNode.Parse(json) as JsonObject ?? throw new RecordingFormatException($"{where}: a line must be one JSON object");
        }
        catch (JsonException ex)
        {
            throw new RecordingFormatException($"{where}: {ex.Message}");
        }

        RecordingVersions.UpgradeV2Line(line);
        return Deserialize<CycleRecord>(JsonSerializer.SerializeToUtf8Bytes(line, RecordingJson.Options), where);
    }

    public static T Deserialize<T>(ReadOnlySpan<byte> json, string where)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, RecordingJson.Options)
                ?? throw new RecordingFormatException($"{where}: the value is null");
        }
        catch (JsonException ex)
        {
            throw new RecordingFormatException($"{where}: {ex.Message}");
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            throw new RecordingFormatException($"{where}: {ex.Message}");
        }
    }

    /// <summary>The top-level "schema" string, read before the whole line is bound so a future version gets a clear message.</summary>
    private static string? Schema(ReadOnlySpan<byte> json, string where)
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

    /// <summary>
    /// The bytes of <c>next_state</c> in a decision as <see cref="RecordingJson"/> writes it (the last property but the
    /// computed <c>changes_anything</c>); empty when the decision is not in that form. Property names are never inside
    /// string values unescaped, so the marker is found by search.
    /// </summary>
    public static ReadOnlySpan<byte> NextState(ReadOnlySpan<byte> decision)
    {
        var at = decision.LastIndexOf(",\"next_state\":"u8);
        if (at < 0)
        {
            return [];
        }

        var rest = decision[(at + 14)..];
        var end = rest.LastIndexOf(",\"changes_anything\":"u8);
        return end < 0 ? [] : rest[..end];
    }

    public void Dispose()
    {
        _file.Dispose();
        var buffer = _buffer;
        _buffer = [];
        _start = _end = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Serialises decisions into a reused buffer, for byte comparison without a string per cycle.</summary>
internal sealed class DecisionWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _writer;

    public DecisionWriter()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = RecordingJson.Options.Encoder, SkipValidation = true });
    }

    public ReadOnlySpan<byte> Write(Decision decision)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, decision, ReplayJson.WriteOptions);
        _writer.Flush();
        return _buffer.WrittenSpan;
    }
}
