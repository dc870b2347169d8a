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

    public Task<FinalStatus?> FetchFinalAsync(string orderId, CancellationToken ct) => Task.FromResult<FinalStatus?>(new FinalStatus(FinalOrderStatus.Cancelled, 0m));

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

        Live.Add(new LiveOrder(placement.OrderId, placement.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), placement.Side, placement.Price, placement.Size, placement.Size, false, _time.GetUtcNow()));
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

    private static async Task Cycles(CycleRunner runner, FakeTimeProvider time, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await runner.RunOnceAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(6));
        }
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
        var nonce = exchange.Live.Max(o => long.Parse(o.Nonce, System.Globalization.CultureInfo.InvariantCulture));
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
        exchange.Live.Add(new LiveOrder("mm:USDCcNGN-SPOT:buy:10", "10", Side.Buy, 1500m, 100m, 100m, false, T0));
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
        exchange.Live.Add(new LiveOrder("mm:USDCcNGN-SPOT:buy:10", "10", Side.Buy, 1500m, 100m, 100m, false, T0));
        await Cycles(runner, time, 4);
        Assert.DoesNotContain(exchange.Log, l => l.StartsWith("place", StringComparison.Ordinal) || l.StartsWith("cancel", StringComparison.Ordinal));
        Assert.NotEmpty(runner.LastDecision!.Placements);
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
        await Cycles(runner, time, 3);
        Assert.Empty(exchange.Live);
        Assert.Equal(HaltReasons.KillSwitchActive, runner.LastDecision!.Halt?.Reason);
        Assert.False(runner.LastDecision.Readiness.Ready);
    }

    [Fact]
    public async Task A_side_whose_cancel_failed_gets_no_new_order_in_that_cycle()
    {
        var (runner, exchange, time) = Create();
        exchange.Live.Add(new LiveOrder("mm:USDCcNGN-SPOT:buy:10", "10", Side.Buy, 1500m, 100m, 100m, false, T0));
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
}
