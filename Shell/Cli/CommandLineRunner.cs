using System.CommandLine;
using System.CommandLine.Parsing;

namespace MarketMaker.Shell.Cli;

/// <summary>
/// Parses and invokes one System.CommandLine command with the house rules: a bad argument (unknown option, missing
/// value, bad number) prints one line naming it on stderr and exits 2; <c>--help</c> prints the generated help.
/// </summary>
public static class CommandLineRunner
{
    public const int ExitUsage = 2;

    public static async Task<int> InvokeAsync(Command command, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var parsed = command.Parse(args);
        // A word like an option where a command expects an argument (FILE) is an unknown option, not a file name.
        var option = parsed.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).FirstOrDefault(t => t.Value is ['-', _, ..])?.Value;
        if ((parsed.Errors.Count > 0 || option is not null) && parsed.Action is not { ClearsParseErrors: true })
        {
            // An unknown word is named first: "unrecognized" is clearer than the "required command" it causes.
            var message = option is not null ? $"unrecognized option \"{option}\""
                : parsed.UnmatchedTokens.Count > 0 ? $"unrecognized argument \"{parsed.UnmatchedTokens[0]}\"" : parsed.Errors[0].Message;
            await stderr.WriteLineAsync($"{CommandPath(parsed)}: {message} (see `{CommandPath(parsed)} --help`)");
            return ExitUsage;
        }

        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        return await parsed.InvokeAsync(config, cancel);
    }

    public static int Invoke(Command command, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr) =>
        InvokeAsync(command, args, stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// One <c>mm-bot</c> subcommand on its own (for callers that pass it hooks, e.g. tests): put under a root as in
    /// <c>mm-bot</c>, so <c>--help</c> and the error lines are the same as on the command line.
    /// </summary>
    public static Task<int> InvokeSubcommandAsync(Command command, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var root = new RootCommand("mm-bot") { command };
        return InvokeAsync(root, [command.Name, .. args], stdout, stderr, cancel);
    }

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            names.Insert(0, result.Command is RootCommand ? "mm-bot" : result.Command.Name);
        }

        return names.Count > 0 && names[0] == "mm-bot" ? string.Join(' ', names) : "mm-bot " + string.Join(' ', names);
    }
}
