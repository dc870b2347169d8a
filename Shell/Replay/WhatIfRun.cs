using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MarketMaker.Core;
using MarketMaker.Core.Config;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// <c>mm-bot replay FILE --set NAME=VALUE...</c>: the session run again with the changed settings in the recorded market
/// (<see cref="WhatIfWorld"/>), compared with the recorded run (docs/recording-schema.md).
/// </summary>
internal static class WhatIfRun
{
    public static int Run(ReplayCommand.Options options, TextWriter stdout, TextWriter stderr, ReplayProgress progress, CancellationToken ct)
    {
        var recordedStats = new RunStats();
        var whatIfStats = new RunStats();
        var fills = new FillsAtRisk();
        var pnl = new PnlSummary();
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

                        return ReplayCommand.ExitUsage;
                    }

                    lastRecordedConfig = record.Config;
                }

                cycles++;
                from ??= record.Snapshot.Now;
                to = record.Snapshot.Now;

                // Recorded run.
                fills.Learn(record);
                // The what-if run starts from the recorded orders of the first cycle.
                var restingBefore = cycles == 1 ? RunStats.Ours(record).ToList() : world.Resting.ToList();
                fills.Judge(record.Decision, restingBefore);

                fills.LearnPlacements(record.Decision);
                var (recBid, recAsk) = RunStats.RestingAfter(RunStats.Ours(record), record.Decision);
                recordedStats.Observe(record.Decision, recBid, recAsk);
                pnl.Observe(record.Decision);

                // What-if run.
                var (_, decision) = world.Step(record, config!);
                var (wiBid, wiAsk) = RunStats.Best(world.Resting);
                whatIfStats.Observe(decision, wiBid, wiAsk);

                if (charts is not null)
                {
                    charts.AddRecorded(record, record.Decision.Pnl);
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
            return ReplayCommand.ExitUsage;
        }

        var duration = to!.Value - from!.Value;
        if (options.Report is { } reportPath)
        {
            File.WriteAllText(reportPath, HtmlReport.Render(options.File, charts!, options.Sets, recordedStats, whatIfStats, pnl));
        }

        if (options.Json)
        {
            var result = new JsonObject
            {
                ["schema"] = ReplayCommand.WhatIfSchemaId,
                ["file"] = options.File,
                ["cycles"] = cycles,
                ["from"] = ReplayText.Time(from.Value),
                ["to"] = ReplayText.Time(to.Value),
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
                ["pnl"] = pnl.Json(),
            };
            stdout.WriteLine(result.ToJsonString(ReplayText.PrettyJson));
        }
        else
        {
            stdout.Write(ReplayText.WhatIf(options, cycles, from.Value, to.Value, recordedStats, whatIfStats, fills));
            stdout.WriteLine();
            stdout.Write(pnl.Text("recorded"));
        }

        return ReplayCommand.ExitIdentical;
    }

    /// <summary>The config of a what-if run for a recorded config, or every problem with the --set values.</summary>
    private static BotConfig? Override(BotConfig recorded, IReadOnlyDictionary<string, string> sets, out IReadOnlyList<string> errors)
    {
        BotConfig? config = null;
        var problems = new List<string>();
        ConfigParser.ApplyOverrides(recorded, sets).Match(
            c => config = c,
            fails => problems.AddRange(fails.Select(f => f.Message)));
        errors = problems;
        return config;
    }

    private static bool SameConfig(BotConfig a, BotConfig b) =>
        ReferenceEquals(a, b)
        || (a with { ProtectedOrderIdPrefixes = ImmutableArray<string>.Empty }) == (b with { ProtectedOrderIdPrefixes = ImmutableArray<string>.Empty })
            && a.ProtectedOrderIdPrefixes.SequenceEqual(b.ProtectedOrderIdPrefixes, StringComparer.Ordinal);

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

}
