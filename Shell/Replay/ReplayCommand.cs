using System.Collections.Immutable;
using System.CommandLine;
using System.CommandLine.Parsing;
using MarketMaker.Core.Config;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// <c>mm-bot replay FILE [--set NAME=VALUE]... [--json] [--report out.html] [--bench] [--no-progress] [--upgrade OUT]</c>
/// (behaviour.md §14, docs/recording-schema.md): its arguments and options, and which run they ask for. Without --set
/// every recorded cycle is decided again and compared with the recorded decision (<see cref="IdentityRun"/>); with --set
/// the session is run again with the changed settings (<see cref="WhatIfRun"/>) and both runs are compared.
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

    private const string Description = """
        Replays a session recorded with MM_RECORD_FILE (one JSON line per cycle, schema mm-bot.cycle/3; mm-bot.cycle/2
        is read too) through the decision core, with no network, database or clock (docs/recording-schema.md).
        Without --set: decides every cycle again from its recorded snapshot, state and config and compares the decision
        with the recorded one, field by field; prints "identical" or the first difference (line, cycle, JSON field path,
        recorded and replayed value). Exit 0 when every decision is identical, 1 when any differs.
        With --set: runs the session again with the changed settings, carrying the what-if state forward, in the recorded
        market (other participants' book and trades, balances, anchors, input freshness), with the what-if run's own
        orders resting until it cancels them (never filled); prints recorded vs what-if: quotes placed, cancels by
        category, halts by reason, time quoted per side, average quoted spread, and recorded fills at risk. Exit 0.
        Exit 2 on a bad argument, input or --set value, 130 when interrupted. Rotated files (FILE.1, FILE.2, ...) are
        separate recordings: replay them oldest first, or concatenate them.
        """;

    internal sealed record Options(
        string File,
        ImmutableSortedDictionary<string, string> Sets,
        bool Json,
        string? Report,
        bool Bench,
        bool Progress,
        string? Upgrade = null);

    /// <summary>The <c>replay</c> command; without a terminal, progress is a line every <paramref name="progressEvery"/> cycles.</summary>
    public static Command Create(int progressEvery = ProgressEvery)
    {
        var file = new Argument<string>("FILE") { Description = "the recording (written with MM_RECORD_FILE)" };
        var sets = new Option<ImmutableSortedDictionary<string, string>>("--set")
        {
            Description = "override one strategy/risk variable of `mm-bot run --help` for a what-if run (repeatable)",
            HelpName = "NAME=VALUE",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => ImmutableSortedDictionary<string, string>.Empty,
            CustomParser = ParseSets,
        };
        var json = new Option<bool>("--json") { Description = "machine-readable result on stdout" };
        var report = new Option<string?>("--report")
        {
            Description = "write one self-contained HTML page with charts (reference price, our bid and ask, best other bid and ask, inventory, halts shaded; recorded and what-if)",
            HelpName = "OUT.html",
        };
        var bench = new Option<bool>("--bench") { Description = "also measure replay throughput (cycles per second, single thread, first pass and warm)" };
        var noProgress = new Option<bool>("--no-progress") { Description = "no progress indicator on stderr (shown on a terminal, else every 100000 cycles)" };
        var upgrade = new Option<string?>("--upgrade")
        {
            Description = "rewrite a mm-bot.cycle/2 recording as mm-bot.cycle/3 (each cycle replayed, carrying the P&L state; refused when a cycle decides differently from the recording)",
            HelpName = "OUT",
        };
        var command = new Command("replay", Description) { file, sets, json, report, bench, noProgress, upgrade };
        command.Validators.Add(r =>
        {
            if (r.GetResult(sets) is not null && r.GetResult(bench) is not null)
            {
                r.AddError("--bench measures the identity replay; use it without --set");
            }
            else if (r.GetResult(upgrade) is not null && (r.GetResult(sets) ?? r.GetResult(bench) ?? r.GetResult(report)) is not null)
            {
                r.AddError("--upgrade rewrites the recording; use it without --set, --bench or --report");
            }
        });
        command.SetAction((parsed, ct) => Task.FromResult(Run(
            new Options(parsed.GetValue(file)!, parsed.GetValue(sets)!, parsed.GetValue(json), parsed.GetValue(report), parsed.GetValue(bench), !parsed.GetValue(noProgress), parsed.GetValue(upgrade)),
            parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error,
            progressEvery,
            ct)));
        return command;
    }

    /// <summary>Parses <paramref name="args"/> (after <c>replay</c>) and runs; exit 2 with one line for a bad argument.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        RunAsync(args, stdout, stderr, ProgressEvery, ct);

    /// <summary>As above, with the progress interval (cycles) used when stderr is not a terminal.</summary>
    internal static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, int progressEvery, CancellationToken ct) =>
        CommandLineRunner.InvokeSubcommandAsync(Create(progressEvery), args, stdout, stderr, ct);

    private static ImmutableSortedDictionary<string, string> ParseSets(ArgumentResult r)
    {
        var sets = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var text in r.Tokens.Select(t => t.Value))
        {
            var at = text.IndexOf('=', StringComparison.Ordinal);
            var name = at > 0 ? text[..at].Trim() : "";
            if (at <= 0 || !sets.TryAdd(name, text[(at + 1)..]))
            {
                r.AddError(at <= 0
                    ? $"--set {ConfigReader.Quote(text)}: expected NAME=VALUE, e.g. --set MM_HALF_SPREAD_BPS=40"
                    : $"--set {name} is given more than once");
                break;
            }
        }

        return sets.ToImmutable();
    }

    private static int Run(Options options, TextWriter stdout, TextWriter stderr, int progressEvery, CancellationToken ct)
    {
        if (!File.Exists(options.File))
        {
            stderr.WriteLine($"replay: {options.File}: no such file");
            return ExitUsage;
        }

        var progress = new ReplayProgress(stderr, options.Progress, progressEvery);
        try
        {
            return options.Upgrade is not null
                ? IdentityRun.Upgrade(options, stdout, stderr, ct)
                : options.Sets.IsEmpty
                ? IdentityRun.Run(options, stdout, stderr, progress, ct)
                : WhatIfRun.Run(options, stdout, stderr, progress, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            progress.Clear();
            stderr.WriteLine("replay: interrupted");
            return ExitInterrupted;
        }
        catch (Exception ex) when (ex is RecordingFormatException or IOException or UnauthorizedAccessException)
        {
            progress.Clear();
            stderr.WriteLine(ex is IOException ? $"replay: {options.File}: {ex.Message}" : $"replay: {ex.Message}");
            return ExitUsage;
        }
    }
}
