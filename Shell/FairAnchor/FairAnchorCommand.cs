
namespace MarketMaker.Shell.FairAnchor;

/// <summary><c>mm-bot fair-anchor</c>: parse FAIR_ANCHOR_*, serve until cancelled.</summary>
public static class FairAnchorCommand
{
    public const int ExitOk = 0;
    public const int ExitRuntimeError = 1;
    public const int ExitConfigError = 2;

    /// <summary>
    /// Runs the service until <paramref name="ct"/> is cancelled. Returns 2 after listing every configuration problem
    /// on <paramref name="stderr"/> (one per line), 1 when the listener cannot be bound, 0 after a clean stop.
    /// Logs go to <paramref name="stdout"/>, one line each, never with the StablesRail API key.
    /// </summary>
    public static Task<int> RunAsync(IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        RunAsync(env, stdout, stderr, TimeProvider.System, ct);

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken ct)
    {
        var parsed = FairAnchorConfig.Parse(env);
        var output = TextWriter.Synchronized(stdout);
        void Log(string message) => output.WriteLine($"{Rfc3339.FormatNano(time.GetUtcNow())} fair-anchor: {message}");

        if (parsed.Config is not { } config)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync(error).ConfigureAwait(false);
            }

            await stderr.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitConfigError;
        }

        foreach (var warning in parsed.Warnings)
        {
            Log($"warning: {warning}");
        }

        FairAnchorHost host;
        try
        {
            host = await FairAnchorHost.StartAsync(config, time, Log, ct, ownSignals: true).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitOk;
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"fair-anchor: cannot listen on {config.Listen}: {ex.Message}").ConfigureAwait(false);
            return ExitRuntimeError;
        }

        await using (host.ConfigureAwait(false))
        {
            Log($"listening on {host.Url} {config}");
            try
            {
                await host.StoppingAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            Log("stopping");
        }

        return ExitOk;
    }
}
