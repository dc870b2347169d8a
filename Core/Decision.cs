using System.Collections.Immutable;

namespace MarketMaker.Core;

public static class CancelCategory
{
    public const string ReplaceDriven = "replace_driven";
    public const string StartupReconciliation = "startup_reconciliation";
    public const string RiskTriggered = "risk_triggered";
    public const string KillSwitch = "kill_switch";
    public const string Operator = "operator";

    /// <summary>A resting order replaced because it is close to its expiry (not counted against the replace budget).</summary>
    public const string ExpiryRefresh = "expiry_refresh";

    public static readonly ImmutableArray<string> All = [ReplaceDriven, StartupReconciliation, RiskTriggered, KillSwitch, Operator, ExpiryRefresh];
}

public static class HaltReasons
{
    public const string ReferencePriceUnavailable = "reference price unavailable";
    public const string ExchangeMarketDataStale = "exchange market data stale";
    public const string BalancesStale = "balances stale";
    public const string AnchorDataStale = "anchor data stale";
    public const string QuoteAgeExceeded = "quote age exceeded";
    public const string AnchorDeviationExceeded = "anchor deviation exceeded";
    public const string OpenOrderNotionalExceedsLimit = "open order notional exceeds limit";
    public const string InventoryExceedsMaxLong = "inventory exceeds max long inventory";
    public const string InventoryExceedsMaxShort = "inventory exceeds max short inventory";
    public const string AvailableBaseBelowThreshold = "available base balance below threshold";
    public const string AvailableQuoteBelowThreshold = "available quote balance below threshold";
    public const string OperatorPauseActive = "operator pause active";
    public const string KillSwitchActive = "kill switch active";
    public const string CancelRateLimitExceeded = "cancel rate limit exceeded";
    public const string DrawdownLimitExceeded = "drawdown limit exceeded";

    public static readonly ImmutableArray<string> All =
    [
        ReferencePriceUnavailable, ExchangeMarketDataStale, BalancesStale, AnchorDataStale, QuoteAgeExceeded,
        AnchorDeviationExceeded, OpenOrderNotionalExceedsLimit, InventoryExceedsMaxLong, InventoryExceedsMaxShort,
        AvailableBaseBelowThreshold, AvailableQuoteBelowThreshold, OperatorPauseActive, KillSwitchActive,
        CancelRateLimitExceeded, DrawdownLimitExceeded,
    ];
}

/// <summary>Kinds of implausible input the core refuses (docs/hostile-input.md). Not halt reasons.</summary>
public static class InputAnomalyKinds
{
    public const string FutureTrade = "future_trade";
    public const string BookOutlier = "book_price_out_of_band";
    public const string TradeOutlier = "trade_price_out_of_band";
    public const string InconsistentBook = "inconsistent_book";
    public const string ArithmeticOverflow = "arithmetic_overflow";

    public static readonly ImmutableArray<string> All = [FutureTrade, BookOutlier, TradeOutlier, InconsistentBook, ArithmeticOverflow];
}

/// <summary>One refused input: its kind, what it was (order or trade id) and a detail with the numbers.</summary>
public sealed record InputAnomaly(string Kind, string Subject, string Detail);

public static class SuppressionReasons
{
    public const string NoAnchor = "no_anchor";
    public const string MinOrderSizeNotMet = "min_order_size_not_met";
    public const string InsufficientQuoteCapacity = "insufficient_quote_capacity";
    public const string InsufficientBaseCapacity = "insufficient_base_capacity";
    public const string MissingSpotAssetInventory = "missing_spot_asset_inventory";
    public const string MaxLongInventory = "max_long_inventory";
    public const string MaxShortInventory = "max_short_inventory";
    public const string WouldCrossBook = "would_cross_book";
    public const string OperatorHalted = "operator_halted";
    public const string Halted = "halted";
    public const string InvalidQuotePrices = "calculated_invalid_quote_prices";

    /// <summary>Spot: the quote is worth less than 1 whole cNGN, the spot engine's minimum order amount.</summary>
    public const string BelowMinEngineAmount = "below_min_engine_amount";
}

public static class ReconciliationReasons
{
    public const string AmbiguousOwnership = "ambiguous_ownership";
    public const string MalformedMetadata = "malformed_metadata";
    public const string WrongMarket = "wrong_market";
    public const string InvalidSide = "invalid_side";
    public const string DuplicateSide = "duplicate_side";
    public const string StrategyNotQuotingSide = "strategy_not_quoting_side";
    public const string PriceTooFarFromTarget = "price_too_far_from_target";
    public const string SizeTooFarFromTarget = "size_too_far_from_target";
    public const string RiskHaltPrefix = "risk_halt:";
}

public static class SyncReasons
{
    public const string NoTarget = "no_target";
    public const string SideMismatch = "side_mismatch";
    public const string SizeMismatch = "size_mismatch";
    public const string StaleOrWrong = "stale_or_wrong";
    public const string MinimumLifetimeNotMet = "minimum_lifetime_not_met";
    public const string MinimumMoveNotMet = "minimum_move_not_met";
    public const string Halt = "halt";
    public const string OperatorMode = "operator_mode";
    public const string ExpiryRefresh = "expiry_refresh";
}

/// <summary>One target quote: level 0 is the best.</summary>
public sealed record TargetQuote(Side Side, int Level, decimal Price, decimal Size);

public sealed record Suppression(Side Side, string Reason, string Detail);

/// <summary>
/// Why the bot halts (behaviour.md §5): one case per reason, each with its detail (the numbers that triggered it).
/// <see cref="Reason"/> is the reason's wire string (logs, metrics labels, recordings, the state file), produced here and
/// nowhere else; <see cref="Category"/> is the cancel category of the orders the halt cancels. Closed: the constructor
/// is private, so these cases are every halt there is.
/// </summary>
public abstract record Halt
{
    private Halt(string detail) => Detail = detail;

    /// <summary>The wire string of behaviour.md §5.</summary>
    public string Reason => this switch
    {
        ReferencePriceUnavailable => HaltReasons.ReferencePriceUnavailable,
        ExchangeMarketDataStale => HaltReasons.ExchangeMarketDataStale,
        BalancesStale => HaltReasons.BalancesStale,
        AnchorDataStale => HaltReasons.AnchorDataStale,
        QuoteAgeExceeded => HaltReasons.QuoteAgeExceeded,
        AnchorDeviationExceeded => HaltReasons.AnchorDeviationExceeded,
        OpenOrderNotionalExceedsLimit => HaltReasons.OpenOrderNotionalExceedsLimit,
        InventoryExceedsMaxLong => HaltReasons.InventoryExceedsMaxLong,
        InventoryExceedsMaxShort => HaltReasons.InventoryExceedsMaxShort,
        AvailableBaseBelowThreshold => HaltReasons.AvailableBaseBelowThreshold,
        AvailableQuoteBelowThreshold => HaltReasons.AvailableQuoteBelowThreshold,
        OperatorPauseActive => HaltReasons.OperatorPauseActive,
        KillSwitchActive => HaltReasons.KillSwitchActive,
        CancelRateLimitExceeded => HaltReasons.CancelRateLimitExceeded,
        DrawdownLimitExceeded => HaltReasons.DrawdownLimitExceeded,
        _ => throw new InvalidOperationException("unreachable: Halt is closed"),
    };

    public string Detail { get; }

    /// <summary>The cancel category of the orders this halt cancels.</summary>
    public string Category => this is KillSwitchActive ? CancelCategory.KillSwitch : CancelCategory.RiskTriggered;

    /// <summary>The halt of a wire reason (a recording), or null when the text is none of behaviour.md §5.</summary>
    public static Halt? FromWire(string reason, string detail) => reason switch
    {
        HaltReasons.ReferencePriceUnavailable => new ReferencePriceUnavailable(detail),
        HaltReasons.ExchangeMarketDataStale => new ExchangeMarketDataStale(detail),
        HaltReasons.BalancesStale => new BalancesStale(detail),
        HaltReasons.AnchorDataStale => new AnchorDataStale(detail),
        HaltReasons.QuoteAgeExceeded => new QuoteAgeExceeded(detail),
        HaltReasons.AnchorDeviationExceeded => new AnchorDeviationExceeded(detail),
        HaltReasons.OpenOrderNotionalExceedsLimit => new OpenOrderNotionalExceedsLimit(detail),
        HaltReasons.InventoryExceedsMaxLong => new InventoryExceedsMaxLong(detail),
        HaltReasons.InventoryExceedsMaxShort => new InventoryExceedsMaxShort(detail),
        HaltReasons.AvailableBaseBelowThreshold => new AvailableBaseBelowThreshold(detail),
        HaltReasons.AvailableQuoteBelowThreshold => new AvailableQuoteBelowThreshold(detail),
        HaltReasons.OperatorPauseActive => new OperatorPauseActive(detail),
        HaltReasons.KillSwitchActive => new KillSwitchActive(detail),
        HaltReasons.CancelRateLimitExceeded => new CancelRateLimitExceeded(detail),
        HaltReasons.DrawdownLimitExceeded => new DrawdownLimitExceeded(detail),
        _ => null,
    };

    /// <summary>No book mid, fresh trade or anchor (or the inputs overflowed).</summary>
    public sealed record ReferencePriceUnavailable : Halt
    {
        public ReferencePriceUnavailable(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>Live orders or the book and trades are older than MM_STALE_MARKET_DATA_TIMEOUT.</summary>
    public sealed record ExchangeMarketDataStale : Halt
    {
        public ExchangeMarketDataStale(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>Balances older than their timeout.</summary>
    public sealed record BalancesStale : Halt
    {
        public BalancesStale(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>The anchor in use is older than its timeout.</summary>
    public sealed record AnchorDataStale : Halt
    {
        public AnchorDataStale(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>Our quotes were not refreshed within MM_MAX_QUOTE_AGE.</summary>
    public sealed record QuoteAgeExceeded : Halt
    {
        public QuoteAgeExceeded(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>The local reference is too far from the anchor.</summary>
    public sealed record AnchorDeviationExceeded : Halt
    {
        public AnchorDeviationExceeded(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>A resting order's notional is above MM_MAX_NOTIONAL_PER_SIDE.</summary>
    public sealed record OpenOrderNotionalExceedsLimit : Halt
    {
        public OpenOrderNotionalExceedsLimit(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>Inventory above the max long limit.</summary>
    public sealed record InventoryExceedsMaxLong : Halt
    {
        public InventoryExceedsMaxLong(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>Inventory below the max short limit.</summary>
    public sealed record InventoryExceedsMaxShort : Halt
    {
        public InventoryExceedsMaxShort(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>Available base balance below MM_MIN_BASE_BALANCE.</summary>
    public sealed record AvailableBaseBelowThreshold : Halt
    {
        public AvailableBaseBelowThreshold(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>Available quote balance below MM_MIN_QUOTE_BALANCE.</summary>
    public sealed record AvailableQuoteBelowThreshold : Halt
    {
        public AvailableQuoteBelowThreshold(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>MM_OPERATOR_MODE=pause.</summary>
    public sealed record OperatorPauseActive : Halt
    {
        public OperatorPauseActive(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>The kill-switch file is present (cancels are categorised kill_switch).</summary>
    public sealed record KillSwitchActive : Halt
    {
        public KillSwitchActive(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>The replace-driven cancels of the last minute reached MM_MAX_CANCELS_PER_MINUTE.</summary>
    public sealed record CancelRateLimitExceeded : Halt
    {
        public CancelRateLimitExceeded(string detail)
            : base(detail)
        {
        }
    }

    /// <summary>The drawdown is above MM_MAX_DRAWDOWN (latched until reset).</summary>
    public sealed record DrawdownLimitExceeded : Halt
    {
        public DrawdownLimitExceeded(string detail)
            : base(detail)
        {
        }
    }
}

/// <summary>
/// Whether the bot is ready (<c>/readyz</c>, <c>mm_bot_ready</c>) and, if not, why: one case per reason, in the order
/// the decision checks them. <see cref="Reason"/> is the wire text (empty when ready), produced here and nowhere
/// else. <see cref="NotReady"/> carries the shell's own reasons (starting, start-up failed, standing by, the decision
/// failed). Closed: the constructor is private, so these cases are every readiness there is.
/// </summary>
public abstract record Readiness
{
    private Readiness()
    {
    }

    public static Readiness Ok { get; } = new Quoting();

    public bool Ready => this is Quoting;

    public string Reason => this switch
    {
        Quoting => "",
        Halted h => h.HaltReason,
        AnchorStale => HaltReasons.AnchorDataStale,
        BalancesStale => HaltReasons.BalancesStale,
        MarketDataStale => HaltReasons.ExchangeMarketDataStale,
        StartupPending => Decider.StartupPending,
        SideMissing { Side: Side.Buy } => Decider.RequiredBidMissing,
        SideMissing => Decider.RequiredAskMissing,
        NotAnswering n => DependencyHealth.NotAnsweringPrefix + n.Dependencies,
        NotReady n => n.Text,
        _ => throw new InvalidOperationException("unreachable: Readiness is closed"),
    };

    /// <summary>The readiness a recording or a probe shows: its case from the wire text.</summary>
    public static Readiness FromWire(bool ready, string reason) => (ready, reason) switch
    {
        (true, _) => Ok,
        (false, HaltReasons.AnchorDataStale) => new AnchorStale(),
        (false, HaltReasons.BalancesStale) => new BalancesStale(),
        (false, HaltReasons.ExchangeMarketDataStale) => new MarketDataStale(),
        (false, Decider.StartupPending) => new StartupPending(),
        (false, Decider.RequiredBidMissing) => new SideMissing(Side.Buy),
        (false, Decider.RequiredAskMissing) => new SideMissing(Side.Sell),
        (false, _) when reason.StartsWith(DependencyHealth.NotAnsweringPrefix, StringComparison.Ordinal) =>
            new NotAnswering(reason[DependencyHealth.NotAnsweringPrefix.Length..]),
        (false, _) when HaltReasons.All.Contains(reason) => new Halted(reason),
        _ => new NotReady(reason),
    };

    /// <summary>Ready: quoting as configured.</summary>
    public sealed record Quoting : Readiness;

    /// <summary>A halt is in force (its wire reason).</summary>
    public sealed record Halted(string HaltReason) : Readiness;

    /// <summary>The anchor is older than its timeout (not yet a halt on its own).</summary>
    public sealed record AnchorStale : Readiness;

    public sealed record BalancesStale : Readiness;

    public sealed record MarketDataStale : Readiness;

    /// <summary>The start-up reconciliation has not run yet.</summary>
    public sealed record StartupPending : Readiness;

    /// <summary>A required side has had a target and no resting order for longer than MM_READINESS_MISSING_QUOTE_TIMEOUT_SECONDS.</summary>
    public sealed record SideMissing(Side Side) : Readiness;

    /// <summary>These dependencies did not answer this cycle (comma-separated names, in the order of <see cref="DependencyHealth"/>).</summary>
    public sealed record NotAnswering(string Dependencies) : Readiness;

    /// <summary>The shell's own reason (starting, start-up failed, standing by, the decision failed).</summary>
    public sealed record NotReady(string Text) : Readiness;
}

public sealed record CancelAction(string OrderId, long Nonce, Side Side, string Reason, string Category);

public sealed record PlaceAction(Side Side, int Level, decimal Price, decimal Size, long Nonce, string OrderId);

/// <summary>An order kept on purpose although a replace was due (churn guard), with the guard's reason.</summary>
public sealed record SuppressedReplace(string OrderId, Side Side, string Reason, decimal DriftBps);

public sealed record ReconciliationReport(
    string? AdoptedBidOrderId,
    string? AdoptedAskOrderId,
    ImmutableArray<string> AdoptedOrderIds,
    ImmutableArray<string> CanceledOrderIds,
    ImmutableSortedDictionary<string, string> RejectedReasons);

/// <summary>A fill of ours: price is the order's limit price (ours rest passively, so makers fill at it) or the trade's; null when unknown. Fee in the quote currency.</summary>
public sealed record Fill(string OrderId, Side Side, decimal Size, bool Partial, string Source, decimal? Price = null, decimal Fee = 0m);

/// <summary>Values the shell sets metrics from; counters are increments of this decision.</summary>
public sealed record MetricValues(
    decimal? QuoteAgeSeconds,
    decimal ExchangeQuoteAgeSeconds,
    decimal? MarketDataAgeSeconds,
    decimal? BalanceAgeSeconds,
    decimal? AnchorAgeSeconds,
    decimal? ExternalAnchorAgeSeconds,
    decimal LiveQuotedSpreadBps,
    decimal NetInventory,
    decimal? AnchorDeviationBps,
    int CancelsInWindow,
    bool OpenBidPresent,
    bool OpenAskPresent,
    int LiveBids,
    int LiveAsks,
    int Placements,
    ImmutableSortedDictionary<string, int> CancelsByCategory,
    int SuppressedReplaces,
    bool QuoteRefresh,
    int ExternalAnchorAccepted,
    int ExternalAnchorRejected);

/// <summary>
/// The whole decision of one cycle: data only; the shell interprets it. <see cref="InputAnomalies"/> are the inputs
/// this decision refused as implausible (counted and logged once by the shell; docs/hostile-input.md).
/// </summary>
public sealed record Decision(
    DateTimeOffset Now,
    decimal? ReferencePrice,
    ReferenceSource ReferenceSource,
    decimal? LocalReference,
    decimal? AnchorPrice,
    decimal? ExternalAnchorPrice,
    ImmutableArray<TargetQuote> Targets,
    ImmutableArray<Suppression> Suppressions,
    Halt? Halt,
    Readiness Readiness,
    ImmutableArray<CancelAction> Cancels,
    ImmutableArray<PlaceAction> Placements,
    ImmutableArray<SuppressedReplace> SuppressedReplaces,
    ReconciliationReport? Reconciliation,
    ImmutableArray<Fill> Fills,
    decimal? InventoryDelta,
    string? ExternalAnchorRejection,
    string? SyncSkipped,
    ImmutableArray<InputAnomaly> InputAnomalies,
    bool DryRun,
    bool PersistRequired,
    MetricValues Metrics,
    PnlReport? Pnl,
    ImmutableArray<Markout> Markouts,
    BotState NextState)
{
    /// <summary>Freshness of every dependency as this decision judged it (not recorded: derived from the snapshot).</summary>
    public DependencyHealth Dependencies { get; init; } = DependencyHealth.Unknown;

    /// <summary>True when the decision sends or changes anything (the shell logs one line then).</summary>
    public bool ChangesAnything => !Cancels.IsEmpty || !Placements.IsEmpty || Reconciliation is not null || !Fills.IsEmpty;
}
