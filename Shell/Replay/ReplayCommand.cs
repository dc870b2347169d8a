using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.Core;
using MarketMaker.Core.Config;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// <c>mm-bot replay FILE [--set NAME=VALUE]... [--json] [--report out.html] [--bench] [--no-progress]</c>
/// (behaviour.md §14, docs/recording-schema.md). Without --set every recorded cycle is decided again from its
/// recorded snapshot, state and config, and the decision is compared with the recorded one; with --set the session
/// is run again with the changed settings (<see cref="WhatIfWorld"/>) and both runs are compared.
/// </summary>
public static class ReplayCommand
{
    public const int ExitIdentical = 0;
    public const int ExitDifferent = 1;
    public const int ExitUsage = 2;
    public const int ExitInterrupted = 130;

    /// <summary>Schema of the --json output without --set.</summary>
    public const string ResultSchemaId = "mm-bot.replay-result/1";

    /// <summary>Schema of the --json output with --set.</summary>
    public const string WhatIfSchemaId = "mm-bot.replay-what-if/1";

    /// <summary>Without a terminal, a progress line is written every this many cycles.</summary>
    public const int ProgressEvery = 100_000;

    public const string Usage = """
        Usage: mm-bot replay FILE [--set NAME=VALUE]... [--json] [--report OUT.html] [--bench] [--no-progress]

        Replays a session recorded with MM_RECORD_FILE (one JSON line per cycle, schema mm-bot.cycle/2)
        through the decision core, with no network, database or clock.

        Without --set: decides every cycle again from its recorded snapshot, state and config and compares
          the decision with the recorded one, field by field. Prints "identical" or the first difference
          (line, cycle, JSON field path, recorded and replayed value).
          Exit 0 when every decision is identical, 1 when any differs, 2 on a usage or input error.
        With --set NAME=VALUE (repeatable; any strategy/risk MM_* variable of `mm-bot run --help`):
          runs the session again with the changed settings, carrying the what-if state forward, in the
          recorded market (other participants' book and trades, balances, anchors, input freshness), with the
          what-if run's own orders resting until it cancels them (never filled). Prints recorded vs what-if:
          quotes placed, cancels by category, halts by reason, time quoted per side, average quoted spread,
          and recorded fills at risk (fills whose order the what-if run would not have had resting at that
          price or better). Exit 0, or 2 on a usage, input or --set error.

        Options:
          --set NAME=VALUE   override one strategy/risk variable (what-if run)
          --json             machine-readable result on stdout
          --report OUT.html  write one self-contained HTML page with charts (reference price, our bid and
                             ask, best other bid and ask, inventory, halts shaded; recorded and what-if)
          --bench            also measure replay throughput (cycles per second, single thread)
          --no-progress      no progress indicator on stderr (shown on a terminal, else every 100000 cycles)
          -h, --help         this text

        Rotated files (FILE.1, FILE.2, ...) are separate files: replay them oldest first, or concatenate them.
        The recording format is documented in docs/recording-schema.md.
        """;

    internal sealed record Options(
        string File,
        ImmutableSortedDictionary<string, string> Sets,
        bool Json,
        string? Report,
        bool Bench,
        bool Progress);

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        RunAsync(args, stdout, stderr, ProgressEvery, ct);

    /// <summary>As above, with the progress interval (cycles) used when stderr is not a terminal.</summary>
    internal static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, int progressEvery, CancellationToken ct)
    {
        try
        {
            return Task.FromResult(Run(args, stdout, stderr, progressEvery, ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stderr.WriteLine("replay: interrupted");
            return Task.FromResult(ExitInterrupted);
        }
    }

    private static int Run(string[] args, TextWriter stdout, TextWriter stderr, int progressEvery, CancellationToken ct)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            stdout.Write(Usage);
            return ExitIdentical;
        }

        if (ParseArgs(args, out var error) is not { } options)
        {
            stderr.WriteLine($"replay: {error}");
            stderr.WriteLine("Run `mm-bot replay --help` for usage.");
            return ExitUsage;
        }

        if (!File.Exists(options.File))
        {
            stderr.WriteLine($"replay: {options.File}: no such file");
            return ExitUsage;
        }

        var progress = new Progress(stderr, options.Progress, progressEvery);
        try
        {
            return options.Sets.IsEmpty
                ? Identity(options, stdout, stderr, progress, ct)
                : WhatIf(options, stdout, stderr, progress, ct);
        }
        catch (RecordingFormatException ex)
        {
            progress.Clear();
            stderr.WriteLine($"replay: {ex.Message}");
            return ExitUsage;
        }
        catch (IOException ex)
        {
            progress.Clear();
            stderr.WriteLine($"replay: {options.File}: {ex.Message}");
            return ExitUsage;
        }
        catch (UnauthorizedAccessException ex)
        {
            progress.Clear();
            stderr.WriteLine($"replay: {ex.Message}");
            return ExitUsage;
        }
    }

    internal static Options? ParseArgs(string[] args, out string error)
    {
        error = "";
        string? file = null;
        string? report = null;
        bool json = false, bench = false, showProgress = true;
        var sets = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 2)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string? Value(string name, out string problem)
            {
                problem = "";
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 < args.Length)
                {
                    return args[++i];
                }

                problem = $"{name} needs a value";
                return null;
            }

            switch (arg)
            {
                case "--set":
                    {
                        var text = Value("--set", out error);
                        if (text is null)
                        {
                            error = "--set needs NAME=VALUE";
                            return null;
                        }

                        var at = text.IndexOf('=', StringComparison.Ordinal);
                        if (at <= 0)
                        {
                            error = $"--set {ConfigReader.Quote(text)}: expected NAME=VALUE, e.g. --set MM_HALF_SPREAD_BPS=40";
                            return null;
                        }

                        var name = text[..at].Trim();
                        if (sets.ContainsKey(name))
                        {
                            error = $"--set {name} is given more than once";
                            return null;
                        }

                        sets[name] = text[(at + 1)..];
                        break;
                    }

                case "--report":
                    report = Value("--report", out error);
                    if (report is null)
                    {
                        error = "--report needs an output file name";
                        return null;
                    }

                    break;
                case "--json" when inline is null:
                    json = true;
                    break;
                case "--bench" when inline is null:
                    bench = true;
                    break;
                case "--no-progress" when inline is null:
                    showProgress = false;
                    break;
                default:
                    if (arg.StartsWith('-') && arg != "-")
                    {
                        error = $"unknown option {ConfigReader.Quote(args[i])}";
                        return null;
                    }

                    if (file is not null)
                    {
                        error = $"one recording file only (got {ConfigReader.Quote(file)} and {ConfigReader.Quote(arg)})";
                        return null;
                    }

                    file = arg;
                    break;
            }
        }

        if (file is null)
        {
            error = "missing FILE (a recording written with MM_RECORD_FILE)";
            return null;
        }

        if (sets.Count > 0 && bench)
        {
            error = "--bench measures the identity replay; use it without --set";
            return null;
        }

        return new Options(file, sets.ToImmutable(), json, report, bench, showProgress);
    }

    /// <summary>The config of a what-if run for a recorded config, or every problem with the --set values.</summary>
    internal static BotConfig? Override(BotConfig recorded, IReadOnlyDictionary<string, string> sets, out IReadOnlyList<string> errors)
    {
        BotConfig? config = null;
        var problems = new List<string>();
        ConfigParser.ApplyOverrides(recorded, sets).Match(
            c => config = c,
            fails => problems.AddRange(fails.Select(f => f.Message)));
        errors = problems;
        return config;
    }

    private static int Identity(Options options, TextWriter stdout, TextWriter stderr, Progress progress, CancellationToken ct)
    {
        var replay = new IdentityReplay();
        var charts = options.Report is null ? null : new ChartSeries();
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

                if (charts is not null && outcome.Record is { } record)
                {
                    AddRecorded(charts, record);
                }

                progress.Tick(cycles, reader.Fraction);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Environment.CpuUsage.TotalTime - cpuStarted;
        progress.Clear();
        if (cycles == 0)
        {
            stderr.WriteLine($"replay: {options.File}: no recorded cycles");
            return ExitUsage;
        }

        if (options.Report is { } reportPath)
        {
            File.WriteAllText(reportPath, HtmlReport.Render(options.File, charts!, null, null, null));
        }

        var decideSeconds = (double)replay.DecideTicks / Stopwatch.Frequency;

        // Further passes over the same file measure the warm rate (the first includes JIT compilation and tiering).
        var warm = options.Bench ? WarmPass(options.File, cycles, elapsed.TotalSeconds, ct) : default;
        if (options.Json)
        {
            var result = new JsonObject
            {
                ["schema"] = ResultSchemaId,
                ["file"] = options.File,
                ["cycles"] = cycles,
                ["from"] = from is { } f ? Time(f) : null,
                ["to"] = to is { } t ? Time(t) : null,
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
            };
            if (options.Bench)
            {
                var bench = Bench(cycles, elapsed.TotalSeconds, cpu.TotalSeconds, decideSeconds);
                bench["warm"] = Bench(warm.Cycles, warm.Seconds, warm.CpuSeconds, warm.DecideSeconds);
                bench["warm"]!["passes"] = warm.Passes;
                bench["warm"]!["warm_up_passes"] = warm.WarmUpPasses;
                result["bench"] = bench;
            }

            stdout.WriteLine(result.ToJsonString(PrettyJson));
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

            if (gaps > 0)
            {
                stdout.WriteLine($"note: {gaps} cycle{(gaps == 1 ? "" : "s")} did not start from the previous decision's next_state (first at line {firstGapLine}); each cycle was replayed from its recorded state_before");
            }

            if (options.Bench)
            {
                stdout.WriteLine(BenchLine("bench", cycles, elapsed.TotalSeconds, cpu.TotalSeconds, decideSeconds));
                stdout.WriteLine(BenchLine(warm.Label, warm.Cycles, warm.Seconds, warm.CpuSeconds, warm.DecideSeconds));
            }
        }

        return first is null ? ExitIdentical : ExitDifferent;
    }

    private static string BenchLine(string label, long cycles, double seconds, double cpuSeconds, double decideSeconds) =>
        $"{label}: {cycles} cycles in {seconds.ToString("0.000", CultureInfo.InvariantCulture)} s: "
        + $"{Rate(cycles, seconds)} cycles/s end to end (read, parse, decide, serialise, compare; one thread), "
        + $"{Rate(cycles, cpuSeconds)} cycles per CPU second (process CPU time {cpuSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s), "
        + $"{Rate(cycles, decideSeconds)} cycles/s deciding alone";

    /// <summary>
    /// The warm rate: after the first pass (which includes JIT compilation and tiering), the file is replayed again
    /// without measuring until at least <see cref="WarmUpCycles"/> cycles have gone into warming up and the JIT has
    /// compiled (next to) nothing for <see cref="JitQuietSeconds"/> of replay (tiered compilation keeps recompiling hot methods
    /// for a while; a short recording would otherwise be measured before it has finished), at most
    /// <see cref="MaxWarmUpSeconds"/>; then passes are measured until at least <see cref="WarmMeasuredCycles"/> cycles.
    /// </summary>
    private static Warm WarmPass(string file, long firstPassCycles, double firstPassSeconds, CancellationToken ct)
    {
        long warmedCycles = firstPassCycles;
        var warmedSeconds = firstPassSeconds;
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

        long cycles = 0;
        double seconds = 0, cpuSeconds = 0, decideSeconds = 0;
        var passes = 0;
        do
        {
            var pass = OnePass(file, ct);
            cycles += pass.Cycles;
            seconds += pass.Seconds;
            cpuSeconds += pass.CpuSeconds;
            decideSeconds += pass.DecideSeconds;
            passes++;
        }
        while (cycles < WarmMeasuredCycles);

        return new Warm(cycles, seconds, cpuSeconds, decideSeconds, warmUpPasses + 1, passes);
    }

    private const long WarmUpCycles = 10_000;
    private const double JitQuietSeconds = 0.5;
    private const double MaxWarmUpSeconds = 20;
    private const long WarmMeasuredCycles = 10_000;

    private readonly record struct Warm(long Cycles, double Seconds, double CpuSeconds, double DecideSeconds, int WarmUpPasses, int Passes)
    {
        public string Label =>
            $"bench (warm, {Passes} pass{(Passes == 1 ? "" : "es")} after {WarmUpPasses} warm-up pass{(WarmUpPasses == 1 ? "" : "es")})";
    }

    private static (long Cycles, double Seconds, double CpuSeconds, double DecideSeconds) OnePass(string file, CancellationToken ct)
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

        return (cycles, Stopwatch.GetElapsedTime(started).TotalSeconds, (Environment.CpuUsage.TotalTime - cpuStarted).TotalSeconds,
            (double)replay.DecideTicks / Stopwatch.Frequency);
    }

    private static JsonObject Bench(long cycles, double seconds, double cpuSeconds, double decideSeconds) => new()
    {
        ["cycles"] = cycles,
        ["seconds"] = Math.Round(seconds, 3),
        ["cpu_seconds"] = Math.Round(cpuSeconds, 3),
        ["cycles_per_second"] = Math.Round(cycles / Math.Max(seconds, 1e-9)),
        ["cycles_per_cpu_second"] = Math.Round(cycles / Math.Max(cpuSeconds, 1e-9)),
        ["decide_cycles_per_second"] = Math.Round(cycles / Math.Max(decideSeconds, 1e-9)),
    };

    private static string Rate(long cycles, double seconds) =>
        (cycles / Math.Max(seconds, 1e-9)).ToString("N0", CultureInfo.InvariantCulture);

    // Not for HTML: '+' in times and non-ASCII text stay readable.
    private static readonly JsonSerializerOptions PrettyJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Times in output as in recordings: ISO 8601 with offset, fraction only when there is one.</summary>
    internal static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static void AddRecorded(ChartSeries charts, CycleRecord record)
    {
        var (otherBid, otherAsk) = ChartSeries.BestOther(record.Snapshot, record.Config.OwnerAddress);
        var (bid, ask) = RunStats.RestingAfter(Ours(record), record.Decision);
        charts.Time.Add(record.Snapshot.Now);
        charts.Reference.Add(record.Decision.ReferencePrice);
        charts.OtherBid.Add(otherBid);
        charts.OtherAsk.Add(otherAsk);
        charts.RecordedBid.Add(bid);
        charts.RecordedAsk.Add(ask);
        charts.RecordedHalt.Add(record.Decision.Halt?.Reason);
        charts.RecordedInventory.Add(record.Decision.Metrics.NetInventory);
    }

    private static IEnumerable<LiveOrder> Ours(CycleRecord record)
    {
        var prefix = record.Config.ManagedPrefix;
        return (record.Snapshot.Orders.Value?.Items ?? []).Where(o => o.OrderId.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static bool SameConfig(BotConfig a, BotConfig b) =>
        ReferenceEquals(a, b)
        || (a with { ProtectedOrderIdPrefixes = ImmutableArray<string>.Empty }) == (b with { ProtectedOrderIdPrefixes = ImmutableArray<string>.Empty })
            && a.ProtectedOrderIdPrefixes.SequenceEqual(b.ProtectedOrderIdPrefixes, StringComparer.Ordinal);

    private static int WhatIf(Options options, TextWriter stdout, TextWriter stderr, Progress progress, CancellationToken ct)
    {
        var recordedStats = new RunStats();
        var whatIfStats = new RunStats();
        var fills = new FillsAtRisk();
        var world = new WhatIfWorld();
        var charts = options.Report is null ? null : new ChartSeries();
        BotConfig? lastRecordedConfig = null;
        BotConfig? config = null;
        long cycles = 0;
        DateTimeOffset? from = null, to = null;

        using (var reader = new RecordingReader(options.File))
        {
            while (reader.Next() is { } line)
            {
                if ((cycles & 1023) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                var record = line.Record;
                if (lastRecordedConfig is null || !SameConfig(lastRecordedConfig, record.Config))
                {
                    config = Override(record.Config, options.Sets, out var errors);
                    if (config is null)
                    {
                        progress.Clear();
                        foreach (var e in errors)
                        {
                            stderr.WriteLine($"replay: --set: {e}");
                        }

                        if (cycles > 0)
                        {
                            stderr.WriteLine($"replay: (with the config recorded from line {line.LineNumber} on)");
                        }

                        return ExitUsage;
                    }

                    lastRecordedConfig = record.Config;
                }

                cycles++;
                from ??= record.Snapshot.Now;
                to = record.Snapshot.Now;

                // Recorded run.
                fills.Learn(record);
                // The what-if run starts from the recorded orders of the first cycle.
                var restingBefore = cycles == 1 ? Ours(record).ToList() : world.Resting.ToList();
                fills.Judge(record.Decision, restingBefore);

                fills.LearnPlacements(record.Decision);
                var (recBid, recAsk) = RunStats.RestingAfter(Ours(record), record.Decision);
                recordedStats.Observe(record.Decision, recBid, recAsk);

                // What-if run.
                var (_, decision) = world.Step(record, config!);
                var (wiBid, wiAsk) = RunStats.Best(world.Resting);
                whatIfStats.Observe(decision, wiBid, wiAsk);

                if (charts is not null)
                {
                    AddRecorded(charts, record);
                    charts.WhatIfReference.Add(decision.ReferencePrice);
                    charts.WhatIfBid.Add(wiBid);
                    charts.WhatIfAsk.Add(wiAsk);
                    charts.WhatIfHalt.Add(decision.Halt?.Reason);
                    charts.WhatIfInventory.Add(decision.Metrics.NetInventory);
                }

                progress.Tick(cycles, reader.Fraction);
            }
        }

        progress.Clear();
        if (cycles == 0)
        {
            stderr.WriteLine($"replay: {options.File}: no recorded cycles");
            return ExitUsage;
        }

        var duration = to!.Value - from!.Value;
        if (options.Report is { } reportPath)
        {
            File.WriteAllText(reportPath, HtmlReport.Render(options.File, charts!, options.Sets, recordedStats, whatIfStats));
        }

        if (options.Json)
        {
            var result = new JsonObject
            {
                ["schema"] = WhatIfSchemaId,
                ["file"] = options.File,
                ["cycles"] = cycles,
                ["from"] = Time(from.Value),
                ["to"] = Time(to.Value),
                ["duration_seconds"] = Seconds(duration),
                ["sets"] = new JsonObject(options.Sets.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["recorded"] = StatsJson(recordedStats, duration),
                ["what_if"] = StatsJson(whatIfStats, duration),
                ["fills"] = new JsonObject
                {
                    ["recorded"] = fills.RecordedFills,
                    ["recorded_size"] = RecordingJson.Render(fills.RecordedSize),
                    ["at_risk"] = fills.AtRisk,
                    ["at_risk_size"] = RecordingJson.Render(fills.AtRiskSize),
                    ["at_risk_buy"] = fills.AtRiskBuy,
                    ["at_risk_sell"] = fills.AtRiskSell,
                },
            };
            stdout.WriteLine(result.ToJsonString(PrettyJson));
        }
        else
        {
            stdout.Write(WhatIfText(options, cycles, from.Value, to.Value, recordedStats, whatIfStats, fills));
        }

        return ExitIdentical;
    }

    private static string Seconds(TimeSpan span) => RecordingJson.Render(decimal.Round((decimal)span.Ticks / TimeSpan.TicksPerSecond, 3));

    private static JsonObject StatsJson(RunStats stats, TimeSpan duration) => new()
    {
        ["cycles"] = stats.Cycles,
        ["quotes_placed"] = stats.QuotesPlaced,
        ["cancels"] = stats.Cancels,
        ["cancels_by_category"] = new JsonObject(stats.CancelsByCategory.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        ["halted_cycles"] = stats.HaltedCycles,
        ["halts_by_reason"] = new JsonObject(stats.HaltsByReason.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(
            kv.Key, (JsonNode?)new JsonObject { ["cycles"] = kv.Value.Cycles, ["episodes"] = kv.Value.Episodes }))),
        ["bid_quoted_seconds"] = Seconds(stats.BidQuoted),
        ["ask_quoted_seconds"] = Seconds(stats.AskQuoted),
        ["both_quoted_seconds"] = Seconds(stats.BothQuoted),
        ["bid_quoted_fraction"] = Fraction(stats.BidQuoted, duration),
        ["ask_quoted_fraction"] = Fraction(stats.AskQuoted, duration),
        ["average_quoted_spread_bps"] = stats.AverageSpreadBps is { } s ? RecordingJson.Render(decimal.Round(s, 4)) : null,
        ["spread_cycles"] = stats.SpreadCycles,
    };

    private static string? Fraction(TimeSpan part, TimeSpan whole) =>
        whole <= TimeSpan.Zero ? null : RecordingJson.Render(decimal.Round((decimal)part.Ticks / whole.Ticks, 4));

    private static string WhatIfText(Options options, long cycles, DateTimeOffset from, DateTimeOffset to, RunStats recorded, RunStats whatIf, FillsAtRisk fills)
    {
        var duration = to - from;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"what-if replay of {options.File}: {cycles} cycles, {Time(from)} .. {Time(to)} ({Human(duration)})");
        sb.AppendLine("what-if settings: " + string.Join(" ", options.Sets.Select(kv => $"{kv.Key}={kv.Value}")));
        sb.AppendLine();
        var rows = new List<(string Label, string Recorded, string WhatIf)>
        {
            ("quotes placed", N(recorded.QuotesPlaced), N(whatIf.QuotesPlaced)),
            ("cancels", N(recorded.Cancels), N(whatIf.Cancels)),
        };
        foreach (var category in recorded.CancelsByCategory.Keys.Union(whatIf.CancelsByCategory.Keys).Order(StringComparer.Ordinal))
        {
            rows.Add(($"  {category}", N(recorded.CancelsByCategory.GetValueOrDefault(category)), N(whatIf.CancelsByCategory.GetValueOrDefault(category))));
        }

        rows.Add(("halted cycles", N(recorded.HaltedCycles), N(whatIf.HaltedCycles)));
        var rh = recorded.HaltsByReason;
        var wh = whatIf.HaltsByReason;
        foreach (var reason in rh.Keys.Union(wh.Keys).Order(StringComparer.Ordinal))
        {
            static string H(HaltCount? h) => h is null ? "0" : $"{h.Cycles} ({h.Episodes}x)";
            rows.Add(($"  {reason}", H(rh.GetValueOrDefault(reason)), H(wh.GetValueOrDefault(reason))));
        }

        rows.Add(("time quoted, bid", Share(recorded.BidQuoted, duration), Share(whatIf.BidQuoted, duration)));
        rows.Add(("time quoted, ask", Share(recorded.AskQuoted, duration), Share(whatIf.AskQuoted, duration)));
        rows.Add(("time quoted, both sides", Share(recorded.BothQuoted, duration), Share(whatIf.BothQuoted, duration)));
        rows.Add(("average quoted spread (bps)", Bps(recorded.AverageSpreadBps), Bps(whatIf.AverageSpreadBps)));

        var width = Math.Max(28, rows.Max(r => r.Label.Length));
        var col = Math.Max(12, rows.Max(r => Math.Max(r.Recorded.Length, r.WhatIf.Length)));
        sb.Append("".PadRight(width)).Append("  ").Append("recorded".PadLeft(col)).Append("  ").AppendLine("what-if".PadLeft(col));
        foreach (var (label, r, w) in rows)
        {
            sb.Append(label.PadRight(width)).Append("  ").Append(r.PadLeft(col)).Append("  ").AppendLine(w.PadLeft(col));
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"recorded fills: {fills.RecordedFills} (size {RecordingJson.Render(fills.RecordedSize)}); at risk under the what-if settings: "
            + $"{fills.AtRisk} (size {RecordingJson.Render(fills.AtRiskSize)}; {fills.AtRiskBuy} buy, {fills.AtRiskSell} sell)");
        sb.AppendLine("  at risk = when the fill was observed, the what-if run had no order resting on that side at the filled order's price or better.");
        sb.AppendLine("  The what-if run sees the recorded market and balances; its own orders are never filled (docs/recording-schema.md).");
        return sb.ToString();

        static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        static string Bps(decimal? v) => v is { } x ? decimal.Round(x, 2).ToString("0.00", CultureInfo.InvariantCulture) : "-";
    }

    private static string Share(TimeSpan part, TimeSpan whole) =>
        TimeShare.Percent(part, whole) is { } percent ? $"{Human(part)} ({percent})" : Human(part);

    internal static string Human(TimeSpan span) =>
        span.TotalHours >= 1
            ? $"{(int)span.TotalHours}h{span.Minutes:00}m{span.Seconds:00}s"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";

    /// <summary>Progress on stderr: a line rewritten in place on a terminal, else one line every <paramref name="every"/> cycles.</summary>
    private sealed class Progress(TextWriter stderr, bool enabled, int every)
    {
        private readonly bool _terminal = enabled && ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        private long _lastTick = Stopwatch.GetTimestamp();
        private bool _drawn;

        public void Tick(long cycles, double fraction)
        {
            if (!enabled)
            {
                return;
            }

            if (_terminal)
            {
                if ((cycles & 255) != 0 || Stopwatch.GetElapsedTime(_lastTick) < TimeSpan.FromMilliseconds(250))
                {
                    return;
                }

                _lastTick = Stopwatch.GetTimestamp();
                stderr.Write($"\rreplay: {cycles.ToString("N0", CultureInfo.InvariantCulture)} cycles ({(fraction * 100).ToString("0", CultureInfo.InvariantCulture)}%)   ");
                stderr.Flush();
                _drawn = true;
            }
            else if (every > 0 && cycles % every == 0)
            {
                stderr.WriteLine($"replay: {cycles.ToString(CultureInfo.InvariantCulture)} cycles ({(fraction * 100).ToString("0", CultureInfo.InvariantCulture)}% of the file)");
            }
        }

        public void Clear()
        {
            if (_drawn)
            {
                stderr.Write("\r".PadRight(48) + "\r");
                stderr.Flush();
                _drawn = false;
            }
        }
    }
}
