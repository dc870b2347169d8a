using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Cycle;

/// <summary>
/// Runs the cycle every poll interval (earlier on a <see cref="CycleWaker"/> wake-up) until the host stops. A stop signal never interrupts a cycle in flight:
/// the cycle finishes (each source has its own timeout), then the loop ends and the shutdown summary is written.
/// Live quotes are left resting so that a restart adopts them.
/// </summary>
public sealed class BotLoop : BackgroundService
{
    private readonly CycleRunner _runner;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Action? _onStopped;
    private readonly CycleWaker _waker;

    /// <param name="waker">When the next cycle starts (WebSocket wake-ups); null = every <paramref name="interval"/>.</param>
    public BotLoop(CycleRunner runner, TimeSpan interval, TimeProvider time, ILogger log, Action? onStopped = null, CycleWaker? waker = null)
    {
        _runner = runner;
        _interval = interval;
        _time = time;
        _log = log;
        _onStopped = onStopped;
        _waker = waker ?? new CycleWaker(interval, TimeSpan.Zero, TimeSpan.Zero, time);
    }

    /// <summary>Completed cycles (for tests and the soak line).</summary>
    public long Cycles { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var wake = WakeReasons.Poll;
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = _time.GetUtcNow();
                try
                {
                    // Not the stopping token: a cycle in flight is finished, never cut in half.
                    await _runner.RunOnceAsync(CancellationToken.None, wake);
                    Cycles++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The core does not throw for domain conditions; this is a bug or an environment failure.
                    // Log it and keep running: the next cycle gathers everything afresh.
                    _log.LogError(ex, "cycle failed: {Error}", ex.Message);
                }

                try
                {
                    // The poll interval, or earlier when the socket reported a change (one cycle at a time).
                    wake = await _waker.WaitAsync(started, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            _onStopped?.Invoke();
        }
    }
}
