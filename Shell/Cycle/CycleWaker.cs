namespace MarketMaker.Shell.Cycle;

/// <summary>Why a cycle started: the poll interval ran out, or a WebSocket channel reported a meaningful change.</summary>
public static class WakeReasons
{
    public const string Poll = "poll";
    public const string Book = "book";
    public const string Trades = "trades";
    public const string Orders = "orders";

    public static readonly IReadOnlyList<string> All = [Poll, Book, Trades, Orders];
}

/// <summary>
/// When the next cycle starts. The loop runs one cycle at a time and asks <see cref="WaitAsync"/> when to start the
/// next: at the latest one poll interval after the previous start (reason <c>poll</c>), earlier when <see cref="Wake"/>
/// was called — after a short debounce (so a burst of events gives one cycle) and never sooner than the minimum
/// interval after the previous start. A wake that arrives while a cycle runs gives one more cycle after it; wakes
/// before a cycle starts are covered by that cycle (it gathers everything afresh). Thread-safe.
/// </summary>
public sealed class CycleWaker
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _pending;
    private DateTimeOffset _pendingAt;

    public CycleWaker(TimeSpan pollInterval, TimeSpan minInterval, TimeSpan debounce, TimeProvider time)
    {
        PollInterval = pollInterval;
        MinInterval = minInterval;
        Debounce = debounce;
        _time = time;
    }

    public TimeSpan PollInterval { get; }

    public TimeSpan MinInterval { get; }

    public TimeSpan Debounce { get; }

    /// <summary>Wakes received (tests, diagnostics).</summary>
    public long WakesReceived { get; private set; }

    /// <summary>Asks for an early cycle; the first reason since the last start is the one recorded.</summary>
    public void Wake(string reason)
    {
        lock (_gate)
        {
            WakesReceived++;
            if (_pending is null)
            {
                _pending = reason;
                _pendingAt = _time.GetUtcNow();
                _signal.TrySetResult();
            }
        }
    }

    /// <summary>Waits until the next cycle is due after a cycle that started at <paramref name="lastStart"/>; returns its reason.</summary>
    public async Task<string> WaitAsync(DateTimeOffset lastStart, CancellationToken ct)
    {
        while (true)
        {
            DateTimeOffset due;
            string reason;
            Task? signal;
            lock (_gate)
            {
                var pollDue = lastStart + PollInterval;
                if (_pending is { } pending)
                {
                    var wakeDue = Max(lastStart + MinInterval, _pendingAt + Debounce);
                    (due, reason) = wakeDue < pollDue ? (wakeDue, pending) : (pollDue, WakeReasons.Poll);
                    signal = null;
                }
                else
                {
                    (due, reason) = (pollDue, WakeReasons.Poll);
                    signal = _signal.Task;
                }

                if (due <= _time.GetUtcNow())
                {
                    _pending = null;
                    if (_signal.Task.IsCompleted)
                    {
                        _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    return reason;
                }
            }

            var wait = due - _time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                continue;
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = Task.Delay(wait, _time, cts.Token);
            if (signal is null)
            {
                await delay;
            }
            else
            {
                await Task.WhenAny(delay, signal);
                await cts.CancelAsync();
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
