using MarketMaker.Shell.Recording;
using MarketMaker.Shell.Replay;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Recording;

/// <summary>
/// The paper sessions recorded as <c>mm-bot.cycle/2</c> (before the wake and P&amp;L fields) in
/// <c>snapshots/sessions-v2</c>: replay still reads them and finds every decision identical (compared as /2 wrote it),
/// and <c>replay --upgrade</c> rewrites them as /3 lines that replay identically.
/// </summary>
public sealed class OlderSchemaSessionTests
{
    public static TheoryData<string> Sessions => new(Directory.GetFiles(Path.Combine(Tools.RepoRoot, "snapshots", "sessions-v2"), "*.jsonl").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    private static async Task<(int Code, string Out, string Err)> Replay(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ReplayCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task A_v2_session_replays_identically_and_upgrades_to_v3(string file)
    {
        var path = Path.Combine(Tools.RepoRoot, "snapshots", "sessions-v2", file);
        Assert.All(File.ReadLines(path), l => Assert.StartsWith($"{{\"schema\":\"{RecordingVersions.CycleV2}\"", l, StringComparison.Ordinal));

        var (code, stdout, stderr) = await Replay(path, "--no-progress");
        Assert.True(code == 0, $"replay of {file} exit {code}\n{stdout}\n{stderr}");

        var dir = Directory.CreateTempSubdirectory("mm-upgrade-");
        try
        {
            var upgraded = Path.Combine(dir.FullName, file);
            (code, stdout, stderr) = await Replay(path, "--upgrade", upgraded);
            Assert.True(code == 0, $"upgrade of {file} exit {code}\n{stdout}\n{stderr}");
            var lines = File.ReadAllLines(upgraded);
            Assert.Equal(File.ReadLines(path).Count(), lines.Length);
            Assert.All(lines, l => Assert.StartsWith($"{{\"schema\":\"{CycleRecord.SchemaId}\"", l, StringComparison.Ordinal));

            (code, stdout, stderr) = await Replay(upgraded, "--no-progress");
            Assert.True(code == 0, $"replay of the upgraded {file} exit {code}\n{stdout}\n{stderr}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
