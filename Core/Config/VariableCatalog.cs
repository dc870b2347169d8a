using System.Collections.Immutable;

namespace MarketMaker.Core.Config;

/// <summary>One configuration variable for help output: its default (as text) and a one-line description.</summary>
public sealed record VariableInfo(string Name, string Default, string Description, string Group, bool Secret = false);

/// <summary>
/// Every strategy/risk variable <see cref="ConfigParser"/> reads (reference-bot.md §1, behaviour.md §1), as data.
/// These are also the names <c>replay --set NAME=VALUE</c> accepts.
/// </summary>
public static class VariableCatalog
{
    public const string ExternalAnchorPrefix = "MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_";

    public const string MarketSymbol = "MM_MARKET_SYMBOL";
    public const string OwnerAddress = "MM_OWNER_ADDRESS";
    public const string SubaccountId = "MM_SUBACCOUNT_ID";
    public const string PollIntervalMs = "MM_POLL_INTERVAL_MS";
    public const string QuoteRefreshIntervalMs = "MM_QUOTE_REFRESH_INTERVAL_MS";
    public const string OrderSize = "MM_ORDER_SIZE";
    public const string HalfSpreadBps = "MM_HALF_SPREAD_BPS";
    public const string InventorySkewBps = "MM_INVENTORY_SKEW_BPS";
    public const string MaxLongInventory = "MM_MAX_LONG_INVENTORY";
    public const string MaxShortInventory = "MM_MAX_SHORT_INVENTORY";
    public const string TargetBaseInventory = "MM_TARGET_BASE_INVENTORY";
    public const string OrderRefreshBeforeExpirySeconds = "MM_ORDER_REFRESH_BEFORE_EXPIRY_SECONDS";
    public const string MaxNotionalPerSide = "MM_MAX_NOTIONAL_PER_SIDE";
    public const string MaxNetInventory = "MM_MAX_NET_INVENTORY";
    public const string MaxQuoteAgeSeconds = "MM_MAX_QUOTE_AGE_SECONDS";
    public const string MaxAnchorDeviationBps = "MM_MAX_ANCHOR_DEVIATION_BPS";
    public const string StaleMarketDataTimeoutSeconds = "MM_STALE_MARKET_DATA_TIMEOUT_SECONDS";
    public const string StaleBalanceTimeoutSeconds = "MM_STALE_BALANCE_TIMEOUT_SECONDS";
    public const string StaleAnchorTimeoutSeconds = "MM_STALE_ANCHOR_TIMEOUT_SECONDS";
    public const string MinQuoteLifetimeSeconds = "MM_MIN_QUOTE_LIFETIME_SECONDS";
    public const string MinPriceMoveBeforeReplaceBps = "MM_MIN_PRICE_MOVE_BEFORE_REPLACE_BPS";
    public const string MaxCancelsPerMinute = "MM_MAX_CANCELS_PER_MINUTE";
    public const string MinBaseBalance = "MM_MIN_BASE_BALANCE";
    public const string MinQuoteBalance = "MM_MIN_QUOTE_BALANCE";
    public const string CancelStaleOrderThresholdBps = "MM_CANCEL_STALE_ORDER_THRESHOLD_BPS";
    public const string AdoptSizeTolerance = "MM_ADOPT_SIZE_TOLERANCE";
    public const string OperatorMode = "MM_OPERATOR_MODE";
    public const string AnchorSourceType = "MM_ANCHOR_SOURCE_TYPE";
    public const string QuoteLevels = "MM_QUOTE_LEVELS";
    public const string LevelSpreadStepBps = "MM_LEVEL_SPREAD_STEP_BPS";
    public const string LevelSizeMult = "MM_LEVEL_SIZE_MULT";
    public const string DryRun = "MM_DRY_RUN";
    public const string ReadinessMissingQuoteTimeoutSeconds = "MM_READINESS_MISSING_QUOTE_TIMEOUT_SECONDS";
    public const string ProtectedOrderIdPrefixes = "MM_PROTECTED_ORDER_ID_PREFIXES";
    public const string MaxBookDeviationBps = "MM_MAX_BOOK_DEVIATION_BPS";
    public const string MinReferenceOrderSize = "MM_MIN_REFERENCE_ORDER_SIZE";
    public const string ExternalAnchorEnabled = ExternalAnchorPrefix + "ENABLED";
    public const string ExternalAnchorBootstrapOnly = ExternalAnchorPrefix + "BOOTSTRAP_ONLY";
    public const string ExternalAnchorMaxAgeSeconds = ExternalAnchorPrefix + "MAX_AGE_SECONDS";
    public const string ExternalAnchorMaxDeviationBps = ExternalAnchorPrefix + "MAX_DEVIATION_BPS";
    public const string ExternalAnchorSpreadMultiplier = ExternalAnchorPrefix + "SPREAD_MULTIPLIER";
    public const string ExternalAnchorSizeMultiplier = ExternalAnchorPrefix + "SIZE_MULTIPLIER";

    private const string Market = "Market and quoting";
    private const string Risk = "Risk limits and halts";
    private const string Churn = "Order management and churn guards";
    private const string Operator = "Operator control";
    private const string External = "External bootstrap anchor (USDCcNGN-SPOT only)";

    public static readonly ImmutableArray<VariableInfo> All =
    [
        new(MarketSymbol, MarketSpec.SpotSymbol, "market to quote: USDCcNGN-SPOT or a dated future listed by /v1/markets", Market),
        new(OwnerAddress, "(derived from MM_OWNER_PRIVATE_KEY)", "owner address of the orders, if it differs from the owner key's address", Market),
        new(SubaccountId, "(required)", "subaccount id (decimal integer) the bot trades from", Market),
        new(PollIntervalMs, "2000", "cycle interval in milliseconds (> 0)", Market),
        new(QuoteRefreshIntervalMs, "5000", "minimum milliseconds between order syncs while quotes rest (>= 0)", Market),
        new(OrderSize, "100", "size of the best-level quote in base units (> 0)", Market),
        new(HalfSpreadBps, "25", "half spread around the reference price in bps (>= 0)", Market),
        new(InventorySkewBps, "15", "skew in bps at full inventory, lowering both quotes when long (>= 0)", Market),
        new(QuoteLevels, "1", "number of price levels per side (>= 1)", Market),
        new(LevelSpreadStepBps, "0", "extra spread per further level in bps (>= 0; > 0 when levels > 1)", Market),
        new(LevelSizeMult, "1", "size multiplier from one level to the next (> 0)", Market),
        new(AnchorSourceType, "none", "anchor for non-spot markets: none, fixed, http or oracle_carry", Market),
        new(TargetBaseInventory, "(spot: base balance at the first cycle, kept in the state file)", "spot: the USDC balance the inventory limits and skew are measured from; futures measure from a zero position", Risk),
        new(MaxLongInventory, "1000", "maximum long inventory (spot: base balance above MM_TARGET_BASE_INVENTORY; futures: position); a bid that would exceed it is dropped, beyond it the bot halts", Risk),
        new(MaxShortInventory, "-1000", "maximum short inventory, same measure (<= MM_MAX_LONG_INVENTORY); an ask that would exceed it is dropped, beyond it the bot halts", Risk),
        new(MaxNetInventory, "0", "tighter symmetric inventory limit, 0 = off (>= 0)", Risk),
        new(MaxNotionalPerSide, "0", "maximum quote notional per side, 0 = off (>= 0)", Risk),
        new(MaxQuoteAgeSeconds, "0", "halt when quotes are older than this, 0 = off (>= 0)", Risk),
        new(MaxAnchorDeviationBps, "0", "halt when the local reference deviates more from the anchor, 0 = off (>= 0)", Risk),
        new(MaxBookDeviationBps, "2000", "sanity band: a book or trade price further than this in bps from the anchor or last reference is not a reference, 0 = off (>= 0; docs/hostile-input.md)", Risk),
        new(MinReferenceOrderSize, "(MM_ORDER_SIZE / 100)", "smallest remaining size of another participant's order that counts for the book mid (>= 0)", Risk),
        new(StaleMarketDataTimeoutSeconds, "15", "halt when book/trades/live orders are older than this, 0 = off (>= 0)", Risk),
        new(StaleBalanceTimeoutSeconds, "30", "halt when balances are older than this, 0 = off (>= 0)", Risk),
        new(StaleAnchorTimeoutSeconds, "30", "halt when the anchor (when one is configured) is older than this, 0 = off (>= 0)", Risk),
        new(MinBaseBalance, "0", "halt when available base balance is below this (>= 0)", Risk),
        new(MinQuoteBalance, "0", "halt when available quote balance is below this (>= 0)", Risk),
        new(ReadinessMissingQuoteTimeoutSeconds, "0", "not ready when a required side is missing longer than this, 0 = off (>= 0)", Risk),
        new(CancelStaleOrderThresholdBps, "5", "price drift in bps at which a resting quote is replaced or not adopted (>= 0)", Churn),
        new(MinQuoteLifetimeSeconds, "0", "do not replace a quote younger than this for price drift (>= 0)", Churn),
        new(MinPriceMoveBeforeReplaceBps, "0", "do not replace for a drift smaller than this in bps (>= 0)", Churn),
        new(MaxCancelsPerMinute, "30", "replace-driven cancels allowed per sliding minute, 0 = unlimited (>= 0)", Churn),
        new(AdoptSizeTolerance, "0.000001", "absolute size difference tolerated when adopting a resting order (>= 0)", Churn),
        new(OrderRefreshBeforeExpirySeconds, "30, or a quarter of MM_ORDER_EXPIRY_SECONDS when shorter", "replace a resting order this close to its expiry (cancel category expiry_refresh, not rate-limited), 0 = off (>= 0, < MM_ORDER_EXPIRY_SECONDS)", Churn),
        new(ProtectedOrderIdPrefixes, "validation:,test:", "comma-separated order id prefixes the bot never cancels", Churn),
        new(OperatorMode, "normal", "normal, bid-only, ask-only, pause or dry-run-health", Operator),
        new(DryRun, "false", "decide and log everything but send no order or cancel", Operator),
        new(ExternalAnchorEnabled, "false", "use an external price as reference while the spot book has none", External),
        new(ExternalAnchorBootstrapOnly, "true", "stop polling the external anchor once a local reference exists", External),
        new(ExternalAnchorMaxAgeSeconds, "30", "reject external readings older than this (> 0)", External),
        new(ExternalAnchorMaxDeviationBps, "500", "reject a move beyond this from the last accepted mark, unless it persists (>= 0)", External),
        new(ExternalAnchorSpreadMultiplier, "2.0", "half spread multiplier while quoting from the external anchor (>= 1)", External),
        new(ExternalAnchorSizeMultiplier, "0.5", "size multiplier while quoting from the external anchor (> 0 and <= 1)", External),
    ];

    private static readonly ImmutableHashSet<string> Names = All.Select(v => v.Name).ToImmutableHashSet(StringComparer.Ordinal);

    public static bool Contains(string name) => Names.Contains(name);

    /// <summary>The known name closest to <paramref name="name"/> (edit distance), for "did you mean" messages.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var d = Distance(name, candidate);
            if (d < bestDistance || (d == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best is not null && bestDistance <= Math.Max(3, name.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
