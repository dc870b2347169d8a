using MarketMaker.Core;
using MarketMaker.Shell.State;

namespace MarketMaker.Shell.Tests.State;

/// <summary><c>mm-bot reset-drawdown</c> on a real state file: the latch and peak go, the rest of the book stays.</summary>
public sealed class ResetDrawdownCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mm-reset-dd-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Clears_the_latch_and_the_peak_and_keeps_the_rest()
    {
        var path = Path.Combine(dir, "state.json");
        var book = new PnlBook { Position = 10m, CostBasis = 1000m, Realized = 73.5m, Fees = 1.5m, Peak = 75m, MaxDrawdown = 40m, DrawdownLatchLimit = 30m, FillCount = 3 };
        StateFile.Save(path, new PersistedState { NextNonceBase = 42, Pnl = book });

        var (code, stdout, stderr) = Run(["--state-file", path], new Dictionary<string, string>());

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("latch at MM_MAX_DRAWDOWN 30 cleared", stdout, StringComparison.Ordinal);
        var after = StateFile.Load(path);
        Assert.Equal(book with { DrawdownLatchLimit = null, Peak = null }, after.Pnl);
        Assert.Equal(42, after.NextNonceBase);
    }

    [Fact]
    public void Takes_the_path_from_MM_STATE_FILE()
    {
        var path = Path.Combine(dir, "env-state.json");
        StateFile.Save(path, new PersistedState { Pnl = new PnlBook { Peak = 5m, DrawdownLatchLimit = 1m } });
        var (code, stdout, _) = Run([], new Dictionary<string, string> { ["MM_STATE_FILE"] = path });
        Assert.Equal(0, code);
        Assert.Contains(path, stdout, StringComparison.Ordinal);
        Assert.Null(StateFile.Load(path).Pnl.DrawdownLatchLimit);
    }

    [Fact]
    public void A_missing_file_or_a_bad_argument_exits_2_and_writes_nothing()
    {
        var path = Path.Combine(dir, "missing.json");
        var (code, _, stderr) = Run(["--state-file", path], new Dictionary<string, string>());
        Assert.Equal(2, code);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(path));

        (code, _, stderr) = Run(["--bogus"], new Dictionary<string, string>());
        Assert.Equal(2, code);
        Assert.Equal("mm-bot reset-drawdown: unrecognized argument \"--bogus\" (see `mm-bot reset-drawdown --help`)", stderr.TrimEnd());
    }

    private static (int Code, string Stdout, string Stderr) Run(string[] args, IReadOnlyDictionary<string, string> env)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ResetDrawdownCommand.Run(args, env, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
