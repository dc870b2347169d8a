using System.Net;
using MarketMaker.PaperExchange.Events;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Http;
using MarketMaker.PaperExchange.Ledger;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Matching;
using MarketMaker.PaperExchange.Orders;
using MarketMaker.PaperExchange.Participants;
using MarketMaker.PaperExchange.Rpc;
using MarketMaker.PaperExchange.Signatures;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.PaperExchange.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MarketMaker.PaperExchange;

/// <summary>
/// A running paper exchange: the markets-service HTTP API (<see cref="ApiUrl"/>), the chain's JSON-RPC
/// (<see cref="RpcUrl"/> = ApiUrl + "/rpc"), admin endpoints (ApiUrl + "/admin/faults" etc.), the matcher, the
/// balance ledger, the oracle, the taker flow and the seeder, all on 127.0.0.1. Start with
/// <see cref="StartAsync"/>; <see cref="DisposeAsync"/> stops everything.
/// </summary>
public sealed class PaperExchangeHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly IExchangeStore _rawStore;
    private WebApplication? _app;
    private ApiServer? _api;
    private int _disposed;

    private PaperExchangeHost(PaperExchangeOptions options, IExchangeStore rawStore, FaultInjector faults, MarketRegistry markets, ILoggerFactory logs)
    {
        Options = options;
        Clock = options.TimeProvider;
        _rawStore = rawStore;
        Faults = faults;
        Events = new MarketEventHub(faults, Clock, options.WsSubscriptionBuffer, maxEvents: options.WsEventLogLimit);
        Store = new EventingStore(new FaultableStore(rawStore, faults), Events);
        Markets = markets;
        Addresses = options.Addresses;
        Ledger = new BalanceLedger(options.Addresses.Cash, options.Funding);
        Oracle = new OracleFeed(options.OracleAnswer, options.OracleDecimals, Clock);
        Rpc = new ChainRpc(options.ChainId, options.Addresses, Ledger, Oracle, Clock);
        SessionKeys = new SessionKeyRegistry();
        foreach (var (owner, signer) in options.SessionKeys)
        {
            SessionKeys.Register(owner, signer);
        }

        Domain = new MatchingDomain(options.ChainId, options.Addresses.Matching);
        var validator = new OrderValidator(markets, new ValidationSettings(options.EnforceActionDataInvariants, options.ExpectedOrderOwner, options.ExpectedOrderSigner));
        Orders = new OrderService(
            Store,
            validator,
            new SignaturePolicy(options.VerifyOrderSignatures, options.RequireSignedCancels, options.SignatureVerifier, Domain),
            SessionKeys,
            options.CancelProtectedOrderIdPrefixes,
            Clock);
        Seeder = new OrderSeeder(Orders, markets, options.Addresses.TradeModule, Clock);
        Matcher = new Matcher(Store, markets, Ledger, faults, Clock, options.TickInterval, options.ExecutorLatency, logs.CreateLogger("PaperExchange.Matcher"));
        Taker = markets.BySymbol(options.TakerFlow.Market) is { IsActive: true }
            ? new TakerFlow(options.TakerFlow, Orders, Seeder, markets, options.Addresses.TradeModule, Clock, options.Seed, logs.CreateLogger("PaperExchange.Taker"))
            : null;
    }

    public PaperExchangeOptions Options { get; }

    /// <summary>Base URL of the markets-service API, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string ApiUrl { get; private set; } = "";

    /// <summary>Completes when the web application is asked to stop (by its lifetime, e.g. a signal) or <paramref name="ct"/> is cancelled.</summary>
    public Task StoppingAsync(CancellationToken ct)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app!.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        return stopping.Task.WaitAsync(ct);
    }

    /// <summary>JSON-RPC endpoint (POST) for SubAccounts, the oracle feed and chain queries.</summary>
    public string RpcUrl => ApiUrl + "/rpc";

    /// <summary>Admin base (<c>/admin/faults</c>, <c>/admin/oracle</c>, <c>/admin/taker</c>, <c>/admin/balances</c>).</summary>
    public string AdminUrl => ApiUrl + "/admin";

    public long ChainId => Options.ChainId;

    public DeploymentAddresses Addresses { get; }

    /// <summary>The EIP-712 domain orders and cancels are verified against.</summary>
    public MatchingDomain Domain { get; }

    public TimeProvider Clock { get; }

    /// <summary>The <c>market_events</c> log and hub behind <c>GET /v1/ws</c> (fed by every change made through <see cref="Store"/>).</summary>
    public MarketEventHub Events { get; }

    /// <summary>WebSocket connections open now.</summary>
    public int OpenWebSockets => _api?.OpenWebSockets ?? 0;

    /// <summary>The store (fails while the database fault is on; publishes market events).</summary>
    public IExchangeStore Store { get; }

    /// <summary>The Postgres store when one is configured (to block/restore the database directly), else null.</summary>
    public PostgresExchangeStore? PostgresStore => _rawStore as PostgresExchangeStore;

    public MarketRegistry Markets { get; }

    public BalanceLedger Ledger { get; }

    public OracleFeed Oracle { get; }

    public ChainRpc Rpc { get; }

    public FaultInjector Faults { get; }

    public SessionKeyRegistry SessionKeys { get; }

    public OrderService Orders { get; }

    public OrderSeeder Seeder { get; }

    public Matcher Matcher { get; }

    /// <summary>The taker flow (null when its market is not an enabled market).</summary>
    public TakerFlow? Taker { get; }

    /// <summary>Validates the options, opens the store (creating the schema), binds 127.0.0.1 and starts the matcher and, if enabled, the taker flow.</summary>
    public static async Task<PaperExchangeHost> StartAsync(PaperExchangeOptions options, CancellationToken ct = default)
    {
        var problems = Validate(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid paper exchange options:\n" + string.Join("\n", problems));
        }

        var logs = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var markets = new MarketRegistry(options.Markets ?? MarketDefinition.DefaultRegistry(options.Addresses.SpotAsset, options.Addresses.Sep16Future, options.Addresses.Sep16FutureSubId));
        IExchangeStore raw = options.DatabaseConnectionString is { } cs ? new PostgresExchangeStore(cs) : new MemoryExchangeStore();
        var pg = raw as PostgresExchangeStore;
        var faults = new FaultInjector(pg is null ? null : (down, token) => down ? pg.BlockConnectionsAsync(token) : pg.RestoreConnectionsAsync(token));
        var host = new PaperExchangeHost(options, raw, faults, markets, logs);
        try
        {
            await raw.InitializeAsync(ct);
            await host.StartWebAsync(logs, ct);
            if (options.MatcherEnabled)
            {
                host.Matcher.Start();
            }

            if (options.TakerFlow.Enabled)
            {
                host.Taker!.Start();
            }

            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task StartWebAsync(ILoggerFactory logs, CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(logs);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        if (Options.Lifetime is { } lifetime)
        {
            builder.Services.AddSingleton(lifetime);
        }
        else
        {
            builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, PassiveLifetime>();
        }

        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, Options.Port);
        });
        _app = builder.Build();
        var server = new ApiServer(this, logs.CreateLogger("PaperExchange.Api"), _stopping.Token);
        _api = server;
        _app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = Options.WsPingInterval, KeepAliveTimeout = TimeSpan.FromSeconds(10) });
        _app.Run(server.HandleAsync);
        await _app.StartAsync(ct);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        ApiUrl = addresses?.FirstOrDefault()?.TrimEnd('/') ?? throw new InvalidOperationException("paper exchange: Kestrel reported no bound address");
    }

    private static List<string> Validate(PaperExchangeOptions o)
    {
        var problems = new List<string>();
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add("PaperExchangeOptions." + problem);
            }
        }

        Check(o.Port is >= 0 and <= 65535, $"Port: {o.Port} is not a TCP port (0 = free port)");
        Check(o.ChainId > 0, $"ChainId: {o.ChainId} must be positive");
        Check(o.TickInterval > TimeSpan.Zero, "TickInterval: must be positive");
        Check(o.ExecutorLatency >= TimeSpan.Zero, "ExecutorLatency: must not be negative");
        Check(!(o.VerifyOrderSignatures || o.RequireSignedCancels) || o.SignatureVerifier is not null,
            "SignatureVerifier: required when VerifyOrderSignatures or RequireSignedCancels is on (pass an IOrderSignatureVerifier, or turn verification off explicitly)");
        Check(o.OracleAnswer > 0, "OracleAnswer: must be positive");
        Check(o.OracleDecimals <= 36, "OracleDecimals: must be at most 36");
        Check(o.DatabaseConnectionString is null || o.DatabaseConnectionString.Trim().Length > 0, "DatabaseConnectionString: empty (use null for the in-memory store)");
        var a = o.Addresses;
        foreach (var (name, value) in new[] { ("Matching", a.Matching), ("TradeModule", a.TradeModule), ("SubAccounts", a.SubAccounts), ("Cash", a.Cash), ("OracleFeed", a.OracleFeed), ("SpotAsset", a.SpotAsset), ("Sep16Future", a.Sep16Future) })
        {
            Check(GoText.IsAddress(value) && value == value.ToLowerInvariant(), $"Addresses.{name}: \"{value}\" must be a lower-case 0x address of 40 hex digits");
        }

        foreach (var f in o.Funding)
        {
            foreach (var b in f.Balances)
            {
                Check(GoText.IsAddress(b.Asset), $"Funding[{f.SubaccountId}]: asset \"{b.Asset}\" is not an address");
            }
        }

        var t = o.TakerFlow;
        Check(t.Interval > TimeSpan.Zero, "TakerFlow.Interval: must be positive");
        Check(t.FairPrice > 0, "TakerFlow.FairPrice: must be positive");
        Check(t.MinSize > 0 && t.MaxSize >= t.MinSize, "TakerFlow.MinSize/MaxSize: need 0 < MinSize <= MaxSize");
        Check(t.VolatilityBps >= 0 && t.CrossBps >= 0, "TakerFlow.VolatilityBps/CrossBps: must not be negative");
        Check(t.OrderLifetime > TimeSpan.Zero, "TakerFlow.OrderLifetime: must be positive");
        Check(GoText.IsAddress(t.OwnerAddress), $"TakerFlow.OwnerAddress: \"{t.OwnerAddress}\" is not an address");
        try
        {
            var markets = new MarketRegistry(o.Markets ?? MarketDefinition.DefaultRegistry(a.SpotAsset, a.Sep16Future, a.Sep16FutureSubId));
            Check(!t.Enabled || markets.BySymbol(t.Market) is { IsActive: true }, $"TakerFlow.Market: \"{t.Market}\" is not an enabled market");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            problems.Add("PaperExchangeOptions.Markets: " + e.Message);
        }

        return problems;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (Taker is not null)
        {
            await Taker.DisposeAsync();
        }

        await Matcher.DisposeAsync();
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await _app.DisposeAsync();
        }

        if (Faults.DatabaseUnavailable)
        {
            try
            {
                await Faults.ClearAsync(FaultTargets.Database);
            }
            catch (StoreException)
            {
            }
        }

        await _rawStore.DisposeAsync();
        _stopping.Dispose();
    }
}
