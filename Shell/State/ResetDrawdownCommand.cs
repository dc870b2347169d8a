using System.CommandLine;
using System.Globalization;
using MarketMaker.Core;
using MarketMaker.Shell.Cli;
using V = MarketMaker.Shell.Config.ShellVariables;

namespace MarketMaker.Shell.State;

/// <summary>
/// <c>mm-bot reset-drawdown [--state-file PATH]</c> (docs/pnl.md, "Resetting the drawdown stop"): with the bot stopped,
/// clears the latched <c>drawdown limit exceeded</c> halt in the state file and restarts the peak, so the drawdown
/// is measured again from the next mark. Realized P&amp;L, the position, average cost, fees and markouts are kept.
/// </summary>
public static class ResetDrawdownCommand
{
    private const string Description = """
        With the bot stopped: clears a latched "drawdown limit exceeded" halt in the state file and restarts the peak,
        so the drawdown is measured again from the next mark. Realized P&L, the position, average cost, fees and
        markouts are kept (docs/pnl.md).
        """;

    /// <summary>The <c>reset-drawdown</c> command (generated help; a bad argument is one line and exit 2).</summary>
    public static Command Create(IReadOnlyDictionary<string, string> env)
    {
        var stateFile = new Option<string?>("--state-file") { Description = "the state file (default: $MM_STATE_FILE, else .mm-bot-state.json)", HelpName = "PATH" };
        var command = new Command("reset-drawdown", Description) { stateFile };
        command.SetAction(parsed => Reset(parsed.GetValue(stateFile), env, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string[] args, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr) =>
        CommandLineRunner.InvokeSubcommandAsync(Create(env), args, stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();

    private static int Reset(string? path, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr)
    {
        path ??= env.TryGetValue(V.StateFile, out var p) && !string.IsNullOrWhiteSpace(p) ? p : ".mm-bot-state.json";
        if (!File.Exists(path))
        {
            stderr.WriteLine($"mm-bot reset-drawdown: state file {path} does not exist (nothing to reset)");
            return 2;
        }

        PersistedState state;
        try
        {
            state = StateFile.Load(path);
        }
        catch (StateFileException e)
        {
            stderr.WriteLine($"mm-bot reset-drawdown: {e.Message}");
            return 2;
        }

        var book = state.Pnl;
        var reset = Reset(book);
        StateFile.Save(path, state with { Pnl = reset });
        stdout.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"reset-drawdown: {path}: latch {(book.DrawdownLatchLimit is { } l ? $"at MM_MAX_DRAWDOWN {l} cleared" : "was not set")}, "
            + $"peak {(book.Peak is { } pk ? pk.ToString(CultureInfo.InvariantCulture) : "none")} restarted from the next mark; "
            + $"realized {book.Realized} and position {book.Position} kept"));
        return 0;
    }

    /// <summary>The book with the latch cleared and the peak forgotten (the next mark is the new peak).</summary>
    public static PnlBook Reset(PnlBook book) => book with { DrawdownLatchLimit = null, Peak = null };
}
