using System.Collections.Immutable;
using MarketMaker.Core;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Cycle;

/// <summary>Per-source timeouts of the gather step.</summary>
public sealed record SourceTimeouts(TimeSpan MarketData, TimeSpan Orders, TimeSpan Balances, TimeSpan Anchor)
{
    /// <summary>Each cancel and each placement (sent concurrently) gets this long for an answer.</summary>
    public TimeSpan Actions { get; init; } = TimeSpan.FromSeconds(5);

    public static readonly SourceTimeouts Default = new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
}

/// <summary>The adapters one bot uses. Anchors are optional.</summary>
public sealed record CyclePorts(
    IMarketDataSource MarketData,
    ILiveOrderSource Orders,
    IBalanceSource Balances,
    IAnchorSource? Anchor,
    IAnchorSource? ExternalAnchor,
    IOrderGateway Gateway,
    IStateStore State,
    IKillSwitch KillSwitch,
    ICycleRecorder? Recorder = null,
    MarketMaker.Shell.Adapters.IInstanceGate? Instance = null);

/// <summary>What the apply step did with a decision.</summary>
public sealed record CycleOutcome(
    Snapshot Snapshot,
    Decision Decision,
    ImmutableArray<(CancelAction Cancel, ActionOutcome Outcome)> Cancels,
    ImmutableArray<(PlaceAction Placement, ActionOutcome Outcome)> Placements,
    ImmutableArray<string> SourceErrors,
    string? PersistError,
    int AnchorFetchFailures,
    int ExternalAnchorFetches,
    int ExternalAnchorFetchFailures,
    MarketMaker.Shell.Adapters.InstanceStatus? Instance = null,
    string Wake = WakeReasons.Poll)
{
    /// <summary>True while another instance is active (or the lock was lost): this one sends nothing.</summary>
    public bool Standby => Instance is { IsActive: false };
}

/// <summary>Receives every cycle's outcome (metrics, readiness, soak lines).</summary>
public interface ICycleObserver
{
    void OnCycle(CycleOutcome outcome);
}

/// <summary>
/// One bot's cycle: gather (in parallel, each source with its own timeout) → decide (pure core) →
/// persist (before any new nonce is sent) → apply (cancels, then placements; nothing in dry run) → record.
/// A failed source keeps its previous value and age; the core turns staleness into halts.
/// </summary>
public sealed class CycleRunner
{
    private readonly BotConfig _config;
    private readonly MarketSpec _market;
    private readonly CyclePorts _ports;
    private readonly SourceTimeouts _timeouts;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ICycleObserver? _observer;
    private readonly DependencyLog _dependencies;

    private Input<MarketData> _marketData = Input<MarketData>.Missing;
    private Input<LiveOrders> _orders = Input<LiveOrders>.Missing;
    private Input<Balances> _balances = Input<Balances>.Missing;
    private Input<AnchorReading> _anchor = Input<AnchorReading>.Missing;
    private Input<AnchorReading> _external = Input<AnchorReading>.Missing;

    public CycleRunner(BotConfig config, MarketSpec market, CyclePorts ports, SourceTimeouts timeouts, TimeProvider time, ILogger log, ICycleObserver? observer = null)
    {
        _config = config;
        _market = market;
        _ports = ports;
        _timeouts = timeouts;
        _time = time;
        _log = log;
        _observer = observer;
        _dependencies = new DependencyLog(log);
        State = BotState.Fresh(ports.State.Load());
    }

    public BotState State { get; private set; }

    /// <summary>The decision function (the core's; a test may put one that fails, to prove the halt below).</summary>
    internal Func<Snapshot, BotState, BotConfig, Decision> DecideFunction { get; init; } = Decider.Decide;

    /// <param name="wake">Why this cycle runs (<see cref="WakeReasons"/>): logged and recorded, never seen by the core.</param>
    public async Task<CycleOutcome> RunOnceAsync(CancellationToken ct, string wake = WakeReasons.Poll)
    {
        // 1. Gather.
        var started = _time.GetTimestamp();
        var errors = new List<string>();
        var marketTask = Fetch("market_data", _marketData, _ports.MarketData.FetchAsync, _timeouts.MarketData, errors, ct);
        // While reconciling (before anything is placed) the live-order read also reads the highest nonce the owner has
        // used at the exchange; both must succeed for the orders to count as fresh (NonceFloor). A standby reads it every
        // cycle too: the cycle in which it takes the lock over starts reconciling (and may place) with that floor.
        var floorSource = State.Phase == BotPhase.Startup || _instance is { IsActive: false } ? _ports.Orders as INonceFloorSource : null;
        (bool Read, long? Highest) floor = default;
        var ordersTask = Fetch("live_orders", _orders, async c =>
        {
            var live = new LiveOrders(await _ports.Orders.FetchLiveAsync(c));
            if (floorSource is not null)
            {
                floor = (true, await floorSource.FetchHighestUsedNonceAsync(c));
            }

            return live;
        }, _timeouts.Orders, errors, ct);
        var balancesTask = Fetch("balances", _balances, _ports.Balances.FetchAsync, _timeouts.Balances, errors, ct);
        var anchorTask = _ports.Anchor is { } anchor
            ? Fetch("anchor", _anchor, anchor.FetchAsync, _timeouts.Anchor, errors, ct)
            : Task.FromResult(_anchor);
        var wantExternal = _ports.ExternalAnchor is not null && State.ExternalAnchor.Wanted;
        var externalTask = wantExternal
            ? Fetch("external_anchor", _external, _ports.ExternalAnchor!.FetchAsync, _timeouts.Anchor, errors, ct)
            : Task.FromResult(_external with { FreshThisCycle = false, Error = null }); // not asked: not "not answering"
        var instanceTask = _ports.Instance is { } gate ? gate.CheckAsync(ct) : Task.FromResult(MarketMaker.Shell.Adapters.InstanceStatus.Active);
        var killSwitch = _ports.KillSwitch.IsPresent();
        await Task.WhenAll(marketTask, ordersTask, balancesTask, anchorTask, externalTask, instanceTask);
        var instance = await instanceTask;
        NoteInstance(instance);
        _marketData = await marketTask;
        _orders = await ordersTask;
        _balances = await balancesTask;
        _anchor = await anchorTask;
        _external = await externalTask;
        if (floor.Read && _orders.FreshThisCycle)
        {
            RaiseNonceFloor(floor.Highest);
        }

        var finals = await FetchFinalStatusesAsync(errors, ct);

        var snapshot = new Snapshot(_time.GetUtcNow(), _market, _marketData, _orders, _balances, _anchor, _external, killSwitch, finals);

        // 2. Decide.
        var gathered = _time.GetTimestamp();
        // A standby (docs/instances.md) decides in dry run and persists nothing: it sends nothing.
        var before = State;
        var config = instance.IsActive ? _config : _config with { DryRun = true };
        Decision decision;
        try
        {
            decision = DecideFunction(snapshot, before, config);
        }
        catch (Exception ex)
        {
            // A standby sends nothing, not even the cancels of a failed decision (the active instance owns the quotes).
            if (instance.IsActive)
            {
                await DecisionFailed.HaltAsync(snapshot, _config, _ports.Gateway, _observer, _log, ex, ct);
            }

            throw new DecisionFailedException(ex);
        }

        // 3. Persist before anything with a new nonce is sent.
        string? persistError = null;
        if (decision.PersistRequired && instance.IsActive)
        {
            try
            {
                _ports.State.Save(decision.NextState.Persisted);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or MarketMaker.Shell.State.StateFileException)
            {
                persistError = ex.Message;
                _log.LogError("state file not saved, placements withheld this cycle: {Error}", ex.Message);
            }
        }

        // 4. Apply: all cancels together, then all placements together (cancels complete before any placement);
        // each request with its own timeout; nothing in dry run.
        var cancelOutcomes = ImmutableArray<(CancelAction, ActionOutcome)>.Empty;
        var placeOutcomes = ImmutableArray<(PlaceAction, ActionOutcome)>.Empty;
        long applyStarted = 0, cancelsDone = 0;
        if (!decision.DryRun)
        {
            applyStarted = _time.GetTimestamp();
            cancelOutcomes = await ApplyCancelsAsync(decision.Cancels, ct);
            cancelsDone = _time.GetTimestamp();
            placeOutcomes = persistError is null
                ? await ApplyPlacementsAsync(decision.Placements, cancelOutcomes, ct)
                : [.. decision.Placements.Select(p => (p, new ActionOutcome(false, "withheld: the state file was not saved", Withheld: true)))];
        }

        // 5. Record, then carry the state forward.
        _ports.Recorder?.Record(snapshot, before, config, decision, wake);
        // Settle: the next state holds what the exchange was sent and answered, not what was intended.
        State = Settlement.Settle(before, decision, Outcomes(cancelOutcomes, placeOutcomes));
        if (instance.IsActive)
        {
            LogDecision(decision, wake);
        }

        if (_log.IsEnabled(LogLevel.Debug))
        {
            var end = _time.GetTimestamp();
            _log.LogDebug(
                "cycle timing gather_ms={Gather:0.0} decide_persist_ms={Decide:0.0} cancels={Cancels} cancel_ms={CancelMs:0.0} placements={Placements} place_ms={PlaceMs:0.0} total_ms={Total:0.0}",
                _time.GetElapsedTime(started, gathered).TotalMilliseconds,
                applyStarted == 0 ? 0 : _time.GetElapsedTime(gathered, applyStarted).TotalMilliseconds,
                cancelOutcomes.Length,
                applyStarted == 0 ? 0 : _time.GetElapsedTime(applyStarted, cancelsDone).TotalMilliseconds,
                placeOutcomes.Length,
                applyStarted == 0 ? 0 : _time.GetElapsedTime(cancelsDone, end).TotalMilliseconds,
                _time.GetElapsedTime(started, end).TotalMilliseconds);
        }

        var outcomeRecord = new CycleOutcome(
            snapshot,
            instance.IsActive ? decision : decision with { Readiness = new Readiness.NotReady(instance.Reason) },
            cancelOutcomes,
            placeOutcomes,
            [.. errors],
            persistError,
            _ports.Anchor is not null && !_anchor.FreshThisCycle ? 1 : 0,
            wantExternal ? 1 : 0,
            wantExternal && !_external.FreshThisCycle ? 1 : 0,
            _ports.Instance is null ? null : instance,
            wake);
        _observer?.OnCycle(outcomeRecord);
        return outcomeRecord;
    }

    private async Task<ImmutableSortedDictionary<string, FinalStatus>> FetchFinalStatusesAsync(List<string> errors, CancellationToken ct)
    {
        if (!_orders.FreshThisCycle || _orders.Value is not { } live)
        {
            return ImmutableSortedDictionary<string, FinalStatus>.Empty;
        }

        var liveIds = live.Items.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        var vanished = State.Fills.Orders.Keys.Where(id => !liveIds.Contains(id)).Take(32).ToList();
        // Independent lookups: all at once, each with its own timeout.
        var lookups = await Task.WhenAll(vanished.Select(async id =>
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(_timeouts.Orders);
            try
            {
                return (Id: id, Final: await _ports.Orders.FetchFinalAsync(id, cts.Token).WaitAsync(cts.Token));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var message = ex is OperationCanceledException ? $"timed out after {_timeouts.Orders.TotalMilliseconds:0} ms" : ex.Message;
                lock (errors)
                {
                    errors.Add($"final_status {id}: {message}");
                }

                return (Id: id, Final: (FinalStatus?)null);
            }
        }));
        var result = ImmutableSortedDictionary.CreateBuilder<string, FinalStatus>(StringComparer.Ordinal);
        foreach (var (id, final) in lookups)
        {
            if (final is { } f)
            {
                result[id] = f;
            }
        }

        return result.ToImmutable();
    }

    private async Task<ImmutableArray<(CancelAction, ActionOutcome)>> ApplyCancelsAsync(ImmutableArray<CancelAction> cancels, CancellationToken ct)
    {
        var outcomes = await Task.WhenAll(cancels.Select(async cancel => (cancel, await Guard(c => _ports.Gateway.CancelAsync(cancel, c), _timeouts.Actions, ct))));
        foreach (var (cancel, outcome) in outcomes)
        {
            if (outcome.Ok)
            {
                _dependencies.Succeeded(OrderEntry, _time.GetUtcNow());
            }
            else if (IsOutage(outcome))
            {
                _dependencies.Failed(OrderEntry, $"cancel {cancel.OrderId} ({cancel.Reason}) failed, re-checked from exchange state next cycle", outcome.Error ?? "", _time.GetUtcNow());
            }
            else
            {
                _log.LogWarning("cancel {OrderId} ({Reason}) failed: {Error}; re-checked from exchange state next cycle", cancel.OrderId, cancel.Reason, outcome.Error);
            }
        }

        return [.. outcomes];
    }

    private async Task<ImmutableArray<(PlaceAction, ActionOutcome)>> ApplyPlacementsAsync(
        ImmutableArray<PlaceAction> placements, ImmutableArray<(CancelAction, ActionOutcome)> cancels, CancellationToken ct)
    {
        // A side whose cancel failed this cycle gets no new order: the old one may still rest (for example held by the
        // matcher), and two of our orders on one side is what the cancel was meant to prevent. The settle step leaves
        // such a placement untracked, so the next cycle decides the side again from the exchange's state.
        var blockedSides = cancels.Where(c => !c.Item2.Ok).Select(c => c.Item1.Side).ToHashSet();
        var outcomes = await Task.WhenAll(placements.Select(async placement =>
        {
            if (blockedSides.Contains(placement.Side))
            {
                _log.LogWarning("place {OrderId} {Side} withheld: a cancel on this side failed this cycle; re-decided next cycle (the nonce is not reused)", placement.OrderId, placement.Side.Wire());
                return (placement, new ActionOutcome(false, "withheld: a cancel on this side failed this cycle", Withheld: true));
            }

            return (placement, await Guard(c => _ports.Gateway.PlaceAsync(placement, c), _timeouts.Actions, ct));
        }));

        // Logged in order once all have answered (the dependency log is not shared between threads).
        foreach (var (placement, outcome) in outcomes.Where(o => !o.Item2.Withheld))
        {
            if (outcome.Ok)
            {
                _dependencies.Succeeded(OrderEntry, _time.GetUtcNow());
            }
            else if (IsOutage(outcome))
            {
                _dependencies.Failed(OrderEntry, $"place {placement.OrderId} failed, the nonce is not reused", outcome.Error ?? "", _time.GetUtcNow());
            }
            else
            {
                _log.LogWarning("place {OrderId} {Side} {Size}@{Price} failed: {Error}; the nonce is not reused", placement.OrderId, placement.Side.Wire(), placement.Size, placement.Price, outcome.Error);
            }
        }

        return [.. outcomes];
    }

    private static ApplyOutcomes Outcomes(ImmutableArray<(CancelAction Cancel, ActionOutcome Outcome)> cancels, ImmutableArray<(PlaceAction Placement, ActionOutcome Outcome)> placements) =>
        new(
            cancels.ToImmutableSortedDictionary(c => c.Cancel.OrderId, c => c.Outcome.Result, StringComparer.Ordinal),
            placements.ToImmutableSortedDictionary(p => p.Placement.OrderId, p => p.Outcome.Result, StringComparer.Ordinal));

    private async Task<Input<T>> Fetch<T>(string name, Input<T> previous, Func<CancellationToken, Task<T>> fetch, TimeSpan timeout, List<string> errors, CancellationToken ct)
        where T : class
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var value = await fetch(cts.Token).WaitAsync(cts.Token);
            var at = _time.GetUtcNow();
            _dependencies.Succeeded(name, at);
            return Input<T>.Fresh(value, at);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = ex is OperationCanceledException or TimeoutException ? $"timed out after {timeout.TotalMilliseconds:0} ms" : ex.Message;
            lock (errors)
            {
                errors.Add($"{name}: {message}");
            }

            _dependencies.Failed(name, "fetch failed, keeping the previous value", message, _time.GetUtcNow());
            return previous.Failed(message);
        }
    }

    /// <summary>The order-entry endpoint as a dependency in the failure log (place and cancel).</summary>
    private const string OrderEntry = "order_entry";

    /// <summary>A failure of the exchange itself (no answer, 5xx), not a verdict on one order (4xx): logged as an outage.</summary>
    private static bool IsOutage(ActionOutcome outcome) => outcome.Status is null or >= 500;

    private void RaiseNonceFloor(long? highest)
    {
        var raised = NonceFloor.Apply(State.Persisted, highest);
        if (!ReferenceEquals(raised, State.Persisted))
        {
            _log.LogInformation("nonce floor from the exchange: highest used nonce {Highest}, next nonce base raised from {From} to {To}", highest, State.Persisted.NextNonceBase, raised.NextNonceBase);
            State = State with { Persisted = raised };
        }
    }

    /// <summary>One request with its own timeout; an exception or a timeout is a failed outcome with no definite answer.</summary>
    private static async Task<ActionOutcome> Guard(Func<CancellationToken, Task<ActionOutcome>> action, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            return await action(cts.Token).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ActionOutcome(false, $"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ActionOutcome(false, ex.Message);
        }
    }

    private void LogDecision(Decision d, string wake)
    {
        if (d.Reconciliation is { } r)
        {
            _log.LogInformation(
                "startup reconciliation result adopted_bid={AdoptedBid} adopted_ask={AdoptedAsk} canceled={Canceled} reasons={Reasons}",
                r.AdoptedBidOrderId ?? "", r.AdoptedAskOrderId ?? "", string.Join(",", r.CanceledOrderIds),
                string.Join(",", r.RejectedReasons.Select(kv => $"{kv.Key}={kv.Value}")));
        }

        if (d.Halt is { } halt && halt.Reason != LastHaltLogged)
        {
            _log.LogWarning("halted reason={Reason} detail={Detail} reference={Reference}", halt.Reason, halt.Detail, d.ReferencePrice);
        }

        LastHaltLogged = d.Halt?.Reason;
        if (d.ChangesAnything)
        {
            _log.LogInformation(
                "decision ref={Reference} source={Source} cancels={Cancels} placements={Placements} fills={Fills} halt={Halt} dry_run={DryRun} wake={Wake}",
                d.ReferencePrice, d.ReferenceSource.Wire(),
                string.Join(",", d.Cancels.Select(c => $"{c.OrderId}:{c.Reason}:{c.Category}")),
                string.Join(",", d.Placements.Select(p => $"{p.OrderId}:{p.Size}@{p.Price}")),
                string.Join(",", d.Fills.Select(f => $"{f.OrderId}:{f.Side.Wire()}:{f.Size}:{f.Source}")),
                d.Halt?.Reason ?? "", d.DryRun ? "true" : "false", wake);
        }
    }

    private string? LastHaltLogged { get; set; }

    private MarketMaker.Shell.Adapters.InstanceStatus? _instance;

    /// <summary>
    /// Logs role changes. A standby that becomes active starts over from the state file in the startup phase, so this
    /// cycle reconciles and adopts the quotes the previous active instance left resting.
    /// </summary>
    private void NoteInstance(MarketMaker.Shell.Adapters.InstanceStatus instance)
    {
        var previous = _instance;
        if (previous == instance)
        {
            return;
        }

        if (instance.IsActive && previous is not null)
        {
            State = BotState.Fresh(_ports.State.Load());
        }

        _instance = instance;
        if (instance.IsActive)
        {

            if (_ports.Instance is { } gate)
            {
                _log.LogInformation("instance lock acquired ({Lock}): active{Then}", gate.Describe, previous is null ? "" : "; reconciling the resting orders");
            }
        }
        else
        {
            _log.LogWarning("{Reason}: standing by, deciding in dry run and sending nothing", instance.Reason);
        }
    }
}
