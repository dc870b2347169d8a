using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.FairAnchor;
using MarketMaker.Shell.Replay;

namespace MarketMaker.Shell.Cli;

/// <summary>
/// The <c>mm-bot</c> command tree on System.CommandLine. <c>mm-bot --help</c> and <c>mm-bot run --help</c> print
/// <see cref="HelpText"/> (the variable catalogue stays the one source of the MM_* list); the other commands print
/// their generated help.
/// </summary>
public static class MmBotCommandLine
{
    public static RootCommand Create(IReadOnlyDictionary<string, string> env, TextReader stdin)
    {
        var root = new RootCommand("mm-bot - market maker for the Numo USDC/cNGN markets");
        foreach (var (name, _, description) in HelpText.Commands)
        {
            root.Subcommands.Add(name switch
            {
                "run" => Run(env, description),
                "fair-anchor" => FairAnchorCommandLine(env, description),
                "decide" => DecideCommand.Create(stdin),
                "paper" => PaperCommand.Create(env),
                "integration" => Integration.IntegrationCommand.Create(env),
                "history" => History.HistoryCommand.Create(env),
                "reset-drawdown" => State.ResetDrawdownCommand.Create(env),
                "replay" => ReplayCommand.Create(),
                _ => throw new InvalidOperationException($"mm-bot {name} has no command"),
            });
        }

        foreach (var option in root.Options)
        {
            if (option is HelpOption help)
            {
                help.Action = new TextHelp(help.Action);
            }
        }

        return root;
    }

    private static Command Run(IReadOnlyDictionary<string, string> env, string description)
    {
        var command = new Command("run", description);
        command.SetAction((parsed, ct) => BotProcess.RunFromEnvironmentAsync(env, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error, ct));
        return command;
    }

    private static Command FairAnchorCommandLine(IReadOnlyDictionary<string, string> env, string description)
    {
        var command = new Command("fair-anchor", description);
        command.SetAction((parsed, ct) => FairAnchorCommand.RunAsync(env, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error, ct));
        return command;
    }

    /// <summary>Help that prints <see cref="HelpText"/> for the root, run and fair-anchor, and the generated help elsewhere.</summary>
    private sealed class TextHelp(CommandLineAction? generated) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var text = parseResult.CommandResult.Command switch
            {
                RootCommand => HelpText.General(),
                { Name: "run" } => HelpText.Run(),
                { Name: "fair-anchor" } => HelpText.FairAnchor(),
                _ => null,
            };
            if (text is null)
            {
                return generated is SynchronousCommandLineAction sync ? sync.Invoke(parseResult) : 0;
            }

            parseResult.InvocationConfiguration.Output.Write(text);
            return 0;
        }
    }
}
