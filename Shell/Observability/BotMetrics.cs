using System.Collections.Immutable;
using MarketMaker.Core;
using Prometheus;

namespace MarketMaker.Shell.Observability;

/// <summary>
/// The bot's Prometheus metrics (reference-bot.md §8, behaviour.md §13) in a registry of its own. The cycle runner
/// calls <see cref="Update"/> with each decision; counters move by the decision's increments. Thread-safe.
/// </summary>
public sealed class BotMetrics
{
    public static readonly ImmutableArray<string> Dependencies = ["exchange_market_data", "balances", "anchor_data"];
    public static readonly ImmutableArray<string> ReferenceSources = ["book", "trade", "anchor", "external", "held", "none"];
    public static readonly ImmutableArray<OperatorMode> Modes =
        [OperatorMode.Normal, OperatorMode.BidOnly, OperatorMode.AskOnly, OperatorMode.Pause, OperatorMode.DryRunHealth];

    private readonly object gate = new();
    private readonly Dictionary<string, Gauge> gauges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> counters = new(StringComparer.Ordinal);
    private readonly Gauge haltReason;
    private readonly Gauge dependencyStale;
    private readonly Gauge operatorMode;
    private readonly Gauge referenceSource;
    private readonly Gauge inventory;
    private readonly Counter fills;
    private readonly Counter cancelsByCategory;
    private readonly LimitMetrics limits;
    private readonly Counter inputAnomalies;
    private readonly PnlMetrics pnl;
    private string? currentHaltReason;
    private long replaceDrivenCancels;
    private long placements;

    public BotMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        foreach (var (name, help) in GaugeNames)
        {
            gauges[name] = factory.CreateGauge(name, help);
        }

        foreach (var (name, help) in CounterNames)
        {
            counters[name] = factory.CreateCounter(name, help);
        }

        haltReason = factory.CreateGauge("mm_bot_halt_reason", "1 for the halt in force, by reason", ["reason"]);
        dependencyStale = factory.CreateGauge("mm_bot_dependency_stale", "1 when the dependency's data is stale", ["dependency"]);
        operatorMode = factory.CreateGauge("mm_bot_operator_mode", "1 for the operator mode in force", ["mode"]);
        referenceSource = factory.CreateGauge("mm_bot_reference_source", "1 for the source of the reference price", ["source"]);
        inventory = factory.CreateGauge("mm_bot_inventory", "balance total by asset", ["asset"]);
        fills = factory.CreateCounter("mm_bot_fills_total", "fills observed, by side", ["side"]);
        cancelsByCategory = factory.CreateCounter("mm_bot_order_cancels_total_by_category", "cancels, by category", ["category"]);
        limits = new LimitMetrics(factory);
        inputAnomalies = factory.CreateCounter("mm_bot_input_anomalies_total", "implausible inputs refused, each counted once, by kind (docs/hostile-input.md)", ["kind"]);
        foreach (var kind in InputAnomalyKinds.All)
        {
            inputAnomalies.WithLabels(kind);
        }
        pnl = new PnlMetrics(factory);
        RuntimeMetrics.Register(Registry);

        foreach (var dependency in Dependencies)
        {
            dependencyStale.WithLabels(dependency).Set(0);
        }

        // Every halt reason is published (0), so the series exists before the first halt.
        foreach (var reason in HaltReasons.All)
        {
            haltReason.WithLabels(reason).Set(0);
        }

        foreach (var mode in Modes)
        {
            operatorMode.WithLabels(mode.Wire()).Set(0);
        }

        foreach (var source in ReferenceSources)
        {
            referenceSource.WithLabels(source).Set(0);
        }

        Ws = new WsMetrics(Registry);
        fills.WithLabels("buy");
        fills.WithLabels("sell");
        foreach (var category in CancelCategory.All)
        {
            cancelsByCategory.WithLabels(category);
        }
    }

    public CollectorRegistry Registry { get; }

    /// <summary>The WebSocket feed's and the wake-ups' metrics (same registry).</summary>
    public WsMetrics Ws { get; }

    public static readonly ImmutableArray<(string Name, string Help)> GaugeNames =
    [
        ("mm_bot_open_bid_present", "1 when a bid rests or is targeted"),
        ("mm_bot_open_ask_present", "1 when an ask rests or is targeted"),
        ("mm_bot_net_inventory", "base inventory"),
        ("mm_bot_last_reference_price", "reference price of the last decision, 0 when none"),
        ("mm_bot_halted", "1 while halted"),
        ("mm_bot_anchor_price", "anchor price, 0 when none"),
        ("mm_bot_external_anchor_present", "1 when an accepted external anchor price exists"),
        ("mm_bot_external_anchor_age_seconds", "age of the accepted external anchor"),
        ("mm_bot_external_anchor_price", "accepted external anchor price, 0 when none"),
        ("mm_bot_anchor_local_deviation_bps", "deviation of the local reference from the anchor in bps"),
        ("mm_bot_quote_age_seconds", "seconds since the quotes last changed, 0 when none rest"),
        ("mm_bot_last_known_quote_age_seconds", "last known quote age"),
        ("mm_bot_exchange_quote_age_seconds", "age of the oldest live quote from created_at, 0 when unavailable"),
        ("mm_bot_last_market_data_refresh_unix", "unix time of the last successful market data fetch"),
        ("mm_bot_last_balance_refresh_unix", "unix time of the last successful balance fetch"),
        ("mm_bot_last_anchor_refresh_unix", "unix time of the last successful anchor fetch"),
        ("mm_bot_exchange_market_data_freshness_age_seconds", "age of the market data (book, trades, live orders)"),
        ("mm_bot_balance_freshness_age_seconds", "age of the balances"),
        ("mm_bot_anchor_freshness_age_seconds", "age of the anchor"),
        ("mm_bot_cancels_per_minute", "replace-driven cancels in the sliding minute"),
        ("mm_bot_cancel_replace_ratio", "replace-driven cancels per placement since start"),
        ("mm_bot_live_quoted_spread_bps", "(ask - bid) / reference of the targets in bps, 0 when one side is missing"),
        ("mm_bot_ready", "1 when ready"),
        ("mm_bot_standby", "1 while another instance holds the instance lock (or it was lost): this one sends nothing"),
    ];

    public static readonly ImmutableArray<(string Name, string Help)> CounterNames =
    [
        ("mm_bot_quote_refresh_total", "order syncs run"),
        ("mm_bot_order_placements_total", "orders placed"),
        ("mm_bot_order_cancels_total", "orders canceled"),
        ("mm_bot_errors_total", "cycle errors"),
        ("mm_bot_partial_fills_total", "partial fills observed"),
        ("mm_bot_suppressed_replaces_total", "replaces suppressed by a churn guard"),
        ("mm_bot_external_anchor_refresh_total", "external anchor readings accepted"),
        ("mm_bot_external_anchor_refresh_failures_total", "external anchor fetches failed or readings rejected"),
        ("mm_bot_decision_failures_total", "cycles whose decision threw and were treated as a halt (docs/hostile-input.md)"),
    ];

    /// <summary>Every metric name this registry exposes.</summary>
    public static ImmutableArray<string> AllNames { get; } =
    [
        .. GaugeNames.Select(g => g.Name),
        .. CounterNames.Select(c => c.Name),
        "mm_bot_halt_reason", "mm_bot_dependency_stale", "mm_bot_operator_mode", "mm_bot_reference_source",
        "mm_bot_inventory", "mm_bot_fills_total", "mm_bot_order_cancels_total_by_category", "mm_bot_input_anomalies_total",
        .. WsMetrics.Names,
        .. PnlMetrics.Names,
        LimitMetrics.QuotePriceName, LimitMetrics.RiskLimitName, LimitMetrics.TargetInventoryName,
    ];

    /// <summary>Sets every metric from one decision and the snapshot it was made from.</summary>
    public void Update(Snapshot snapshot, Decision decision, BotConfig config)
    {
        var m = decision.Metrics;
        lock (gate)
        {
            Set("mm_bot_open_bid_present", m.OpenBidPresent);
            Set("mm_bot_open_ask_present", m.OpenAskPresent);
            Set("mm_bot_net_inventory", m.NetInventory);
            Set("mm_bot_last_reference_price", decision.ReferencePrice ?? 0m);
            Set("mm_bot_halted", decision.Halt is not null);
            Set("mm_bot_anchor_price", decision.AnchorPrice ?? 0m);
            Set("mm_bot_external_anchor_present", decision.ExternalAnchorPrice is > 0m);
            Set("mm_bot_external_anchor_age_seconds", m.ExternalAnchorAgeSeconds ?? 0m);
            Set("mm_bot_external_anchor_price", decision.ExternalAnchorPrice ?? 0m);
            Set("mm_bot_anchor_local_deviation_bps", m.AnchorDeviationBps ?? 0m);
            Set("mm_bot_quote_age_seconds", m.QuoteAgeSeconds ?? 0m);
            if (m.QuoteAgeSeconds is { } quoteAge)
            {
                Set("mm_bot_last_known_quote_age_seconds", quoteAge);
            }

            Set("mm_bot_exchange_quote_age_seconds", m.ExchangeQuoteAgeSeconds);
            var dependencies = decision.Dependencies;
            Set("mm_bot_last_market_data_refresh_unix", Unix(dependencies.MarketDataFetchedAt));
            Set("mm_bot_last_balance_refresh_unix", Unix(dependencies.BalancesFetchedAt));
            Set("mm_bot_last_anchor_refresh_unix", Unix(dependencies.AnchorFetchedAt));
            Set("mm_bot_exchange_market_data_freshness_age_seconds", m.MarketDataAgeSeconds ?? 0m);
            Set("mm_bot_balance_freshness_age_seconds", m.BalanceAgeSeconds ?? 0m);
            Set("mm_bot_anchor_freshness_age_seconds", m.AnchorAgeSeconds ?? 0m);
            Set("mm_bot_cancels_per_minute", m.CancelsInWindow);
            Set("mm_bot_live_quoted_spread_bps", m.LiveQuotedSpreadBps);
            Set("mm_bot_ready", decision.Readiness.Ready);
            limits.Update(decision, config);

            // Counters: this decision's increments.
            if (m.QuoteRefresh)
            {
                counters["mm_bot_quote_refresh_total"].Inc();
            }

            counters["mm_bot_order_placements_total"].Inc(m.Placements);
            placements += m.Placements;
            foreach (var (category, count) in m.CancelsByCategory)
            {
                if (count <= 0)
                {
                    continue;
                }

                counters["mm_bot_order_cancels_total"].Inc(count);
                cancelsByCategory.WithLabels(category).Inc(count);
                if (category == CancelCategory.ReplaceDriven)
                {
                    replaceDrivenCancels += count;
                }
            }

            Set("mm_bot_cancel_replace_ratio", placements == 0 ? 0m : (decimal)replaceDrivenCancels / placements);
            counters["mm_bot_suppressed_replaces_total"].Inc(m.SuppressedReplaces);
            counters["mm_bot_external_anchor_refresh_total"].Inc(m.ExternalAnchorAccepted);
            counters["mm_bot_external_anchor_refresh_failures_total"].Inc(m.ExternalAnchorRejected);
            foreach (var fill in decision.Fills)
            {
                fills.WithLabels(fill.Side.Wire()).Inc();
                if (fill.Partial)
                {
                    counters["mm_bot_partial_fills_total"].Inc();
                }
            }

            pnl.Update(decision);

            // Labelled series.
            var reason = decision.Halt?.Reason;
            if (currentHaltReason is not null && currentHaltReason != reason)
            {
                haltReason.WithLabels(currentHaltReason).Set(0);
            }

            if (!string.IsNullOrEmpty(reason))
            {
                haltReason.WithLabels(reason).Set(1);
            }

            currentHaltReason = string.IsNullOrEmpty(reason) ? null : reason;

            foreach (var mode in Modes)
            {
                operatorMode.WithLabels(mode.Wire()).Set(mode == config.OperatorMode ? 1 : 0);
            }

            var source = decision.ReferenceSource.Wire();
            foreach (var s in ReferenceSources)
            {
                referenceSource.WithLabels(s).Set(s == source ? 1 : 0);
            }

            var stale = new Dictionary<string, bool>(StringComparer.Ordinal)
            {
                ["exchange_market_data"] = dependencies.MarketDataStale,
                ["balances"] = dependencies.BalancesStale,
                ["anchor_data"] = dependencies.AnchorDataStale,
            };
            foreach (var (dependency, isStale) in stale)
            {
                dependencyStale.WithLabels(dependency).Set(isStale ? 1 : 0);
            }

            if (snapshot.Balances.Value is { } balances)
            {
                inventory.WithLabels(snapshot.Market.BaseAsset).Set((double)balances.BaseTotal);
                inventory.WithLabels(snapshot.Market.QuoteAsset).Set((double)balances.QuoteTotal);
            }
        }
    }

    /// <summary>Whether this instance is a standby (docs/instances.md).</summary>
    public void SetStandby(bool standby) => Set("mm_bot_standby", standby);

    /// <summary>An implausible input seen for the first time.</summary>
    public void RecordInputAnomaly(string kind) => inputAnomalies.WithLabels(kind).Inc();

    /// <summary>A decision that threw (the cycle was a halt); readiness says <c>decision failed</c>.</summary>
    public void RecordDecisionFailure()
    {
        lock (gate)
        {
            counters["mm_bot_decision_failures_total"].Inc();
            Set("mm_bot_ready", false);
            Set("mm_bot_halted", true);
        }
    }

    /// <summary>A cycle error (a failed fetch, a failed send, an exception the runner caught).</summary>
    public void RecordError() => counters["mm_bot_errors_total"].Inc();

    /// <summary>
    /// An external anchor fetch that failed before reaching the core (HTTP or RPC error, malformed answer).
    /// Readings the core judged are counted by <see cref="Update"/> (accepted / rejected).
    /// </summary>
    public void RecordExternalAnchorFetchFailure() => counters["mm_bot_external_anchor_refresh_failures_total"].Inc();

    /// <summary>The Prometheus text exposition of the registry.</summary>
    public async Task WriteTextAsync(Stream stream, CancellationToken cancellationToken = default) =>
        await Registry.CollectAndExportAsTextAsync(stream, cancellationToken).ConfigureAwait(false);

    public async Task<string> ExportTextAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await WriteTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static decimal Unix(DateTimeOffset? at) => at is { } t ? t.ToUnixTimeMilliseconds() / 1000m : 0m;

    private void Set(string name, decimal value) => gauges[name].Set((double)value);

    private void Set(string name, bool value) => gauges[name].Set(value ? 1 : 0);
}
