using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using MarketMaker.Core;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// <c>mm-bot replay FILE</c> without --set: every recorded cycle decided again (<see cref="IdentityReplay"/>) and compared
/// with the recorded decision; and <c>--upgrade OUT</c>, which rewrites a /2 recording as /3 the same way.
/// </summary>
internal static class IdentityRun
{
    public static int Run(ReplayCommand.Options options, TextWriter stdout, TextWriter stderr, ReplayProgress progress, CancellationToken ct)
    {
        var replay = new IdentityReplay();
        var charts = options.Report is null ? null : new ChartSeries();
        var pnl = new PnlSummary();
        long cycles = 0, differing = 0, gaps = 0, firstGapLine = 0;
        JsonDifference? first = null;
        long firstLine = 0, firstCycle = 0;
        DateTimeOffset? from = null, to = null;
        var started = Stopwatch.GetTimestamp();
        var cpuStarted = Environment.CpuUsage.TotalTime;

        using (var reader = new RecordingReader(options.File))
        {
            while (reader.TryNextLine(out var line))
            {
                if ((cycles & 1023) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                var outcome = replay.Replay(line, reader.Where, reader.LineNumber, wantRecord: charts is not null);
                cycles++;
                from ??= outcome.Now;
                to = outcome.Now;
                if (!outcome.Identical)
                {
                    differing++;
                    if (first is null)
                    {
                        first = outcome.Difference;
                        firstLine = reader.LineNumber;
                        firstCycle = outcome.Cycle;
                    }
                }

                if (outcome.Gap)
                {
                    gaps++;
                    firstGapLine = firstGapLine == 0 ? reader.LineNumber : firstGapLine;
                }

                if (replay.LastReplayed is { } replayed)
                {
                    pnl.Observe(replayed);
                }

                if (charts is not null && outcome.Record is { } record)
                {
                    charts.AddRecorded(record, replay.LastReplayed?.Pnl);
                }

                progress.Tick(cycles, reader.Fraction);
            }
        }

        var firstPass = new BenchPass(cycles, Stopwatch.GetElapsedTime(started).TotalSeconds, (Environment.CpuUsage.TotalTime - cpuStarted).TotalSeconds,
            (double)replay.DecideTicks / Stopwatch.Frequency);
        progress.Clear();
        if (cycles == 0)
        {
            stderr.WriteLine($"replay: {options.File}: no recorded cycles");
            return ReplayCommand.ExitUsage;
        }

        if (options.Report is { } reportPath)
        {
            File.WriteAllText(reportPath, HtmlReport.Render(options.File, charts!, null, null, null, pnl));
        }

        // Further passes over the same file measure the warm rate (the first includes JIT compilation and tiering).
        var warm = options.Bench ? WarmBench.Measure(options.File, firstPass, ct) : default;
        if (options.Json)
        {
            var result = new JsonObject
            {
                ["schema"] = ReplayCommand.ResultSchemaId,
                ["file"] = options.File,
                ["cycles"] = cycles,
                ["from"] = from is { } f ? ReplayText.Time(f) : null,
                ["to"] = to is { } t ? ReplayText.Time(t) : null,
                ["identical"] = differing == 0,
                ["differing_cycles"] = differing,
                ["first_difference"] = first is null ? null : new JsonObject
                {
                    ["line"] = firstLine,
                    ["cycle"] = firstCycle,
                    ["path"] = first.Path,
                    ["recorded"] = first.Recorded,
                    ["replayed"] = first.Replayed,
                },
                ["state_gaps"] = gaps,
                ["first_state_gap_line"] = gaps == 0 ? null : firstGapLine,
                ["pnl"] = pnl.Json(),
            };
            if (options.Bench)
            {
                result["bench"] = warm.Json(firstPass);
            }

            stdout.WriteLine(result.ToJsonString(ReplayText.PrettyJson));
        }
        else
        {
            if (first is null)
            {
                stdout.WriteLine($"identical: {cycles} cycle{(cycles == 1 ? "" : "s")} replayed, every decision as recorded ({options.File})");
            }
            else
            {
                stdout.WriteLine($"different: {differing} of {cycles} decisions differ from the recording ({options.File})");
                stdout.WriteLine($"first difference: line {firstLine}, cycle {firstCycle}, field {first.Path}");
                stdout.WriteLine($"  recorded: {first.Recorded}");
                stdout.WriteLine($"  replayed: {first.Replayed}");
            }

            stdout.Write(pnl.Text("replayed"));
            if (gaps > 0)
            {
                stdout.WriteLine($"note: {gaps} cycle{(gaps == 1 ? "" : "s")} did not start from the previous decision's next_state (first at line {firstGapLine}); each cycle was replayed from its recorded state_before");
            }

            if (options.Bench)
            {
                stdout.WriteLine(firstPass.Line("bench"));
                stdout.WriteLine(warm.Measured.Line(warm.Label));
            }
        }

        return first is null ? ReplayCommand.ExitIdentical : ReplayCommand.ExitDifferent;
    }

    /// <summary>
    /// <c>--upgrade OUT</c>: rewrites a /2 recording as /3. Each /2 cycle is replayed (carrying the replayed state, so the
    /// P&amp;L state builds up as it would have); it must decide exactly as recorded, and is written with the state it was
    /// decided from and the replayed decision, and wake "poll" (a /2 bot had no other wake). /3 lines are copied as they are. Exit 1 when a cycle decides differently.
    /// </summary>
    public static int Upgrade(ReplayCommand.Options options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var replay = new IdentityReplay();
        long cycles = 0, upgraded = 0;
        var temp = options.Upgrade! + ".tmp";
        using (var reader = new RecordingReader(options.File))
        using (var output = new StreamWriter(temp, false, new UTF8Encoding(false)))
        {
            output.NewLine = "\n";
            while (reader.TryNextLine(out var line))
            {
                ct.ThrowIfCancellationRequested();
                cycles++;
                if (line.Span.StartsWith(Encoding.UTF8.GetBytes($"{{\"schema\":\"{CycleRecord.SchemaId}\"")))
                {
                    output.WriteLine(Encoding.UTF8.GetString(line.Span));
                    continue;
                }

                var outcome = replay.Replay(line, reader.Where, reader.LineNumber, wantRecord: true);
                if (!outcome.Identical || outcome.Record is not { } record)
                {
                    output.Close();
                    File.Delete(temp);
                    var d = outcome.Difference;
                    stderr.WriteLine($"replay: {reader.Where}: cycle {outcome.Cycle} decides differently from the recording ({d?.Path}: recorded {d?.Recorded}, replayed {d?.Replayed}); not upgraded");
                    return ReplayCommand.ExitDifferent;
                }

                output.WriteLine(RecordingJson.Serialize(new CycleRecord(CycleRecord.SchemaId, record.Cycle, record.Snapshot, replay.LastState!, record.Config, replay.LastReplayed!, WakeReasons.Poll)));
                upgraded++;
            }
        }

        File.Move(temp, options.Upgrade!, overwrite: true);
        stdout.WriteLine($"upgraded: {upgraded} of {cycles} cycles rewritten as {CycleRecord.SchemaId} ({options.Upgrade})");
        return ReplayCommand.ExitIdentical;
    }
}
