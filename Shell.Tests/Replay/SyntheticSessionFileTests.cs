namespace MarketMaker.Shell.Tests.Replay;

/// <summary>
/// A development aid, not a check: with MM_WRITE_SYNTHETIC_SESSION=PATH set, writes the 10 000-cycle synthetic bench
/// session (seed 11, as in the bench test) to PATH, so `mm-bot replay PATH --bench` can be run on it by hand.
/// Without the variable it does nothing.
/// </summary>
public sealed class SyntheticSessionFileTests
{
    [Fact]
    public void Writes_the_bench_session_when_asked()
    {
        var path = Environment.GetEnvironmentVariable("MM_WRITE_SYNTHETIC_SESSION");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        File.Delete(path);
        SyntheticSession.Write(path, 10_000, seed: 11);
        Assert.True(new FileInfo(path).Length > 0);
    }
}
