using System.Collections.Immutable;
using System.Globalization;
using LanguageExt;
using static MarketMaker.Core.Config.VariableCatalog;

namespace MarketMaker.Core.Config;

/// <summary>
/// Parses the strategy/risk MM_* variables (<see cref="VariableCatalog"/>) into a <see cref="BotConfig"/>.
/// Pure: the environment comes in as a dictionary. Every problem is reported, one message each.
/// </summary>
public static class ConfigParser
{
    public static readonly ImmutableArray<string> OperatorModes = ["normal", "pause", "bid-only", "ask-only", "dry-run-health"];
    public static readonly ImmutableArray<string> AnchorSourceTypes = ["none", "fixed", "http", "oracle_carry"];

    private static readonly ImmutableArray<string> DefaultProtectedPrefixes = ["validation:", "test:"];

    /// <summary>The config, or every problem found.</summary>
    public static Validation<ConfigError, BotConfig> Parse(IReadOnlyDictionary<string, string> env)
    {
        var reader = new ConfigReader(env);
        var config = Read(reader);
        return reader.Errors.Count == 0
            ? Validation<ConfigError, BotConfig>.Success(config)
            : Validation<ConfigError, BotConfig>.Fail(reader.Errors.ToSeq());
    }

    /// <summary>
    /// Changes strategy/risk variables of an existing config (replay's <c>--set NAME=VALUE</c>) through the same
    /// parser: the config is rendered back to variables, the overrides are laid over them and the result is parsed.
    /// A name that is not a strategy/risk variable is an error.
    /// </summary>
    public static Validation<ConfigError, BotConfig> ApplyOverrides(BotConfig config, IReadOnlyDictionary<string, string> sets)
    {
        var unknown = sets.Keys
            .Where(name => !VariableCatalog.Contains(name))
            .OrderBy(name => name, StringComparer.Ordinal)
            .Select(name => new ConfigError(
                name,
                $"{name} is not a strategy/risk variable that can be overridden (see `mm-bot run --help`)"))
            .ToList();
        if (unknown.Count > 0)
        {
            return Validation<ConfigError, BotConfig>.Fail(unknown.ToSeq());
        }

        var env = new Dictionary<string, string>(ToVariables(config), StringComparer.Ordinal);
        foreach (var (name, value) in sets)
        {
            env[name] = value;
        }

        return Parse(env);
    }

    /// <summary>The variables that parse back into <paramref name="config"/> (invariant text).</summary>
    public static ImmutableSortedDictionary<string, string> ToVariables(BotConfig config)
    {
        static string D(decimal value) => value.ToString(CultureInfo.InvariantCulture);
        static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
        static string B(bool value) => value ? "true" : "false";

        var ext = config.ExternalAnchor;
        var vars = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MarketSymbol] = config.MarketSymbol,
            [OwnerAddress] = config.OwnerAddress,
            [SubaccountId] = config.SubaccountId,
            [PollIntervalMs] = I(config.PollIntervalMs),
            [QuoteRefreshIntervalMs] = I(config.QuoteRefreshIntervalMs),
            [OrderSize] = D(config.OrderSize),
            [HalfSpreadBps] = D(config.HalfSpreadBps),
            [InventorySkewBps] = D(config.InventorySkewBps),
            [MaxLongInventory] = D(config.MaxLongInventory),
            [MaxShortInventory] = D(config.MaxShortInventory),
            [OrderRefreshBeforeExpirySeconds] = I(config.OrderRefreshBeforeExpirySeconds),
            [MaxNotionalPerSide] = D(config.MaxNotionalPerSide),
            [MaxNetInventory] = D(config.MaxNetInventory),
            [MaxQuoteAgeSeconds] = I(config.MaxQuoteAgeSeconds),
            [MaxAnchorDeviationBps] = D(config.MaxAnchorDeviationBps),
            [StaleMarketDataTimeoutSeconds] = I(config.StaleMarketDataTimeoutSeconds),
            [StaleBalanceTimeoutSeconds] = I(config.StaleBalanceTimeoutSeconds),
            [StaleAnchorTimeoutSeconds] = I(config.StaleAnchorTimeoutSeconds),
            [MinQuoteLifetimeSeconds] = I(config.MinQuoteLifetimeSeconds),
            [MinPriceMoveBeforeReplaceBps] = D(config.MinPriceMoveBeforeReplaceBps),
            [MaxCancelsPerMinute] = I(config.MaxCancelsPerMinute),
            [MinBaseBalance] = D(config.MinBaseBalance),
            [MinQuoteBalance] = D(config.MinQuoteBalance),
            [CancelStaleOrderThresholdBps] = D(config.CancelStaleOrderThresholdBps),
            [AdoptSizeTolerance] = D(config.AdoptSizeTolerance),
            [VariableCatalog.OperatorMode] = config.OperatorMode.Wire(),
            [VariableCatalog.AnchorSourceType] = Wire(config.AnchorSourceType),
            [QuoteLevels] = I(config.QuoteLevels),
            [LevelSpreadStepBps] = D(config.LevelSpreadStepBps),
            [LevelSizeMult] = D(config.LevelSizeMult),
            [DryRun] = B(config.DryRun),
            [ReadinessMissingQuoteTimeoutSeconds] = I(config.ReadinessMissingQuoteTimeoutSeconds),
            [ProtectedOrderIdPrefixes] = string.Join(",", config.ProtectedOrderIdPrefixes),
            [MaxBookDeviationBps] = D(config.MaxBookDeviationBps),
            [ExternalAnchorEnabled] = B(ext.Enabled),
            [ExternalAnchorBootstrapOnly] = B(ext.BootstrapOnly),
            [ExternalAnchorMaxAgeSeconds] = I(ext.MaxAgeSeconds),
            [ExternalAnchorMaxDeviationBps] = D(ext.MaxDeviationBps),
            [ExternalAnchorSpreadMultiplier] = D(ext.SpreadMultiplier),
            [ExternalAnchorSizeMultiplier] = D(ext.SizeMultiplier),
        };
        if (config.TargetBaseInventory is { } target)
        {
            vars[TargetBaseInventory] = D(target);
        }
        // Blank means the default (MM_ORDER_SIZE / 100), so a replay --set of MM_ORDER_SIZE moves it too.
        vars[MinReferenceOrderSize] = config.MinReferenceOrderSize is { } minReference ? D(minReference) : "";

        return vars.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    public static string Wire(AnchorSourceType type) => type switch
    {
        Core.AnchorSourceType.Fixed => "fixed",
        Core.AnchorSourceType.Http => "http",
        Core.AnchorSourceType.OracleCarry => "oracle_carry",
        _ => "none",
    };

    /// <summary>
    /// Reads the strategy/risk variables through <paramref name="reader"/>, which collects the problems; the shell
    /// uses this to report its own and these in one list. The result is meaningful only without errors.
    /// </summary>
    public static BotConfig Read(ConfigReader reader)
    {
        var d = new BotConfig();

        var market = reader.Text(MarketSymbol, d.MarketSymbol);
        if (market.Any(c => c == ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            reader.Invalid(MarketSymbol, "a market symbol without ':' or whitespace");
        }

        var owner = reader.Address(OwnerAddress) ?? "";
        var subaccount = reader.Uint256(SubaccountId, null) ?? "";

        var pollMs = reader.Int(PollIntervalMs, d.PollIntervalMs);
        reader.Check(pollMs > 0, PollIntervalMs, "> 0", pollMs);
        var refreshMs = NonNegativeInt(reader, QuoteRefreshIntervalMs, d.QuoteRefreshIntervalMs);

        var orderSize = reader.Decimal(OrderSize, d.OrderSize);
        reader.Check(orderSize > 0, OrderSize, "> 0", orderSize);
        var halfSpread = NonNegativeDecimal(reader, HalfSpreadBps, d.HalfSpreadBps);

        // A half spread of 100 % or more makes every bid zero or negative: nothing could ever be quoted.
        if (!reader.HasFailed(HalfSpreadBps))
        {
            reader.Check(halfSpread < Num.Bps, HalfSpreadBps, "< 10000 (a half spread of 100 % or more leaves no positive bid)", halfSpread);
        }
        var skew = NonNegativeDecimal(reader, InventorySkewBps, d.InventorySkewBps);

        var maxLong = reader.Decimal(MaxLongInventory, d.MaxLongInventory);
        var maxShort = reader.Decimal(MaxShortInventory, d.MaxShortInventory);
        if (!reader.HasFailed(MaxLongInventory))
        {
            reader.Check(
                maxShort <= maxLong,
                MaxShortInventory,
                $"<= {MaxLongInventory} ({maxLong.ToString(CultureInfo.InvariantCulture)})",
                maxShort);
        }

        decimal? target = null;
        if (reader.IsSet(TargetBaseInventory))
        {
            var value = reader.Decimal(TargetBaseInventory, 0m);
            reader.Check(value >= 0, TargetBaseInventory, ">= 0", value);
            target = value;
        }

        var maxNotional = NonNegativeDecimal(reader, MaxNotionalPerSide, d.MaxNotionalPerSide);
        var maxNet = NonNegativeDecimal(reader, MaxNetInventory, d.MaxNetInventory);
        var maxQuoteAge = NonNegativeInt(reader, MaxQuoteAgeSeconds, d.MaxQuoteAgeSeconds);
        var maxDeviation = NonNegativeDecimal(reader, MaxAnchorDeviationBps, d.MaxAnchorDeviationBps);
        var staleMarket = NonNegativeInt(reader, StaleMarketDataTimeoutSeconds, d.StaleMarketDataTimeoutSeconds);
        var staleBalance = NonNegativeInt(reader, StaleBalanceTimeoutSeconds, d.StaleBalanceTimeoutSeconds);
        var staleAnchor = NonNegativeInt(reader, StaleAnchorTimeoutSeconds, d.StaleAnchorTimeoutSeconds);
        var minLifetime = NonNegativeInt(reader, MinQuoteLifetimeSeconds, d.MinQuoteLifetimeSeconds);
        var minMove = NonNegativeDecimal(reader, MinPriceMoveBeforeReplaceBps, d.MinPriceMoveBeforeReplaceBps);
        var maxCancels = NonNegativeInt(reader, MaxCancelsPerMinute, d.MaxCancelsPerMinute);
        var minBase = NonNegativeDecimal(reader, MinBaseBalance, d.MinBaseBalance);
        var minQuote = NonNegativeDecimal(reader, MinQuoteBalance, d.MinQuoteBalance);
        var staleThreshold = NonNegativeDecimal(reader, CancelStaleOrderThresholdBps, d.CancelStaleOrderThresholdBps);
        var adoptTolerance = NonNegativeDecimal(reader, AdoptSizeTolerance, d.AdoptSizeTolerance);

        var mode = reader.Choice(VariableCatalog.OperatorMode, "normal", OperatorModes) switch
        {
            "pause" => Core.OperatorMode.Pause,
            "bid-only" => Core.OperatorMode.BidOnly,
            "ask-only" => Core.OperatorMode.AskOnly,
            "dry-run-health" => Core.OperatorMode.DryRunHealth,
            _ => Core.OperatorMode.Normal,
        };
        var anchorType = reader.Choice(VariableCatalog.AnchorSourceType, "none", AnchorSourceTypes) switch
        {
            "fixed" => Core.AnchorSourceType.Fixed,
            "http" => Core.AnchorSourceType.Http,
            "oracle_carry" => Core.AnchorSourceType.OracleCarry,
            _ => Core.AnchorSourceType.None,
        };

        var levels = reader.Int(QuoteLevels, d.QuoteLevels);
        reader.Check(levels >= 1, QuoteLevels, ">= 1", levels);
        var levelStep = NonNegativeDecimal(reader, LevelSpreadStepBps, d.LevelSpreadStepBps);
        if (levels > 1 && !reader.HasFailed(QuoteLevels))
        {
            reader.Check(
                levelStep > 0,
                LevelSpreadStepBps,
                $"> 0 when {QuoteLevels} > 1 (it is {levels.ToString(CultureInfo.InvariantCulture)})",
                levelStep);
        }

        var levelMult = reader.Decimal(LevelSizeMult, d.LevelSizeMult);
        reader.Check(levelMult > 0, LevelSizeMult, "> 0", levelMult);

        if (market == MarketSpec.SpotSymbol && anchorType != Core.AnchorSourceType.None && !reader.HasFailed(VariableCatalog.AnchorSourceType))
        {
            reader.Add(
                VariableCatalog.AnchorSourceType,
                $"{VariableCatalog.AnchorSourceType} must be none on {MarketSpec.SpotSymbol} (the general anchor is not used there; see {ExternalAnchorEnabled}): got {ConfigReader.Quote(Wire(anchorType))}");
        }

        var maxBookDeviation = NonNegativeDecimal(reader, MaxBookDeviationBps, d.MaxBookDeviationBps);
        decimal? minReferenceSize = null;
        if (reader.IsSet(MinReferenceOrderSize))
        {
            minReferenceSize = NonNegativeDecimal(reader, MinReferenceOrderSize, 0m);
        }

        var dryRun = reader.Bool(DryRun, d.DryRun);
        var readinessTimeout = NonNegativeInt(reader, ReadinessMissingQuoteTimeoutSeconds, d.ReadinessMissingQuoteTimeoutSeconds);
        var refreshBeforeExpiry = NonNegativeInt(reader, OrderRefreshBeforeExpirySeconds, d.OrderRefreshBeforeExpirySeconds);
        var prefixes = ReadPrefixes(reader);
        var external = ReadExternalAnchor(reader, market);

        return new BotConfig
        {
            MarketSymbol = market,
            OwnerAddress = owner,
            SubaccountId = subaccount,
            PollIntervalMs = pollMs,
            QuoteRefreshIntervalMs = refreshMs,
            OrderSize = orderSize,
            HalfSpreadBps = halfSpread,
            InventorySkewBps = skew,
            MaxLongInventory = maxLong,
            MaxShortInventory = maxShort,
            TargetBaseInventory = target,
            MaxNotionalPerSide = maxNotional,
            MaxNetInventory = maxNet,
            MaxQuoteAgeSeconds = maxQuoteAge,
            MaxAnchorDeviationBps = maxDeviation,
            StaleMarketDataTimeoutSeconds = staleMarket,
            StaleBalanceTimeoutSeconds = staleBalance,
            StaleAnchorTimeoutSeconds = staleAnchor,
            MinQuoteLifetimeSeconds = minLifetime,
            MinPriceMoveBeforeReplaceBps = minMove,
            MaxCancelsPerMinute = maxCancels,
            MinBaseBalance = minBase,
            MinQuoteBalance = minQuote,
            CancelStaleOrderThresholdBps = staleThreshold,
            AdoptSizeTolerance = adoptTolerance,
            OperatorMode = mode,
            AnchorSourceType = anchorType,
            QuoteLevels = levels,
            LevelSpreadStepBps = levelStep,
            LevelSizeMult = levelMult,
            DryRun = dryRun,
            ReadinessMissingQuoteTimeoutSeconds = readinessTimeout,
            OrderRefreshBeforeExpirySeconds = refreshBeforeExpiry,
            ProtectedOrderIdPrefixes = prefixes,
            ExternalAnchor = external,
            MaxBookDeviationBps = maxBookDeviation,
            MinReferenceOrderSize = minReferenceSize,
        };
    }

    private static ImmutableArray<string> ReadPrefixes(ConfigReader reader)
    {
        var raw = reader.Raw(ProtectedOrderIdPrefixes);
        if (raw is null)
        {
            return DefaultProtectedPrefixes;
        }

        var tokens = raw.Split(',').Select(t => t.Trim()).Where(t => t.Length > 0).ToImmutableArray();
        if (tokens.IsEmpty)
        {
            return DefaultProtectedPrefixes;
        }

        // A prefix that matches the bot's own order ids ("mm:...") would stop it from ever canceling its quotes.
        var clash = tokens.FirstOrDefault(t => "mm:".StartsWith(t, StringComparison.Ordinal) || t.StartsWith("mm:", StringComparison.Ordinal));
        if (clash is not null)
        {
            reader.Invalid(
                ProtectedOrderIdPrefixes,
                $"a list of prefixes that do not match the bot's own order ids (mm:<market>:...), but {ConfigReader.Quote(clash)} does");
        }

        return tokens;
    }

    private static ExternalAnchorConfig ReadExternalAnchor(ConfigReader reader, string market)
    {
        var d = new ExternalAnchorConfig();
        var enabled = reader.Bool(ExternalAnchorEnabled, d.Enabled);
        var bootstrapOnly = reader.Bool(ExternalAnchorBootstrapOnly, d.BootstrapOnly);
        var maxAge = reader.Int(ExternalAnchorMaxAgeSeconds, d.MaxAgeSeconds);
        var maxDeviation = reader.Decimal(ExternalAnchorMaxDeviationBps, d.MaxDeviationBps);
        var spreadMult = reader.Decimal(ExternalAnchorSpreadMultiplier, d.SpreadMultiplier);
        var sizeMult = reader.Decimal(ExternalAnchorSizeMultiplier, d.SizeMultiplier);

        if (enabled && market != MarketSpec.SpotSymbol && !reader.HasFailed(MarketSymbol))
        {
            reader.Add(
                ExternalAnchorEnabled,
                $"{ExternalAnchorEnabled} may be true only when {MarketSymbol} is {MarketSpec.SpotSymbol}: got {MarketSymbol} {ConfigReader.Quote(market)}");
        }

        // The range checks apply whether or not the feature is on: a value that could never work is refused now,
        // not when someone enables the anchor in an emergency (docs/hostile-input.md, rule 5).
        reader.Check(maxAge > 0, ExternalAnchorMaxAgeSeconds, "> 0", maxAge);
        reader.Check(maxDeviation >= 0, ExternalAnchorMaxDeviationBps, ">= 0", maxDeviation);
        reader.Check(spreadMult >= 1, ExternalAnchorSpreadMultiplier, ">= 1", spreadMult);
        reader.Check(sizeMult > 0 && sizeMult <= 1, ExternalAnchorSizeMultiplier, "> 0 and <= 1", sizeMult);

        return new ExternalAnchorConfig
        {
            Enabled = enabled,
            BootstrapOnly = bootstrapOnly,
            MaxAgeSeconds = maxAge,
            MaxDeviationBps = maxDeviation,
            SpreadMultiplier = spreadMult,
            SizeMultiplier = sizeMult,
        };
    }

    private static int NonNegativeInt(ConfigReader reader, string name, int @default)
    {
        var value = reader.Int(name, @default);
        reader.Check(value >= 0, name, ">= 0", value);
        return value;
    }

    private static decimal NonNegativeDecimal(ConfigReader reader, string name, decimal @default)
    {
        var value = reader.Decimal(name, @default);
        reader.Check(value >= 0, name, ">= 0", value);
        return value;
    }
}
