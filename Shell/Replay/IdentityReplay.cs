using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>The result of replaying one recorded cycle.</summary>
internal readonly record struct CycleOutcome(long Cycle, DateTimeOffset Now, bool Identical, bool Gap, JsonDifference? Difference, CycleRecord? Record);

/// <summary>
/// Replays recorded cycles one by one from their recorded snapshot, state and config and compares each decision with
/// the recorded one. Lines exactly as <see cref="JsonlRecorder"/> writes them take a fast path: only the snapshot is
/// always parsed; a <c>state_before</c> byte-identical to the previous cycle's recorded <c>next_state</c> is taken from
/// the previous cycle (the replayed state when that decision was identical, so its bytes are the same), an unchanged
/// config is parsed once, and the decision is compared as bytes. Any other line, and any line whose decision differs,
/// is parsed completely (any property order and spacing, precise errors).
/// </summary>
internal sealed class IdentityReplay
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes($"{{\"schema\":\"{CycleRecord.SchemaId}\",\"cycle\":");
    private static readonly byte[] PrefixV2 = Encoding.UTF8.GetBytes($"{{\"schema\":\"{RecordingVersions.CycleV2}\",\"cycle\":");

    private readonly DecisionWriter _writer = new();
    private byte[] _previousNext = new byte[64 * 1024];
    private int _previousNextLength = -1;
    private BotState? _reusableState;
    private byte[] _configBytes = [];
    private int _configLength = -1;
    private BotConfig? _config;
    private bool _hasPrevious;
    private long _previousCycle;
    private BotPhase _previousNextPhase;

    /// <summary>The decision the last <see cref="Replay"/> made (for the P&amp;L summary and chart).</summary>
    public Decision? LastReplayed { get; private set; }

    /// <summary>The state the last fully parsed cycle was decided from (for a /2 line: with the carried P&amp;L state).</summary>
    public BotState? LastState { get; private set; }

    private BotState? _v1Carried;

    /// <summary>Stopwatch ticks spent in <see cref="Decider.Decide"/>.</summary>
    public long DecideTicks { get; private set; }

    public CycleOutcome Replay(ReadOnlyMemory<byte> line, string where, long lineNumber, bool wantRecord)
    {
        if (!wantRecord && TryFast(line.Span) is { } fast)
        {
            return fast;
        }

        return Slow(line, where, lineNumber);
    }

    private CycleOutcome? TryFast(ReadOnlySpan<byte> s)
    {
        var v2 = s.StartsWith(Prefix);
        if ((!v2 && !s.StartsWith(PrefixV2)) || s[^1] != (byte)'}')
        {
            return null;
        }

        try
        {
            var pos = v2 ? Prefix.Length : PrefixV2.Length;
            if (!Utf8Parser.TryParse(s[pos..], out long cycle, out var consumed))
            {
                return null;
            }

            pos += consumed;
            if (v2)
            {
                // "wake" is not an input of the core: skipped (a plain string of letters as the recorder writes it).
                if (!Expect(s, ref pos, ",\"wake\":\""u8))
                {
                    return null;
                }

                var end = s[pos..].IndexOf((byte)'"');
                if (end <= 0 || s.Slice(pos, end).IndexOf((byte)'\\') >= 0)
                {
                    return null;
                }

                pos += end + 1;
            }

            if (!Expect(s, ref pos, ",\"snapshot\":"u8))
            {
                return null;
            }

            var reader = new Utf8JsonReader(s[pos..]);
            var snapshot = FastSnapshotJson.Read(ref reader);
            pos += (int)reader.BytesConsumed;
            if (snapshot is null || !Expect(s, ref pos, ",\"state_before\":"u8))
            {
                return null;
            }

            BotState? state;
            bool continuous;
            var previous = _previousNext.AsSpan(0, Math.Max(0, _previousNextLength));
            if (_previousNextLength > 0 && s[pos..].StartsWith(previous) && s[(pos + previous.Length)..].StartsWith(",\"config\":"u8))
            {
                continuous = true;
                state = _reusableState ?? RecordingReader.Deserialize<BotState>(s.Slice(pos, previous.Length), "state_before");
                pos += previous.Length;
            }
            else
            {
                continuous = false;
                reader = new Utf8JsonReader(s[pos..]);
                state = JsonSerializer.Deserialize<BotState>(ref reader, RecordingJson.Options);
                pos += (int)reader.BytesConsumed;
            }

            if (state is null || !Expect(s, ref pos, ",\"config\":"u8))
            {
                return null;
            }

            var known = _configBytes.AsSpan(0, Math.Max(0, _configLength));
            BotConfig? config;
            if (_config is not null && _configLength > 0 && s[pos..].StartsWith(known) && s[(pos + known.Length)..].StartsWith(",\"decision\":"u8))
            {
                config = _config;
                pos += known.Length;
            }
            else
            {
                reader = new Utf8JsonReader(s[pos..]);
                config = JsonSerializer.Deserialize<BotConfig>(ref reader, RecordingJson.Options);
                var length = (int)reader.BytesConsumed;
                if (config is null)
                {
                    return null;
                }

                RememberConfig(config, s.Slice(pos, length));
                pos += length;
            }

            if (!Expect(s, ref pos, ",\"decision\":"u8))
            {
                return null;
            }

            var recorded = s[pos..^1];
            var replayed = Decide(snapshot, state, config);
            var bytes = _writer.Write(replayed);
            if (!bytes.SequenceEqual(recorded))
            {
                return null;
            }

            LastReplayed = replayed;
            var gap = _hasPrevious && !continuous && !Restarted(cycle, state);
            Remember(cycle, RecordingReader.NextState(recorded), replayed.NextState);
            return new CycleOutcome(cycle, snapshot.Now, true, gap, null, null);
        }
        catch (Exception ex) when (ex is JsonException or RecordingFormatException or NotSupportedException or InvalidOperationException
            or FormatException or ArgumentException or OverflowException)
        {
            // The complete parse reports the problem precisely.
            return null;
        }
    }

    private CycleOutcome Slow(ReadOnlyMemory<byte> line, string where, long lineNumber)
    {
        var parsed = RecordingReader.Parse(line, where, lineNumber);
        var record = parsed.Record;
        var previous = _previousNext.AsSpan(0, Math.Max(0, _previousNextLength));
        var state = record.StateBefore;
        if (parsed.V1 && _v1Carried is not null && parsed.StateBeforeJson.Span.SequenceEqual(previous))
        {
            // A /2 line holds no P&L state: carry the replayed one while the recorded state is continuous.
            state = _v1Carried;
        }

        var replayed = Decide(record.Snapshot, state, record.Config);
        LastState = state;
        var bytes = _writer.Write(replayed);
        LastReplayed = replayed;
        JsonDifference? difference = null;
        var identical = !parsed.V1 && bytes.SequenceEqual(parsed.DecisionJson.Span);
        if (parsed.V1)
        {
            // A /2 recording: the replayed decision without the fields /3 added must be the recorded one.
            var persistV1 = RecordingVersions.PersistRequiredV2(state.Persisted, replayed.NextState.Persisted);
            identical = RecordingVersions.SameAsV2(bytes, persistV1, parsed.DecisionJson.Span, out var projected);
            if (!identical)
            {
                difference = JsonDiff.First(parsed.DecisionJson.Span, projected, "decision")
                    ?? new JsonDifference("decision", "(as recorded)", "(serialised differently)");
            }
        }
        else if (!identical)
        {
            // Not the bytes written: compare as values (a re-formatted but equal decision is not a difference).
            var canonical = Encoding.UTF8.GetBytes(RecordingJson.Serialize(record.Decision));
            identical = bytes.SequenceEqual(canonical);
            if (!identical)
            {
                difference = JsonDiff.First(parsed.DecisionJson.Span, bytes, "decision")
                    ?? JsonDiff.First(canonical, bytes, "decision")
                    ?? new JsonDifference("decision", "(as recorded)", "(serialised differently)");
            }
        }

        var gap = _hasPrevious && !Restarted(record.Cycle, record.StateBefore) && !parsed.StateBeforeJson.Span.SequenceEqual(previous);
        _v1Carried = parsed.V1 && identical ? replayed.NextState : null;
        var next = RecordingReader.NextState(parsed.DecisionJson.Span);
        if (next.IsEmpty)
        {
            next = RecordingReader.Slice(parsed.DecisionJson, "next_state"u8).Span;
        }

        // The next cycle may start from this recorded next_state: the recorded value (parsed from exactly those bytes).
        Remember(record.Cycle, next, record.Decision.NextState);
        RememberConfig(record.Config, RecordingReader.Slice(line, "config"u8).Span);
        return new CycleOutcome(record.Cycle, record.Snapshot.Now, identical, gap, difference, record);
    }

    private Decision Decide(Snapshot snapshot, BotState state, BotConfig config)
    {
        var t0 = Stopwatch.GetTimestamp();
        var decision = Decider.Decide(snapshot, state, config);
        DecideTicks += Stopwatch.GetTimestamp() - t0;
        return decision;
    }

    private bool Restarted(long cycle, BotState before) =>
        cycle <= _previousCycle || (before.Phase == BotPhase.Startup && _previousNextPhase == BotPhase.Running);

    private void Remember(long cycle, ReadOnlySpan<byte> nextState, BotState next)
    {
        if (_previousNext.Length < nextState.Length)
        {
            _previousNext = new byte[Math.Max(nextState.Length, _previousNext.Length * 2)];
        }

        nextState.CopyTo(_previousNext);
        _previousNextLength = nextState.Length;
        _reusableState = next;
        _hasPrevious = true;
        _previousCycle = cycle;
        _previousNextPhase = next.Phase;
    }

    private void RememberConfig(BotConfig config, ReadOnlySpan<byte> bytes)
    {
        if (_configBytes.Length < bytes.Length)
        {
            _configBytes = new byte[bytes.Length * 2];
        }

        bytes.CopyTo(_configBytes);
        _configLength = bytes.Length;
        _config = config;
    }

    private static bool Expect(ReadOnlySpan<byte> s, ref int pos, ReadOnlySpan<byte> text)
    {
        if (!s[pos..].StartsWith(text))
        {
            return false;
        }

        pos += text.Length;
        return true;
    }
}
