using MarketMaker.Core;
using MarketMaker.Shell.Recording;
using MarketMaker.Shell.Tests.Observability;

namespace MarketMaker.Shell.Tests.Recording;

/// <summary>MM_RECORD_MAX_MB bounds the recording's total size: rotation keeps FILE and four rotated files.</summary>
public sealed class JsonlRecorderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mm-recorder-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void The_recording_rotates_and_its_total_size_stays_within_the_bound()
    {
        var path = Path.Combine(dir, "session.jsonl");
        const long bound = 64 * 1024;
        using (var recorder = new JsonlRecorder(path, bound))
        {
            for (var i = 0; i < 400; i++)
            {
                recorder.Record(Samples.Snapshot(), new BotState(), new BotConfig(), Samples.Decision());
            }
        }

        var files = Directory.GetFiles(dir).Select(f => new FileInfo(f)).ToList();
        Assert.Equal(
            new[] { "session.jsonl", "session.jsonl.1", "session.jsonl.2", "session.jsonl.3", "session.jsonl.4" },
            files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.True(files.Sum(f => f.Length) <= bound, $"{files.Sum(f => f.Length)} bytes on disk");

        // Recording never stopped: the newest file ends with the last cycle.
        var last = File.ReadLines(path).Last();
        Assert.Contains("\"cycle\":400,", last, StringComparison.Ordinal);
    }
}
