using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Tests.Cycle;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Tests.Bot;

/// <summary>
/// The start-up warm-up (issue 17: the first cycle's code compiled on a spare core) runs the start-up decision, signs
/// its placements and a cancel with a throwaway key and writes nothing: no state file, no request.
/// </summary>
public sealed class StartupWarmupTests
{
    private static (Settings Settings, Protocol.DeploymentAddresses Addresses, string StateFile) For(string market)
    {
        var dir = Directory.CreateTempSubdirectory("mm-warmup-");
        var state = Path.Combine(dir.FullName, "state.json");
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MM_API_BASE_URL"] = "http://127.0.0.1:1/",
            ["MM_RPC_URL"] = "http://127.0.0.1:1",
            ["MM_DATABASE_URL"] = "Host=127.0.0.1;Port=1;Username=mm;Database=markets",
            ["MM_OWNER_PRIVATE_KEY"] = "0x" + new string('2', 64),
            ["MM_SUBACCOUNT_ID"] = "42",
            ["MM_MARKET_SYMBOL"] = market,
            ["MM_STATE_FILE"] = state,
        };
        var settings = Settings.Load(env).Match(s => s, errors => throw new Xunit.Sdk.XunitException(string.Join(" | ", errors)));
        return (settings, BotWiring.ResolveAddresses(settings, env), state);
    }

    [Theory]
    [InlineData("USDCcNGN-SPOT")]
    [InlineData("USDCcNGN-APR30-2026")]
    public void The_warm_up_decides_and_signs_a_two_sided_start_and_writes_nothing(string market)
    {
        var (settings, addresses, state) = For(market);

        // Both start-up placements and one cancel were built and signed: the decision, signing and JSON paths ran.
        Assert.Equal(3, StartupWarmup.Run(settings, addresses));
        Assert.False(File.Exists(state), "the warm-up wrote the state file");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(state)!));
    }

    [Fact]
    public async Task Start_never_fails_the_bot_even_when_the_warm_up_cannot_run()
    {
        var (settings, addresses, _) = For("USDCcNGN-SPOT");
        var log = new CapturingLogger();

        // A chain id the signer refuses makes the warm-up throw inside: Start still completes, with one debug line.
        await StartupWarmup.Start(settings with { ChainId = -1 }, addresses, log).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(log.At(LogLevel.Debug, "start-up warm-up skipped: "));
    }
}
