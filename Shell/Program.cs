using System.Runtime.InteropServices;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Config;

namespace MarketMaker.Shell;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["help", ..])
        {
            args = ["--help", .. args[1..]];
        }

        // No command, or options first: `mm-bot` alone is `mm-bot run`.
        var command = args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("--help" or "-h" or "-?")) ? "run" : args[0];
        if (args.Length == 0 || command != args[0])
        {
            args = ["run", .. args];
        }

        // run, paper and fair-anchor are hosts: their host's lifetime owns SIGINT/SIGTERM (Hosting/SignalLifetime.cs).
        // The other commands finish what they are doing and exit cleanly on the first signal.
        using var stop = new CancellationTokenSource();
        var hosted = command is "run" or "paper" or "fair-anchor";
        using var sigint = hosted ? null : PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = hosted ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        var env = Settings.ProcessEnvironment();
        try
        {
            return await CommandLineRunner.InvokeAsync(MmBotCommandLine.Create(env, Console.In), args, Console.Out, Console.Error, stop.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug or an environment failure nothing above handled: one clear line, no stack trace, exit 1.
            await Console.Error.WriteLineAsync($"mm-bot {command}: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}
