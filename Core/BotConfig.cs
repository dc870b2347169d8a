using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>
/// The strategy and risk settings the decision core uses. No secrets and no connection
/// settings live here: this record is written into recordings as it is.
/// Names follow the MM_* variables (reference-bot.md §1); durations are whole seconds or ms as there.
/// </summary>
public sealed record BotConfig
{
    public string MarketSymbol { get; init; } = MarketSpec.SpotSymbol;
    public string OwnerAddress { get; init; } = "";
    public string SubaccountId { get; init; } = "";
    public int PollIntervalMs { get; init; } = 2000;
    public int QuoteRefreshIntervalMs { get; init; } = 5000;
    public decimal OrderSize { get; init; } = 100m;
    public decimal HalfSpreadBps { get; init; } = 25m;
    public decimal InventorySkewBps { get; init; } = 15m;
    public decimal MaxLongInventory { get; init; } = 1000m;
    public decimal MaxShortInventory { get; init; } = -1000m;

    /// <summary>
    /// Spot only: the base (USDC) balance the inventory limits and the skew are measured from (MM_TARGET_BASE_INVENTORY).
    /// Null: the base balance seen at the first cycle, kept in the state file. Futures ignore it (position-based limits).
    /// </summary>
    public decimal? TargetBaseInventory { get; init; }
    public decimal MaxNotionalPerSide { get; init; }
    public decimal MaxNetInventory { get; init; }
    public int MaxQuoteAgeSeconds { get; init; }
    public decimal MaxAnchorDeviationBps { get; init; }
    // Stale-data halts are on by default (behaviour.md §17; 0 turns a check off). The reference bot has them off.
    public int StaleMarketDataTimeoutSeconds { get; init; } = 15;
    public int StaleBalanceTimeoutSeconds { get; init; } = 30;
    public int StaleAnchorTimeoutSeconds { get; init; } = 30;
    public int MinQuoteLifetimeSeconds { get; init; }
    public decimal MinPriceMoveBeforeReplaceBps { get; init; }
    public int MaxCancelsPerMinute { get; init; } = 30;
    public decimal MinBaseBalance { get; init; }
    public decimal MinQuoteBalance { get; init; }
    public decimal CancelStaleOrderThresholdBps { get; init; } = 5m;
    public decimal AdoptSizeTolerance { get; init; } = 0.000001m;
    public OperatorMode OperatorMode { get; init; } = OperatorMode.Normal;
    public AnchorSourceType AnchorSourceType { get; init; } = AnchorSourceType.None;
    public int QuoteLevels { get; init; } = 1;
    public decimal LevelSpreadStepBps { get; init; }
    public decimal LevelSizeMult { get; init; } = 1m;
    public bool DryRun { get; init; }
    public int ReadinessMissingQuoteTimeoutSeconds { get; init; }

    /// <summary>A resting order closer to its expiry than this is replaced (cancel category expiry_refresh); 0 = off.</summary>
    public int OrderRefreshBeforeExpirySeconds { get; init; } = 30;
    public ImmutableArray<string> ProtectedOrderIdPrefixes { get; init; } = ["validation:", "test:"];
    public ExternalAnchorConfig ExternalAnchor { get; init; } = new();

    /// <summary>Sanity band (MM_MAX_BOOK_DEVIATION_BPS): a book or trade price further than this from the band's centre is not a reference; 0 = off.</summary>
    public decimal MaxBookDeviationBps { get; init; } = 2000m;

    /// <summary>MM_MIN_REFERENCE_ORDER_SIZE: smallest remaining size of another participant's order that counts for the mid; null = MM_ORDER_SIZE / 100.</summary>
    public decimal? MinReferenceOrderSize { get; init; }

    /// <summary>The minimum reference order size in force.</summary>
    public decimal EffectiveMinReferenceOrderSize() => MinReferenceOrderSize ?? OrderSize / 100m;

    /// <summary>Order id prefix of the orders this bot manages in this market.</summary>
    public string ManagedPrefix => $"mm:{MarketSymbol}:";
}

/// <summary>MM_USDCCNGN_SPOT_EXTERNAL_ANCHOR_* settings the core needs (safety rules and multipliers).</summary>
public sealed record ExternalAnchorConfig
{
    public bool Enabled { get; init; }
    public bool BootstrapOnly { get; init; } = true;
    public int MaxAgeSeconds { get; init; } = 30;
    public decimal MaxDeviationBps { get; init; } = 500m;
    public decimal SpreadMultiplier { get; init; } = 2.0m;
    public decimal SizeMultiplier { get; init; } = 0.5m;

    /// <summary>A move beyond the deviation guard is accepted after this many agreeing fetches.</summary>
    public const int AgreeingFetchesToAcceptMove = 3;
}
