using System.Text;
using MarketMaker.Core;
using MarketMaker.Shell.Cycle;

namespace MarketMaker.Shell.Recording;

/// <summary>
/// Appends one JSON line per cycle (snapshot, state before, config, decision) to MM_RECORD_FILE. MM_RECORD_MAX_MB
/// bounds the recording's total size on disk: the file rotates to FILE.1 when it would grow past 1/(<see cref="Keep"/>+1)
/// of the bound (older files shift to .2, … up to .<see cref="Keep"/>, the oldest is deleted), so FILE and its
/// rotated files together never exceed the bound. Recording never stops.
/// Nothing secret can enter a line: the recorded types hold no keys, passwords or API keys.
/// </summary>
public sealed class JsonlRecorder : ICycleRecorder, IDisposable
{
    public const int Keep = 4;
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly object _gate = new();
    private FileStream? _stream;
    private long _cycle;

    /// <param name="maxMegabytes">Bound on the total of FILE and its rotated files; 0 = unbounded.</param>
    public JsonlRecorder(string path, int maxMegabytes)
        : this(path, maxMegabytes <= 0 ? 0L : maxMegabytes * 1024L * 1024L)
    {
    }

    internal JsonlRecorder(string path, long maxTotalBytes)
    {
        _path = Path.GetFullPath(path);
        _maxBytes = maxTotalBytes <= 0 ? long.MaxValue : Math.Max(1L, maxTotalBytes / (Keep + 1));
        var dir = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
    }

    public void Record(Snapshot snapshot, BotState before, BotConfig config, Decision decision)
    {
        lock (_gate)
        {
            _cycle++;
            var line = RecordingJson.Serialize(new CycleRecord(CycleRecord.SchemaId, _cycle, snapshot, before, config, decision));
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            var stream = Open();
            if (stream.Length > 0 && stream.Length + bytes.Length > _maxBytes)
            {
                Rotate();
                stream = Open();
            }

            stream.Write(bytes);
            stream.Flush();
        }
    }

    private FileStream Open() =>
        _stream ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);

    private void Rotate()
    {
        _stream?.Dispose();
        _stream = null;
        File.Delete($"{_path}.{Keep}");
        for (var i = Keep - 1; i >= 1; i--)
        {
            var from = $"{_path}.{i}";
            if (File.Exists(from))
            {
                File.Move(from, $"{_path}.{i + 1}", overwrite: true);
            }
        }

        File.Move(_path, $"{_path}.1", overwrite: true);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }
}
