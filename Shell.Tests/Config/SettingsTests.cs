using System.Net;
using MarketMaker.Core;
using MarketMaker.Core.Config;
using MarketMaker.Shell.Config;
using Microsoft.Extensions.Logging;
using Npgsql;
using V = MarketMaker.Shell.Config.ShellVariables;

namespace MarketMaker.Shell.Tests.Config;

public class SettingsTests
{
    private const string OwnerKeyHex = "2ae8be44db8a590d20bffbe3b6872df9b569147d3bf6801a35a28281a4816bbd";
    private const string OwnerAddress = "0x86042886b1063625d0b3ddcc9e4cbcf912b79e16";
    private const string SignerKeyHex = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string DbPassword = "s3cr3t-Pa55word";
    private const string ApiKey = "zeroex-api-key-0123456789";
    private const string RpcKey = "alchemy-key-abcdef";

    private static Dictionary<string, string> Minimal(params (string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [V.ApiBaseUrl] = "http://127.0.0.1:8081/",
            [V.RpcUrl] = "http://127.0.0.1:8545",
            [V.DatabaseUrl] = $"Host=127.0.0.1;Port=5432;Username=mm;Password={DbPassword};Database=markets",
            [V.OwnerPrivateKey] = "0x" + OwnerKeyHex,
            [VariableCatalog.SubaccountId] = "42",
        };
        foreach (var (name, value) in extra)
        {
            env[name] = value;
        }

        return env;
    }

    private static Settings Ok(Dictionary<string, string> env) =>
        Settings.Load(env).Match(
            s => s,
            errors => throw new Xunit.Sdk.XunitException("unexpected errors: " + string.Join(" | ", errors)));

    private static List<ConfigError> Errors(Dictionary<string, string> env) =>
        Settings.Load(env).Match(
            _ => throw new Xunit.Sdk.XunitException("expected errors, got settings"),
            errors => errors.ToList());

    [Fact]
    public void Minimal_environment_gives_every_default()
    {
        var s = Ok(Minimal());
        Assert.Equal("http://127.0.0.1:8081", s.ApiBaseUrl);
        Assert.Equal("http://127.0.0.1:8545", s.RpcUrl);
        Assert.Equal(8453, s.ChainId);
        Assert.Equal("../execution-contracts", s.MatchingRepoPath);
        Assert.Equal("../risk-core", s.RiskCoreRepoPath);
        Assert.Null(s.MatchingAddress);
        Assert.Null(s.TradeModuleAddress);
        Assert.Null(s.SubaccountsAddress);
        Assert.Equal(OwnerAddress, s.OwnerAddress);
        Assert.Equal(OwnerAddress, s.SignerAddress);
        Assert.Equal(OwnerAddress, s.Bot.OwnerAddress);
        Assert.Same(s.OwnerKey, s.SignerKey);
        Assert.Equal("42", s.SubaccountId);
        Assert.Equal("42", s.Bot.SubaccountId);
        Assert.Equal("42", s.RecipientId);
        Assert.Equal(0, s.WorstFee);
        Assert.Equal(3600, s.OrderExpirySeconds);
        Assert.Equal(".mm-bot-state.json", s.StateFile);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 8080), s.MetricsEndpoint);
        Assert.Equal(LogLevel.Information, s.LogLevel);
        Assert.Equal(LogFormat.Text, s.LogFormat);
        Assert.Equal("market-maker", s.ServiceName);
        Assert.Null(s.KillSwitchFile);
        Assert.Equal(0, s.SoakLogIntervalSeconds);
        Assert.Equal(new AnchorSettings(null, 0m, 0m, 14400, "0xdfbb5cbc88e382de007bfe6ce99c388176ed80ad"), s.Anchor);
        Assert.Equal(ExternalAnchorProvider.ZeroEx, s.ExternalAnchor.Provider);
        Assert.Null(s.ExternalAnchor.BaseUrl);
        Assert.Null(s.ExternalAnchor.ApiKey);
        Assert.Equal("http://127.0.0.1:8545", s.ExternalAnchor.RpcUrl);
        Assert.Equal(8453, s.ExternalAnchor.ChainId);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), s.ExternalAnchor.Timeout);
        Assert.Equal("0xdfbb5cbc88e382de007bfe6ce99c388176ed80ad", s.ExternalAnchor.FeedAddress);
        Assert.Null(s.RecordFile);
        Assert.Equal(256, s.RecordMaxMb);
        Assert.Equal(TimeSpan.FromSeconds(5), s.HttpTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), s.DbTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), s.RpcTimeout);
        Assert.Equal(100m, s.Bot.OrderSize);
    }

    [Fact]
    public void An_empty_environment_lists_every_required_variable()
    {
        var errors = Errors([]);
        Assert.Equal(
            new[]
            {
                "MM_API_BASE_URL is required",
                "MM_DATABASE_URL or DATABASE_URL is required",
                "MM_OWNER_PRIVATE_KEY is required",
                "MM_RPC_URL is required",
                "MM_SUBACCOUNT_ID is required",
            },
            errors.Select(e => e.Message).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string, Func<Settings, object?>, object?> ValidValues() => new()
    {
        { V.ApiBaseUrl, "https://markets.example.test/api//", s => s.ApiBaseUrl, "https://markets.example.test/api" },
        { V.RpcUrl, "https://rpc.example.test/v2/key", s => s.RpcUrl, "https://rpc.example.test/v2/key" },
        { V.ChainId, "84532", s => s.ChainId, 84532L },
        { V.MatchingRepoPath, "/srv/execution-contracts", s => s.MatchingRepoPath, "/srv/execution-contracts" },
        { V.RiskCoreRepoPath, "/srv/risk-core", s => s.RiskCoreRepoPath, "/srv/risk-core" },
        { V.MatchingAddress, "0xAAaAaaaAaaAAaaAAaaaaAaaaAaaAaAaaAAAAaaaA", s => s.MatchingAddress, "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
        { V.TradeModuleAddress, "0xBBbbBBBBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", s => s.TradeModuleAddress, "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
        { V.SubaccountsAddress, "0x7019244E25FA416e6Ca2ed2F3cA25277aef72843", s => s.SubaccountsAddress, "0x7019244e25fa416e6ca2ed2f3ca25277aef72843" },
        { V.RecipientId, "77", s => s.RecipientId, "77" },
        { V.WorstFee, "1000000000000000000", s => s.WorstFee.ToString(System.Globalization.CultureInfo.InvariantCulture), "1000000000000000000" },
        { V.OrderExpirySeconds, "600", s => s.OrderExpirySeconds, 600 },
        { V.OrderExpirySeconds, "0", s => s.OrderExpirySeconds, 3600 },
        { V.OrderExpirySeconds, "-5", s => s.OrderExpirySeconds, 3600 },
        { V.StateFile, "/var/lib/mm/state.json", s => s.StateFile, "/var/lib/mm/state.json" },
        { V.MetricsAddr, ":9090", s => s.MetricsEndpoint, new IPEndPoint(IPAddress.Loopback, 9090) },
        { V.MetricsAddr, "localhost:9091", s => s.MetricsEndpoint, new IPEndPoint(IPAddress.Loopback, 9091) },
        { V.MetricsAddr, "0.0.0.0:8080", s => s.MetricsEndpoint, new IPEndPoint(IPAddress.Any, 8080) },
        { V.MetricsAddr, "[::1]:8082", s => s.MetricsEndpoint, new IPEndPoint(IPAddress.IPv6Loopback, 8082) },
        { V.LogLevel, "warn", s => s.LogLevel, LogLevel.Warning },
        { V.LogLevel, "DEBUG", s => s.LogLevel, LogLevel.Debug },
        { V.LogLevel, "Error", s => s.LogLevel, LogLevel.Error },
        { V.LogFormat, "JSON", s => s.LogFormat, LogFormat.Json },
        { V.ServiceName, "mm-spot", s => s.ServiceName, "mm-spot" },
        { V.ServiceNameFallback, "railway-mm", s => s.ServiceName, "railway-mm" },
        { V.KillSwitchFile, "/tmp/kill", s => s.KillSwitchFile, "/tmp/kill" },
        { V.SoakLogIntervalSeconds, "60", s => s.SoakLogIntervalSeconds, 60 },
        { V.AnchorUrl, "http://127.0.0.1:8090/price", s => s.Anchor.Url, "http://127.0.0.1:8090/price" },
        { V.AnchorFixedPrice, "1500.25", s => s.Anchor.FixedPrice, 1500.25m },
        { V.CarryRateApr, "0.12", s => s.Anchor.CarryRateApr, 0.12m },
        { V.AnchorOracleMaxAgeSeconds, "3600", s => s.Anchor.OracleMaxAgeSeconds, 3600 },
        { V.AnchorOracleFeedAddress, "0x1111111111111111111111111111111111111111", s => s.Anchor.OracleFeedAddress, "0x1111111111111111111111111111111111111111" },
        { V.ExternalProvider, "cngn-price-oracle", s => s.ExternalAnchor.Provider, ExternalAnchorProvider.CngnPriceOracle },
        { V.ExternalBaseUrl, "https://api.0x.org/", s => s.ExternalAnchor.BaseUrl, "https://api.0x.org" },
        { V.ExternalSellToken, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", s => s.ExternalAnchor.SellToken, "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913" },
        { V.ExternalBuyToken, "0x46C85152bFe9f96829aA94755D9f915F9B10EF5F", s => s.ExternalAnchor.BuyToken, "0x46c85152bfe9f96829aa94755d9f915f9b10ef5f" },
        { V.ExternalAmount, "1000000", s => s.ExternalAnchor.Amount, "1000000" },
        { V.ExternalApiKey, ApiKey, s => s.ExternalAnchor.ApiKey?.Reveal(), ApiKey },
        { V.ExternalRpcUrl, "http://127.0.0.1:9545", s => s.ExternalAnchor.RpcUrl, "http://127.0.0.1:9545" },
        { V.ExternalChainId, "84532", s => s.ExternalAnchor.ChainId, 84532L },
        { V.ExternalTimeoutMs, "2500", s => s.ExternalAnchor.Timeout, TimeSpan.FromMilliseconds(2500) },
        { V.ExternalFeedAddress, "0x2222222222222222222222222222222222222222", s => s.ExternalAnchor.FeedAddress, "0x2222222222222222222222222222222222222222" },
        { V.RecordFile, "/tmp/session.jsonl", s => s.RecordFile, "/tmp/session.jsonl" },
        { V.RecordMaxMb, "10", s => s.RecordMaxMb, 10 },
        { V.HttpTimeoutMs, "1000", s => s.HttpTimeout, TimeSpan.FromSeconds(1) },
        { V.DbTimeoutMs, "2000", s => s.DbTimeout, TimeSpan.FromSeconds(2) },
        { V.RpcTimeoutMs, "3000", s => s.RpcTimeout, TimeSpan.FromSeconds(3) },
        { VariableCatalog.OwnerAddress, "0x00000000000000000000000000000000000000Ab", s => s.OwnerAddress, "0x00000000000000000000000000000000000000ab" },
        { VariableCatalog.SubaccountId, "0099", s => s.SubaccountId, "99" },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Each_shell_variable_parses_a_valid_value(string name, string value, Func<Settings, object?> get, object? expected) =>
        Assert.Equal(expected, get(Ok(Minimal((name, value)))));

    public static TheoryData<string, string, string> InvalidValues() => new()
    {
        { V.ApiBaseUrl, "ftp://x", "MM_API_BASE_URL must be an absolute http:// or https:// URL (value not shown)" },
        { V.RpcUrl, "localhost:8545", "MM_RPC_URL must be an absolute http:// or https:// URL (value not shown)" },
        { V.DatabaseUrl, "Bogus=1;Password=" + DbPassword, "MM_DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:port/db) or an Npgsql connection string (Host=...;Username=...) (value not shown)" },
        { V.ChainId, "base", "MM_CHAIN_ID must be an integer: got \"base\"" },
        { V.MatchingAddress, "0x123", "MM_MATCHING_ADDRESS must be an address (0x followed by 40 hex digits): got \"0x123\"" },
        { V.TradeModuleAddress, "trade", "MM_TRADE_MODULE_ADDRESS must be an address (0x followed by 40 hex digits): got \"trade\"" },
        { V.SubaccountsAddress, "0xZZ19244E25FA416e6Ca2ed2F3cA25277aef72843", "MM_SUBACCOUNTS_ADDRESS must be an address (0x followed by 40 hex digits): got \"0xZZ19244E25FA416e6Ca2ed2F3cA25277aef72843\"" },
        { V.OwnerPrivateKey, "0x" + OwnerKeyHex[..62], "MM_OWNER_PRIVATE_KEY must be 32 bytes of hex (64 hex digits, optional 0x) (value not shown)" },
        { V.SignerPrivateKey, new string('0', 64), "MM_SIGNER_PRIVATE_KEY is not a valid secp256k1 private key (must be between 1 and n-1) (value not shown)" },
        { V.SignerAddress, "0x1111111111111111111111111111111111111111", "MM_SIGNER_ADDRESS must be the address of the signer key (0x86042886b1063625d0b3ddcc9e4cbcf912b79e16) or unset: got \"0x1111111111111111111111111111111111111111\"" },
        { V.RecipientId, "12a", "MM_RECIPIENT_ID must be a non-negative decimal integer (uint256): got \"12a\"" },
        { V.WorstFee, "-1", "MM_WORST_FEE must be a non-negative decimal integer (uint256): got \"-1\"" },
        { V.OrderExpirySeconds, "1h", "MM_ORDER_EXPIRY_SECONDS must be an integer between -2147483648 and 2147483647: got \"1h\"" },
        { V.MetricsAddr, "metrics.internal:8080", "MM_METRICS_ADDR must be host:port with an IP address or localhost as host (\":8080\" means 127.0.0.1:8080): got \"metrics.internal:8080\"" },
        { V.LogLevel, "TRACE", "MM_LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR: got \"TRACE\"" },
        { V.LogFormat, "xml", "MM_LOG_FORMAT must be one of text, json: got \"xml\"" },
        { V.SoakLogIntervalSeconds, "-1", "MM_SOAK_LOG_INTERVAL_SECONDS must be >= 0: got \"-1\"" },
        { V.AnchorUrl, "not a url", "MM_ANCHOR_URL must be an absolute http:// or https:// URL (value not shown)" },
        { V.AnchorFixedPrice, "one", "MM_ANCHOR_FIXED_PRICE must be a decimal number (e.g. 12.5 or 1e-3): got \"one\"" },
        { V.CarryRateApr, "5%", "MM_CARRY_RATE_APR must be a decimal number (e.g. 12.5 or 1e-3): got \"5%\"" },
        { V.AnchorOracleMaxAgeSeconds, "4h", "MM_ANCHOR_ORACLE_MAX_AGE_SECONDS must be an integer between -2147483648 and 2147483647: got \"4h\"" },
        { V.AnchorOracleFeedAddress, "feed", "MM_ANCHOR_ORACLE_FEED_ADDRESS must be an address (0x followed by 40 hex digits): got \"feed\"" },
        { V.ExternalProvider, "er-api", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_PROVIDER must be one of 0x, cngn-price-oracle: got \"er-api\"" },
        { V.ExternalBaseUrl, "api.0x.org", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_BASE_URL must be an absolute http:// or https:// URL (value not shown)" },
        { V.ExternalSellToken, "USDC", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_SELL_TOKEN must be an address (0x followed by 40 hex digits): got \"USDC\"" },
        { V.ExternalBuyToken, "cNGN", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_BUY_TOKEN must be an address (0x followed by 40 hex digits): got \"cNGN\"" },
        { V.ExternalAmount, "0", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_AMOUNT must be > 0 (base units): got \"0\"" },
        { V.ExternalRpcUrl, "ws://127.0.0.1:1", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_RPC_URL must be an absolute http:// or https:// URL (value not shown)" },
        { V.ExternalChainId, "x", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_CHAIN_ID must be an integer: got \"x\"" },
        { V.ExternalTimeoutMs, "1.5", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_TIMEOUT_MS must be an integer between -2147483648 and 2147483647: got \"1.5\"" },
        { V.ExternalFeedAddress, "0x", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_FEED_ADDRESS must be an address (0x followed by 40 hex digits): got \"0x\"" },
        { V.RecordMaxMb, "0", "MM_RECORD_MAX_MB must be > 0: got \"0\"" },
        { V.HttpTimeoutMs, "0", "MM_HTTP_TIMEOUT_MS must be > 0: got \"0\"" },
        { V.DbTimeoutMs, "-1", "MM_DB_TIMEOUT_MS must be > 0: got \"-1\"" },
        { V.RpcTimeoutMs, "soon", "MM_RPC_TIMEOUT_MS must be an integer between -2147483648 and 2147483647: got \"soon\"" },
        { VariableCatalog.OrderSize, "0", "MM_ORDER_SIZE must be > 0: got \"0\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void Each_invalid_shell_value_gives_exactly_its_own_error(string name, string value, string message)
    {
        var error = Assert.Single(Errors(Minimal((name, value))));
        Assert.Equal(name, error.Variable);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Every_shell_variable_with_a_format_has_a_valid_and_an_invalid_case_tested()
    {
        var valid = ValidValues().Select(row => (string)row[0]).ToHashSet();
        var invalid = InvalidValues().Select(row => (string)row[0]).ToHashSet();
        string[] freeText = [V.StateFile, V.KillSwitchFile, V.RecordFile, V.ServiceName, V.ServiceNameFallback, V.MatchingRepoPath, V.RiskCoreRepoPath, V.ExternalApiKey, V.DatabaseUrlFallback];
        foreach (var variable in ShellVariables.All)
        {
            if (variable.Name is V.DatabaseUrl or V.OwnerPrivateKey or V.SignerPrivateKey or V.SignerAddress or V.DatabaseUrlFallback)
            {
                continue; // covered by dedicated tests below
            }

            Assert.Contains(variable.Name, valid);
            if (!freeText.Contains(variable.Name))
            {
                Assert.Contains(variable.Name, invalid);
            }
        }
    }

    [Fact]
    public void Problems_of_core_and_shell_variables_are_all_reported_together()
    {
        var env = Minimal(
            (VariableCatalog.OrderSize, "-1"),
            (VariableCatalog.MaxShortInventory, "5000"),
            (VariableCatalog.OperatorMode, "off"),
            (V.ChainId, "0"),
            (V.LogLevel, "verbose"),
            (V.MetricsAddr, "8080"),
            (V.OwnerPrivateKey, "nothex"),
            (V.HttpTimeoutMs, "0"));
        env.Remove(V.RpcUrl);
        env.Remove(VariableCatalog.SubaccountId);

        var errors = Errors(env);
        Assert.Equal(
            new[]
            {
                "MM_CHAIN_ID", "MM_HTTP_TIMEOUT_MS", "MM_LOG_LEVEL", "MM_MAX_SHORT_INVENTORY", "MM_METRICS_ADDR", "MM_OPERATOR_MODE",
                "MM_ORDER_SIZE", "MM_OWNER_PRIVATE_KEY", "MM_RPC_URL", "MM_SUBACCOUNT_ID",
            },
            errors.Select(e => e.Variable).Order(StringComparer.Ordinal));
        Assert.Equal(errors.Count, errors.Select(e => e.Message).Distinct().Count());
    }

    [Fact]
    public void Database_url_falls_back_to_DATABASE_URL_and_MM_DATABASE_URL_wins()
    {
        var env = Minimal();
        env.Remove(V.DatabaseUrl);
        env[V.DatabaseUrlFallback] = "postgres://fallback:pw@127.0.0.1:5433/fb";
        Assert.Equal("fallback", new NpgsqlConnectionStringBuilder(Ok(env).Database.ConnectionString).Username);

        env[V.DatabaseUrl] = "postgres://primary:pw@127.0.0.1:5434/pr";
        var builder = new NpgsqlConnectionStringBuilder(Ok(env).Database.ConnectionString);
        Assert.Equal("primary", builder.Username);
        Assert.Equal(5434, builder.Port);
    }

    [Fact]
    public void A_bad_fallback_database_url_is_reported_under_its_own_name()
    {
        var env = Minimal();
        env.Remove(V.DatabaseUrl);
        env[V.DatabaseUrlFallback] = "mysql://x";
        Assert.Equal(V.DatabaseUrlFallback, Assert.Single(Errors(env)).Variable);
    }

    [Fact]
    public void Postgres_urls_become_npgsql_connection_strings()
    {
        var s = Ok(Minimal((V.DatabaseUrl, "postgresql://mm%40ops:p%40ss%3Aword@db.internal:6543/railway?sslmode=require&application_name=mm")));
        var b = new NpgsqlConnectionStringBuilder(s.Database.ConnectionString);
        Assert.Equal("db.internal", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("mm@ops", b.Username);
        Assert.Equal("p@ss:word", b.Password);
        Assert.Equal("railway", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal("mm", b.ApplicationName);
        Assert.DoesNotContain("p@ss:word", s.Database.Redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss:word", s.Database.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_postgres_url_parameter_is_named_without_the_password()
    {
        var error = Assert.Single(Errors(Minimal((V.DatabaseUrl, $"postgres://u:{DbPassword}@127.0.0.1/db?target_session_attrs=any"))));
        Assert.Contains("target_session_attrs", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DbPassword, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0x" + OwnerKeyHex)]
    [InlineData(OwnerKeyHex)]
    [InlineData("0X" + OwnerKeyHex)]
    [InlineData("  0x2AE8BE44DB8A590D20BFFBE3B6872DF9B569147D3BF6801A35A28281A4816BBD  ")]
    public void Owner_key_with_or_without_0x_derives_the_same_address(string key)
    {
        var s = Ok(Minimal((V.OwnerPrivateKey, key)));
        Assert.Equal("0x86042886b1063625D0B3DDCC9e4cBcf912B79e16", s.OwnerAddress, ignoreCase: true);
        Assert.Equal(OwnerAddress, s.OwnerAddress);
        Assert.Equal(OwnerAddress, s.OwnerKey.Address);
    }

    [Fact]
    public void A_separate_signer_key_signs_and_the_owner_address_stays_the_owner_keys()
    {
        var s = Ok(Minimal((V.SignerPrivateKey, SignerKeyHex)));
        Assert.Equal(OwnerAddress, s.OwnerAddress);
        Assert.NotEqual(OwnerAddress, s.SignerAddress);
        Assert.Equal(s.SignerKey.Address, s.SignerAddress);
        Assert.Equal(s.SignerAddress, Ok(Minimal((V.SignerPrivateKey, SignerKeyHex), (V.SignerAddress, s.SignerAddress.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)))).SignerAddress);
    }

    [Fact]
    public void A_given_owner_address_overrides_the_derived_one_and_reaches_the_core_config()
    {
        var s = Ok(Minimal((VariableCatalog.OwnerAddress, "0xABCDEFabcdef0000000000000000000000000001")));
        Assert.Equal("0xabcdefabcdef0000000000000000000000000001", s.OwnerAddress);
        Assert.Equal(s.OwnerAddress, s.Bot.OwnerAddress);
        Assert.Equal(OwnerAddress, s.SignerAddress);
    }

    [Fact]
    public void Service_name_prefers_MM_SERVICE_NAME_over_RAILWAY_SERVICE_NAME()
    {
        Assert.Equal("mine", Ok(Minimal((V.ServiceName, "mine"), (V.ServiceNameFallback, "railway"))).ServiceName);
    }

    [Fact]
    public void Anchor_type_requirements_are_checked()
    {
        Assert.Equal(
            "MM_ANCHOR_URL is required when MM_ANCHOR_SOURCE_TYPE is http",
            Assert.Single(Errors(Minimal((VariableCatalog.MarketSymbol, "USDCcNGN-SEP16-2026"), (VariableCatalog.AnchorSourceType, "http")))).Message);
        Assert.Equal(
            "MM_ANCHOR_FIXED_PRICE must be > 0 when MM_ANCHOR_SOURCE_TYPE is fixed: got 0 (the default)",
            Assert.Single(Errors(Minimal((VariableCatalog.MarketSymbol, "USDCcNGN-SEP16-2026"), (VariableCatalog.AnchorSourceType, "fixed")))).Message);
        Assert.Equal(
            "MM_ANCHOR_ORACLE_MAX_AGE_SECONDS must be > 0 when MM_ANCHOR_SOURCE_TYPE is oracle_carry: got \"0\"",
            Assert.Single(Errors(Minimal((VariableCatalog.MarketSymbol, "USDCcNGN-SEP16-2026"), (VariableCatalog.AnchorSourceType, "oracle_carry"), (V.AnchorOracleMaxAgeSeconds, "0")))).Message);
        Assert.Equal(
            V.CarryRateApr,
            Assert.Single(Errors(Minimal((VariableCatalog.MarketSymbol, "USDCcNGN-SEP16-2026"), (VariableCatalog.AnchorSourceType, "oracle_carry"), (V.CarryRateApr, "-0.1")))).Variable);
        Assert.Equal(1234.5m, Ok(Minimal((VariableCatalog.MarketSymbol, "USDCcNGN-SEP16-2026"), (VariableCatalog.AnchorSourceType, "fixed"), (V.AnchorFixedPrice, "1234.5"))).Anchor.FixedPrice);

        // Outside their anchor type, the range rules do not apply.
        Assert.Equal(-1m, Ok(Minimal((V.AnchorFixedPrice, "-1"))).Anchor.FixedPrice);
    }

    [Fact]
    public void External_anchor_with_0x_needs_url_tokens_and_amount_only_when_enabled()
    {
        Assert.False(Ok(Minimal()).Bot.ExternalAnchor.Enabled);
        var errors = Errors(Minimal((VariableCatalog.ExternalAnchorEnabled, "true")));
        Assert.Equal(
            new[]
            {
                "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_AMOUNT is required when MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_PROVIDER is 0x",
                "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_BASE_URL is required when MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_PROVIDER is 0x",
                "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_BUY_TOKEN is required when MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_PROVIDER is 0x",
                "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_SELL_TOKEN is required when MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_PROVIDER is 0x",
            },
            errors.Select(e => e.Message).Order(StringComparer.Ordinal));

        var s = Ok(Minimal(
            (VariableCatalog.ExternalAnchorEnabled, "true"),
            (V.ExternalBaseUrl, "http://127.0.0.1:7000"),
            (V.ExternalSellToken, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
            (V.ExternalBuyToken, "0x46C85152bFe9f96829aA94755D9f915F9B10EF5F"),
            (V.ExternalAmount, "1000000"),
            (V.ExternalApiKey, ApiKey)));
        Assert.True(s.Bot.ExternalAnchor.Enabled);
        Assert.Equal(ApiKey, s.ExternalAnchor.ApiKey!.Reveal());
    }

    [Fact]
    public void External_anchor_timeout_and_chain_are_checked_when_enabled()
    {
        var errors = Errors(Minimal(
            (VariableCatalog.ExternalAnchorEnabled, "true"),
            (V.ExternalProvider, "cngn-price-oracle"),
            (V.ExternalTimeoutMs, "0"),
            (V.ExternalChainId, "-1")));
        Assert.Equal(
            new[] { V.ExternalChainId, V.ExternalTimeoutMs },
            errors.Select(e => e.Variable).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Oracle_provider_uses_MM_RPC_URL_unless_its_own_is_given()
    {
        var s = Ok(Minimal((VariableCatalog.ExternalAnchorEnabled, "true"), (V.ExternalProvider, "cngn-price-oracle")));
        Assert.Equal(ExternalAnchorProvider.CngnPriceOracle, s.ExternalAnchor.Provider);
        Assert.Equal("http://127.0.0.1:8545", s.ExternalAnchor.RpcUrl);
        var own = Ok(Minimal((VariableCatalog.ExternalAnchorEnabled, "true"), (V.ExternalProvider, "cngn-price-oracle"), (V.ExternalRpcUrl, "http://127.0.0.1:9000")));
        Assert.Equal("http://127.0.0.1:9000", own.ExternalAnchor.RpcUrl);
    }

    [Fact]
    public void External_anchor_for_a_futures_market_is_refused()
    {
        var error = Assert.Single(Errors(Minimal(
            (VariableCatalog.ExternalAnchorEnabled, "true"),
            (VariableCatalog.MarketSymbol, "USDCcNGN-APR30-2026"),
            (V.ExternalProvider, "cngn-price-oracle"))));
        Assert.Equal(VariableCatalog.ExternalAnchorEnabled, error.Variable);
    }

    [Fact]
    public void No_message_describe_or_tostring_contains_a_secret()
    {
        var rpc = $"https://base-mainnet.example.test/v2/{RpcKey}";
        var env = Minimal(
            (V.SignerPrivateKey, "0x" + SignerKeyHex),
            (V.DatabaseUrl, $"postgres://mm:{DbPassword}@127.0.0.1:5432/markets"),
            (V.RpcUrl, rpc),
            (V.ExternalApiKey, ApiKey),
            (VariableCatalog.ExternalAnchorEnabled, "true"),
            (V.ExternalBaseUrl, $"https://user:{DbPassword}@api.0x.test/?key={ApiKey}"),
            (V.ExternalSellToken, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
            (V.ExternalBuyToken, "0x46C85152bFe9f96829aA94755D9f915F9B10EF5F"),
            (V.ExternalAmount, "1000000"));
        var s = Ok(env);
        var texts = new List<string>(s.Describe()) { s.ToString(), s.ExternalAnchor.ToString(), s.Anchor.ToString(), s.OwnerKey.ToString() };
        AssertNoSecret(texts);
        Assert.Contains(s.Describe(), line => line.StartsWith("MM_OWNER_PRIVATE_KEY = [redacted]", StringComparison.Ordinal));
        Assert.Contains(s.Describe(), line => line.StartsWith("MM_DATABASE_URL = ", StringComparison.Ordinal) && line.Contains("***", StringComparison.Ordinal));

        // Now break every secret-bearing variable and check the messages.
        var broken = new Dictionary<string, string>(env)
        {
            [V.OwnerPrivateKey] = OwnerKeyHex + "00",
            [V.SignerPrivateKey] = "zz" + SignerKeyHex[2..],
            [V.DatabaseUrl] = $"Password={DbPassword};Nonsense=1",
            [V.RpcUrl] = $"rpc://{RpcKey}",
            [V.ExternalBaseUrl] = $"{ApiKey}",
            [V.ExternalProvider] = "bogus",
        };
        var errors = Errors(broken);
        Assert.Equal(6, errors.Count);
        AssertNoSecret(errors.Select(e => e.Message));
    }

    [Fact]
    public void Refresh_before_expiry_defaults_to_30_s_or_a_quarter_of_a_shorter_expiry_and_must_be_below_the_expiry()
    {
        Assert.Equal(30, Ok(Minimal()).Bot.OrderRefreshBeforeExpirySeconds);
        var shortExpiry = Minimal();
        shortExpiry[V.OrderExpirySeconds] = "30";
        Assert.Equal(7, Ok(shortExpiry).Bot.OrderRefreshBeforeExpirySeconds);
        var tooLong = Minimal();
        tooLong[V.OrderExpirySeconds] = "120";
        tooLong[VariableCatalog.OrderRefreshBeforeExpirySeconds] = "120";
        var error = Assert.Single(Errors(tooLong));
        Assert.Equal("MM_ORDER_REFRESH_BEFORE_EXPIRY_SECONDS must be < MM_ORDER_EXPIRY_SECONDS (120): got \"120\"", error.Message);
        tooLong[VariableCatalog.OrderRefreshBeforeExpirySeconds] = "90";
        Assert.Equal(90, Ok(tooLong).Bot.OrderRefreshBeforeExpirySeconds);
    }

    [Fact]
    public void Describe_covers_every_variable_once()
    {
        var lines = Ok(Minimal()).Describe();
        var names = lines.Select(l => l[..l.IndexOf(" = ", StringComparison.Ordinal)]).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        var expected = ShellVariables.All.Select(v => v.Name)
            .Concat(VariableCatalog.All.Select(v => v.Name))
            .Except([V.DatabaseUrlFallback, V.ServiceNameFallback, V.SignerAddress])
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, names.Except([V.SignerAddress]).Order(StringComparer.Ordinal));
    }

    private static void AssertNoSecret(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            Assert.DoesNotContain(OwnerKeyHex, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(SignerKeyHex, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(SignerKeyHex[2..], text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(DbPassword, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(RpcKey, text, StringComparison.Ordinal);
        }
    }
}
