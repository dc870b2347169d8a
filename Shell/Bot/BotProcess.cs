using MarketMaker.Core;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Markets;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Hosting;
using MarketMaker.Shell.Observability;
using MarketMaker.Shell.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Bot;

/// <summary>Live view of a running bot (tests, the paper command).</summary>
public sealed class BotHandle
{
    private readonly TaskCompletionSource<bool> _firstCycle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public required BotMetrics Metrics { get; init; }

    public required ReadinessHolder Readiness { get; init; }

    /// <summary>The /healthz, /readyz, /metrics address actually bound.</summary>
    public System.Net.IPEndPoint? HealthEndpoint { get; internal set; }

    public BotObserver? Observer { get; internal set; }

    public MarketInfo? Market { get; internal set; }

    /// <summary>The markets-service WebSocket feed (null when MM_WS_ENABLED=false or before the market is known).</summary>
    public Adapters.MarketsWebSocketFeed? WsFeed { get; internal set; }

    /// <summary>When the next cycle starts (poll interval or a WebSocket wake-up).</summary>
    public CycleWaker? Waker { get; internal set; }

    /// <summary>Completes after the first cycle ran.</summary>
    public Task FirstCycle => _firstCycle.Task;

    /// <summary>The most recent cycle outcomes, oldest first (at most <see cref="HistoryLimit"/>).</summary>
    public IReadOnlyList<CycleOutcome> History
    {
        get
        {
            lock (_history)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>How many outcomes <see cref="History"/> keeps: none by default (a running bot needs no history; tests ask for it).</summary>
    public int HistoryLimit { get; init; }

    private readonly Queue<CycleOutcome> _history = new();

    internal void CycleDone(CycleOutcome outcome)
    {
        if (HistoryLimit > 0)
        {
            lock (_history)
            {
                _history.Enqueue(outcome);
                while (_history.Count > HistoryLimit)
                {
                    _history.Dequeue();
                }
            }
        }

        _firstCycle.TrySetResult(true);
    }
}

/// <summary>
/// <c>mm-bot run</c>: the headless bot. Validates everything before touching the exchange, serves /healthz,
/// /readyz and /metrics, finds the market (retrying, not ready until it does), then runs the cycle every
/// MM_POLL_INTERVAL_MS under Microsoft.Extensions.Hosting. SIGTERM/SIGINT (or <c>ct</c>) finishes the cycle in
/// flight, writes the shutdown summary and leaves live quotes resting.
/// </summary>
public static class BotProcess
{
    public const int ExitOk = 0;
    public const int ExitRuntimeError = 1;
    public const int ExitConfigError = 2;

    /// <summary>Parses the environment and runs; every configuration problem is listed on stderr (exit 2).</summary>
    public static Task<int> RunFromEnvironmentAsync(IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct, WiringOverrides? overrides = null, BotHandle? handle = null)
    {
        var parsed = Settings.Load(env);
        return parsed.Match(
            Succ: s => RunAsync(s, env, stdout, stderr, ct, overrides, handle),
            Fail: errors =>
            {
                foreach (var e in errors)
                {
                    stderr.WriteLine(e.ToString());
                }

                stderr.Flush();
                return Task.FromResult(ExitConfigError);
            });
    }

    public static async Task<int> RunAsync(Settings s, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct, WiringOverrides? overrides = null, BotHandle? handle = null)
    {
        var time = TimeProvider.System;
        DeploymentAddresses addresses;
        try
        {
            addresses = BotWiring.ResolveAddresses(s, env);
        }
        catch (DeploymentException ex)
        {
            foreach (var e in ex.Errors)
            {
                await stderr.WriteLineAsync(e.ToString());
            }

            return ExitConfigError;
        }

        try
        {
            // A corrupt state file stops the bot here, before anything is sent: nonces are never silently reset.
            _ = StateFile.Load(s.StateFile);
        }
        catch (StateFileException ex)
        {
            await stderr.WriteLineAsync($"mm-bot: {ex.Message}");
            return ExitRuntimeError;
        }

        handle ??= new BotHandle { Metrics = new BotMetrics(), Readiness = new ReadinessHolder() };

        // One web application: /healthz, /readyz, /metrics on MM_METRICS_ADDR, the bot as its hosted service, the
        // lifetime owning SIGINT/SIGTERM, and the console logger with the line formatter.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        HealthEndpoints.Listen(builder, s.MetricsEndpoint);
        builder.Logging.AddLines(stdout, s.LogLevel, s.LogFormat, time);
        builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton<BotService>(sp => new BotService(s, env, addresses, time, sp.GetRequiredService<ILoggerFactory>().CreateLogger("mm-bot"), handle, overrides, sp.GetRequiredService<IHostApplicationLifetime>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BotService>());
        await using var app = builder.Build();
        HealthEndpoints.Map(app, handle.Metrics, handle.Readiness);
        var service = app.Services.GetRequiredService<BotService>();
        try
        {
            handle.HealthEndpoint = await HealthEndpoints.StartAsync(app, s.MetricsEndpoint, ct);
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"mm-bot: {ex.Message}");
            return ExitRuntimeError;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitOk;
        }

        service.Listening(handle.HealthEndpoint);
        await app.WaitForShutdownAsync(ct);
        return service.Failure is null ? ExitOk : ExitRuntimeError;
    }

    /// <summary>
    /// How long a stop may take: the cycle in flight gets <see cref="StopGrace"/> to finish, then it is abandoned;
    /// the host's own deadline for its services comes after it. The whole stop stays within 5 s.
    /// </summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2.5);

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(3.5);

    /// <summary>Finds the market, wires the adapters, then runs the <see cref="BotLoop"/> until the host stops.</summary>
    private sealed class BotService(Settings s, IReadOnlyDictionary<string, string> env, DeploymentAddresses addresses, TimeProvider time, ILogger log, BotHandle handle, WiringOverrides? overrides, IHostApplicationLifetime lifetime) : BackgroundService
    {
        private readonly TaskCompletionSource<System.Net.IPEndPoint> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

        public string? Failure { get; private set; }

        /// <summary>The web side is bound: the bot may start.</summary>
        public void Listening(System.Net.IPEndPoint endpoint) => listening.TrySetResult(endpoint);

        public override Task StartAsync(CancellationToken cancellationToken)
        {
            // The host's lifetime stops the application; the summary is the last line it writes.
            lifetime.ApplicationStopped.Register(() =>
            {
                var summary = handle.Observer?.Summary ?? StatusLines.Start(StartedAt, s.Bot.OperatorMode);
                log.LogInformation("shutdown summary {Summary}", StatusLines.Shutdown(summary, time.GetUtcNow()));
            });
            return base.StartAsync(cancellationToken);
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            // The first cycle's CPU-bound code compiled on the other core meanwhile (StartupWarmup; nothing is sent).
            _ = StartupWarmup.Start(s, addresses, log);
            System.Net.IPEndPoint bound;
            try
            {
                bound = await listening.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var warning in UnknownVariables.Warnings(env))
            {
                log.LogWarning("{Warning}", warning);
            }

            foreach (var line in s.Describe())
            {
                log.LogDebug("config {Line}", line);
            }

            log.LogInformation(
                "starting market={Market} owner={Owner} signer={Signer} subaccount={Subaccount} chain={Chain} matching={Matching} mode={Mode} dry_run={DryRun} metrics={Metrics}",
                s.Bot.MarketSymbol, s.OwnerAddress, s.SignerAddress, s.SubaccountId, s.ChainId, addresses.Matching, s.Bot.OperatorMode.Wire(), s.Bot.DryRun ? "true" : "false", bound);

            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var markets = new MarketsClient(http, new Uri(s.ApiBaseUrl.TrimEnd('/') + "/"), s.HttpTimeout);
            var interval = TimeSpan.FromMilliseconds(Math.Max(1, s.Bot.PollIntervalMs));

            // 1. The market's metadata; until it is known the bot is not ready and sends nothing.
            MarketInfo? market = null;
            string? lastError = null;
            while (market is null && !stoppingToken.IsCancellationRequested)
            {
                try
                {
                    market = MarketInfo.Find(await markets.GetMarketsAsync(stoppingToken), s.Bot.MarketSymbol);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    var reason = $"exchange market metadata unavailable: {ex.Message}";
                    handle.Readiness.Set(new Core.Readiness.NotReady(reason));
                    handle.Metrics.RecordError();
                    if (reason != lastError)
                    {
                        log.LogWarning("{Reason}; retrying every {Interval} ms", reason, interval.TotalMilliseconds);
                        lastError = reason;
                    }

                    try
                    {
                        await Task.Delay(interval, time, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }

            if (market is null)
            {
                return;
            }

            handle.Market = market;
            log.LogInformation("market {Market} kind={Kind} tick={Tick} asset={Asset} sub_id={SubId}", market.Spec.Symbol, market.Spec.Kind, market.Spec.TickSize, market.AssetAddress, market.SubId);

            // 2. The adapters and the cycle.
            BotWiring wiring;
            try
            {
                wiring = BotWiring.Build(s, market, addresses, markets, http, time, overrides);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Failure = ex.Message;
                handle.Readiness.Set(new Core.Readiness.NotReady("startup failed: " + ex.Message));
                log.LogError("cannot start: {Error}", ex.Message);
                return;
            }

            await using (wiring)
            {
                // Which protections are off, said once at start (docs/instances.md).
                var stale = s.Bot.StaleMarketDataTimeoutSeconds == 0 || s.Bot.StaleBalanceTimeoutSeconds == 0;
                log.Log(stale ? LogLevel.Warning : LogLevel.Information, "protections {Protections}", Protections.Line(s, wiring.Ports.Instance is not null));
                var observer = new BotObserver(handle.Metrics, handle.Readiness, s.Bot, log, s.SoakLogIntervalSeconds, StartedAt);
                handle.Observer = observer;
                var runner = new CycleRunner(s.Bot, market.Spec, wiring.Ports, wiring.Timeouts, time, log, new CallbackObserver(observer, handle));
                var waker = new CycleWaker(interval, s.Ws.MinInterval, s.Ws.Debounce, time);
                handle.Waker = waker;
                await using var feed = s.Ws.Enabled
                    ? new Adapters.MarketsWebSocketFeed(s.Ws, market.Spec.Symbol, s.OwnerKey, wiring.Own, waker.Wake, handle.Metrics.Ws, log, time)
                    : null;
                handle.WsFeed = feed;
                if (feed is null)
                {
                    log.LogInformation("websocket off ({Variable}=false): a cycle every {Interval} ms", Config.ShellVariables.WsEnabled, interval.TotalMilliseconds);
                }

                var loop = new BotLoop(runner, time, log, waker);
                feed?.Start();

                // A stop lets the cycle in flight finish; one that outlives the grace (a dependency hangs) is abandoned.
                using var abort = new CancellationTokenSource();
                using var grace = stoppingToken.Register(() => abort.CancelAfter(StopGrace));
                await loop.RunAsync(stoppingToken, abort.Token);
                log.LogInformation("stopped after {Cycles} cycles; live quotes left resting", observer.Cycles);
            }
        }
    }

    private sealed class CallbackObserver(BotObserver inner, BotHandle handle) : ICycleObserver
    {
        public void OnCycle(CycleOutcome outcome)
        {
            inner.OnCycle(outcome);
            handle.CycleDone(outcome);
        }
    }
}
