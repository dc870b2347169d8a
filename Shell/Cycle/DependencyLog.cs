using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Cycle;

/// <summary>
/// Log lines of a failing dependency, so an outage does not flood the log: one WARN when a dependency starts
/// failing (with the error), then at most one WARN a minute with the count of failures since the last line, and one
/// INFO when it answers again (with the count and how long it failed). Errors are clipped to
/// <see cref="MaxErrorLength"/> characters (an RPC revert payload can be long). Thread-safe (the fetches of a cycle
/// run in parallel).
/// </summary>
public sealed class DependencyLog(ILogger log, TimeSpan? repeatEvery = null)
{
    public const int MaxErrorLength = 300;

    private readonly TimeSpan _repeat = repeatEvery ?? TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, Outage> _failing = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Dependencies failing right now, by name, sorted (tests, diagnostics).</summary>
    public IReadOnlyList<string> Failing
    {
        get
        {
            lock (_gate)
            {
                return [.. _failing.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>One failed call of <paramref name="dependency"/> at <paramref name="now"/>.</summary>
    public void Failed(string dependency, string what, string error, DateTimeOffset now)
    {
        lock (_gate)
        {
            FailedLocked(dependency, what, error, now);
        }
    }

    /// <summary>One successful call of <paramref name="dependency"/>: the INFO line if it was failing.</summary>
    public void Succeeded(string dependency, DateTimeOffset now)
    {
        Outage? outage;
        lock (_gate)
        {
            if (!_failing.Remove(dependency, out outage))
            {
                return;
            }
        }

        log.LogInformation("{Dependency} recovered after {Count} failures over {Seconds} s", dependency, outage.Total, Math.Round((now - outage.Since).TotalSeconds, 1));
    }

    private void FailedLocked(string dependency, string what, string error, DateTimeOffset now)
    {
        var clipped = Clip(error);
        if (!_failing.TryGetValue(dependency, out var outage))
        {
            _failing[dependency] = new Outage(now, now, 1, 0);
            log.LogWarning("{Dependency} failing: {What}: {Error}; further failures are counted and logged at most once every {Repeat} s", dependency, what, clipped, (int)_repeat.TotalSeconds);
            return;
        }

        var unlogged = outage.Unlogged + 1;
        if (now - outage.LastLine >= _repeat)
        {
            log.LogWarning("{Dependency} still failing: {Count} failures in the last {Seconds} s, failing for {Total} s; last error: {Error}", dependency, unlogged, (int)(now - outage.LastLine).TotalSeconds, (int)(now - outage.Since).TotalSeconds, clipped);
            _failing[dependency] = outage with { LastLine = now, Total = outage.Total + 1, Unlogged = 0 };
        }
        else
        {
            _failing[dependency] = outage with { Total = outage.Total + 1, Unlogged = unlogged };
        }
    }

    public static string Clip(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength] + $"… ({text.Length} chars)";

    private sealed record Outage(DateTimeOffset Since, DateTimeOffset LastLine, int Total, int Unlogged);
}
