using MarketMaker.Core;
using MarketMaker.Shell.Recording;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Recording;

/// <summary>The paper sessions recorded in <c>snapshots/sessions</c> replay through the core to identical decisions.</summary>
public sealed class RecordedSessionTests
{
    public static TheoryData<string> Sessions => new(Directory.GetFiles(Path.Combine(Tools.RepoRoot, "snapshots", "sessions"), "*.jsonl").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Recorded_session_replays_to_identical_decisions(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Tools.RepoRoot, "snapshots", "sessions", file));
        Assert.True(lines.Length >= 40, $"{file}: only {lines.Length} cycles");
        BotState? carried = null;
        foreach (var line in lines)
        {
            var record = RecordingJson.Deserialize<CycleRecord>(line, file);
            Assert.True(CycleRecord.IsReadable(record.Schema), $"{file}: schema {record.Schema}");

            // The state the previous replayed decision produced is the state the next cycle was recorded with.
            if (carried is not null)
            {
                Assert.Equal(RecordingJson.Serialize(carried), RecordingJson.Serialize(record.StateBefore));
            }

            var replayed = Decider.Decide(record.Snapshot, record.StateBefore, record.Config);
            var expected = RecordingJson.Serialize(record.Decision);
            var actual = RecordingJson.Serialize(replayed);
            Assert.True(expected == actual, $"{file}: cycle {record.Cycle} decides differently on replay");
            carried = replayed.NextState;
        }
    }

    [Fact]
    public void The_sessions_cover_quiet_quoting_fills_and_an_outage_with_halt_and_recovery()
    {
        static IEnumerable<Decision> Decisions(string file) =>
            File.ReadLines(Path.Combine(Tools.RepoRoot, "snapshots", "sessions", file)).Select(l => RecordingJson.Deserialize<CycleRecord>(l, file).Decision);

        var quiet = Decisions("quiet-market.jsonl").ToList();
        Assert.Contains(quiet, d => d.Placements.Length == 2);
        Assert.DoesNotContain(quiet, d => d.Fills.Length > 0);

        var fills = Decisions("fills-inventory-skew.jsonl").ToList();
        Assert.True(fills.Sum(d => d.Fills.Length) >= 3);

        var outage = Decisions("outage-halt-recovery.jsonl").ToList();
        var firstHalt = outage.FindIndex(d => d.Halt?.Reason == HaltReasons.ExchangeMarketDataStale);
        Assert.True(firstHalt > 0, "no market-data halt recorded");
        Assert.Contains(outage.Skip(firstHalt), d => d.Halt is null && d.Placements.Length > 0);
    }
}
