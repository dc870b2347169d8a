using System.Collections.Immutable;
using MarketMaker.Core;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Observability;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// After every cycle: metrics, readiness for /readyz, the running summary, and the soak status line every
/// MM_SOAK_LOG_INTERVAL_SECONDS.
/// </summary>
public sealed class BotObserver : ICycleObserver, IDecisionFailureObserver
{
    private readonly BotMetrics _metrics;
    private readonly ReadinessHolder _readiness;
    private readonly BotConfig _config;
    private readonly ILogger _log;
    private readonly TimeSpan _soakInterval;
    private readonly Lock _gate = new();
    private DateTimeOffset? _lastSoak;
    private RunSummary _summary;
    private readonly InputAnomalyLog _anomalies = new();

    public BotObserver(BotMetrics metrics, ReadinessHolder readiness, BotConfig config, ILogger log, int soakIntervalSeconds, DateTimeOffset startedAt)
    {
        _metrics = metrics;
        _readiness = readiness;
        _config = config;
        _log = log;
        _soakInterval = TimeSpan.FromSeconds(soakIntervalSeconds);
        _summary = StatusLines.Start(startedAt, config.OperatorMode);
    }

    /// <summary>The summary so far (the shutdown line is made from it).</summary>
    public RunSummary Summary
    {
        get
        {
            lock (_gate)
            {
                return _summary;
            }
        }
    }

    /// <summary>Cycles observed.</summary>
    public long Cycles { get; private set; }

    public void OnDecisionFailed(Snapshot snapshot, string error)
    {
        _metrics.RecordDecisionFailure();
        _metrics.RecordError();
        _readiness.Set(new Readiness.NotReady(DecisionFailed.Reason));
    }

    public void OnCycle(CycleOutcome outcome)
    {
        // A standby's dry-run actions were never sent: they are not counted as placements, cancels or fills.
        var counted = outcome.Standby
            ? outcome.Decision with
            {
                Cancels = [],
                Placements = [],
                Fills = [],
                Metrics = outcome.Decision.Metrics with { Placements = 0, CancelsByCategory = ImmutableSortedDictionary<string, int>.Empty, QuoteRefresh = false, SuppressedReplaces = 0 },
            }
            : outcome.Decision;

        // Readiness (a dependency that did not answer this cycle included) is the decision's: copied, never recomputed.
        var decision = counted;
        var readiness = decision.Readiness;
        _metrics.Update(outcome.Snapshot, decision, _config);
        _metrics.SetStandby(outcome.Standby);
        _metrics.Ws.Wakeup(outcome.Wake);
        var errors = outcome.SourceErrors.Length
            + outcome.Cancels.Count(c => !c.Outcome.Ok)
            + outcome.Placements.Count(p => !p.Outcome.Ok)
            + (outcome.PersistError is null ? 0 : 1);
        for (var i = 0; i < errors; i++)
        {
            _metrics.RecordError();
        }

        for (var i = 0; i < outcome.ExternalAnchorFetchFailures; i++)
        {
            _metrics.RecordExternalAnchorFetchFailure();
        }

        _readiness.Set(readiness);
        foreach (var anomaly in _anomalies.FirstSeen(outcome.Decision.InputAnomalies))
        {
            _metrics.RecordInputAnomaly(anomaly.Kind);
            _log.LogWarning("input anomaly kind={Kind} subject={Subject} detail={Detail}", anomaly.Kind, anomaly.Subject, anomaly.Detail);
        }

        string? soak = null;
        lock (_gate)
        {
            _summary = StatusLines.Accumulate(_summary, outcome.Snapshot, decision, _config.OperatorMode);
            Cycles++;
            var now = outcome.Decision.Now;
            if (_soakInterval > TimeSpan.Zero && (_lastSoak is null || now - _lastSoak >= _soakInterval))
            {
                _lastSoak = now;
                soak = StatusLines.Soak(_summary);
            }
        }

        if (soak is not null)
        {
            _log.LogInformation("soak status {Status}", soak);
        }
    }
}
