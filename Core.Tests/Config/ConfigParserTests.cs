using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Core.Config;
using static MarketMaker.Core.Config.VariableCatalog;

namespace MarketMaker.Core.Tests.Config;

public class ConfigParserTests
{
    private const string Address = "0x86042886b1063625D0B3DDCC9e4cBcf912B79e16";

    private static Dictionary<string, string> Env(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private static BotConfig Ok(Dictionary<string, string> env) =>
        ConfigParser.Parse(env).Match(
            c => c,
            errors => throw new Xunit.Sdk.XunitException("unexpected errors: " + string.Join(" | ", errors)));

    private static List<ConfigError> Errors(Dictionary<string, string> env) =>
        ConfigParser.Parse(env).Match(
            c => throw new Xunit.Sdk.XunitException("expected errors, got a config"),
            errors => errors.ToList());

    [Fact]
    public void An_empty_environment_gives_every_default()
    {
        var config = Ok(Env());
        Assert.Equal(ConfigParser.ToVariables(new BotConfig()), ConfigParser.ToVariables(config));
        Assert.Equal("USDCcNGN-SPOT", config.MarketSymbol);
        Assert.Equal(2000, config.PollIntervalMs);
        Assert.Equal(5000, config.QuoteRefreshIntervalMs);
        Assert.Equal(100m, config.OrderSize);
        Assert.Equal(25m, config.HalfSpreadBps);
        Assert.Equal(15m, config.InventorySkewBps);
        Assert.Equal(1000m, config.MaxLongInventory);
        Assert.Equal(-1000m, config.MaxShortInventory);
        Assert.Equal(30, config.MaxCancelsPerMinute);
        Assert.Equal(5m, config.CancelStaleOrderThresholdBps);
        Assert.Equal(0.000001m, config.AdoptSizeTolerance);
        Assert.Equal(OperatorMode.Normal, config.OperatorMode);
        Assert.Equal(AnchorSourceType.None, config.AnchorSourceType);
        Assert.Equal(1, config.QuoteLevels);
        Assert.Equal(1m, config.LevelSizeMult);
        Assert.False(config.DryRun);
        Assert.Equal(new[] { "validation:", "test:" }, config.ProtectedOrderIdPrefixes.ToArray());
        Assert.False(config.ExternalAnchor.Enabled);
        Assert.True(config.ExternalAnchor.BootstrapOnly);
        Assert.Equal(30, config.ExternalAnchor.MaxAgeSeconds);
        Assert.Equal(500m, config.ExternalAnchor.MaxDeviationBps);
        Assert.Equal(2.0m, config.ExternalAnchor.SpreadMultiplier);
        Assert.Equal(0.5m, config.ExternalAnchor.SizeMultiplier);
        Assert.Equal("", config.OwnerAddress);
        Assert.Equal("", config.SubaccountId);
    }

    [Fact]
    public void Blank_values_mean_the_default_and_values_are_trimmed()
    {
        var config = Ok(Env((OrderSize, "   "), (HalfSpreadBps, " 40 "), (VariableCatalog.OperatorMode, "\tpause\n"), (QuoteLevels, "")));
        Assert.Equal(100m, config.OrderSize);
        Assert.Equal(40m, config.HalfSpreadBps);
        Assert.Equal(Core.OperatorMode.Pause, config.OperatorMode);
        Assert.Equal(1, config.QuoteLevels);
    }

    public static TheoryData<string, string, Func<BotConfig, object>, object> ValidValues() => new()
    {
        { MarketSymbol, "USDCcNGN-APR30-2026", c => c.MarketSymbol, "USDCcNGN-APR30-2026" },
        { OwnerAddress, Address, c => c.OwnerAddress, Address.ToLowerInvariant() },
        { SubaccountId, "00042", c => c.SubaccountId, "42" },
        { PollIntervalMs, "750", c => c.PollIntervalMs, 750 },
        { QuoteRefreshIntervalMs, "0", c => c.QuoteRefreshIntervalMs, 0 },
        { OrderSize, "12.345678", c => c.OrderSize, 12.345678m },
        { HalfSpreadBps, "0.1", c => c.HalfSpreadBps, 0.1m },
        { InventorySkewBps, "1e1", c => c.InventorySkewBps, 10m },
        { MaxLongInventory, "5000.5", c => c.MaxLongInventory, 5000.5m },
        { MaxShortInventory, "-250", c => c.MaxShortInventory, -250m },
        { MaxNotionalPerSide, "1000000", c => c.MaxNotionalPerSide, 1000000m },
        { MaxNetInventory, "300", c => c.MaxNetInventory, 300m },
        { MaxQuoteAgeSeconds, "120", c => c.MaxQuoteAgeSeconds, 120 },
        { MaxAnchorDeviationBps, "150.25", c => c.MaxAnchorDeviationBps, 150.25m },
        { StaleMarketDataTimeoutSeconds, "30", c => c.StaleMarketDataTimeoutSeconds, 30 },
        { StaleBalanceTimeoutSeconds, "31", c => c.StaleBalanceTimeoutSeconds, 31 },
        { StaleAnchorTimeoutSeconds, "+32", c => c.StaleAnchorTimeoutSeconds, 32 },
        { MinQuoteLifetimeSeconds, "10", c => c.MinQuoteLifetimeSeconds, 10 },
        { MinPriceMoveBeforeReplaceBps, "2.5", c => c.MinPriceMoveBeforeReplaceBps, 2.5m },
        { MaxCancelsPerMinute, "0", c => c.MaxCancelsPerMinute, 0 },
        { MinBaseBalance, "1.5", c => c.MinBaseBalance, 1.5m },
        { MinQuoteBalance, "2000", c => c.MinQuoteBalance, 2000m },
        { CancelStaleOrderThresholdBps, "7.5", c => c.CancelStaleOrderThresholdBps, 7.5m },
        { AdoptSizeTolerance, "0.01", c => c.AdoptSizeTolerance, 0.01m },
        { VariableCatalog.OperatorMode, "Bid-Only", c => c.OperatorMode, Core.OperatorMode.BidOnly },
        { VariableCatalog.AnchorSourceType, "none", c => c.AnchorSourceType, Core.AnchorSourceType.None },
        { MaxBookDeviationBps, "500", c => c.MaxBookDeviationBps, 500m },
        { MinReferenceOrderSize, "2.5", c => c.EffectiveMinReferenceOrderSize(), 2.5m },
        { QuoteLevels, "1", c => c.QuoteLevels, 1 },
        { LevelSpreadStepBps, "3", c => c.LevelSpreadStepBps, 3m },
        { LevelSizeMult, "0.5", c => c.LevelSizeMult, 0.5m },
        { DryRun, "T", c => c.DryRun, true },
        { ReadinessMissingQuoteTimeoutSeconds, "90", c => c.ReadinessMissingQuoteTimeoutSeconds, 90 },
        { TargetBaseInventory, "2500.5", c => c.TargetBaseInventory!, 2500.5m },
        { OrderRefreshBeforeExpirySeconds, "0", c => c.OrderRefreshBeforeExpirySeconds, 0 },
        { ProtectedOrderIdPrefixes, " keep:, ,manual: ", c => string.Join("|", c.ProtectedOrderIdPrefixes), "keep:|manual:" },
        { ExternalAnchorEnabled, "1", c => c.ExternalAnchor.Enabled, true },
        { ExternalAnchorBootstrapOnly, "false", c => c.ExternalAnchor.BootstrapOnly, false },
        { ExternalAnchorMaxAgeSeconds, "45", c => c.ExternalAnchor.MaxAgeSeconds, 45 },
        { ExternalAnchorMaxDeviationBps, "0", c => c.ExternalAnchor.MaxDeviationBps, 0m },
        { ExternalAnchorSpreadMultiplier, "1", c => c.ExternalAnchor.SpreadMultiplier, 1m },
        { ExternalAnchorSizeMultiplier, "1", c => c.ExternalAnchor.SizeMultiplier, 1m },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Each_variable_parses_a_valid_value(string name, string value, Func<BotConfig, object> get, object expected)
    {
        var config = Ok(Env((name, value)));
        Assert.Equal(expected, get(config));
    }

    public static TheoryData<string, string, string> InvalidValues() => new()
    {
        { MarketSymbol, "mm:SPOT", "MM_MARKET_SYMBOL must be a market symbol without ':' or whitespace: got \"mm:SPOT\"" },
        { OwnerAddress, "0x1234", "MM_OWNER_ADDRESS must be an address (0x followed by 40 hex digits): got \"0x1234\"" },
        { SubaccountId, "-5", "MM_SUBACCOUNT_ID must be a non-negative decimal integer (uint256): got \"-5\"" },
        { PollIntervalMs, "0", "MM_POLL_INTERVAL_MS must be > 0: got \"0\"" },
        { QuoteRefreshIntervalMs, "fast", "MM_QUOTE_REFRESH_INTERVAL_MS must be an integer between -2147483648 and 2147483647: got \"fast\"" },
        { OrderSize, "0", "MM_ORDER_SIZE must be > 0: got \"0\"" },
        { HalfSpreadBps, "-1", "MM_HALF_SPREAD_BPS must be >= 0: got \"-1\"" },
        { InventorySkewBps, "1,5", "MM_INVENTORY_SKEW_BPS must be a decimal number (e.g. 12.5 or 1e-3): got \"1,5\"" },
        { MaxLongInventory, "NaN", "MM_MAX_LONG_INVENTORY must be a decimal number (e.g. 12.5 or 1e-3): got \"NaN\"" },
        { MaxShortInventory, "2000", "MM_MAX_SHORT_INVENTORY must be <= MM_MAX_LONG_INVENTORY (1000): got \"2000\"" },
        { MaxNotionalPerSide, "-0.01", "MM_MAX_NOTIONAL_PER_SIDE must be >= 0: got \"-0.01\"" },
        { MaxNetInventory, "-3", "MM_MAX_NET_INVENTORY must be >= 0: got \"-3\"" },
        { MaxQuoteAgeSeconds, "1.5", "MM_MAX_QUOTE_AGE_SECONDS must be an integer between -2147483648 and 2147483647: got \"1.5\"" },
        { MaxAnchorDeviationBps, "-5", "MM_MAX_ANCHOR_DEVIATION_BPS must be >= 0: got \"-5\"" },
        { StaleMarketDataTimeoutSeconds, "-1", "MM_STALE_MARKET_DATA_TIMEOUT_SECONDS must be >= 0: got \"-1\"" },
        { StaleBalanceTimeoutSeconds, "99999999999", "MM_STALE_BALANCE_TIMEOUT_SECONDS must be an integer between -2147483648 and 2147483647: got \"99999999999\"" },
        { StaleAnchorTimeoutSeconds, "-2", "MM_STALE_ANCHOR_TIMEOUT_SECONDS must be >= 0: got \"-2\"" },
        { MinQuoteLifetimeSeconds, "-1", "MM_MIN_QUOTE_LIFETIME_SECONDS must be >= 0: got \"-1\"" },
        { MinPriceMoveBeforeReplaceBps, "-0.5", "MM_MIN_PRICE_MOVE_BEFORE_REPLACE_BPS must be >= 0: got \"-0.5\"" },
        { MaxCancelsPerMinute, "-1", "MM_MAX_CANCELS_PER_MINUTE must be >= 0: got \"-1\"" },
        { MinBaseBalance, "-1", "MM_MIN_BASE_BALANCE must be >= 0: got \"-1\"" },
        { MinQuoteBalance, "lots", "MM_MIN_QUOTE_BALANCE must be a decimal number (e.g. 12.5 or 1e-3): got \"lots\"" },
        { CancelStaleOrderThresholdBps, "-5", "MM_CANCEL_STALE_ORDER_THRESHOLD_BPS must be >= 0: got \"-5\"" },
        { AdoptSizeTolerance, "-0.1", "MM_ADOPT_SIZE_TOLERANCE must be >= 0: got \"-0.1\"" },
        { VariableCatalog.OperatorMode, "stop", "MM_OPERATOR_MODE must be one of normal, pause, bid-only, ask-only, dry-run-health: got \"stop\"" },
        { VariableCatalog.AnchorSourceType, "chainlink", "MM_ANCHOR_SOURCE_TYPE must be one of none, fixed, http, oracle_carry: got \"chainlink\"" },
        { QuoteLevels, "0", "MM_QUOTE_LEVELS must be >= 1: got \"0\"" },
        { MaxBookDeviationBps, "-1", "MM_MAX_BOOK_DEVIATION_BPS must be >= 0: got \"-1\"" },
        { MinReferenceOrderSize, "-0.5", "MM_MIN_REFERENCE_ORDER_SIZE must be >= 0: got \"-0.5\"" },
        { LevelSpreadStepBps, "-1", "MM_LEVEL_SPREAD_STEP_BPS must be >= 0: got \"-1\"" },
        { LevelSizeMult, "0", "MM_LEVEL_SIZE_MULT must be > 0: got \"0\"" },
        { DryRun, "yes", "MM_DRY_RUN must be a bool (1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False): got \"yes\"" },
        { ReadinessMissingQuoteTimeoutSeconds, "-9", "MM_READINESS_MISSING_QUOTE_TIMEOUT_SECONDS must be >= 0: got \"-9\"" },
        { TargetBaseInventory, "-1", "MM_TARGET_BASE_INVENTORY must be >= 0: got \"-1\"" },
        { OrderRefreshBeforeExpirySeconds, "-30", "MM_ORDER_REFRESH_BEFORE_EXPIRY_SECONDS must be >= 0: got \"-30\"" },
        { ProtectedOrderIdPrefixes, "test:,mm:", "MM_PROTECTED_ORDER_ID_PREFIXES must be a list of prefixes that do not match the bot's own order ids (mm:<market>:...), but \"mm:\" does: got \"test:,mm:\"" },
        { ExternalAnchorEnabled, "on", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_ENABLED must be a bool (1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False): got \"on\"" },
        { ExternalAnchorBootstrapOnly, "TRue", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_BOOTSTRAP_ONLY must be a bool (1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False): got \"TRue\"" },
        { ExternalAnchorMaxAgeSeconds, "30s", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_MAX_AGE_SECONDS must be an integer between -2147483648 and 2147483647: got \"30s\"" },
        { ExternalAnchorMaxDeviationBps, "5%", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_MAX_DEVIATION_BPS must be a decimal number (e.g. 12.5 or 1e-3): got \"5%\"" },
        { ExternalAnchorSpreadMultiplier, "x2", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_SPREAD_MULTIPLIER must be a decimal number (e.g. 12.5 or 1e-3): got \"x2\"" },
        { ExternalAnchorSizeMultiplier, "half", "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_SIZE_MULTIPLIER must be a decimal number (e.g. 12.5 or 1e-3): got \"half\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void Each_invalid_value_gives_exactly_its_own_error(string name, string value, string message)
    {
        var errors = Errors(Env((name, value)));
        var error = Assert.Single(errors);
        Assert.Equal(name, error.Variable);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Every_catalog_variable_has_a_valid_and_an_invalid_case_tested()
    {
        var valid = ValidValues().Select(row => (string)row[0]).ToHashSet();
        var invalid = InvalidValues().Select(row => (string)row[0]).ToHashSet();
        foreach (var variable in VariableCatalog.All)
        {
            Assert.Contains(variable.Name, valid);
            Assert.Contains(variable.Name, invalid);
        }
    }

    [Fact]
    public void Every_problem_is_reported_at_once_one_line_each()
    {
        var errors = Errors(Env(
            (OrderSize, "-1"),
            (MaxLongInventory, "10"),
            (MaxShortInventory, "20"),
            (CancelStaleOrderThresholdBps, "-1"),
            (MaxCancelsPerMinute, "many"),
            (VariableCatalog.OperatorMode, "panic"),
            (VariableCatalog.AnchorSourceType, "oracle"),
            (QuoteLevels, "3"),
            (LevelSizeMult, "-2"),
            (PollIntervalMs, "-100"),
            (DryRun, "maybe")));

        var expected = new[]
        {
            "MM_ORDER_SIZE must be > 0: got \"-1\"",
            "MM_MAX_SHORT_INVENTORY must be <= MM_MAX_LONG_INVENTORY (10): got \"20\"",
            "MM_CANCEL_STALE_ORDER_THRESHOLD_BPS must be >= 0: got \"-1\"",
            "MM_MAX_CANCELS_PER_MINUTE must be an integer between -2147483648 and 2147483647: got \"many\"",
            "MM_OPERATOR_MODE must be one of normal, pause, bid-only, ask-only, dry-run-health: got \"panic\"",
            "MM_ANCHOR_SOURCE_TYPE must be one of none, fixed, http, oracle_carry: got \"oracle\"",
            "MM_LEVEL_SPREAD_STEP_BPS must be > 0 when MM_QUOTE_LEVELS > 1 (it is 3): got 0 (the default)",
            "MM_LEVEL_SIZE_MULT must be > 0: got \"-2\"",
            "MM_POLL_INTERVAL_MS must be > 0: got \"-100\"",
            "MM_DRY_RUN must be a bool (1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False): got \"maybe\"",
        };
        Assert.Equal(expected.Order(StringComparer.Ordinal), errors.Select(e => e.Message).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("TRUE", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("FALSE", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void Bools_accept_exactly_the_Go_ParseBool_words(string text, bool expected) =>
        Assert.Equal(expected, Ok(Env((DryRun, text))).DryRun);

    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("on")]
    [InlineData("tRUE")]
    [InlineData("2")]
    public void Bools_reject_words_Go_does_not_accept(string text) =>
        Assert.Equal(DryRun, Assert.Single(Errors(Env((DryRun, text)))).Variable);

    [Fact]
    public void Decimals_are_exact_not_binary_floating_point()
    {
        var config = Ok(Env((OrderSize, "0.1"), (HalfSpreadBps, "0.30000000000000001"), (MinBaseBalance, "1E-7")));
        Assert.Equal(0.1m, config.OrderSize);
        Assert.Equal(0.30000000000000001m, config.HalfSpreadBps);
        Assert.Equal(0.0000001m, config.MinBaseBalance);
    }

    [Fact]
    public void Operator_mode_is_lower_cased()
    {
        Assert.Equal(Core.OperatorMode.DryRunHealth, Ok(Env((VariableCatalog.OperatorMode, "DRY-RUN-HEALTH"))).OperatorMode);
        Assert.Equal(Core.OperatorMode.AskOnly, Ok(Env((VariableCatalog.OperatorMode, "Ask-Only"))).OperatorMode);
    }

    [Fact]
    public void A_ladder_needs_a_positive_level_step()
    {
        Assert.Equal(LevelSpreadStepBps, Assert.Single(Errors(Env((QuoteLevels, "2"), (LevelSpreadStepBps, "0")))).Variable);
        var config = Ok(Env((QuoteLevels, "2"), (LevelSpreadStepBps, "2.5")));
        Assert.Equal(2, config.QuoteLevels);
        Assert.Equal(2.5m, config.LevelSpreadStepBps);
    }

    [Fact]
    public void Short_limit_equal_to_long_limit_is_allowed_and_a_bad_long_limit_is_reported_once()
    {
        Assert.Equal(5m, Ok(Env((MaxLongInventory, "5"), (MaxShortInventory, "5"))).MaxShortInventory);
        var errors = Errors(Env((MaxLongInventory, "big"), (MaxShortInventory, "5000")));
        Assert.Equal(MaxLongInventory, Assert.Single(errors).Variable);
    }

    [Fact]
    public void Short_limit_default_above_a_lowered_long_limit_is_reported_with_the_default_value()
    {
        var error = Assert.Single(Errors(Env((MaxLongInventory, "-2000"))));
        Assert.Equal("MM_MAX_SHORT_INVENTORY must be <= MM_MAX_LONG_INVENTORY (-2000): got -1000 (the default)", error.Message);
    }

    [Fact]
    public void External_anchor_ranges_are_checked_even_while_the_anchor_is_disabled()
    {
        var disabled = Env(
            (ExternalAnchorMaxAgeSeconds, "0"),
            (ExternalAnchorMaxDeviationBps, "-1"),
            (ExternalAnchorSpreadMultiplier, "0.5"),
            (ExternalAnchorSizeMultiplier, "2"));
        var expected = new[]
        {
            "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_MAX_AGE_SECONDS must be > 0: got \"0\"",
            "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_MAX_DEVIATION_BPS must be >= 0: got \"-1\"",
            "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_SPREAD_MULTIPLIER must be >= 1: got \"0.5\"",
            "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_SIZE_MULTIPLIER must be > 0 and <= 1: got \"2\"",
        };
        Assert.Equal(expected, Errors(disabled).Select(e => e.Message));

        var enabled = new Dictionary<string, string>(disabled) { [ExternalAnchorEnabled] = "true" };
        Assert.Equal(expected, Errors(enabled).Select(e => e.Message));
    }

    [Theory]
    [InlineData("10000")]
    [InlineData("25000")]
    public void A_half_spread_of_100_percent_or_more_is_refused(string value) =>
        Assert.Equal(
            $"MM_HALF_SPREAD_BPS must be < 10000 (a half spread of 100 % or more leaves no positive bid): got \"{value}\"",
            Assert.Single(Errors(Env((HalfSpreadBps, value)))).Message);

    [Theory]
    [InlineData("fixed")]
    [InlineData("http")]
    [InlineData("oracle_carry")]
    public void The_general_anchor_is_refused_on_spot_and_accepted_on_a_future(string type)
    {
        Assert.Equal(
            $"MM_ANCHOR_SOURCE_TYPE must be none on USDCcNGN-SPOT (the general anchor is not used there; see MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_ENABLED): got \"{type}\"",
            Assert.Single(Errors(Env((VariableCatalog.AnchorSourceType, type)))).Message);
        var future = Ok(Env((VariableCatalog.AnchorSourceType, type), (MarketSymbol, "USDCcNGN-SEP16-2026")));
        Assert.NotEqual(Core.AnchorSourceType.None, future.AnchorSourceType);
    }

    [Fact]
    public void The_minimum_reference_order_size_defaults_to_a_hundredth_of_the_order_size()
    {
        Assert.Equal(1m, Ok(Env()).EffectiveMinReferenceOrderSize());
        Assert.Equal(2.5m, Ok(Env((OrderSize, "250"))).EffectiveMinReferenceOrderSize());
        Assert.Equal(0m, Ok(Env((OrderSize, "250"), (MinReferenceOrderSize, "0"))).EffectiveMinReferenceOrderSize());
        Assert.Equal(2000m, Ok(Env()).MaxBookDeviationBps);
    }

    [Theory]
    [InlineData("MM_HALF_SPRED_BPS", "MM_HALF_SPREAD_BPS")]
    [InlineData("MM_ORDER_SIZ", "MM_ORDER_SIZE")]
    [InlineData("MM_MAX_BOOK_DEVIATION", "MM_MAX_BOOK_DEVIATION_BPS")]
    public void A_misspelt_name_has_a_closest_known_name(string misspelt, string closest) =>
        Assert.Equal(closest, VariableCatalog.Closest(misspelt, VariableCatalog.All.Select(v => v.Name)));

    [Fact]
    public void A_name_unlike_any_known_one_has_no_suggestion() =>
        Assert.Null(VariableCatalog.Closest("MM_SOMETHING_ELSE_ENTIRELY_DIFFERENT_X", VariableCatalog.All.Select(v => v.Name)));

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    [InlineData("1.0001")]
    public void External_size_multiplier_must_be_in_zero_to_one(string value) =>
        Assert.Equal(
            ExternalAnchorSizeMultiplier,
            Assert.Single(Errors(Env((ExternalAnchorEnabled, "true"), (ExternalAnchorSizeMultiplier, value)))).Variable);

    [Fact]
    public void External_anchor_is_only_for_the_spot_market()
    {
        var error = Assert.Single(Errors(Env((ExternalAnchorEnabled, "true"), (MarketSymbol, "USDCcNGN-APR30-2026"))));
        Assert.Equal(
            "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_ENABLED may be true only when MM_MARKET_SYMBOL is USDCcNGN-SPOT: got MM_MARKET_SYMBOL \"USDCcNGN-APR30-2026\"",
            error.Message);
        Assert.True(Ok(Env((ExternalAnchorEnabled, "true"))).ExternalAnchor.Enabled);
    }

    [Fact]
    public void An_all_empty_prefix_list_falls_back_to_the_default()
    {
        Assert.Equal(new[] { "validation:", "test:" }, Ok(Env((ProtectedOrderIdPrefixes, " , ,"))).ProtectedOrderIdPrefixes.ToArray());
    }

    [Fact]
    public void Unknown_variables_in_the_environment_are_ignored()
    {
        Assert.Equal(100m, Ok(Env(("PATH", "/bin"), ("MM_API_BASE_URL", "http://127.0.0.1:1"))).OrderSize);
    }

    [Fact]
    public void Overrides_change_only_the_named_variables()
    {
        var recorded = new BotConfig { HalfSpreadBps = 30m, OrderSize = 7m, QuoteLevels = 2, LevelSpreadStepBps = 4m, OwnerAddress = "0xabc0000000000000000000000000000000000001", SubaccountId = "12" };
        var changed = ConfigParser.ApplyOverrides(recorded, Env((HalfSpreadBps, "40"), (VariableCatalog.OperatorMode, "bid-only")))
            .Match(c => c, e => throw new Xunit.Sdk.XunitException(string.Join(" | ", e)));

        Assert.Equal(40m, changed.HalfSpreadBps);
        Assert.Equal(Core.OperatorMode.BidOnly, changed.OperatorMode);
        var expected = ConfigParser.ToVariables(recorded with { HalfSpreadBps = 40m, OperatorMode = Core.OperatorMode.BidOnly });
        Assert.Equal(expected, ConfigParser.ToVariables(changed));
    }

    [Fact]
    public void Overrides_go_through_the_same_validation()
    {
        var errors = ConfigParser.ApplyOverrides(new BotConfig(), Env((OrderSize, "0"), (QuoteLevels, "0")))
            .Match(_ => [], e => e.Select(x => x.Variable).Order(StringComparer.Ordinal).ToList());
        Assert.Equal([OrderSize, QuoteLevels], errors);
    }

    [Fact]
    public void Overriding_a_variable_that_is_not_strategy_or_risk_is_an_error()
    {
        var errors = ConfigParser.ApplyOverrides(new BotConfig(), Env(("MM_OWNER_PRIVATE_KEY", "x"), ("MM_HALF_SPREAD_BPS", "10")))
            .Match(_ => [], e => e.ToList());
        var error = Assert.Single(errors);
        Assert.Equal("MM_OWNER_PRIVATE_KEY", error.Variable);
        Assert.DoesNotContain("\"x\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_rendered_to_variables_parses_back_to_itself()
    {
        var config = new BotConfig
        {
            MarketSymbol = "USDCcNGN-SEP16-2026",
            OwnerAddress = Address.ToLowerInvariant(),
            SubaccountId = "7",
            PollIntervalMs = 1500,
            QuoteRefreshIntervalMs = 2500,
            OrderSize = 12.5m,
            HalfSpreadBps = 33.3m,
            InventorySkewBps = 0m,
            MaxLongInventory = 10m,
            MaxShortInventory = -5m,
            MaxNotionalPerSide = 1e6m,
            MaxNetInventory = 3m,
            MaxQuoteAgeSeconds = 60,
            MaxAnchorDeviationBps = 100m,
            StaleMarketDataTimeoutSeconds = 10,
            StaleBalanceTimeoutSeconds = 11,
            StaleAnchorTimeoutSeconds = 12,
            MinQuoteLifetimeSeconds = 3,
            MinPriceMoveBeforeReplaceBps = 1.25m,
            MaxCancelsPerMinute = 9,
            MinBaseBalance = 0.5m,
            MinQuoteBalance = 100m,
            CancelStaleOrderThresholdBps = 8m,
            AdoptSizeTolerance = 0.001m,
            OperatorMode = Core.OperatorMode.DryRunHealth,
            AnchorSourceType = Core.AnchorSourceType.Http,
            QuoteLevels = 3,
            LevelSpreadStepBps = 2m,
            LevelSizeMult = 0.75m,
            DryRun = true,
            ReadinessMissingQuoteTimeoutSeconds = 45,
            ProtectedOrderIdPrefixes = ["keep:"],
            ExternalAnchor = new ExternalAnchorConfig { BootstrapOnly = false, MaxAgeSeconds = 5, MaxDeviationBps = 50m, SpreadMultiplier = 3m, SizeMultiplier = 0.25m },
        };
        var back = Ok(new Dictionary<string, string>(ConfigParser.ToVariables(config)));
        Assert.Equal(ConfigParser.ToVariables(config), ConfigParser.ToVariables(back));
        Assert.Equal(config with { ProtectedOrderIdPrefixes = back.ProtectedOrderIdPrefixes }, back);
    }

    [Fact]
    public void Any_positive_order_size_survives_rendering_and_parsing_exactly()
    {
        var sizes = ArbMap.Default.GeneratorFor<decimal>()
            .Select(Math.Abs)
            .Where(d => d > 0)
            .ToArbitrary();
        Prop.ForAll(sizes, size =>
        {
            var vars = new Dictionary<string, string>(ConfigParser.ToVariables(new BotConfig { OrderSize = size }));
            return Ok(vars).OrderSize == size;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Catalog_names_are_unique_and_every_entry_has_a_default_and_description()
    {
        Assert.Equal(VariableCatalog.All.Length, VariableCatalog.All.Select(v => v.Name).Distinct().Count());
        Assert.All(VariableCatalog.All, v =>
        {
            Assert.StartsWith("MM_", v.Name, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(v.Default));
            Assert.False(string.IsNullOrWhiteSpace(v.Description));
        });
    }

    [Fact]
    public void Rendered_variables_cover_exactly_the_catalog()
    {
        Assert.Equal(
            VariableCatalog.All.Select(v => v.Name).Order(StringComparer.Ordinal),
            ConfigParser.ToVariables(new BotConfig { TargetBaseInventory = 0m }).Keys);
    }

    [Fact]
    public void An_unset_target_inventory_is_rendered_unset_and_parses_back_to_the_first_balance_default()
    {
        Assert.DoesNotContain(TargetBaseInventory, ConfigParser.ToVariables(new BotConfig()).Keys);
        Assert.Null(Ok(new Dictionary<string, string>(ConfigParser.ToVariables(new BotConfig { SubaccountId = "1" }))).TargetBaseInventory);
        Assert.Equal(0m, Ok(new Dictionary<string, string>(ConfigParser.ToVariables(new BotConfig { SubaccountId = "1", TargetBaseInventory = 0m }))).TargetBaseInventory);
    }

    [Fact]
    public void Stale_data_halts_are_on_by_default_and_zero_turns_them_off()
    {
        var defaults = Ok(Env());
        Assert.Equal((15, 30, 30), (defaults.StaleMarketDataTimeoutSeconds, defaults.StaleBalanceTimeoutSeconds, defaults.StaleAnchorTimeoutSeconds));
        var off = Ok(Env((StaleMarketDataTimeoutSeconds, "0"), (StaleBalanceTimeoutSeconds, "0"), (StaleAnchorTimeoutSeconds, "0")));
        Assert.Equal((0, 0, 0), (off.StaleMarketDataTimeoutSeconds, off.StaleBalanceTimeoutSeconds, off.StaleAnchorTimeoutSeconds));
    }

    [Fact]
    public void Error_messages_quote_values_safely()
    {
        var error = Assert.Single(Errors(Env((OrderSize, "1\"\n2"))));
        Assert.Equal("MM_ORDER_SIZE must be a decimal number (e.g. 12.5 or 1e-3): got \"1\\\"\\n2\"", error.Message);
    }
}
