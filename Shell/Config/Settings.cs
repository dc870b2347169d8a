using System.Collections;
using System.Globalization;
using System.Net;
using System.Numerics;
using LanguageExt;
using MarketMaker.Core;
using MarketMaker.Core.Config;
using MarketMaker.Protocol.Signing;
using Microsoft.Extensions.Logging;
using V = MarketMaker.Shell.Config.ShellVariables;

namespace MarketMaker.Shell.Config;

public enum LogFormat
{
    Text,
    Json,
}

public enum ExternalAnchorProvider
{
    ZeroEx,
    CngnPriceOracle,
}

/// <summary>How the general anchor (MM_ANCHOR_SOURCE_TYPE, non-spot markets) is fetched.</summary>
public sealed record AnchorSettings(
    string? Url,
    decimal FixedPrice,
    decimal CarryRateApr,
    int OracleMaxAgeSeconds,
    string OracleFeedAddress)
{
    public override string ToString() =>
        $"AnchorSettings {{ Url = {(Url is null ? "(unset)" : ConfigText.RedactUrl(Url, hidePath: false))}, FixedPrice = {FixedPrice.ToString(CultureInfo.InvariantCulture)}, CarryRateApr = {CarryRateApr.ToString(CultureInfo.InvariantCulture)}, OracleMaxAgeSeconds = {OracleMaxAgeSeconds.ToString(CultureInfo.InvariantCulture)}, OracleFeedAddress = {OracleFeedAddress} }}";
}

/// <summary>How the spot external bootstrap anchor is fetched (the safety rules live in <see cref="ExternalAnchorConfig"/>).</summary>
public sealed record ExternalAnchorSettings(
    ExternalAnchorProvider Provider,
    string? BaseUrl,
    string? SellToken,
    string? BuyToken,
    string? Amount,
    Secret? ApiKey,
    string? RpcUrl,
    long ChainId,
    TimeSpan Timeout,
    string FeedAddress)
{
    public override string ToString() =>
        $"ExternalAnchorSettings {{ Provider = {Provider}, BaseUrl = {(BaseUrl is null ? "(unset)" : ConfigText.RedactUrl(BaseUrl, hidePath: false))}, SellToken = {SellToken}, BuyToken = {BuyToken}, Amount = {Amount}, ApiKey = {(ApiKey is null ? "(unset)" : "[redacted]")}, RpcUrl = {(RpcUrl is null ? "(unset)" : ConfigText.RedactUrl(RpcUrl, hidePath: true))}, ChainId = {ChainId.ToString(CultureInfo.InvariantCulture)}, Timeout = {Timeout}, FeedAddress = {FeedAddress} }}";
}

/// <summary>
/// Everything the <c>run</c> command needs: the core's <see cref="BotConfig"/> plus connections, keys, files and
/// logging. Built only by <see cref="Load"/>, which reports every problem of both parsers at once. Keys, the
/// database password and the API key never appear in <see cref="ToString"/> or <see cref="Describe"/>.
/// </summary>
public sealed record Settings
{
    public const string DefaultServiceName = "market-maker";
    public const int DefaultOrderExpirySeconds = 3600;

    public required BotConfig Bot { get; init; }
    public required string ApiBaseUrl { get; init; }
    public required string RpcUrl { get; init; }
    public required DatabaseUrl Database { get; init; }
    public required long ChainId { get; init; }
    public required string MatchingRepoPath { get; init; }
    public required string RiskCoreRepoPath { get; init; }

    /// <summary>Overrides; null means "from the deployment files or the built-in defaults".</summary>
    public string? MatchingAddress { get; init; }

    public string? TradeModuleAddress { get; init; }
    public string? SubaccountsAddress { get; init; }
    public required EthKey OwnerKey { get; init; }
    public required EthKey SignerKey { get; init; }

    /// <summary>Lower-case owner address (MM_OWNER_ADDRESS, else the owner key's address); equals <c>Bot.OwnerAddress</c>.</summary>
    public required string OwnerAddress { get; init; }

    /// <summary>Lower-case signer address; always the signer key's address.</summary>
    public required string SignerAddress { get; init; }

    /// <summary>Decimal subaccount id; equals <c>Bot.SubaccountId</c>.</summary>
    public required string SubaccountId { get; init; }

    public required string RecipientId { get; init; }
    public required BigInteger WorstFee { get; init; }
    public required int OrderExpirySeconds { get; init; }
    public required string StateFile { get; init; }
    public required IPEndPoint MetricsEndpoint { get; init; }
    public required LogLevel LogLevel { get; init; }
    public required LogFormat LogFormat { get; init; }
    public required string ServiceName { get; init; }
    public string? KillSwitchFile { get; init; }
    public required int SoakLogIntervalSeconds { get; init; }
    public required AnchorSettings Anchor { get; init; }
    public required ExternalAnchorSettings ExternalAnchor { get; init; }
    public string? RecordFile { get; init; }
    public required int RecordMaxMb { get; init; }
    public required TimeSpan HttpTimeout { get; init; }
    public required TimeSpan DbTimeout { get; init; }
    public required TimeSpan RpcTimeout { get; init; }

    /// <summary>The markets-service WebSocket (MM_WS_*).</summary>
    public WsSettings Ws { get; init; } = WsSettings.Disabled;

    /// <summary>The process environment as a dictionary (the only place that reads it).</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                env[key] = value;
            }
        }

        return env;
    }

    /// <summary><see cref="Load"/> over the process environment.</summary>
    public static Validation<ConfigError, Settings> FromEnvironment() => Load(ProcessEnvironment());

    /// <summary>The settings, or every problem of the core and the shell variables (one message each).</summary>
    public static Validation<ConfigError, Settings> Load(IReadOnlyDictionary<string, string> env)
    {
        var r = new ConfigReader(env, V.Sensitive);

        var apiBaseUrl = Url(r, V.ApiBaseUrl, required: true)?.TrimEnd('/') ?? "";
        var rpcUrl = Url(r, V.RpcUrl, required: true) ?? "";
        var database = ReadDatabase(r);

        var bot = ConfigParser.Read(r);

        var chainId = r.Long(V.ChainId, 8453);
        r.Check(chainId > 0, V.ChainId, "> 0", chainId);
        var matchingRepo = r.Text(V.MatchingRepoPath, "../execution-contracts");
        var riskCoreRepo = r.Text(V.RiskCoreRepoPath, "../risk-core");
        var matching = r.Address(V.MatchingAddress);
        var tradeModule = r.Address(V.TradeModuleAddress);
        var subaccounts = r.Address(V.SubaccountsAddress);

        var ownerKey = ReadKey(r, V.OwnerPrivateKey, required: true);
        var signerKey = r.IsSet(V.SignerPrivateKey) ? ReadKey(r, V.SignerPrivateKey, required: false) : ownerKey;
        var ownerAddress = bot.OwnerAddress.Length > 0 ? bot.OwnerAddress : ownerKey?.Address ?? "";
        var signerAddress = signerKey?.Address ?? "";
        var givenSigner = r.Address(V.SignerAddress);
        if (givenSigner is not null && signerKey is not null && givenSigner != signerKey.Address)
        {
            r.Add(
                V.SignerAddress,
                $"{V.SignerAddress} must be the address of the signer key ({signerKey.Address}) or unset: got \"{givenSigner}\"");
        }

        if (!r.IsSet(VariableCatalog.SubaccountId))
        {
            r.Add(VariableCatalog.SubaccountId, $"{VariableCatalog.SubaccountId} is required");
        }

        var recipient = r.Uint256(V.RecipientId, null) ?? bot.SubaccountId;
        var worstFee = r.Uint256(V.WorstFee, "0") ?? "0";
        var expiry = r.Int(V.OrderExpirySeconds, DefaultOrderExpirySeconds);
        if (expiry <= 0)
        {
            expiry = DefaultOrderExpirySeconds;
        }

        // Refresh before expiry (docs/dead-man-switch.md): unset, it is 30 s or a quarter of the expiry when that is
        // shorter; set, it must leave the order some life (< the expiry), or every order would be replaced at once.
        if (!r.IsSet(VariableCatalog.OrderRefreshBeforeExpirySeconds))
        {
            bot = bot with { OrderRefreshBeforeExpirySeconds = Math.Min(bot.OrderRefreshBeforeExpirySeconds, expiry / 4) };
        }
        else if (!r.HasFailed(VariableCatalog.OrderRefreshBeforeExpirySeconds))
        {
            r.Check(
                bot.OrderRefreshBeforeExpirySeconds < expiry,
                VariableCatalog.OrderRefreshBeforeExpirySeconds,
                $"< {V.OrderExpirySeconds} ({expiry.ToString(CultureInfo.InvariantCulture)})",
                bot.OrderRefreshBeforeExpirySeconds);
        }

        var stateFile = r.Text(V.StateFile, ".mm-bot-state.json");
        var metrics = ReadMetricsEndpoint(r);
        var logLevel = r.Choice(V.LogLevel, "INFO", ["DEBUG", "INFO", "WARN", "ERROR"], upperCase: true) switch
        {
            "DEBUG" => Microsoft.Extensions.Logging.LogLevel.Debug,
            "WARN" => Microsoft.Extensions.Logging.LogLevel.Warning,
            "ERROR" => Microsoft.Extensions.Logging.LogLevel.Error,
            _ => Microsoft.Extensions.Logging.LogLevel.Information,
        };
        var logFormat = r.Choice(V.LogFormat, "text", ["text", "json"]) == "json" ? Config.LogFormat.Json : Config.LogFormat.Text;
        var serviceName = r.Raw(V.ServiceName) ?? r.Raw(V.ServiceNameFallback) ?? DefaultServiceName;
        var killSwitch = r.Raw(V.KillSwitchFile);
        var soak = r.Int(V.SoakLogIntervalSeconds, 0);
        r.Check(soak >= 0, V.SoakLogIntervalSeconds, ">= 0", soak);

        var anchor = ReadAnchor(r, bot.AnchorSourceType);
        var external = ReadExternal(r, bot.ExternalAnchor.Enabled, rpcUrl);

        var recordFile = r.Raw(V.RecordFile);
        var recordMaxMb = r.Int(V.RecordMaxMb, 256);
        r.Check(recordMaxMb > 0, V.RecordMaxMb, "> 0", recordMaxMb);
        var httpTimeout = PositiveMs(r, V.HttpTimeoutMs, 5000);
        var dbTimeout = PositiveMs(r, V.DbTimeoutMs, 5000);
        var rpcTimeout = PositiveMs(r, V.RpcTimeoutMs, 5000);
        var ws = WsSettings.Read(r, apiBaseUrl);

        if (r.Errors.Count > 0)
        {
            return Validation<ConfigError, Settings>.Fail(r.Errors.ToSeq());
        }

        return Validation<ConfigError, Settings>.Success(new Settings
        {
            Bot = bot with { OwnerAddress = ownerAddress },
            ApiBaseUrl = apiBaseUrl,
            RpcUrl = rpcUrl,
            Database = database!,
            ChainId = chainId,
            MatchingRepoPath = matchingRepo,
            RiskCoreRepoPath = riskCoreRepo,
            MatchingAddress = matching,
            TradeModuleAddress = tradeModule,
            SubaccountsAddress = subaccounts,
            OwnerKey = ownerKey!,
            SignerKey = signerKey!,
            OwnerAddress = ownerAddress,
            SignerAddress = signerAddress,
            SubaccountId = bot.SubaccountId,
            RecipientId = recipient,
            WorstFee = BigInteger.Parse(worstFee, CultureInfo.InvariantCulture),
            OrderExpirySeconds = expiry,
            StateFile = stateFile,
            MetricsEndpoint = metrics,
            LogLevel = logLevel,
            LogFormat = logFormat,
            ServiceName = serviceName,
            KillSwitchFile = killSwitch,
            SoakLogIntervalSeconds = soak,
            Anchor = anchor,
            ExternalAnchor = external,
            RecordFile = recordFile,
            RecordMaxMb = recordMaxMb,
            HttpTimeout = httpTimeout,
            DbTimeout = dbTimeout,
            RpcTimeout = rpcTimeout,
            Ws = ws,
        });
    }

    /// <summary>One line per setting for the startup log, with every secret redacted.</summary>
    public IReadOnlyList<string> Describe()
    {
        static string Opt(string? value) => string.IsNullOrEmpty(value) ? "(unset)" : value;
        var ext = ExternalAnchor;
        var lines = new List<string>
        {
            $"{V.ApiBaseUrl} = {ConfigText.RedactUrl(this.ApiBaseUrl, hidePath: false)}",
            $"{V.RpcUrl} = {ConfigText.RedactUrl(this.RpcUrl, hidePath: true)}",
            $"{V.DatabaseUrl} = {Database.Redacted}",
            $"{V.ChainId} = {this.ChainId.ToString(CultureInfo.InvariantCulture)}",
            $"{V.MatchingRepoPath} = {this.MatchingRepoPath}",
            $"{V.RiskCoreRepoPath} = {this.RiskCoreRepoPath}",
            $"{V.MatchingAddress} = {Opt(this.MatchingAddress)}",
            $"{V.TradeModuleAddress} = {Opt(this.TradeModuleAddress)}",
            $"{V.SubaccountsAddress} = {Opt(this.SubaccountsAddress)}",
            $"{V.OwnerPrivateKey} = [redacted] (address {OwnerKey.Address})",
            $"{V.SignerPrivateKey} = [redacted] (address {SignerKey.Address})",
            $"{VariableCatalog.OwnerAddress} = {this.OwnerAddress}",
            $"{V.SignerAddress} = {this.SignerAddress}",
            $"{V.RecipientId} = {this.RecipientId}",
            $"{V.WorstFee} = {this.WorstFee.ToString(CultureInfo.InvariantCulture)}",
            $"{V.OrderExpirySeconds} = {this.OrderExpirySeconds.ToString(CultureInfo.InvariantCulture)}",
            $"{V.StateFile} = {this.StateFile}",
            $"{V.MetricsAddr} = {MetricsEndpoint}",
            $"{V.LogLevel} = {LogLevelName(this.LogLevel)}",
            $"{V.LogFormat} = {this.LogFormat.ToString().ToLowerInvariant()}",
            $"{V.ServiceName} = {this.ServiceName}",
            $"{V.KillSwitchFile} = {Opt(this.KillSwitchFile)}",
            $"{V.SoakLogIntervalSeconds} = {this.SoakLogIntervalSeconds.ToString(CultureInfo.InvariantCulture)}",
            $"{V.AnchorUrl} = {(Anchor.Url is null ? "(unset)" : ConfigText.RedactUrl(Anchor.Url, hidePath: false))}",
            $"{V.AnchorFixedPrice} = {Anchor.FixedPrice.ToString(CultureInfo.InvariantCulture)}",
            $"{V.CarryRateApr} = {Anchor.CarryRateApr.ToString(CultureInfo.InvariantCulture)}",
            $"{V.AnchorOracleMaxAgeSeconds} = {Anchor.OracleMaxAgeSeconds.ToString(CultureInfo.InvariantCulture)}",
            $"{V.AnchorOracleFeedAddress} = {Anchor.OracleFeedAddress}",
            $"{V.ExternalProvider} = {(ext.Provider == ExternalAnchorProvider.ZeroEx ? "0x" : "cngn-price-oracle")}",
            $"{V.ExternalBaseUrl} = {(ext.BaseUrl is null ? "(unset)" : ConfigText.RedactUrl(ext.BaseUrl, hidePath: false))}",
            $"{V.ExternalSellToken} = {Opt(ext.SellToken)}",
            $"{V.ExternalBuyToken} = {Opt(ext.BuyToken)}",
            $"{V.ExternalAmount} = {Opt(ext.Amount)}",
            $"{V.ExternalApiKey} = {(ext.ApiKey is null ? "(unset)" : "[redacted]")}",
            $"{V.ExternalRpcUrl} = {(ext.RpcUrl is null ? "(unset)" : ConfigText.RedactUrl(ext.RpcUrl, hidePath: true))}",
            $"{V.ExternalChainId} = {ext.ChainId.ToString(CultureInfo.InvariantCulture)}",
            $"{V.ExternalTimeoutMs} = {((long)ext.Timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
            $"{V.ExternalFeedAddress} = {ext.FeedAddress}",
            $"{V.RecordFile} = {Opt(this.RecordFile)}",
            $"{V.RecordMaxMb} = {this.RecordMaxMb.ToString(CultureInfo.InvariantCulture)}",
            $"{V.HttpTimeoutMs} = {((long)HttpTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
            $"{V.DbTimeoutMs} = {((long)DbTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
            $"{V.RpcTimeoutMs} = {((long)RpcTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
        };
        lines.AddRange(Ws.Describe());
        foreach (var (name, value) in ConfigParser.ToVariables(Bot))
        {
            if (name != VariableCatalog.OwnerAddress)
            {
                lines.Add($"{name} = {value}");
            }
        }

        if (Bot.TargetBaseInventory is null)
        {
            lines.Add($"{VariableCatalog.TargetBaseInventory} = (spot: the base balance at the first cycle, kept in the state file)");
        }

        return lines;
    }

    private static string LogLevelName(LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Debug => "DEBUG",
        Microsoft.Extensions.Logging.LogLevel.Warning => "WARN",
        Microsoft.Extensions.Logging.LogLevel.Error => "ERROR",
        _ => "INFO",
    };

    public override string ToString() =>
        $"Settings {{ market = {Bot.MarketSymbol}, owner = {OwnerAddress}, signer = {SignerAddress}, subaccount = {SubaccountId}, api = {ConfigText.RedactUrl(ApiBaseUrl, hidePath: false)}, database = {Database.Redacted} }}";

    /// <summary>An absolute http:// or https:// URL with a host: what every URL variable must be.</summary>
    internal static bool IsHttpUrl(string raw) =>
        Uri.TryCreate(raw, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    internal static string? Url(ConfigReader r, string name, bool required)
    {
        var raw = r.Raw(name);
        if (raw is null)
        {
            if (required)
            {
                r.Add(name, $"{name} is required");
            }

            return null;
        }

        if (!IsHttpUrl(raw))
        {
            r.Invalid(name, "an absolute http:// or https:// URL");
            return null;
        }

        return raw;
    }

    private static DatabaseUrl? ReadDatabase(ConfigReader r)
    {
        var name = r.IsSet(V.DatabaseUrl) ? V.DatabaseUrl : V.DatabaseUrlFallback;
        var raw = r.Raw(name);
        if (raw is null)
        {
            r.Add(V.DatabaseUrl, $"{V.DatabaseUrl} or {V.DatabaseUrlFallback} is required");
            return null;
        }

        if (Config.DatabaseUrl.TryParse(raw, out var url, out var error))
        {
            return url;
        }

        r.Add(name, $"{name} {error} (value not shown)");
        return null;
    }

    /// <summary>A private key variable (hex, with or without 0x); the problem, never the value, is reported.</summary>
    internal static EthKey? ReadKey(ConfigReader r, string name, bool required, string? what = null)
    {
        var raw = r.Raw(name);
        if (raw is null)
        {
            if (required)
            {
                r.Add(name, what is null ? $"{name} is required" : $"{name} is required ({what})");
            }

            return null;
        }

        if (EthKey.TryParse(raw, out var key, out var error))
        {
            return key;
        }

        r.Add(name, $"{name} {error} (value not shown)");
        return null;
    }

    /// <summary>
    /// host:port. An empty host (":8080", the reference bot's default form) and "localhost" mean 127.0.0.1:
    /// we bind loopback unless an address such as 0.0.0.0 is given explicitly.
    /// </summary>
    private static IPEndPoint ReadMetricsEndpoint(ConfigReader r)
    {
        var fallback = new IPEndPoint(IPAddress.Loopback, 8080);
        var raw = r.Raw(V.MetricsAddr);
        if (raw is null)
        {
            return fallback;
        }

        var colon = raw.LastIndexOf(':');
        if (colon >= 0
            && int.TryParse(raw[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port <= 65535)
        {
            var host = raw[..colon];
            if (host.StartsWith('[') && host.EndsWith(']'))
            {
                host = host[1..^1];
            }

            if (host.Length == 0 || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                return new IPEndPoint(IPAddress.Loopback, port);
            }

            if (IPAddress.TryParse(host, out var ip))
            {
                return new IPEndPoint(ip, port);
            }
        }

        r.Invalid(V.MetricsAddr, "host:port with an IP address or localhost as host (\":8080\" means 127.0.0.1:8080)");
        return fallback;
    }

    private static AnchorSettings ReadAnchor(ConfigReader r, AnchorSourceType type)
    {
        var url = Url(r, V.AnchorUrl, required: false);
        if (type == AnchorSourceType.Http && url is null && !r.HasFailed(V.AnchorUrl))
        {
            r.Add(V.AnchorUrl, $"{V.AnchorUrl} is required when {VariableCatalog.AnchorSourceType} is http");
        }

        var fixedPrice = r.Decimal(V.AnchorFixedPrice, 0m);
        var apr = r.Decimal(V.CarryRateApr, 0m);
        var maxAge = r.Int(V.AnchorOracleMaxAgeSeconds, 14400);
        var feed = r.Address(V.AnchorOracleFeedAddress, V.BaseNgnUsdFeed) ?? V.BaseNgnUsdFeed.ToLowerInvariant();
        switch (type)
        {
            case AnchorSourceType.Fixed:
                r.Check(fixedPrice > 0, V.AnchorFixedPrice, $"> 0 when {VariableCatalog.AnchorSourceType} is fixed", fixedPrice);
                break;
            case AnchorSourceType.OracleCarry:
                r.Check(apr >= 0, V.CarryRateApr, $">= 0 when {VariableCatalog.AnchorSourceType} is oracle_carry", apr);
                r.Check(maxAge > 0, V.AnchorOracleMaxAgeSeconds, $"> 0 when {VariableCatalog.AnchorSourceType} is oracle_carry", maxAge);
                break;
        }

        return new AnchorSettings(url, fixedPrice, apr, maxAge, feed);
    }

    private static ExternalAnchorSettings ReadExternal(ConfigReader r, bool enabled, string rpcUrl)
    {
        var provider = r.Choice(V.ExternalProvider, "0x", ["0x", "cngn-price-oracle"]) == "0x"
            ? ExternalAnchorProvider.ZeroEx
            : ExternalAnchorProvider.CngnPriceOracle;
        var baseUrl = Url(r, V.ExternalBaseUrl, required: false)?.TrimEnd('/');
        var sellToken = r.Address(V.ExternalSellToken);
        var buyToken = r.Address(V.ExternalBuyToken);
        var amount = r.Uint256(V.ExternalAmount, null);
        if (amount == "0")
        {
            r.Invalid(V.ExternalAmount, "> 0 (base units)");
        }

        var apiKey = r.Raw(V.ExternalApiKey) is { } key ? new Secret(key) : null;
        var ownRpc = Url(r, V.ExternalRpcUrl, required: false);
        var chainId = r.Long(V.ExternalChainId, 8453);
        var timeoutMs = r.Int(V.ExternalTimeoutMs, 1500);
        var feed = r.Address(V.ExternalFeedAddress, V.BaseNgnUsdFeed) ?? V.BaseNgnUsdFeed.ToLowerInvariant();

        if (enabled)
        {
            if (provider == ExternalAnchorProvider.ZeroEx)
            {
                foreach (var name in new[] { V.ExternalBaseUrl, V.ExternalSellToken, V.ExternalBuyToken, V.ExternalAmount })
                {
                    if (!r.IsSet(name))
                    {
                        r.Add(name, $"{name} is required when {V.ExternalProvider} is 0x");
                    }
                }
            }
            else if (!r.IsSet(V.ExternalRpcUrl) && !r.IsSet(V.RpcUrl))
            {
                r.Add(V.ExternalRpcUrl, $"{V.ExternalRpcUrl} or {V.RpcUrl} is required when {V.ExternalProvider} is cngn-price-oracle");
            }

            r.Check(chainId > 0, V.ExternalChainId, "> 0", chainId);
            r.Check(timeoutMs > 0, V.ExternalTimeoutMs, "> 0", timeoutMs);
        }

        return new ExternalAnchorSettings(
            provider,
            baseUrl,
            sellToken,
            buyToken,
            amount,
            apiKey,
            ownRpc ?? (rpcUrl.Length > 0 ? rpcUrl : null),
            chainId,
            TimeSpan.FromMilliseconds(Math.Max(timeoutMs, 1)),
            feed);
    }

    internal static TimeSpan PositiveMs(ConfigReader r, string name, int @default)
    {
        var ms = r.Int(name, @default);
        r.Check(ms > 0, name, "> 0", ms);
        return TimeSpan.FromMilliseconds(Math.Max(ms, 1));
    }
}
