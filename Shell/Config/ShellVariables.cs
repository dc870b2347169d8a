using System.Collections.Immutable;
using MarketMaker.Core.Config;

namespace MarketMaker.Shell.Config;

/// <summary>The shell-only variables (connections, identity, keys, files, logging, anchors' fetch settings), as data.</summary>
public static class ShellVariables
{
    public const string ApiBaseUrl = "MM_API_BASE_URL";
    public const string RpcUrl = "MM_RPC_URL";
    public const string DatabaseUrl = "MM_DATABASE_URL";
    public const string DatabaseUrlFallback = "DATABASE_URL";
    public const string ChainId = "MM_CHAIN_ID";
    public const string MatchingRepoPath = "MM_MATCHING_REPO_PATH";
    public const string RiskCoreRepoPath = "MM_RISK_CORE_REPO_PATH";
    public const string MatchingAddress = "MM_MATCHING_ADDRESS";
    public const string TradeModuleAddress = "MM_TRADE_MODULE_ADDRESS";
    public const string SubaccountsAddress = "MM_SUBACCOUNTS_ADDRESS";
    public const string OwnerPrivateKey = "MM_OWNER_PRIVATE_KEY";
    public const string SignerPrivateKey = "MM_SIGNER_PRIVATE_KEY";
    public const string SignerAddress = "MM_SIGNER_ADDRESS";
    public const string RecipientId = "MM_RECIPIENT_ID";
    public const string WorstFee = "MM_WORST_FEE";
    public const string OrderExpirySeconds = "MM_ORDER_EXPIRY_SECONDS";
    public const string StateFile = "MM_STATE_FILE";
    public const string MetricsAddr = "MM_METRICS_ADDR";
    public const string LogLevel = "MM_LOG_LEVEL";
    public const string LogFormat = "MM_LOG_FORMAT";
    public const string ServiceName = "MM_SERVICE_NAME";
    public const string ServiceNameFallback = "RAILWAY_SERVICE_NAME";
    public const string KillSwitchFile = "MM_KILL_SWITCH_FILE";
    public const string SoakLogIntervalSeconds = "MM_SOAK_LOG_INTERVAL_SECONDS";
    public const string AnchorUrl = "MM_ANCHOR_URL";
    public const string AnchorFixedPrice = "MM_ANCHOR_FIXED_PRICE";
    public const string CarryRateApr = "MM_CARRY_RATE_APR";
    public const string AnchorOracleMaxAgeSeconds = "MM_ANCHOR_ORACLE_MAX_AGE_SECONDS";
    public const string AnchorOracleFeedAddress = "MM_ANCHOR_ORACLE_FEED_ADDRESS";
    public const string ExternalProvider = VariableCatalog.ExternalAnchorPrefix + "PROVIDER";
    public const string ExternalBaseUrl = VariableCatalog.ExternalAnchorPrefix + "BASE_URL";
    public const string ExternalSellToken = VariableCatalog.ExternalAnchorPrefix + "SELL_TOKEN";
    public const string ExternalBuyToken = VariableCatalog.ExternalAnchorPrefix + "BUY_TOKEN";
    public const string ExternalAmount = VariableCatalog.ExternalAnchorPrefix + "AMOUNT";
    public const string ExternalApiKey = VariableCatalog.ExternalAnchorPrefix + "API_KEY";
    public const string ExternalRpcUrl = VariableCatalog.ExternalAnchorPrefix + "RPC_URL";
    public const string ExternalChainId = VariableCatalog.ExternalAnchorPrefix + "CHAIN_ID";
    public const string ExternalTimeoutMs = VariableCatalog.ExternalAnchorPrefix + "TIMEOUT_MS";
    public const string ExternalFeedAddress = VariableCatalog.ExternalAnchorPrefix + "FEED_ADDRESS";
    public const string RecordFile = "MM_RECORD_FILE";
    public const string RecordMaxMb = "MM_RECORD_MAX_MB";
    public const string HttpTimeoutMs = "MM_HTTP_TIMEOUT_MS";
    public const string DbTimeoutMs = "MM_DB_TIMEOUT_MS";
    public const string RpcTimeoutMs = "MM_RPC_TIMEOUT_MS";

    /// <summary>Chainlink NGN/USD feed on Base (external-sources.md).</summary>
    public const string BaseNgnUsdFeed = "0xdfbb5Cbc88E382de007bfe6CE99C388176ED80aD";

    /// <summary>Variables whose values are never echoed in messages (keys, passwords, URLs that may carry keys).</summary>
    public static readonly ImmutableArray<string> Sensitive =
    [
        OwnerPrivateKey, SignerPrivateKey, DatabaseUrl, DatabaseUrlFallback, ExternalApiKey,
        ApiBaseUrl, RpcUrl, AnchorUrl, ExternalBaseUrl, ExternalRpcUrl,
    ];

    private const string Connections = "Connections";
    private const string Identity = "Identity and signing";
    private const string Operations = "Files, logging and metrics";
    private const string Anchors = "Anchor (non-spot markets)";
    private const string External = "External bootstrap anchor (USDCcNGN-SPOT only)";

    public static readonly ImmutableArray<VariableInfo> All =
    [
        new(ApiBaseUrl, "(required)", "markets-service base URL (trailing / trimmed)", Connections),
        new(RpcUrl, "(required)", "JSON-RPC URL for balances and oracles", Connections),
        new(DatabaseUrl, "(required; falls back to DATABASE_URL)", "PostgreSQL URL or Npgsql connection string of the markets-service database (live orders; also holds the one-active-instance advisory lock)", Connections, Secret: true),
        new(DatabaseUrlFallback, "(none)", "used when MM_DATABASE_URL is unset", Connections, Secret: true),
        new(ChainId, "8453", "chain id for EIP-712 signing (> 0)", Connections),
        new(HttpTimeoutMs, "5000", "timeout of one markets-service or anchor HTTP request in ms (> 0)", Connections),
        new(DbTimeoutMs, "5000", "timeout of one database query in ms (> 0)", Connections),
        new(RpcTimeoutMs, "5000", "timeout of one JSON-RPC call in ms (> 0)", Connections),
        new(OwnerPrivateKey, "(required)", "owner private key, 64 hex digits with or without 0x", Identity, Secret: true),
        new(SignerPrivateKey, "(= MM_OWNER_PRIVATE_KEY)", "signer private key for orders and cancels", Identity, Secret: true),
        new(SignerAddress, "(derived from the signer key)", "signer address; must match the signer key", Identity),
        new(RecipientId, "(= MM_SUBACCOUNT_ID)", "subaccount receiving fills (decimal integer)", Identity),
        new(WorstFee, "0", "worst fee per order (decimal integer, 1e18 scale)", Identity),
        new(OrderExpirySeconds, "3600", "order expiry in seconds; <= 0 means 3600; a short one (e.g. 120) with refresh before expiry is a dead-man switch", Identity),
        new(MatchingRepoPath, "../execution-contracts", "repo holding deployments/<chain>/matching.json", Identity),
        new(RiskCoreRepoPath, "../risk-core", "repo holding deployments/<chain>/core.json", Identity),
        new(MatchingAddress, "(deployment file or built-in for 8453/84532)", "Matching contract address override", Identity),
        new(TradeModuleAddress, "(deployment file or built-in for 8453/84532)", "Trade module address override", Identity),
        new(SubaccountsAddress, "(deployment file or built-in for 8453/84532)", "SubAccounts contract address override", Identity),
        new(StateFile, ".mm-bot-state.json", "state file (nonces and diagnostics), written atomically with mode 0600", Operations),
        new(MetricsAddr, "127.0.0.1:8080", "listen address of /healthz, /readyz, /metrics; \":port\" means 127.0.0.1:port", Operations),
        new(LogLevel, "INFO", "DEBUG, INFO, WARN or ERROR", Operations),
        new(LogFormat, "text", "text or json", Operations),
        new(ServiceName, "market-maker (or RAILWAY_SERVICE_NAME)", "service name used in cancel reasons", Operations),
        new(KillSwitchFile, "(off)", "while this file exists the bot cancels everything and quotes nothing", Operations),
        new(SoakLogIntervalSeconds, "0", "seconds between soak status lines, 0 = off (>= 0)", Operations),
        new(RecordFile, "(off)", "append snapshot and decision of every cycle as JSON lines (for replay)", Operations),
        new(RecordMaxMb, "256", "bound on the recording's total size in MB (> 0): the file rotates at a fifth of it to FILE.1 … FILE.4, the oldest is deleted", Operations),
        new(AnchorUrl, "(none)", "anchor URL when MM_ANCHOR_SOURCE_TYPE=http (market=<symbol> is added)", Anchors),
        new(AnchorFixedPrice, "0", "anchor price when MM_ANCHOR_SOURCE_TYPE=fixed (> 0)", Anchors),
        new(CarryRateApr, "0", "carry rate per year for oracle_carry (>= 0)", Anchors),
        new(AnchorOracleMaxAgeSeconds, "14400", "maximum oracle value age for oracle_carry (> 0)", Anchors),
        new(AnchorOracleFeedAddress, BaseNgnUsdFeed, "Chainlink NGN/USD feed read by oracle_carry", Anchors),
        new(ExternalProvider, "0x", "0x or cngn-price-oracle", External),
        new(ExternalBaseUrl, "(required for 0x)", "0x API base URL", External),
        new(ExternalSellToken, "(required for 0x)", "token sold in the price query (address)", External),
        new(ExternalBuyToken, "(required for 0x)", "token bought in the price query (address)", External),
        new(ExternalAmount, "(required for 0x)", "sell amount in base units (integer > 0)", External),
        new(ExternalApiKey, "(none)", "0x API key", External, Secret: true),
        new(ExternalRpcUrl, "(= MM_RPC_URL)", "JSON-RPC URL for the cngn-price-oracle provider", External),
        new(ExternalChainId, "8453", "chain id of the price query (> 0)", External),
        new(ExternalTimeoutMs, "1500", "timeout of one external anchor fetch in ms (> 0)", External),
        new(ExternalFeedAddress, BaseNgnUsdFeed, "Chainlink NGN/USD feed for cngn-price-oracle", External),
    ];
}
