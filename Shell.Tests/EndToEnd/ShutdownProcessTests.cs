using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace MarketMaker.Shell.Tests.EndToEnd;

/// <summary>
/// The real <c>mm-bot paper</c> process stopped by signals while a dependency hangs: the paper exchange's book
/// endpoint never answers the cycle in flight (MM_HTTP_TIMEOUT_MS is a minute). The first SIGINT stops gracefully
/// within 5 s anyway (the cycle is abandoned after the stop grace) and writes the shutdown summary; a second SIGINT
/// ends the process at once.
/// </summary>
public sealed class ShutdownProcessTests(ITestOutputHelper output)
{
    private const int Sigint = 2;

    [Fact]
    public async Task Sigint_while_the_book_hangs_stops_cleanly_within_5_seconds_with_the_shutdown_summary()
    {
        await WithHangingCycleAsync(async (run, http, api) =>
        {
            var stopping = Stopwatch.StartNew();
            Assert.Equal(0, CrashSafetyProcess.Kill(run.Process.Id, Sigint));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await run.Process.WaitForExitAsync(timeout.Token);
            stopping.Stop();
            output.WriteLine($"SIGINT → exit: {stopping.ElapsedMilliseconds} ms (the book request hung throughout)");
            Assert.Equal(0, run.Process.ExitCode);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the stop took {stopping.ElapsedMilliseconds} ms:\n{run.Output}");
            Assert.Contains("stopping on SIGINT", run.Output, StringComparison.Ordinal);
            Assert.Contains("the cycle in flight was abandoned after the stop grace", run.Output, StringComparison.Ordinal);
            Assert.Contains("shutdown summary uptime=", run.Output, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_second_sigint_while_the_graceful_stop_waits_for_a_hanging_dependency_ends_the_process_at_once()
    {
        await WithHangingCycleAsync(async (run, http, api) =>
        {
            Assert.Equal(0, CrashSafetyProcess.Kill(run.Process.Id, Sigint));
            await UntilAsync(run, () => run.Output.Contains("stopping on SIGINT", StringComparison.Ordinal), "the first SIGINT is taken as a graceful stop");
            Assert.Equal(0, CrashSafetyProcess.Kill(run.Process.Id, Sigint));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await run.Process.WaitForExitAsync(timeout.Token);

            // Killed by the signal's default action (128 + 2), before the graceful path got to its summary.
            Assert.Equal(130, run.Process.ExitCode);
            Assert.DoesNotContain("shutdown summary", run.Output, StringComparison.Ordinal);
        });
    }

    /// <summary>Starts `mm-bot paper`, waits for its first quotes, then makes the next book request hang and waits until one does.</summary>
    private async Task WithHangingCycleAsync(Func<BotProcessRun, HttpClient, string, Task> body)
    {
        var dir = Directory.CreateTempSubdirectory("mm-shutdown-").FullName;
        try
        {
            var sink = new StringBuilder();
            var env = new Dictionary<string, string>
            {
                ["MM_METRICS_ADDR"] = "127.0.0.1:0",
                ["MM_STATE_FILE"] = Path.Combine(dir, "state.json"),
                ["MM_HTTP_TIMEOUT_MS"] = "60000",
                ["MM_WS_ENABLED"] = "false",
                ["MM_POLL_INTERVAL_MS"] = "200",
            };
            using var run = CrashSafetyProcess.Start(env, sink, "paper", "--port", "0", "--seed", "11", "--no-taker");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            string? api = null;
            await UntilAsync(run, () => (api = CrashSafetyProcess.PaperApiUrl(run.Output)) is not null && run.Output.Contains("protections ", StringComparison.Ordinal), "the bot runs its cycles");

            // One book request hangs (count 1: the rule is gone once a request has taken it, i.e. the cycle is stuck in it).
            using var set = await http.PostAsync($"{api}/admin/faults", new StringContent("{\"target\":\"book\",\"kind\":\"hang\",\"count\":1}", Encoding.UTF8, "application/json"));
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
            await UntilAsync(run, async () => (await http.GetFromJsonAsync<JsonElement>($"{api}/admin/faults")).GetProperty("faults").GetArrayLength() == 0, "a cycle's book request hangs");
            await body(run, http, api!);
            output.WriteLine(run.Output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static Task UntilAsync(BotProcessRun run, Func<bool> condition, string what) => UntilAsync(run, () => Task.FromResult(condition()), what);

    private static async Task UntilAsync(BotProcessRun run, Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(run.Process.HasExited, $"mm-bot exited before: {what}\n{run.Output}");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"timed out waiting for: {what}\n{run.Output}");
            await Task.Delay(20);
        }
    }
}
