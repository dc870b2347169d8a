using System.Text;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;
using MarketMaker.Shell.Replay;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Replay;

/// <summary>The replay fast path's snapshot reader gives the same values as <see cref="RecordingJson"/>, or refuses.</summary>
public sealed class FastSnapshotJsonTests
{
    public static TheoryData<string> Sessions => new(Directory.GetFiles(Path.Combine(Tools.RepoRoot, "snapshots", "sessions"), "*.jsonl").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Reads_every_recorded_snapshot_as_the_general_reader_does(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Tools.RepoRoot, "snapshots", "sessions", file));
        Assert.NotEmpty(lines);

        // Twice: the second time most small objects come from the cache of objects read before.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var line in lines)
            {
                AssertSame(line);
            }
        }
    }

    [Fact]
    public void Reads_every_synthetic_snapshot_as_the_general_reader_does()
    {
        var path = Path.Combine(Path.GetTempPath(), "mm-fast-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            SyntheticSession.Write(path, 400, seed: 5);
            foreach (var line in File.ReadLines(path))
            {
                AssertSame(line);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("\"price\":\"1600.00\"", "\"price\":1600.00")]
    [InlineData("\"aggressor_side\":\"buy\"", "\"aggressor_side\":\"Buy\"")]
    [InlineData("{\"trade_id\":1000,", "{\"size\":\"5\",\"trade_id\":1000,")]
    [InlineData("\"taker_order_id\":\"x-1001\"", "\"taker_order_id\":\"x-\\u0031001\",\"extra\":1")]
    [InlineData("\"kill_switch_present\":false", "\"kill_switch_present\":false,\"extra\":null")]
    public void Refuses_what_the_recorder_does_not_write(string find, string replace)
    {
        var line = Line();
        Assert.Contains(find, line, StringComparison.Ordinal);
        var changed = ReplaceFirst(line, find, replace);
        var snapshot = SnapshotBytes(changed);
        Assert.ThrowsAny<JsonException>(() =>
        {
            var reader = new Utf8JsonReader(snapshot);
            FastSnapshotJson.Read(ref reader);
        });
    }

    private static string Line()
    {
        var path = Path.Combine(Path.GetTempPath(), "mm-fast-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            SyntheticSession.Write(path, 3, seed: 11);
            return File.ReadLines(path).First();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }

    private static byte[] SnapshotBytes(string line) => RecordingReader.Slice(Encoding.UTF8.GetBytes(line), "snapshot"u8).ToArray();

    private static void AssertSame(string line)
    {
        var snapshotJson = SnapshotBytes(line);
        var general = JsonSerializer.Deserialize<Snapshot>(snapshotJson, RecordingJson.Options)!;
        var reader = new Utf8JsonReader(snapshotJson);
        var fast = FastSnapshotJson.Read(ref reader);
        Assert.Equal(snapshotJson.Length, (int)reader.BytesConsumed);
        Assert.Equal(RecordingJson.Serialize(general), RecordingJson.Serialize(fast));
        Assert.Equal(Encoding.UTF8.GetString(snapshotJson), RecordingJson.Serialize(fast));
        Assert.Equal(general.MarketData.Value?.Trades.Length, fast.MarketData.Value?.Trades.Length);
    }
}
