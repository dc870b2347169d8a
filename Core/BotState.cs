using System.Collections.Immutable;

namespace MarketMaker.Core;

public enum BotPhase
{
    /// <summary>No reconciliation yet: the next decision reconciles live orders and places nothing.</summary>
    Startup,
    Running,
}

/// <summary>
/// What the bot carries from one decision to the next. <see cref="Persisted"/> is what the state file
/// holds; the rest is memory that a restart loses (and that recordings carry for replay).
/// </summary>
public sealed record BotState
{
    public BotPhase Phase { get; init; } = BotPhase.Startup;
    public PersistedState Persisted { get; init; } = new();

    /// <summary>Timestamps of replace-driven cancels within the sliding 60 s window.</summary>
    public ImmutableArray<DateTimeOffset> CancelWindow { get; init; } = [];

    /// <summary>When a sync last changed anything (cancel or place).</summary>
    public DateTimeOffset? LastQuoteUpdate { get; init; }

    public DateTimeOffset? BidMissingSince { get; init; }
    public DateTimeOffset? AskMissingSince { get; init; }

    public FillTracker Fills { get; init; } = new();
    public ExternalAnchorMemory ExternalAnchor { get; init; } = new();

    /// <summary>The halt in force after the last decision, if any.</summary>
    public string? CurrentHaltReason { get; init; }

    /// <summary>The last accepted reference and a pending move of the book (sanity band, docs/hostile-input.md).</summary>
    public ReferenceMemory Reference { get; init; } = new();

    /// <summary>Fills whose markouts are still due (memory: a restart loses them).</summary>
    public ImmutableArray<PendingMarkout> PendingMarkouts { get; init; } = [];

    /// <summary>The last reference price, marking the position while none is available.</summary>
    public decimal? LastMark { get; init; }

    public static BotState Fresh(PersistedState persisted) => new() { Persisted = persisted };
}

/// <summary>The state file (behaviour.md §2, §9): nonce progression and diagnostics only.</summary>
public sealed record PersistedState
{
    public long NextNonceBase { get; init; }
    public ImmutableSortedDictionary<string, long> LastNonceBySide { get; init; } = ImmutableSortedDictionary<string, long>.Empty;
    public string? LastSubmittedBidOrderId { get; init; }
    public string? LastSubmittedAskOrderId { get; init; }
    public string? LastAdoptedBidOrderId { get; init; }
    public string? LastAdoptedAskOrderId { get; init; }
    public string? LastHaltReason { get; init; }
    public ImmutableSortedDictionary<string, decimal> LastInventorySnapshot { get; init; } = ImmutableSortedDictionary<string, decimal>.Empty;

    /// <summary>Spot: the base balance seen at the first cycle, the default target inventory (BotConfig.TargetBaseInventory).</summary>
    public decimal? TargetBaseInventory { get; init; }

    /// <summary>The P&amp;L book (diagnostic: it survives a restart).</summary>
    public PnlBook Pnl { get; init; } = new();

    public bool SameAs(PersistedState other) =>
        ReferenceEquals(this, other) || (NextNonceBase == other.NextNonceBase
        && SameEntries(LastNonceBySide, other.LastNonceBySide)
        && LastSubmittedBidOrderId == other.LastSubmittedBidOrderId
        && LastSubmittedAskOrderId == other.LastSubmittedAskOrderId
        && LastAdoptedBidOrderId == other.LastAdoptedBidOrderId
        && LastAdoptedAskOrderId == other.LastAdoptedAskOrderId
        && LastHaltReason == other.LastHaltReason
        && SameEntries(LastInventorySnapshot, other.LastInventorySnapshot)
        && TargetBaseInventory == other.TargetBaseInventory
        && Pnl == other.Pnl);

    /// <summary>The same keys with the same values, in the same order.</summary>
    internal static bool SameEntries<TValue>(ImmutableSortedDictionary<string, TValue> a, ImmutableSortedDictionary<string, TValue> b)
        where TValue : IEquatable<TValue>
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        using var x = a.GetEnumerator();
        using var y = b.GetEnumerator();
        while (x.MoveNext() && y.MoveNext())
        {
            if (!string.Equals(x.Current.Key, y.Current.Key, StringComparison.Ordinal) || !x.Current.Value.Equals(y.Current.Value))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// An order of ours whose fills are being followed: side, last seen size and remaining, when we began following it,
/// how much of it has already been counted as filled, and its limit price (the price its fills are counted at).
/// </summary>
public sealed record TrackedOrder(string OrderId, Side Side, decimal Size, decimal Remaining, DateTimeOffset Since, decimal Counted = 0m, decimal? Price = null);

public sealed record FillTracker
{
    /// <summary>False until the first market data has been seen (old trades are then marked as seen).</summary>
    public bool Primed { get; init; }

    public ImmutableSortedDictionary<string, TrackedOrder> Orders { get; init; } = ImmutableSortedDictionary<string, TrackedOrder>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Trade ids already counted or seen (bounded).</summary>
    public ImmutableSortedSet<long> SeenTradeIds { get; init; } = ImmutableSortedSet<long>.Empty;

    /// <summary>Order ids whose fills were settled through order state (oldest first, bounded), so trades on them are not counted twice.</summary>
    public ImmutableArray<string> ResolvedOrderIds { get; init; } = [];

    public DateTimeOffset? LastFillAt { get; init; }
}

/// <summary>Memory of the spot external bootstrap anchor (safety rules of behaviour.md §11).</summary>
public sealed record ExternalAnchorMemory
{
    /// <summary>Whether the shell should fetch the external anchor for the next decision.</summary>
    public bool Wanted { get; init; } = true;

    /// <summary>The last accepted mark.</summary>
    public AnchorReading? Accepted { get; init; }

    /// <summary>When the accepted mark was fetched (anchor freshness).</summary>
    public DateTimeOffset? AcceptedFetchedAt { get; init; }

    /// <summary>A move beyond the deviation guard waiting for agreeing fetches.</summary>
    public AnchorReading? Pending { get; init; }

    public int PendingCount { get; init; }

    /// <summary>FetchedAt of the last reading evaluated, so one reading is judged once.</summary>
    public DateTimeOffset? LastEvaluatedFetchAt { get; init; }
}

/// <summary>
/// Memory of the sanity band: the last accepted reference price (the band's centre when there is no anchor) and a
/// self-consistent book outside the band waiting for agreeing decisions before it is accepted as a real move.
/// <see cref="HeldSince"/>: the first decision of a run of decisions that found no reference (the hold of
/// <see cref="Accepted"/> is counted from it, docs/hostile-input.md rule 8); null again once a reference is found.
/// </summary>
public sealed record ReferenceMemory
{
    public decimal? Accepted { get; init; }

    public decimal? Pending { get; init; }

    public int PendingCount { get; init; }

    public DateTimeOffset? HeldSince { get; init; }
}
