using MarketMaker.Core;
using MarketMaker.Core.Config;
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

    public const string Usage = """
        Usage: mm-bot decide [FILE] [--indent] < input.json

        Reads one JSON document of schema mm-bot.decide-input/2 ({"schema", "snapshot", "state", "config"})
        from FILE, or from stdin without FILE, runs the decision core once and prints the decision as one
        JSON line (schema of docs/recording-schema.md). The same input always prints the same bytes.
        No network, database or clock is used: the time is the snapshot's "now".

        Options:
          --indent    print the decision indented (still deterministic)
          -h, --help  this text

        Exit 0 with the decision on stdout; 2 when the input is not a valid decide input (message on stderr).
        """;

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var indent = false;
        string? file = null;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "-h" or "--help":
                    stdout.Write(Usage);
                    return ExitOk;
                case "--indent":
                    indent = true;
                    break;
                default:
                    if ((arg.StartsWith('-') && arg != "-") || file is not null)
                    {
                        stderr.WriteLine($"decide: unexpected argument {ConfigReader.Quote(arg)}");
                        stderr.WriteLine("Run `mm-bot decide --help` for usage.");
                        return ExitUsage;
                    }

                    file = arg;
                    break;
            }
        }

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

        if (input.Schema != DecideInput.SchemaId)
        {
            stderr.WriteLine($"decide: {what}: schema {ConfigReader.Quote(input.Schema ?? "")}; this mm-bot reads \"{DecideInput.SchemaId}\" (docs/recording-schema.md)");
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
