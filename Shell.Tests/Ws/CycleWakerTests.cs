using MarketMaker.Shell.Cycle;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Ws;

/// <summary>When the next cycle starts: the poll interval, a debounced wake-up, never sooner than the minimum interval.</summary>
public sealed class CycleWakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);

    private CycleWaker Waker() => new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(5), _time);

    [Fact]
    public async Task Without_a_wake_the_next_cycle_starts_one_poll_interval_after_the_last()
    {
        var waker = Waker();
        var next = waker.WaitAsync(T0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(WakeReasons.Poll, await next.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_wake_starts_the_cycle_after_the_debounce()
    {
        var waker = Waker();
        _time.Advance(TimeSpan.FromSeconds(1));
        waker.Wake(WakeReasons.Orders);
        var next = waker.WaitAsync(T0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(WakeReasons.Orders, await next.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_wake_never_starts_a_cycle_sooner_than_the_minimum_interval_after_the_last()
    {
        var waker = Waker();
        _time.Advance(TimeSpan.FromMilliseconds(10));
        waker.Wake(WakeReasons.Book);
        var next = waker.WaitAsync(T0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(89));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(WakeReasons.Book, await next.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_burst_of_wakes_gives_one_cycle_with_the_first_reason_then_the_poll_again()
    {
        var waker = Waker();
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 50; i++)
        {
            waker.Wake(i == 0 ? WakeReasons.Trades : WakeReasons.Orders);
        }

        var first = waker.WaitAsync(T0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(WakeReasons.Trades, await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(50, waker.WakesReceived);

        var started = _time.GetUtcNow();
        var second = waker.WaitAsync(started, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(WakeReasons.Poll, await second.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_wake_while_waiting_ends_the_wait_early()
    {
        var waker = Waker();
        var next = waker.WaitAsync(T0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        waker.Wake(WakeReasons.Orders);
        while (!next.IsCompleted && _time.GetUtcNow() < T0 + TimeSpan.FromSeconds(2))
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Delay(1);
        }

        Assert.Equal(WakeReasons.Orders, await next.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(_time.GetUtcNow() < T0 + TimeSpan.FromSeconds(2), "the wake-up waited for the poll");
    }

    [Fact]
    public async Task A_wake_whose_debounce_ends_after_the_poll_deadline_is_the_poll()
    {
        var waker = Waker();
        _time.Advance(TimeSpan.FromMilliseconds(1998));
        waker.Wake(WakeReasons.Book);
        var next = waker.WaitAsync(T0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal(WakeReasons.Poll, await next.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Stopping_ends_the_wait()
    {
        using var stop = new CancellationTokenSource();
        var next = Waker().WaitAsync(T0, stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
