using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using MarketMaker.Core;
using MarketMaker.Shell.Cycle;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Cycle;

/// <summary>Fakes of the adapter ports with a shared log of what happened, in order.</summary>
internal sealed class FakeExchange : IMarketDataSource, ILiveOrderSource, IBalanceSource, IOrderGateway, IStateStore, IKillSwitch
{
    public const string Us = "0x00000000000000000000000000000000000000aa";
    private readonly TimeProvider _time;

    public FakeExchange(TimeProvider time) => _time = time;

    public ConcurrentQueue<string> Log { get; } = new();
    public List<LiveOrder> Live { get; } = [];
    public Func<CancellationToken, Task>? MarketDataDelay { get; set; }
    public Exception? MarketDataFailure { get; set; }
    public Exception? BalancesFailure { get; set; }
    public Exception? SaveFailure { get; set; }
    public int? RejectPlacementsWithStatus { get; set; }
    public bool FailCancels { get; set; }
    public bool Kill { get; set; }
    public PersistedState Saved { get; private set; } = new();
    public HashSet<long> UsedNonces { get; } = [];

    public async Task<MarketData> FetchAsync(CancellationToken ct)
    {
        if (MarketDataDelay is { } delay)
        {
            await delay(ct);
        }

        if (MarketDataFailure is { } ex)
        {
            throw ex;
        }

        var ours = Live.Select(o => new BookOrder(o.OrderId, Us, o.Side, o.Price, o.Remaining, o.CreatedAt)).ToList();
        return new MarketData(
            [.. ours.Where(o => o.Side == Side.Buy).Append(new BookOrder("x-b", "0xother", Side.Buy, 1595m, 10m, _time.GetUtcNow())).OrderByDescending(o => o.Price)],
            [.. ours.Where(o => o.Side == Side.Sell).Append(new BookOrder("x-a", "0xother", Side.Sell, 1605m, 10m, _time.GetUtcNow())).OrderBy(o => o.Price)],
            []);
    }

    public Task<ImmutableArray<LiveOrder>> FetchLiveAsync(CancellationToken ct) => Task.FromResult(Live.ToImmutableArray());

    /// <summary>Order ids whose final row was asked for.</summary>
    public ConcurrentQueue<string> FinalLookups { get; } = new();

    public Task<FinalStatus?> FetchFinalAsync(string orderId, CancellationToken ct)
    {
        FinalLookups.Enqueue(orderId);
        return Task.FromResult<FinalStatus?>(new FinalStatus(FinalOrderStatus.Cancelled, 0m));
    }

    Task<Balances> IBalanceSource.FetchAsync(CancellationToken ct) =>
        BalancesFailure is { } ex ? Task.FromException<Balances>(ex) : Task.FromResult(new Balances(500m, 2_000_000m));

    public Task<ActionOutcome> PlaceAsync(PlaceAction placement, CancellationToken ct)
    {
        Log.Enqueue($"place {placement.OrderId}");
        if (!UsedNonces.Add(placement.Nonce))
        {
            return Task.FromResult(new ActionOutcome(false, "duplicate nonce", 409));
        }

        if (RejectPlacementsWithStatus is { } status)
        {
            return Task.FromResult(new ActionOutcome(false, "rejected", status));
        }

        Live.Add(new LiveOrder(placement.OrderId, placement.Nonce, placement.Side, placement.Price, placement.Size, placement.Size, false, _time.GetUtcNow()));
        return Task.FromResult(ActionOutcome.Success);
    }

    public Task<ActionOutcome> CancelAsync(CancelAction cancel, CancellationToken ct)
    {
        Log.Enqueue($"cancel {cancel.OrderId}");
        if (FailCancels)
        {
            return Task.FromResult(new ActionOutcome(false, "active order not found", 404));
        }

        Live.RemoveAll(o => o.OrderId == cancel.OrderId);
        return Task.FromResult(ActionOutcome.Success);
    }

    public PersistedState Load() => Saved;

    public void Save(PersistedState state)
    {
        if (SaveFailure is { } ex)
        {
            throw ex;
        }

        Log.Enqueue($"save {state.NextNonceBase}");
        Saved = state;
    }

    public bool IsPresent() => Kill;
}

public sealed class CycleRunnerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static (CycleRunner Runner, FakeExchange Exchange, FakeTimeProvider Time) Create(BotConfig? config = null, SourceTimeouts? timeouts = null)
    {
        var time = new FakeTimeProvider(T0);
        var exchange = new FakeExchange(time);
        var cfg = config ?? new BotConfig { OwnerAddress = FakeExchange.Us, StaleBalanceTimeoutSeconds = 10 };
        var ports = new CyclePorts(exchange, exchange, exchange, null, null, exchange, exchange, exchange);
        var runner = new CycleRunner(cfg, MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m), ports, timeouts ?? SourceTimeouts.Default, time, NullLogger.Instance);
        return (runner, exchange, time);
    }

    /// <summary>Runs <paramref name="count"/> cycles 6 s apart; the last one's decision.</summary>
    private static async Task<Decision> Cycles(CycleRunner runner, FakeTimeProvider time, int count)
    {
        Decision? last = null;
        for (var i = 0; i < count; i++)
        {
            last = (await runner.RunOnceAsync(CancellationToken.None)).Decision;
            time.Advance(TimeSpan.FromSeconds(6));
        }

        return last!;
    }

    [Fact]
    public async Task The_bot_reconciles_then_places_one_bid_and_one_ask()
    {
        var (runner, exchange, time) = Create();
        await Cycles(runner, time, 3);
        Assert.Single(exchange.Live, o => o.Side == Side.Buy);
        Assert.Single(exchange.Live, o => o.Side == Side.Sell);
    }

    [Fact]
    public async Task The_state_is_saved_before_any_order_with_a_new_nonce_is_sent()
    {
        var (runner, exchange, time) = Create();
        await Cycles(runner, time, 2);
        var log = exchange.Log.ToList();
        var firstPlace = log.FindIndex(l => l.StartsWith("place", StringComparison.Ordinal));
        var save = log.FindIndex(l => l.StartsWith("save", StringComparison.Ordinal));
        Assert.True(firstPlace > 0, string.Join(" | ", log));
        Assert.True(save >= 0 && save < firstPlace, string.Join(" | ", log));
        var nonce = exchange.Live.Max(o => o.Nonce);
        Assert.True(exchange.Saved.NextNonceBase > nonce);
    }

    [Fact]
    public async Task Placements_are_withheld_when_the_state_cannot_be_saved()
    {
        var (runner, exchange, time) = Create();
        exchange.SaveFailure = new IOException("disk full");
        await Cycles(runner, time, 3);
        Assert.DoesNotContain(exchange.Log, l => l.StartsWith("place", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancels_are_sent_before_placements()
    {
        var (runner, exchange, time) = Create();
        exchange.Live.Add(new LiveOrder("mm:USDCcNGN-SPOT:buy:10", 10, Side.Buy, 1500m, 100m, 100m, false, T0));
        await Cycles(runner, time, 1); // startup: cancels the far order
        await Cycles(runner, time, 1); // places
        var log = exchange.Log.Where(l => !l.StartsWith("save", StringComparison.Ordinal)).ToList();
        Assert.Equal("cancel mm:USDCcNGN-SPOT:buy:10", log[0]);
        Assert.All(log.Skip(1), l => Assert.StartsWith("place", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dry_run_sends_nothing()
    {
        var (runner, exchange, time) = Create(new BotConfig { OwnerAddress = FakeExchange.Us, DryRun = true });
        exchange.Live.Add(new LiveOrder("mm:USDCcNGN-SPOT:buy:10", 10, Side.Buy, 1500m, 100m, 100m, false, T0));
        var last = await Cycles(runner, time, 4);
        Assert.DoesNotContain(exchange.Log, l => l.StartsWith("place", StringComparison.Ordinal) || l.StartsWith("cancel", StringComparison.Ordinal));
        Assert.NotEmpty(last.Placements);
    }

    [Fact]
    public async Task A_hanging_source_does_not_delay_the_cycle_beyond_its_own_timeout()
    {
        var timeouts = new SourceTimeouts(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3));
        var (runner, exchange, _) = Create(timeouts: timeouts);
        exchange.MarketDataDelay = ct => Task.Delay(Timeout.Infinite, ct);
        var watch = Stopwatch.StartNew();
        var outcome = await runner.RunOnceAsync(CancellationToken.None);
        watch.Stop();
        Assert.Contains(outcome.SourceErrors, e => e.StartsWith("market_data: timed out", StringComparison.Ordinal));
        Assert.True(outcome.Decision.Halt is not null);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_failing_source_keeps_its_previous_value_and_the_bot_halts_when_it_goes_stale()
    {
        var (runner, exchange, time) = Create();
        await Cycles(runner, time, 3);
        exchange.BalancesFailure = new InvalidOperationException("rpc: malformed result");
        var first = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Contains(first.SourceErrors, e => e.Contains("malformed", StringComparison.Ordinal));
        time.Advance(TimeSpan.FromSeconds(11));
        var later = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Equal(HaltReasons.BalancesStale, later.Decision.Halt?.Reason);
        Assert.Empty(exchange.Live);
        Assert.Equal(HaltReasons.BalancesStale, later.Decision.Readiness.Reason);
    }

    [Fact]
    public async Task A_rejected_placement_never_leads_to_reusing_its_nonce()
    {
        var (runner, exchange, time) = Create();
        exchange.RejectPlacementsWithStatus = 409;
        await Cycles(runner, time, 6);
        var placed = exchange.Log.Where(l => l.StartsWith("place", StringComparison.Ordinal)).ToList();
        Assert.True(placed.Count >= 4);
        Assert.Equal(placed.Count, placed.Distinct().Count());
    }

    [Fact]
    public async Task The_kill_switch_cancels_our_quotes_and_holds()
    {
        var (runner, exchange, time) = Create();
        await Cycles(runner, time, 3);
        Assert.NotEmpty(exchange.Live);
        exchange.Kill = true;
        var first = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, first.Cancels.Length);
        Assert.All(first.Cancels, c => Assert.Equal(CancelCategory.KillSwitch, c.Cancel.Category));
        time.Advance(TimeSpan.FromSeconds(6));
        var last = await Cycles(runner, time, 3);
        Assert.Empty(exchange.Live);
        Assert.IsType<Halt.KillSwitchActive>(last.Halt);
        Assert.False(last.Readiness.Ready);
    }

    [Fact]
    public async Task A_side_whose_cancel_failed_gets_no_new_order_in_that_cycle()
    {
        var (runner, exchange, time) = Create();
        exchange.Live.Add(new LiveOrder("mm:USDCcNGN-SPOT:buy:10", 10, Side.Buy, 1500m, 100m, 100m, false, T0));
        exchange.FailCancels = true;
        await Cycles(runner, time, 1); // startup: the far bid's cancel fails (e.g. held by the matcher)
        var second = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Contains(second.Cancels, c => c.Cancel.OrderId == "mm:USDCcNGN-SPOT:buy:10" && !c.Outcome.Ok);
        Assert.DoesNotContain(exchange.Live, o => o.Side == Side.Buy && o.OrderId != "mm:USDCcNGN-SPOT:buy:10");
        Assert.All(second.Placements.Where(p => p.Placement.Side == Side.Buy), p => Assert.Contains("withheld", p.Outcome.Error, StringComparison.Ordinal));
        Assert.Contains(exchange.Live, o => o.Side == Side.Sell);

        exchange.FailCancels = false;
        time.Advance(TimeSpan.FromSeconds(6));
        await Cycles(runner, time, 2);
        Assert.Equal(1, exchange.Live.Count(o => o.Side == Side.Buy));
        Assert.DoesNotContain(exchange.Live, o => o.OrderId == "mm:USDCcNGN-SPOT:buy:10");
    }

    // ---- settle (issue 12 §1): the next state holds what the exchange was sent and answered ----

    private static readonly BotConfig GatedConfig = new() { OwnerAddress = FakeExchange.Us, StaleBalanceTimeoutSeconds = 10, QuoteRefreshIntervalMs = 5000 };

    private static async Task<(CycleRunner Runner, FakeExchange Exchange, FakeTimeProvider Time)> QuotingBothSides()
    {
        var (runner, exchange, time) = Create(GatedConfig);
        await Cycles(runner, time, 2);
        Assert.Single(exchange.Live, o => o.Side == Side.Buy);
        Assert.Single(exchange.Live, o => o.Side == Side.Sell);
        return (runner, exchange, time);
    }

    [Fact]
    public async Task A_placement_withheld_after_a_failed_cancel_is_re_decided_on_the_very_next_cycle_and_never_tracked()
    {
        var (runner, exchange, time) = await QuotingBothSides();
        var bid = exchange.Live.Single(o => o.Side == Side.Buy);
        exchange.Live[exchange.Live.IndexOf(bid)] = bid with { Price = 1500m }; // drifted: a replace is due
        exchange.FailCancels = true;
        var withheld = await runner.RunOnceAsync(CancellationToken.None);
        var held = Assert.Single(withheld.Placements);
        Assert.Contains("withheld", held.Outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(held.Placement.OrderId, runner.State.Fills.Orders.Keys);

        // One second later, well inside the 5 s refresh interval: the side is decided again and replaced.
        exchange.FailCancels = false;
        time.Advance(TimeSpan.FromSeconds(1));
        var next = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Null(next.Decision.SyncSkipped);
        Assert.Contains(next.Cancels, c => c.Cancel.OrderId == bid.OrderId && c.Outcome.Ok);
        Assert.Contains(next.Placements, p => p.Placement.Side == Side.Buy && p.Outcome.Ok);
        Assert.Single(exchange.Live, o => o.Side == Side.Buy && o.OrderId != bid.OrderId);
        await Cycles(runner, time, 2);
        Assert.DoesNotContain(held.Placement.OrderId, exchange.FinalLookups);
        Assert.Equal(0, runner.State.Fills.Orders.Count(o => o.Key == held.Placement.OrderId));
    }

    [Fact]
    public async Task A_placement_withheld_because_the_state_file_is_unwritable_is_re_decided_on_the_very_next_cycle_and_never_counted_as_a_fill()
    {
        var (runner, exchange, time) = await QuotingBothSides();
        exchange.Live.RemoveAll(o => o.Side == Side.Buy); // the bid is gone (cancelled by someone)
        exchange.SaveFailure = new IOException("read-only file system");
        time.Advance(TimeSpan.FromSeconds(1));
        var withheld = await runner.RunOnceAsync(CancellationToken.None);
        Assert.NotNull(withheld.PersistError);
        var held = Assert.Single(withheld.Placements);
        Assert.False(held.Outcome.Ok);
        Assert.DoesNotContain(held.Placement.OrderId, runner.State.Fills.Orders.Keys);

        exchange.SaveFailure = null;
        time.Advance(TimeSpan.FromSeconds(1));
        var next = await runner.RunOnceAsync(CancellationToken.None);
        var placed = Assert.Single(next.Placements);
        Assert.True(placed.Outcome.Ok);
        Assert.Equal(Side.Buy, placed.Placement.Side);
        Assert.True(placed.Placement.Nonce > held.Placement.Nonce, "the withheld nonce stays consumed");
        await Cycles(runner, time, 2);
        Assert.DoesNotContain(held.Placement.OrderId, exchange.FinalLookups);
        Assert.Equal(0, runner.State.Fills.Orders.Count(o => o.Key == held.Placement.OrderId));
    }

    [Fact]
    public async Task A_rejected_placement_is_not_tracked()
    {
        var (runner, exchange, time) = Create(GatedConfig);
        exchange.RejectPlacementsWithStatus = 400;
        var first = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, first.Placements.Length);
        Assert.All(first.Placements, p => Assert.False(p.Outcome.Ok));
        Assert.Empty(runner.State.Fills.Orders);
        Assert.Null(runner.State.LastQuoteUpdate);

        exchange.RejectPlacementsWithStatus = null;
        time.Advance(TimeSpan.FromSeconds(1));
        var next = await runner.RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, next.Placements.Count(p => p.Outcome.Ok));
        Assert.Empty(exchange.FinalLookups);
        Assert.Equal(next.Placements.Select(p => p.Placement.OrderId).Order(StringComparer.Ordinal), runner.State.Fills.Orders.Keys);
    }
}
