using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MarketMaker.Shell.Replay;

/// <summary>One measured replay pass (or several added up) of <c>replay --bench</c>.</summary>
internal readonly record struct BenchPass(long Cycles, double Seconds, double CpuSeconds, double DecideSeconds)
{
    public JsonObject Json() => new()
    {
        ["cycles"] = Cycles,
        ["seconds"] = Math.Round(Seconds, 3),
        ["cpu_seconds"] = Math.Round(CpuSeconds, 3),
        ["cycles_per_second"] = Math.Round(Cycles / Math.Max(Seconds, 1e-9)),
        ["cycles_per_cpu_second"] = Math.Round(Cycles / Math.Max(CpuSeconds, 1e-9)),
        ["decide_cycles_per_second"] = Math.Round(Cycles / Math.Max(DecideSeconds, 1e-9)),
    };

    public string Line(string label) =>
        $"{label}: {Cycles} cycles in {Seconds.ToString("0.000", CultureInfo.InvariantCulture)} s: "
        + $"{Rate(Seconds)} cycles/s end to end (read, parse, decide, serialise, compare; one thread), "
        + $"{Rate(CpuSeconds)} cycles per CPU second (process CPU time {CpuSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s), "
        + $"{Rate(DecideSeconds)} cycles/s deciding alone";

    private string Rate(double seconds) => (Cycles / Math.Max(seconds, 1e-9)).ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>The warm figure of <c>replay --bench</c> (docs/recording-schema.md).</summary>
internal readonly record struct WarmBench(BenchPass Measured, int WarmUpPasses, int Passes)
{
    private const long WarmUpCycles = 10_000;
    private const double JitQuietSeconds = 0.5;
    private const double MaxWarmUpSeconds = 20;
    private const long WarmMeasuredCycles = 10_000;

    public string Label =>
        $"bench (warm, {Passes} pass{(Passes == 1 ? "" : "es")} after {WarmUpPasses} warm-up pass{(WarmUpPasses == 1 ? "" : "es")})";

    /// <summary>The <c>bench</c> object of the --json result: the first pass, and the warm passes under <c>warm</c>.</summary>
    public JsonObject Json(BenchPass first)
    {
        var bench = first.Json();
        var warm = Measured.Json();
        warm["passes"] = Passes;
        warm["warm_up_passes"] = WarmUpPasses;
        bench["warm"] = warm;
        return bench;
    }

    /// <summary>
    /// The warm rate: after the first pass (which includes JIT compilation and tiering), the file is replayed again
    /// without measuring until at least <see cref="WarmUpCycles"/> cycles have gone into warming up and the JIT has
    /// compiled (next to) nothing for <see cref="JitQuietSeconds"/> of replay (tiered compilation keeps recompiling hot methods
    /// for a while; a short recording would otherwise be measured before it has finished), at most
    /// <see cref="MaxWarmUpSeconds"/>; then passes are measured until at least <see cref="WarmMeasuredCycles"/> cycles.
    /// </summary>
    public static WarmBench Measure(string file, BenchPass first, CancellationToken ct)
    {
        long warmedCycles = first.Cycles;
        var warmedSeconds = first.Seconds;
        var warmUpPasses = 0;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quietSeconds = 0.0;
        while ((warmedCycles < WarmUpCycles || quietSeconds < JitQuietSeconds) && warmedSeconds < MaxWarmUpSeconds)
        {
            var pass = OnePass(file, ct);
            warmedCycles += pass.Cycles;
            warmedSeconds += pass.Seconds;
            warmUpPasses++;
            // Methods called once per pass are tiered up after some passes: a few compilations in a pass are quiet.
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            quietSeconds = now - compiled <= pass.Cycles / 1000 ? quietSeconds + pass.Seconds : 0;
            compiled = now;
        }

        var measured = default(BenchPass);
        var passes = 0;
        do
        {
            var pass = OnePass(file, ct);
            measured = new BenchPass(measured.Cycles + pass.Cycles, measured.Seconds + pass.Seconds, measured.CpuSeconds + pass.CpuSeconds, measured.DecideSeconds + pass.DecideSeconds);
            passes++;
        }
        while (measured.Cycles < WarmMeasuredCycles);

        return new WarmBench(measured, warmUpPasses + 1, passes);
    }

    private static BenchPass OnePass(string file, CancellationToken ct)
    {
        var replay = new IdentityReplay();
        long cycles = 0;
        var started = Stopwatch.GetTimestamp();
        var cpuStarted = Environment.CpuUsage.TotalTime;
        using (var reader = new RecordingReader(file))
        {
            while (reader.TryNextLine(out var line))
            {
                if ((cycles++ & 1023) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                replay.Replay(line, reader.Where, reader.LineNumber, wantRecord: false);
            }
        }

        return new BenchPass(cycles, Stopwatch.GetElapsedTime(started).TotalSeconds, (Environment.CpuUsage.TotalTime - cpuStarted).TotalSeconds,
            (double)replay.DecideTicks / Stopwatch.Frequency);
    }
}
