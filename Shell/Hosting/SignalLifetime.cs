using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Hosting;

/// <summary>
/// The host's lifetime for a long-running command (bot, paper, fair-anchor): the first SIGINT or SIGTERM stops the
/// application gracefully (the cycle in flight finishes, the shutdown summary is written); a second one is not
/// intercepted, so the signal's default action ends the process at once (exit status 128 + signal). Replaces
/// <c>ConsoleLifetime</c>, which would swallow every further Ctrl-C and print status lines of its own.
/// </summary>
public sealed class SignalLifetime(IHostApplicationLifetime application, ILoggerFactory logs) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> registrations = [];
    private int signals;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        registrations.Clear();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref signals) > 1)
        {
            // The second signal: the default action (terminate now), whatever is still running.
            context.Cancel = false;
            return;
        }

        context.Cancel = true;
        logs.CreateLogger("mm-bot").LogInformation("stopping on {Signal} (a second one stops at once)", context.Signal);
        application.StopApplication();
    }
}
