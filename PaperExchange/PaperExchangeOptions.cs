using System.Numerics;
using Fractions;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Numerics;
using MarketMaker.PaperExchange.Participants;
using MarketMaker.PaperExchange.Signatures;
using Microsoft.Extensions.Logging;

namespace MarketMaker.PaperExchange;

/// <summary>
/// Contract addresses the paper exchange answers for (JSON-RPC) and signs against (EIP-712 domain).
/// Defaults are Base mainnet 8453 (markets-service-api.md §7.2, external-sources.md). All lower-case.
/// </summary>
public sealed record DeploymentAddresses
{
    public string Matching { get; init; } = "0x9e90a9cd13d859bd6a08168082fb1f6f7405f191";

    public string TradeModule { get; init; } = "0x44813ad30b2ffc1bb2871eed9b19f63c8196ed1c";

    public string SubAccounts { get; init; } = "0x7019244e25fa416e6ca2ed2f3ca25277aef72843";

    /// <summary>The cash asset (USDC) of <c>getAccountBalances</c>.</summary>
    public string Cash { get; init; } = "0x6b232a2155bd0c9bf741db4cf8e7e8a0176a6fc6";

    /// <summary>Chainlink NGN/USD feed proxy on Base (answer = USD per NGN × 10^8).</summary>
    public string OracleFeed { get; init; } = "0xdfbb5cbc88e382de007bfe6ce99c388176ed80ad";

    /// <summary>WRAPPED_CNGN on Base: the spot market's engine asset.</summary>
    public string SpotAsset { get; init; } = "0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493";

    /// <summary>CNGN_SEP16_2026_FUTURE on Base and its sub id.</summary>
    public string Sep16Future { get; init; } = "0xdd9c2ddf97a2dc9b9d348dcd0ef776af5291a1f9";

    public string Sep16FutureSubId { get; init; } = "1789567201";

    public static DeploymentAddresses Base { get; } = new();

    public static DeploymentAddresses BaseSepolia { get; } = new()
    {
        Matching = "0x1599636347fd5ba1fbe21d58afe0b8b9cbe283ff",
        TradeModule = "0x0aae65aaa66fe7f54486cdbd007956d3de611990",
        SubAccounts = "0xaaa53649eb98eed1517ca216a95eb5ba9eb84e27",
        Cash = "0x5ae072c6144e352aa678417b0c4b530f325dd26f",
        SpotAsset = "0x1c08f30c204ee18ebbdc161c0f0864afb826934b",
        Sep16Future = "0x813d8e6e9a752cf42724a9fef92b980de5c95563",
    };
}

/// <summary>One balance of a subaccount, in 1e18 fixed point (int256).</summary>
public sealed record AssetBalance(string Asset, BigInteger SubId, BigInteger Balance);

/// <summary>Initial balances of one subaccount.</summary>
public sealed record AccountFunding(BigInteger SubaccountId, IReadOnlyList<AssetBalance> Balances)
{
    /// <summary>USDC cash and spot cNGN (WRAPPED_CNGN) in human units, scaled by 1e18.</summary>
    public static AccountFunding Spot(BigInteger subaccountId, decimal usdc, decimal cngn, DeploymentAddresses? addresses = null)
    {
        var a = addresses ?? DeploymentAddresses.Base;
        return new AccountFunding(subaccountId, [new AssetBalance(a.Cash, 0, Wei(usdc)), new AssetBalance(a.SpotAsset, 0, Wei(cngn))]);
    }

    /// <summary>Human decimal × 1e18, exactly (throws when it is not a whole number of wei).</summary>
    public static BigInteger Wei(decimal human)
    {
        var r = Fraction.FromDecimal(human) * Rational.Pow10(18);
        return r.IsInteger ? r.ToBigInteger() : throw new ArgumentException($"{human} has more than 18 decimals", nameof(human));
    }
}

/// <summary>Settings of <see cref="PaperExchangeHost"/>. Every field has a working default.</summary>
public sealed record PaperExchangeOptions
{
    /// <summary>TCP port on 127.0.0.1 for the API, JSON-RPC (<c>/rpc</c>) and admin (<c>/admin/…</c>); 0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>
    /// The lifetime of the exchange's web application: null = owns no signals (<see cref="Http.PassiveLifetime"/>; the
    /// embedding process stops it); a command that runs the exchange alone passes one that owns SIGINT/SIGTERM.
    /// </summary>
    public Func<IServiceProvider, Microsoft.Extensions.Hosting.IHostLifetime>? Lifetime { get; init; }

    /// <summary>PostgreSQL connection string (the markets-service schema is created if missing); null = in-memory store.</summary>
    public string? DatabaseConnectionString { get; init; }

    /// <summary>Seed of every random choice (taker flow); same seed + same clock = same run.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The clock of the whole exchange (order expiry, created_at, matcher ticks, oracle updatedAt).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>EIP-712 chain id (and <c>eth_chainId</c>). Default 8453 to match the default addresses and MM_CHAIN_ID's default.</summary>
    public long ChainId { get; init; } = 8453;

    public DeploymentAddresses Addresses { get; init; } = DeploymentAddresses.Base;

    /// <summary>Instruments; null = <see cref="MarketDefinition.DefaultRegistry"/> on <see cref="Addresses"/>.</summary>
    public IReadOnlyList<MarketDefinition>? Markets { get; init; }

    /// <summary>Initial subaccount balances of the ledger.</summary>
    public IReadOnlyList<AccountFunding> Funding { get; init; } = [];

    /// <summary>Matcher poll interval (MATCHER_POLL_INTERVAL, default 250 ms). At most one fill per market per tick.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Run the matcher loop. When false, drive it with <see cref="Matching.Matcher.RunTickAsync"/>.</summary>
    public bool MatcherEnabled { get; init; } = true;

    /// <summary>Simulated executor (chain) latency while a pair is held in <c>matching</c>.</summary>
    public TimeSpan ExecutorLatency { get; init; } = TimeSpan.Zero;

    /// <summary>ENFORCE_ORDER_SIGNATURES: POST /v1/orders needs a signature recovering to the owner or a session key.</summary>
    public bool VerifyOrderSignatures { get; init; } = true;

    /// <summary>ENFORCE_CANCEL_SIGNATURES: cancels must be EIP-712 signed by the owner (401 otherwise).</summary>
    public bool RequireSignedCancels { get; init; }

    /// <summary>The EIP-712 verifier: by default the chain's check done with Protocol/Signing.</summary>
    public IOrderSignatureVerifier? SignatureVerifier { get; init; } = Eip712OrderVerifier.Instance;

    /// <summary>Session keys registered at start: (owner, signer) pairs.</summary>
    public IReadOnlyList<(string Owner, string Signer)> SessionKeys { get; init; } = [];

    /// <summary>ENFORCE_ACTION_DATA_INVARIANTS (step 12), default true.</summary>
    public bool EnforceActionDataInvariants { get; init; } = true;

    /// <summary>EXPECTED_ORDER_OWNER (step 4); null = not checked.</summary>
    public string? ExpectedOrderOwner { get; init; }

    /// <summary>EXPECTED_ORDER_SIGNER (step 4); null = not checked.</summary>
    public string? ExpectedOrderSigner { get; init; }

    /// <summary>CANCEL_PROTECTED_ORDER_ID_PREFIXES.</summary>
    public IReadOnlyList<string> CancelProtectedOrderIdPrefixes { get; init; } = ["validation:", "smoke:", "manual:"];

    /// <summary>NGN/USD oracle answer (USD per NGN × 10^decimals). 62500 = 1600 cNGN per USDC.</summary>
    public long OracleAnswer { get; init; } = 62_500;

    public byte OracleDecimals { get; init; } = 8;

    public TakerFlowOptions TakerFlow { get; init; } = new();

    /// <summary>Where the exchange logs (never secrets). Null = no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>WebSocket <c>/v1/ws</c>: frames queued per connection before it is closed with 1013 <c>slow consumer</c> (EVENTS_SUB_BUFFER).</summary>
    public int WsOutboundQueue { get; init; } = 256;

    /// <summary>WebSocket: events buffered per subscription before it ends in <c>stream_reset</c> (EVENTS_SUB_BUFFER).</summary>
    public int WsSubscriptionBuffer { get; init; } = 256;

    /// <summary>WebSocket: market events kept for resume by since_seq (the oldest are pruned first; also pruned after 2 h).</summary>
    public int WsEventLogLimit { get; init; } = 200_000;

    /// <summary>WebSocket auth: the domain of the signed message (WS_AUTH_DOMAIN).</summary>
    public string WsAuthDomain { get; init; } = MarketMaker.Protocol.Markets.WsAuth.DefaultDomain;

    /// <summary>WebSocket auth: the longest accepted expiry − issued_at in seconds (WS_AUTH_MAX_TTL; ≤ 0 = no limit).</summary>
    public int WsAuthMaxTtlSeconds { get; init; } = 300;

    /// <summary>WebSocket keepalive: a ping every interval; no pong within the timeout closes the socket.</summary>
    public TimeSpan WsPingInterval { get; init; } = TimeSpan.FromSeconds(15);
}
