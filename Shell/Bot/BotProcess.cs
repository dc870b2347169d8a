using MarketMaker.Core;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Markets;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Observability;
using MarketMaker.Shell.State;
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

        using var logs = new LineLoggerProvider(stdout, s.LogLevel, s.LogFormat, time);
        using var loggerFactory = LoggerFactory.Create(b => b.ClearProviders().SetMinimumLevel(s.LogLevel).AddProvider(logs));
        var log = loggerFactory.CreateLogger("mm-bot");
        foreach (var warning in UnknownVariables.Warnings(env))
        {
            log.LogWarning("{Warning}", warning);
        }

        handle ??= new BotHandle { Metrics = new BotMetrics(), Readiness = new ReadinessHolder() };
        HealthServer health;
        try
        {
            health = await HealthServer.StartAsync(s.MetricsEndpoint, handle.Metrics, handle.Readiness, ct);
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"mm-bot: {ex.Message}");
            return ExitRuntimeError;
        }

        await using (health)
        {
            handle.HealthEndpoint = health.BoundEndpoint;
            foreach (var line in s.Describe())
            {
                log.LogDebug("config {Line}", line);
            }

            log.LogInformation(
                "starting market={Market} owner={Owner} signer={Signer} subaccount={Subaccount} chain={Chain} matching={Matching} mode={Mode} dry_run={DryRun} metrics={Metrics}",
                s.Bot.MarketSymbol, s.OwnerAddress, s.SignerAddress, s.SubaccountId, s.ChainId, addresses.Matching, s.Bot.OperatorMode.Wire(), s.Bot.DryRun ? "true" : "false", health.BoundEndpoint);

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
            var service = new BotService(s, addresses, time, log, handle, overrides);
            builder.Services.AddSingleton<IHostedService>(service);
            using var host = builder.Build();
            try
            {
                await host.RunAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }

            var summary = handle.Observer?.Summary ?? StatusLines.Start(service.StartedAt, s.Bot.OperatorMode);
            log.LogInformation("shutdown summary {Summary}", StatusLines.Shutdown(summary, time.GetUtcNow()));
            return service.Failure is null ? ExitOk : ExitRuntimeError;
        }
    }

    /// <summary>Finds the market, wires the adapters, then runs the <see cref="BotLoop"/> until the host stops.</summary>
    private sealed class BotService(Settings s, DeploymentAddresses addresses, TimeProvider time, ILogger log, BotHandle handle, WiringOverrides? overrides) : BackgroundService
    {
        public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

        public string? Failure { get; private set; }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
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
                    handle.Readiness.Set(new Core.Readiness(false, reason));
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
                handle.Readiness.Set(new Core.Readiness(false, "startup failed: " + ex.Message));
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

                var loop = new BotLoop(runner, interval, time, log, waker: waker);
                await loop.StartAsync(CancellationToken.None);
                feed?.Start();
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                }

                // Waits for the cycle in flight; quotes are left resting for the next start to adopt.
                await loop.StopAsync(CancellationToken.None);
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
