using System.CommandLine;
using MarketMaker.Core;
using MarketMaker.Core.Config;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// <c>mm-bot decide [FILE] [--indent]</c>: reads one <see cref="DecideInput"/> (schema <see cref="DecideInput.SchemaId"/>:
/// snapshot, state and config) from FILE or stdin and prints the decision JSON (docs/recording-schema.md). The output
/// depends on the input only, byte for byte.
/// </summary>
public static class DecideCommand
{
    public const int ExitOk = 0;
    public const int ExitUsage = 2;

    private const string Description = """
        Reads one JSON document of schema mm-bot.decide-input/3 (or /2) ({"schema", "snapshot", "state", "config"})
        from FILE, or from stdin without FILE (or with "-"), runs the decision core once and prints the decision as one
        JSON line (schema of docs/recording-schema.md). The same input always prints the same bytes.
        No network, database or clock is used: the time is the snapshot's "now".
        Exit 0 with the decision on stdout; 2 when the input is not a valid decide input (message on stderr).
        """;

    /// <summary>The <c>decide</c> command; its action reads from <paramref name="stdin"/> when no FILE is given.</summary>
    public static Command Create(TextReader stdin)
    {
        var file = new Argument<string?>("FILE") { Description = "the decide input (stdin without it, or with \"-\")", Arity = ArgumentArity.ZeroOrOne };
        var indent = new Option<bool>("--indent") { Description = "print the decision indented (still deterministic)" };
        var command = new Command("decide", Description) { file, indent };
        command.SetAction(parsed => Decide(parsed.GetValue(file), parsed.GetValue(indent), stdin, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        CommandLineRunner.Invoke(MmBotCommandLine.Create(new Dictionary<string, string>(), stdin), ["decide", .. args], stdout, stderr);

    private static int Decide(string? file, bool indent, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        string text, what;
        try
        {
            (text, what) = file is null or "-" ? (stdin.ReadToEnd(), "stdin") : (File.ReadAllText(file), file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"decide: {file}: {ex.Message}");
            return ExitUsage;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            stderr.WriteLine($"decide: {what}: empty input; expected one JSON document of schema {DecideInput.SchemaId}");
            return ExitUsage;
        }

        DecideInput input;
        try
        {
            input = RecordingJson.Deserialize<DecideInput>(text, what);
        }
        catch (RecordingFormatException ex)
        {
            stderr.WriteLine($"decide: {ex.Message}");
            return ExitUsage;
        }

        // A /2 input is read with the fields /3 added at their defaults (no P&L state, MM_MAX_DRAWDOWN off).
        if (input.Schema != DecideInput.SchemaId && input.Schema != RecordingVersions.DecideInputV2)
        {
            stderr.WriteLine($"decide: {what}: schema {ConfigReader.Quote(input.Schema ?? "")}; this mm-bot reads \"{DecideInput.SchemaId}\" and \"{RecordingVersions.DecideInputV2}\" (docs/recording-schema.md)");
            return ExitUsage;
        }

        if (input.Snapshot is null || input.State is null || input.Config is null)
        {
            stderr.WriteLine($"decide: {what}: snapshot, state and config are all required");
            return ExitUsage;
        }

        // The config must be one the bot would run with: the same rules as MM_* variables.
        var problems = ConfigParser.ApplyOverrides(input.Config, new Dictionary<string, string>())
            .Match(_ => [], fails => fails.Select(f => f.Message).ToList());
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                stderr.WriteLine($"decide: {what}: config: {problem}");
            }

            return ExitUsage;
        }

        Decision decision;
        try
        {
            decision = Decider.Decide(input.Snapshot, input.State, input.Config);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NullReferenceException or OverflowException or FormatException)
        {
            // The core never throws for a domain condition; an inconsistent document (e.g. a null list) can still break it.
            stderr.WriteLine($"decide: {what}: the input cannot be decided: {ex.Message}");
            return ExitUsage;
        }

        stdout.Write(RecordingJson.Serialize(decision, indent));
        stdout.Write('\n');
        stdout.Flush();
        return ExitOk;
    }
}
