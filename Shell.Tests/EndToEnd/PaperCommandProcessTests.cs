using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>The README's run command as a real process: `mm-bot paper`, then SIGTERM.</summary>
public sealed partial class PaperCommandProcessTests
{
    [Fact]
    public async Task Paper_command_quotes_one_bid_and_one_ask_within_10_seconds_and_stops_cleanly_on_sigterm()
    {
        var dir = Directory.CreateTempSubdirectory("mm-paper-").FullName;
        try
        {
            var output = new StringBuilder();
            var env = new Dictionary<string, string>
            {
                ["MM_METRICS_ADDR"] = "127.0.0.1:0",
                ["MM_STATE_FILE"] = Path.Combine(dir, "state.json"),
            };
            using var run = CrashSafetyProcess.Start(env, output, "paper", "--port", "0", "--seed", "5");
            var started = Stopwatch.StartNew();
            string? api = null;
            (int Bids, int Asks) ours = (0, 0);
            using var http = new HttpClient();
            while (started.Elapsed < TimeSpan.FromSeconds(10) && ours != (1, 1))
            {
                Assert.False(run.Process.HasExited, "mm-bot paper exited:\n" + run.Output);
                api ??= CrashSafetyProcess.PaperApiUrl(run.Output);
                if (api is not null && OwnerLine().Match(run.Output) is { Success: true } owner)
                {
                    var book = await http.GetFromJsonAsync<JsonElement>($"{api}/v1/book?symbol=USDCcNGN-SPOT");
                    int Count(string side) => book.GetProperty("bids").EnumerateArray().Concat(book.GetProperty("asks").EnumerateArray())
                        .Count(o => o.GetProperty("owner_address").GetString() == owner.Groups[1].Value && o.GetProperty("spot_contract").GetProperty("ui_intent").GetProperty("side").GetString() == side);
                    ours = (Count("buy"), Count("sell"));
                }

                await Task.Delay(200);
            }

            Assert.True(ours == (1, 1), $"after {started.Elapsed.TotalSeconds:0.0}s the book holds {ours.Bids} bot bids and {ours.Asks} bot asks:\n{run.Output}");
            Assert.Equal(0, CrashSafetyProcess.Kill(run.Process.Id, 15));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await run.Process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, run.Process.ExitCode);
            Assert.Contains("shutdown summary uptime=", run.Output);
            Assert.Contains("generated a throwaway key", run.Output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Paper_command_with_an_unreachable_database_says_so_and_exits_1()
    {
        var stderr = new StringWriter();
        var exit = await MarketMaker.Shell.Bot.PaperCommand.RunAsync(["--port", "0", "--database-url", "Host=127.0.0.1;Port=1;Username=x;Database=y;Timeout=2"], new Dictionary<string, string>(), TextWriter.Null, stderr, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains("cannot start the paper exchange: database unavailable", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port", "x", "mm-bot paper: --port needs a TCP port number")]
    [InlineData("--port", "65536", "mm-bot paper: --port needs a TCP port number")]
    [InlineData("--seed", "1.5", "mm-bot paper: --seed needs an integer")]
    [InlineData("--seed", "", "mm-bot paper: Required argument missing for option: '--seed'")]
    [InlineData("--database-url", "mysql://x", "mm-bot paper: --database-url must be a PostgreSQL URL")]
    [InlineData("--bogus", "", "mm-bot paper: unrecognized argument \"--bogus\"")]
    public async Task Paper_command_rejects_bad_arguments_with_exit_2(string name, string value, string expected)
    {
        var stderr = new StringWriter();
        string[] args = value.Length == 0 ? [name] : [name, value];
        var exit = await MarketMaker.Shell.Bot.PaperCommand.RunAsync(args, new Dictionary<string, string>(), TextWriter.Null, stderr, CancellationToken.None);
        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"owner (0x[0-9a-f]{40})")]
    private static partial Regex OwnerLine();
}
