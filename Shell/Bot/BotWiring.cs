using System.Globalization;
using System.Numerics;
using MarketMaker.Core;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Rpc;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Bot;

/// <summary>What the bot learnt about its market from <c>GET /v1/markets</c>.</summary>
public sealed record MarketInfo(MarketSpec Spec, string AssetAddress, string SubId, DateTimeOffset? Expiry)
{
    /// <summary>The market spec (tick from the exchange, size rules by kind) of one <c>/v1/markets</c> entry.</summary>
    public static MarketInfo From(MarketPresentation m)
    {
        if (!WireDecimal.TryParse(m.TickSize, out var tick) || tick <= 0m)
        {
            throw new DataSourceException("markets-service", "tick_size", DataSourceErrorKind.Malformed, $"market {m.Market}: tick_size \"{m.TickSize}\" is not a positive decimal");
        }

        if (!MarketsClient.IsAddress(m.AssetAddress))
        {
            throw new DataSourceException("markets-service", "asset_address", DataSourceErrorKind.Malformed, $"market {m.Market}: asset_address \"{m.AssetAddress}\" is not an address");
        }

        if (string.IsNullOrEmpty(m.SubId) || !m.SubId.All(char.IsAsciiDigit))
        {
            throw new DataSourceException("markets-service", "sub_id", DataSourceErrorKind.Malformed, $"market {m.Market}: sub_id \"{m.SubId}\" is not a decimal integer");
        }

        var expiry = m.ExpiryTimestamp is { } e and > 0 ? DateTimeOffset.FromUnixTimeSeconds(e) : (DateTimeOffset?)null;
        return new MarketInfo(MarketSpec.For(m.Market, tick), m.AssetAddress.ToLowerInvariant(), m.SubId, expiry);
    }

    /// <summary>Finds the configured symbol in the market list; a clear error when it is not listed.</summary>
    public static MarketInfo Find(IReadOnlyList<MarketPresentation> markets, string symbol)
    {
        var found = markets.FirstOrDefault(m => string.Equals(m.Market, symbol, StringComparison.Ordinal));
        return found is null
            ? throw new DataSourceException("markets-service", "market", DataSourceErrorKind.Malformed, $"market {symbol} is not listed by GET /v1/markets (listed: {string.Join(", ", markets.Select(m => m.Market))})")
            : From(found);
    }
}

/// <summary>Replaceable parts of the wiring (the paper command reads live orders from its in-process store).</summary>
public sealed record WiringOverrides(Func<MarketInfo, ILiveOrderSource>? LiveOrders = null);

/// <summary>
/// Builds the cycle's ports from the settings: one adapter per external system (markets-service HTTP, Postgres,
/// JSON-RPC balances, anchors, signed order gateway, state file, kill-switch file, recorder).
/// </summary>
public sealed class BotWiring : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<IDisposable> _ownedSync = [];

    private BotWiring(CyclePorts ports, SourceTimeouts timeouts)
    {
        Ports = ports;
        Timeouts = timeouts;
    }

    public CyclePorts Ports { get; }

    public SourceTimeouts Timeouts { get; }

    /// <summary>The addresses of the chain the bot signs for (env overrides, deployment files, built-ins).</summary>
    public static DeploymentAddresses ResolveAddresses(Settings s, IReadOnlyDictionary<string, string> env) =>
        Deployments.Resolve(s.ChainId, s.MatchingRepoPath, s.RiskCoreRepoPath, name => env.TryGetValue(name, out var v) ? v : null, ReadFileOrNull);

    /// <summary>Which balances are the market's base and quote (behaviour.md §10).</summary>
    public static BalanceAssets BalanceAssetsFor(MarketInfo market, string cashAsset) =>
        market.Spec.IsSpot
            ? new BalanceAssets(cashAsset, null, market.AssetAddress, BigInteger.Parse(market.SubId, CultureInfo.InvariantCulture))
            : new BalanceAssets(market.AssetAddress, BigInteger.Parse(market.SubId, CultureInfo.InvariantCulture), cashAsset, null);

    public static BotWiring Build(Settings s, MarketInfo market, DeploymentAddresses addresses, MarketsClient markets, HttpClient http, TimeProvider time, WiringOverrides? overrides = null)
    {
        var cash = addresses.Cash ?? throw new DeploymentException([new DeploymentError("built-in deployments", "cash", $"no cash (USDC) asset address is known for chain {s.ChainId}; balances cannot be mapped")]);
        var timeouts = new SourceTimeouts(s.HttpTimeout, s.DbTimeout, s.RpcTimeout, s.ExternalAnchor.Timeout > s.HttpTimeout ? s.ExternalAnchor.Timeout : s.HttpTimeout);
        var owned = new List<IAsyncDisposable>();

        ILiveOrderSource liveOrders;
        IInstanceGate? instance = null;
        if (overrides?.LiveOrders is { } make)
        {
            // The paper command without a database: one bot in the exchange's own process, no lock (docs/instances.md).
            liveOrders = make(market);
        }
        else
        {
            var pg = PostgresOrders.Create(s.Database.ConnectionString, s.DbTimeout);
            owned.Add(pg);
            liveOrders = new PostgresLiveOrders(pg, market.Spec, new OrderScope(s.OwnerAddress, s.SubaccountId, market.AssetAddress, market.SubId));
            var gate = new PostgresInstanceLock(s.Database.ConnectionString, PostgresInstanceLock.KeyFor(s.OwnerAddress, s.SubaccountId, market.Spec.Symbol), s.DbTimeout);
            owned.Add(gate);
            instance = gate;
        }

        var rpc = new JsonRpcClient(http, new Uri(s.RpcUrl), "rpc", s.RpcTimeout);
        var balances = new ChainBalances(rpc, addresses.SubAccounts, BigInteger.Parse(s.SubaccountId, CultureInfo.InvariantCulture), BalanceAssetsFor(market, cash));

        IAnchorSource? anchor = s.Bot.AnchorSourceType switch
        {
            AnchorSourceType.Fixed => new FixedAnchor(s.Anchor.FixedPrice, time),
            AnchorSourceType.Http => new HttpAnchor(http, s.Anchor.Url!, market.Spec.Symbol, time),
            AnchorSourceType.OracleCarry => new OracleCarryAnchor(
                new ChainlinkCngnFeed(rpc, s.Anchor.OracleFeedAddress),
                s.Anchor.CarryRateApr,
                market.Expiry ?? throw new DataSourceException("markets-service", "expiry_timestamp", DataSourceErrorKind.Malformed, $"MM_ANCHOR_SOURCE_TYPE=oracle_carry needs the expiry of {market.Spec.Symbol}, and /v1/markets gives none"),
                TimeSpan.FromSeconds(s.Anchor.OracleMaxAgeSeconds),
                time),
            _ => null,
        };

        IAnchorSource? external = null;
        if (s.Bot.ExternalAnchor.Enabled && market.Spec.IsSpot)
        {
            var x = s.ExternalAnchor;
            external = x.Provider switch
            {
                ExternalAnchorProvider.ZeroEx => new ZeroExAnchor(http, x.BaseUrl!, x.ChainId, x.SellToken!, x.BuyToken!, x.Amount!, x.ApiKey?.Reveal(), 6, 6, time),
                _ => new OracleExternalAnchor(new ChainlinkCngnFeed(
                    x.RpcUrl is { } url && url != s.RpcUrl ? new JsonRpcClient(http, new Uri(url), "external_anchor_rpc", x.Timeout) : rpc,
                    x.FeedAddress)),
            };
        }

        var identity = Identity(s, market, addresses, s.SignerKey, s.OwnerAddress, s.SignerAddress, s.SubaccountId, s.RecipientId, s.ServiceName);
        var gateway = new MarketsOrderGateway(markets, market.Spec, identity, time);

        JsonlRecorder? recorder = s.RecordFile is { Length: > 0 } path ? new JsonlRecorder(path, s.RecordMaxMb) : null;
        var ports = new CyclePorts(
            new MarketsDataSource(markets, market.Spec),
            liveOrders,
            balances,
            anchor,
            external,
            gateway,
            new StateFileStore(s.StateFile),
            new KillSwitchFile(s.KillSwitchFile),
            recorder,
            instance);
        var wiring = new BotWiring(ports, timeouts);
        wiring._owned.AddRange(owned);
        if (recorder is not null)
        {
            wiring._ownedSync.Add(recorder);
        }

        return wiring;
    }

    /// <summary>Who signs orders in <paramref name="market"/> and where they go (the bot's own identity, or another participant's).</summary>
    public static OrderIdentity Identity(Settings s, MarketInfo market, DeploymentAddresses addresses, EthKey signerKey, string owner, string signer, string subaccount, string recipient, string serviceName) =>
        new(
            signerKey,
            owner,
            signer,
            subaccount,
            recipient,
            market.AssetAddress,
            market.SubId,
            addresses.TradeModule,
            new MatchingDomain(new BigInteger(s.ChainId), addresses.Matching),
            s.WorstFee.ToString(CultureInfo.InvariantCulture),
            s.OrderExpirySeconds,
            serviceName);

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _owned)
        {
            await d.DisposeAsync();
        }

        foreach (var d in _ownedSync)
        {
            d.Dispose();
        }
    }

    private static string? ReadFileOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
