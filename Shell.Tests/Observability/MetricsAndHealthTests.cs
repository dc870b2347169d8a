using System.Globalization;
using System.Net;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Shell.Observability;

namespace MarketMaker.Shell.Tests.Observability;

public sealed class MetricsAndHealthTests : IAsyncLifetime
{
    // behaviour.md §13 and reference-bot.md §8, written out here independently of BotMetrics' own list.
    private static readonly string[] RequiredNames =
    [
        "mm_bot_halted", "mm_bot_halt_reason", "mm_bot_ready", "mm_bot_open_bid_present", "mm_bot_open_ask_present",
        "mm_bot_anchor_freshness_age_seconds", "mm_bot_exchange_market_data_freshness_age_seconds",
        "mm_bot_balance_freshness_age_seconds", "mm_bot_order_cancels_total", "mm_bot_order_cancels_total_by_category",
        "mm_bot_fills_total", "mm_bot_partial_fills_total", "mm_bot_quote_age_seconds", "mm_bot_exchange_quote_age_seconds",
        "mm_bot_net_inventory", "mm_bot_live_quoted_spread_bps", "mm_bot_external_anchor_present",
        "mm_bot_external_anchor_age_seconds", "mm_bot_external_anchor_price", "mm_bot_external_anchor_refresh_total",
        "mm_bot_external_anchor_refresh_failures_total", "mm_bot_reference_source",
        "mm_bot_last_reference_price", "mm_bot_anchor_price", "mm_bot_anchor_local_deviation_bps",
        "mm_bot_last_known_quote_age_seconds", "mm_bot_last_market_data_refresh_unix", "mm_bot_last_balance_refresh_unix",
        "mm_bot_last_anchor_refresh_unix", "mm_bot_cancels_per_minute", "mm_bot_cancel_replace_ratio",
        "mm_bot_quote_refresh_total", "mm_bot_order_placements_total", "mm_bot_errors_total",
        "mm_bot_suppressed_replaces_total", "mm_bot_dependency_stale", "mm_bot_operator_mode", "mm_bot_inventory",

        // issue 16: P&L and markouts (the alert rules and the dashboard use these names).
        "mm_bot_pnl_realized", "mm_bot_pnl_unrealized", "mm_bot_pnl_total", "mm_bot_drawdown",
        "mm_bot_fill_volume_total", "mm_bot_markout_bps_bucket", "mm_bot_markout_bps_sum", "mm_bot_markout_bps_count",
        "mm_bot_spread_capture_bps",
    ];

    private readonly BotMetrics metrics = new();
    private readonly ReadinessHolder readiness = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private HealthServer server = null!;

    public async Task InitializeAsync() =>
        server = await HealthServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), metrics, readiness);

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private Uri Url(string path) => new($"http://127.0.0.1:{server.BoundEndpoint.Port}{path}");

    private async Task<string> MetricsText()
    {
        using var response = await http.GetAsync(Url("/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Value of one series ("name" or "name{label=\"v\"}") in the exposition text.</summary>
    private static double? Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [Fact]
    public async Task Every_metric_name_is_served_over_http_after_a_decision()
    {
        var config = new BotConfig { OperatorMode = OperatorMode.BidOnly };
        metrics.Update(Samples.Snapshot(), Samples.Decision(halt: new Halt.BalancesStale("age 40s")), config);
        var text = await MetricsText();
        var names = text.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', '{')[0])
            .ToHashSet(StringComparer.Ordinal);
        foreach (var name in RequiredNames)
        {
            Assert.Contains(name, names);
        }

        Assert.Subset(names, BotMetrics.AllNames.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Process_and_runtime_metrics_are_served_with_live_values()
    {
        var text = await MetricsText();
        foreach (var name in RuntimeMetrics.Names)
        {
            Assert.Contains("\n" + name, "\n" + text, StringComparison.Ordinal);
        }

        var rss = Value(text, "process_resident_memory_bytes") ?? 0;
        Assert.True(rss > 10_000_000 && Math.Abs(rss - Environment.WorkingSet) < 200_000_000, $"resident {rss}");
        Assert.True(Value(text, "dotnet_gc_heap_size_bytes") > 0);
        Assert.True(Value(text, "dotnet_collection_count_total{generation=\"0\"}") >= 0);
    }

    [Fact]
    public async Task Refresh_times_are_the_decisions_and_never_fetched_shows_zero()
    {
        // The core judges every dependency (Core/Dependencies.cs; a book without an order list is never fetched):
        // the metrics copy its times and never look at the snapshot's.
        var snapshot = Samples.Snapshot();
        metrics.Update(snapshot, Samples.Decision(dependencies: Samples.Dependencies() with { MarketDataFetchedAt = null, AnchorFetchedAt = Samples.Now.AddSeconds(-40) }), new BotConfig());
        var text = await MetricsText();

        Assert.Equal(0, Value(text, "mm_bot_last_market_data_refresh_unix"));
        Assert.Equal(Samples.Now.AddSeconds(-3).ToUnixTimeSeconds(), Value(text, "mm_bot_last_balance_refresh_unix"));
        Assert.Equal(Samples.Now.AddSeconds(-40).ToUnixTimeSeconds(), Value(text, "mm_bot_last_anchor_refresh_unix"));
    }

    [Fact]
    public async Task Metric_values_follow_the_decision()
    {
        var snapshot = Samples.Snapshot();
        var halt = new Halt.BalancesStale("age 40s");
        metrics.Update(snapshot, Samples.Decision(halt: halt, source: ReferenceSource.External, dependencies: Samples.Dependencies() with { BalancesStale = true }), new BotConfig { OperatorMode = OperatorMode.BidOnly });
        var text = await MetricsText();

        Assert.Equal(1, Value(text, "mm_bot_halted"));
        Assert.Equal(1, Value(text, "mm_bot_halt_reason{reason=\"balances stale\"}"));
        Assert.Equal(0, Value(text, "mm_bot_ready"));
        Assert.Equal(1, Value(text, "mm_bot_open_bid_present"));
        Assert.Equal(0, Value(text, "mm_bot_open_ask_present"));
        Assert.Equal(1500, Value(text, "mm_bot_last_reference_price"));
        Assert.Equal(1501, Value(text, "mm_bot_external_anchor_price"));
        Assert.Equal(1, Value(text, "mm_bot_external_anchor_present"));
        Assert.Equal(20, Value(text, "mm_bot_external_anchor_age_seconds"));
        Assert.Equal(12, Value(text, "mm_bot_quote_age_seconds"));
        Assert.Equal(12, Value(text, "mm_bot_last_known_quote_age_seconds"));
        Assert.Equal(14, Value(text, "mm_bot_exchange_quote_age_seconds"));
        Assert.Equal(2, Value(text, "mm_bot_exchange_market_data_freshness_age_seconds"));
        Assert.Equal(3, Value(text, "mm_bot_balance_freshness_age_seconds"));
        Assert.Equal(5, Value(text, "mm_bot_anchor_freshness_age_seconds"));
        Assert.Equal(Samples.Now.AddSeconds(-2).ToUnixTimeSeconds(), Value(text, "mm_bot_last_market_data_refresh_unix"));
        Assert.Equal(Samples.Now.AddSeconds(-3).ToUnixTimeSeconds(), Value(text, "mm_bot_last_balance_refresh_unix"));
        Assert.Equal(Samples.Now.AddSeconds(-5).ToUnixTimeSeconds(), Value(text, "mm_bot_last_anchor_refresh_unix"));
        Assert.Equal(250.5, Value(text, "mm_bot_net_inventory"));
        Assert.Equal(250.5, Value(text, "mm_bot_inventory{asset=\"USDC\"}"));
        Assert.Equal(400000, Value(text, "mm_bot_inventory{asset=\"cNGN\"}"));
        Assert.Equal(50, Value(text, "mm_bot_live_quoted_spread_bps"));
        Assert.Equal(3.25, Value(text, "mm_bot_anchor_local_deviation_bps"));
        Assert.Equal(4, Value(text, "mm_bot_cancels_per_minute"));
        Assert.Equal(0.5, Value(text, "mm_bot_cancel_replace_ratio"));
        Assert.Equal(1, Value(text, "mm_bot_operator_mode{mode=\"bid-only\"}"));
        Assert.Equal(0, Value(text, "mm_bot_operator_mode{mode=\"normal\"}"));
        foreach (var source in new[] { "book", "trade", "anchor", "none" })
        {
            Assert.Equal(0, Value(text, $"mm_bot_reference_source{{source=\"{source}\"}}"));
        }

        Assert.Equal(1, Value(text, "mm_bot_reference_source{source=\"external\"}"));
        Assert.Equal(1, Value(text, "mm_bot_dependency_stale{dependency=\"balances\"}"));
        Assert.Equal(0, Value(text, "mm_bot_dependency_stale{dependency=\"exchange_market_data\"}"));
        Assert.Equal(0, Value(text, "mm_bot_dependency_stale{dependency=\"anchor_data\"}"));
    }

    [Fact]
    public async Task Pnl_metrics_follow_the_decision_and_markouts_fill_the_histogram_by_horizon()
    {
        var markouts = System.Collections.Immutable.ImmutableArray.Create(
            new Markout("mm:USDCcNGN-SPOT:buy:10", Side.Buy, 0, 24.5m, 5m),
            new Markout("mm:USDCcNGN-SPOT:buy:9", Side.Buy, 1, 3m, 5m),
            new Markout("mm:USDCcNGN-SPOT:sell:8", Side.Sell, 10, -30m, 100m),
            new Markout("mm:USDCcNGN-SPOT:sell:7", Side.Sell, 60, 200m, 100m));
        metrics.Update(Samples.Snapshot(), Samples.Decision(markouts: markouts), new BotConfig());
        var text = await MetricsText();

        Assert.Equal(12.5, Value(text, "mm_bot_pnl_realized"));
        Assert.Equal(950, Value(text, "mm_bot_pnl_unrealized"));
        Assert.Equal(962.5, Value(text, "mm_bot_pnl_total"));
        Assert.Equal(37.5, Value(text, "mm_bot_drawdown"));
        Assert.Equal(24.5, Value(text, "mm_bot_spread_capture_bps"));

        // The sample's fills: buy 5, sell 100 (base units).
        Assert.Equal(5, Value(text, "mm_bot_fill_volume_total{side=\"buy\"}"));
        Assert.Equal(100, Value(text, "mm_bot_fill_volume_total{side=\"sell\"}"));

        // Horizon 0 (spread capture) is not a markout; 3 bps lands in le=5, -30 in le=-25, 200 only in +Inf.
        Assert.Equal(1, Value(text, "mm_bot_markout_bps_count{horizon=\"1s\"}"));
        Assert.Equal(0, Value(text, "mm_bot_markout_bps_bucket{horizon=\"1s\",le=\"2\"}"));
        Assert.Equal(1, Value(text, "mm_bot_markout_bps_bucket{horizon=\"1s\",le=\"5\"}"));
        Assert.Equal(0, Value(text, "mm_bot_markout_bps_bucket{horizon=\"10s\",le=\"-50\"}"));
        Assert.Equal(1, Value(text, "mm_bot_markout_bps_bucket{horizon=\"10s\",le=\"-25\"}"));
        Assert.Equal(-30, Value(text, "mm_bot_markout_bps_sum{horizon=\"10s\"}"));
        Assert.Equal(0, Value(text, "mm_bot_markout_bps_bucket{horizon=\"60s\",le=\"100\"}"));
        Assert.Equal(1, Value(text, "mm_bot_markout_bps_bucket{horizon=\"60s\",le=\"+Inf\"}"));
    }

    [Fact]
    public async Task Counters_move_by_each_decisions_increments()
    {
        var snapshot = Samples.Snapshot();
        var config = new BotConfig();
        metrics.Update(snapshot, Samples.Decision(metrics: Samples.Metrics(placements: 2, replaceCancels: 1, riskCancels: 0)), config);
        metrics.Update(snapshot, Samples.Decision(metrics: Samples.Metrics(placements: 1, replaceCancels: 0, riskCancels: 3)), config);
        metrics.RecordError();
        metrics.RecordExternalAnchorFetchFailure();
        var text = await MetricsText();

        Assert.Equal(3, Value(text, "mm_bot_order_placements_total"));
        Assert.Equal(4, Value(text, "mm_bot_order_cancels_total"));
        Assert.Equal(1, Value(text, "mm_bot_order_cancels_total_by_category{category=\"replace_driven\"}"));
        Assert.Equal(3, Value(text, "mm_bot_order_cancels_total_by_category{category=\"risk_triggered\"}"));
        Assert.Equal(0, Value(text, "mm_bot_order_cancels_total_by_category{category=\"kill_switch\"}"));
        Assert.Equal(2, Value(text, "mm_bot_fills_total{side=\"buy\"}"));
        Assert.Equal(2, Value(text, "mm_bot_fills_total{side=\"sell\"}"));
        Assert.Equal(2, Value(text, "mm_bot_partial_fills_total"));
        Assert.Equal(2, Value(text, "mm_bot_quote_refresh_total"));
        Assert.Equal(2, Value(text, "mm_bot_suppressed_replaces_total"));
        Assert.Equal(2, Value(text, "mm_bot_external_anchor_refresh_total"));
        Assert.Equal(5, Value(text, "mm_bot_external_anchor_refresh_failures_total"));
        Assert.Equal(1, Value(text, "mm_bot_errors_total"));
        Assert.Equal(1.0 / 3.0, Value(text, "mm_bot_cancel_replace_ratio")!.Value, 9);
    }

    [Fact]
    public async Task The_halt_reason_series_is_one_for_the_current_halt_only()
    {
        var snapshot = Samples.Snapshot();
        var config = new BotConfig();
        metrics.Update(snapshot, Samples.Decision(halt: new Halt.KillSwitchActive("")), config);
        metrics.Update(snapshot, Samples.Decision(halt: new Halt.QuoteAgeExceeded("")), config);
        var text = await MetricsText();
        Assert.Equal(0, Value(text, "mm_bot_halt_reason{reason=\"kill switch active\"}"));
        Assert.Equal(1, Value(text, "mm_bot_halt_reason{reason=\"quote age exceeded\"}"));

        metrics.Update(snapshot, Samples.Decision(metrics: Samples.Metrics(quoteAge: null)), config);
        text = await MetricsText();
        Assert.All(HaltReasons.All, r => Assert.Equal(0, Value(text, $"mm_bot_halt_reason{{reason=\"{r}\"}}")));
        Assert.Equal(0, Value(text, "mm_bot_halted"));
        Assert.Equal(1, Value(text, "mm_bot_ready"));
        Assert.Equal(0, Value(text, "mm_bot_quote_age_seconds"));
        Assert.Equal(12, Value(text, "mm_bot_last_known_quote_age_seconds"));
    }

    [Fact]
    public async Task Dependency_staleness_is_copied_from_the_decision()
    {
        // Whatever the snapshot and config say: staleness is the core's judgement (DependencyHealthTests prove it).
        var snapshot = Samples.Snapshot("USDCcNGN-APR30-2026") with { Balances = Input<Balances>.Missing };
        var config = new BotConfig { MarketSymbol = "USDCcNGN-APR30-2026", AnchorSourceType = AnchorSourceType.Fixed, StaleMarketDataTimeoutSeconds = 1 };
        metrics.Update(snapshot, Samples.Decision(dependencies: Samples.Dependencies() with { MarketDataStale = true, AnchorDataStale = true }), config);
        var text = await MetricsText();
        Assert.Equal(1, Value(text, "mm_bot_dependency_stale{dependency=\"exchange_market_data\"}"));
        Assert.Equal(0, Value(text, "mm_bot_dependency_stale{dependency=\"balances\"}"));
        Assert.Equal(1, Value(text, "mm_bot_dependency_stale{dependency=\"anchor_data\"}"));

        metrics.Update(snapshot, Samples.Decision(dependencies: Samples.Dependencies() with { BalancesStale = true }), config);
        text = await MetricsText();
        Assert.Equal(0, Value(text, "mm_bot_dependency_stale{dependency=\"exchange_market_data\"}"));
        Assert.Equal(1, Value(text, "mm_bot_dependency_stale{dependency=\"balances\"}"));
        Assert.Equal(0, Value(text, "mm_bot_dependency_stale{dependency=\"anchor_data\"}"));
    }

    [Fact]
    public async Task Healthz_is_always_ok()
    {
        using var response = await http.GetAsync(Url("/healthz"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_is_503_with_the_reason_until_ready()
    {
        using (var starting = await http.GetAsync(Url("/readyz")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, starting.StatusCode);
            Assert.Equal("starting", JsonDocument.Parse(await starting.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString());
        }

        readiness.Set(new Readiness.AnchorStale());
        using (var notReady = await http.GetAsync(Url("/readyz")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Equal("""{"status":"not_ready","reason":"anchor data stale"}""", await notReady.Content.ReadAsStringAsync());
        }

        readiness.Set(Readiness.Ok);
        using var ready = await http.GetAsync(Url("/readyz"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("""{"status":"ready"}""", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_paths_are_404_and_the_server_listens_on_loopback_only()
    {
        using var response = await http.GetAsync(Url("/nope"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(IPAddress.Loopback, server.BoundEndpoint.Address);
        Assert.NotEqual(0, server.BoundEndpoint.Port);
    }

    [Fact]
    public async Task A_port_already_in_use_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<IOException>(() =>
            HealthServer.StartAsync(new IPEndPoint(IPAddress.Loopback, server.BoundEndpoint.Port), new BotMetrics(), new ReadinessHolder()));
        Assert.Contains("MM_METRICS_ADDR", error.Message, StringComparison.Ordinal);
    }
}
