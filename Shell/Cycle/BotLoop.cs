using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Cycle;

/// <summary>
/// Runs the cycle every poll interval (earlier on a <see cref="CycleWaker"/> wake-up) until the host stops (the bot's
/// hosted service calls <see cref="RunAsync"/>). A stop signal does not cut a cycle in half: the cycle in flight
/// finishes (each source has its own timeout), then the loop ends. Only when the cycle is still running after the stop
/// grace (a dependency that hangs) is it abandoned through <c>abort</c>, so the process stops within its deadline.
/// Live quotes are left resting so that a restart adopts them.
/// </summary>
public sealed class BotLoop(CycleRunner runner, TimeProvider time, ILogger log, CycleWaker waker)
{
    /// <summary>Completed cycles.</summary>
    public long Cycles { get; private set; }

    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        var wake = WakeReasons.Poll;
        while (!stopping.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                // Not the stopping token: a cycle in flight is finished, unless it outlives the stop grace.
                await runner.RunOnceAsync(abort, wake);
                Cycles++;
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                log.LogWarning("stop: the cycle in flight was abandoned after the stop grace (a dependency did not answer)");
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The core does not throw for domain conditions; this is a bug or an environment failure.
                // Log it and keep running: the next cycle gathers everything afresh.
                log.LogError(ex, "cycle failed: {Error}", ex.Message);
            }

            try
            {
                // The poll interval, or earlier when the socket reported a change (one cycle at a time).
                wake = await waker.WaitAsync(started, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
