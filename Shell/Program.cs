using System.Runtime.InteropServices;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.FairAnchor;
using MarketMaker.Shell.Integration;
using MarketMaker.Shell.Replay;
using MarketMaker.Shell.State;

namespace MarketMaker.Shell;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length == 0 || args[0].StartsWith('-') ? "run" : args[0];
        var rest = args.Length == 0 || args[0].StartsWith('-') ? args : args[1..];
        if (args.Length > 0 && args[0] is "--help" or "-h" or "help")
        {
            Console.Out.Write(HelpText.General());
            return 0;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            // The command finishes what it is doing (a bot cycle in flight) and exits cleanly.
            context.Cancel = true;
            stop.Cancel();
        }

        var env = Settings.ProcessEnvironment();
        try
        {
            switch (command)
            {
                case "run":
                    if (rest.Contains("--help") || rest.Contains("-h"))
                    {
                        Console.Out.Write(HelpText.Run());
                        return 0;
                    }

                    if (rest.Length > 0)
                    {
                        await Console.Error.WriteLineAsync($"mm-bot run: unexpected argument \"{rest[0]}\" (configuration comes from MM_* variables; see `mm-bot run --help`)");
                        return BotProcess.ExitConfigError;
                    }

                    return await BotProcess.RunFromEnvironmentAsync(env, Console.Out, Console.Error, stop.Token);
                case "paper":
                    return await PaperCommand.RunAsync(rest, env, Console.Out, Console.Error, stop.Token);
                case "integration":
                    return await IntegrationCommand.RunAsync(rest, env, Console.Out, Console.Error, stop.Token);
                case "decide":
                    return DecideCommand.Run(rest, Console.In, Console.Out, Console.Error);
                case "replay":
                    return await ReplayCommand.RunAsync(rest, Console.Out, Console.Error, stop.Token);
                case "history":
                    return await History.HistoryCommand.RunAsync(rest, env, Console.Out, Console.Error, stop.Token);
                case "reset-drawdown":
                    return ResetDrawdownCommand.Run(rest, env, Console.Out, Console.Error);
                case "fair-anchor":
                    if (rest.Contains("--help") || rest.Contains("-h"))
                    {
                        Console.Out.Write(HelpText.FairAnchor());
                        return 0;
                    }

                    return await FairAnchorCommand.RunAsync(env, Console.Out, Console.Error, stop.Token);
                default:
                    await Console.Error.WriteLineAsync($"mm-bot: unknown command \"{command}\"");
                    await Console.Error.WriteAsync(HelpText.General());
                    return BotProcess.ExitConfigError;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug or an environment failure nothing above handled: one clear line, no stack trace, exit 1.
            await Console.Error.WriteLineAsync($"mm-bot {command}: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}
