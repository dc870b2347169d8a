using System.Text;
using MarketMaker.Core;
using MarketMaker.Shell.Cycle;

namespace MarketMaker.Shell.Recording;

/// <summary>
/// Appends one JSON line per cycle (snapshot, state before, config, decision) to MM_RECORD_FILE. When the file
/// would grow past the size limit it is rotated to FILE.1 (older files shift to .2, .3, … up to <see cref="Keep"/>).
/// Nothing secret can enter a line: the recorded types hold no keys, passwords or API keys.
/// </summary>
public sealed class JsonlRecorder : ICycleRecorder, IDisposable
{
    public const int Keep = 5;
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly object _gate = new();
    private FileStream? _stream;
    private long _cycle;

    public JsonlRecorder(string path, int maxMegabytes)
    {
        _path = Path.GetFullPath(path);
        _maxBytes = maxMegabytes <= 0 ? long.MaxValue : maxMegabytes * 1024L * 1024L;
        var dir = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
    }

    public void Record(Snapshot snapshot, BotState before, BotConfig config, Decision decision, string wake = WakeReasons.Poll)
    {
        lock (_gate)
        {
            _cycle++;
            var line = RecordingJson.Serialize(new CycleRecord(CycleRecord.SchemaId, _cycle, snapshot, before, config, decision, wake));
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
