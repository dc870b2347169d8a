using System.Collections.Immutable;

namespace MarketMaker.Core;

internal sealed record SyncPlan(
    ImmutableArray<CancelAction> Cancels,
    ImmutableArray<TargetQuote> ToPlace,
    ImmutableArray<SuppressedReplace> Suppressed,
    int CountedCancels);

/// <summary>Per-cycle keep / replace / cancel with churn guards (behaviour.md §8, reference-bot.md §4–5).</summary>
internal static class Sync
{
    public static readonly TimeSpan CancelWindow = TimeSpan.FromSeconds(60);
    public const string CrossingOwnQuotes = "crossing_own_quotes";
    public const string LadderRank = "ladder_rank";
    public const string RefreshInterval = "refresh_interval";

    private static readonly Side[] BothSides = [Side.Buy, Side.Sell];

    private enum SlotAction
    {
        Keep,
        Place,
        Cancel,
        Replace,
    }

    private sealed record Slot(LiveOrder? Order, TargetQuote? Target, SlotAction Action, string Reason, bool Counted);

    /// <summary>
    /// The keep / replace / cancel plan. With <paramref name="holdResting"/> (the refresh-interval gate, or the orders
    /// just adopted at start-up) every resting order is kept as it is and only missing slots — a target with no live
    /// order — are placed; the safety rules (rank, no crossing of our own quotes) still apply.
    /// </summary>
    public static SyncPlan Plan(CycleContext ctx, QuoteResult quotes, bool holdResting = false) =>
        Plan(ctx, ctx.Managed, quotes, holdResting);

    public static SyncPlan Plan(CycleContext ctx, ImmutableArray<LiveOrder> managed, QuoteResult quotes, bool holdResting)
    {
        var slots = new List<Slot>();
        var suppressed = ImmutableArray.CreateBuilder<SuppressedReplace>();
        foreach (var side in BothSides)
        {
            var orders = Ranked(managed, side);
            var targets = quotes.For(side);
            for (var i = 0; i < Math.Max(orders.Count, targets.Length); i++)
            {
                var order = i < orders.Count ? orders[i] : null;
                var target = i < targets.Length ? targets[i] : null;
                // A dust remainder is not a resting quote: it is replaced whatever the gate says, like a missing slot.
                slots.Add(holdResting && order is not null && !IsDustRemainder(ctx, order)
                    ? new Slot(order, target, SlotAction.Keep, RefreshInterval, false)
                    : Evaluate(ctx, order, target, suppressed));
            }
        }

        // Settle until nothing changes: a fix for one rule can create a new quote that another kept order conflicts with.
        for (var changed = true; changed;)
        {
            changed = KeepRank(slots) | NoCrossing(slots);
        }

        // An order the matcher holds cannot be canceled: a new quote that would cross it waits for a later cycle, so our
        // bid stays strictly below our ask (the matcher has no self-trade prevention).
        var matching = slots.Where(s => s.Action == SlotAction.Keep && s.Order is { Matching: true }).Select(s => s.Order!).ToList();
        for (var i = 0; i < slots.Count && matching.Count > 0; i++)
        {
            if (slots[i] is { Action: SlotAction.Place or SlotAction.Replace, Target: { } t } slot
                && matching.Any(m => m.Side != t.Side && (t.Side == Side.Buy ? t.Price >= m.Price : t.Price <= m.Price)))
            {
                slots[i] = slot with { Action = slot.Action == SlotAction.Place ? SlotAction.Keep : SlotAction.Cancel };
            }
        }

        var cancels = slots
            .Where(s => s.Action is SlotAction.Cancel or SlotAction.Replace)
            .Select(s => new CancelAction(s.Order!.OrderId, s.Order.Nonce, s.Order.Side, s.Reason, s.Reason == SyncReasons.ExpiryRefresh ? CancelCategory.ExpiryRefresh : CancelCategory.ReplaceDriven))
            .ToImmutableArray();
        var toPlace = slots
            .Where(s => s.Action is SlotAction.Place or SlotAction.Replace && s.Target is not null)
            .Select(s => s.Target!)
            .ToImmutableArray();
        // A suppressed replace that another rule replaced after all is not reported as kept.
        var kept = suppressed.Where(x => !cancels.Any(c => c.OrderId == x.OrderId)).ToImmutableArray();
        return new SyncPlan(cancels, toPlace, kept, slots.Count(s => s.Counted));
    }

    /// <summary>
    /// A kept order must keep its rank among the quotes of its side after this cycle: a new quote of a deeper level
    /// that would rank ahead of it, or a new quote of a shallower level that would not, would make the next cycle pair
    /// the ladder differently and replace again (every cycle). Such a kept order is replaced now (not rate-limited).
    /// </summary>
    private static bool KeepRank(List<Slot> slots)
    {
        var changed = false;
        foreach (var side in BothSides)
        {
            var sideSlots = slots.Select((s, i) => (Slot: s, Index: i)).Where(x => (x.Slot.Order?.Side ?? x.Slot.Target?.Side) == side).ToList();
            for (var a = 0; a < sideSlots.Count; a++)
            {
                var (slot, index) = sideSlots[a];
                if (slot.Action != SlotAction.Keep || slot.Order is not { Matching: false } kept || slot.Target is null)
                {
                    continue;
                }

                bool Better(decimal x, decimal y) => side == Side.Buy ? x > y : x < y;
                var outOfRank = sideSlots.Where((other, b) => b != a
                    && other.Slot.Action is SlotAction.Place or SlotAction.Replace && other.Slot.Target is { } t
                    && (b > a ? Better(t.Price, kept.Price) : !Better(t.Price, kept.Price))).Any();
                if (outOfRank)
                {
                    slots[index] = slot with { Action = SlotAction.Replace, Reason = LadderRank, Counted = false };
                    sideSlots[a] = (slots[index], index);
                    changed = true;
                }
            }
        }

        return changed;
    }

    /// <summary>A new quote must never cross one of our own resting quotes (the matcher has no self-trade prevention).</summary>
    private static bool NoCrossing(List<Slot> slots)
    {
        var changed = false;
        for (var i = 0; i < slots.Count; i++)
        {
            var slot = slots[i];
            if (slot.Action != SlotAction.Keep || slot.Order is not { } kept)
            {
                continue;
            }

            var crossed = slots.Any(other => other.Target is { } t && other.Action is SlotAction.Place or SlotAction.Replace && t.Side != kept.Side
                && (kept.Side == Side.Buy ? kept.Price >= t.Price : kept.Price <= t.Price));
            if (crossed && !kept.Matching)
            {
                slots[i] = slot.Target is null
                    ? slot with { Action = SlotAction.Cancel, Reason = CrossingOwnQuotes }
                    : slot with { Action = SlotAction.Replace, Reason = CrossingOwnQuotes };
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>The orders of one side, bids best (highest) first, asks best (lowest) first; ties by time, then id (a stable order).</summary>
    public static List<LiveOrder> Ranked(ImmutableArray<LiveOrder> orders, Side side)
    {
        var ranked = new List<LiveOrder>();
        foreach (var o in orders)
        {
            if (o.Side != side)
            {
                continue;
            }

            var i = ranked.Count;
            while (i > 0 && RanksAfter(ranked[i - 1], o, side))
            {
                i--;
            }

            ranked.Insert(i, o);
        }

        return ranked;
    }

    private static bool RanksAfter(LiveOrder a, LiveOrder b, Side side)
    {
        if (a.Price != b.Price)
        {
            return side == Side.Buy ? a.Price < b.Price : a.Price > b.Price;
        }

        return a.CreatedAt != b.CreatedAt ? a.CreatedAt > b.CreatedAt : string.CompareOrdinal(a.OrderId, b.OrderId) > 0;
    }

    /// <summary>
    /// Less remains of the order than the market's minimum, or a fill left less than the dust size
    /// (MM_MIN_REFERENCE_ORDER_SIZE) of it. An order placed that small on purpose (a thin ladder level) is not dust.
    /// </summary>
    public static bool IsDustRemainder(CycleContext ctx, LiveOrder order) =>
        order.Remaining < ctx.Market.MinSize
        || (order.Remaining < order.Size && order.Remaining < ctx.Config.EffectiveMinReferenceOrderSize());

    private static Slot Evaluate(CycleContext ctx, LiveOrder? order, TargetQuote? target, ImmutableArray<SuppressedReplace>.Builder suppressed)
    {
        if (order is null)
        {
            return new Slot(null, target, SlotAction.Place, "missing", false);
        }

        // An order the matcher holds right now cannot be canceled (404): leave it alone this cycle.
        if (order.Matching)
        {
            return new Slot(order, target, SlotAction.Keep, "matching", false);
        }

        if (target is null)
        {
            return new Slot(order, null, SlotAction.Cancel, SyncReasons.NoTarget, false);
        }

        if (order.Side != target.Side)
        {
            return new Slot(order, target, SlotAction.Replace, SyncReasons.SideMismatch, false);
        }

        var cfg = ctx.Config;

        // Refresh before expiry: an order about to expire is replaced now, so the side never goes empty when it
        // expires (a short MM_ORDER_EXPIRY_SECONDS is then a dead-man switch). Not counted against the replace budget.
        if (cfg.OrderRefreshBeforeExpirySeconds > 0 && order.Expiry is { } expiry
            && expiry - ctx.Now <= TimeSpan.FromSeconds(cfg.OrderRefreshBeforeExpirySeconds))
        {
            return new Slot(order, target, SlotAction.Replace, SyncReasons.ExpiryRefresh, false);
        }

        var sizeDiff = Math.Abs(order.Size - target.Size);
        var sizeTolerance = Math.Max(
            Reconciliation.SizeTolerance(ctx, target),
            Math.Max(Math.Abs(order.Size), Math.Abs(target.Size)) * 5m / Num.Bps);
        // A remainder below the dust size (MM_MIN_REFERENCE_ORDER_SIZE, docs/hostile-input.md) is no quote: a fill that
        // left a few units of rounding on the order would otherwise keep the side "resting" with nothing to trade.
        if (IsDustRemainder(ctx, order) || (sizeDiff > 0.000000001m && sizeDiff > sizeTolerance))
        {
            return new Slot(order, target, SlotAction.Replace, SyncReasons.SizeMismatch, true);
        }

        var drift = Num.DriftBps(order.Price, target.Price) ?? decimal.MaxValue;
        if (drift > 0 && drift >= cfg.CancelStaleOrderThresholdBps)
        {
            var age = ctx.Now - order.CreatedAt;
            if (cfg.MinQuoteLifetimeSeconds > 0 && age < TimeSpan.FromSeconds(cfg.MinQuoteLifetimeSeconds))
            {
                suppressed.Add(new SuppressedReplace(order.OrderId, order.Side, SyncReasons.MinimumLifetimeNotMet, drift));
                return new Slot(order, target, SlotAction.Keep, SyncReasons.MinimumLifetimeNotMet, false);
            }

            if (cfg.MinPriceMoveBeforeReplaceBps > 0 && drift < cfg.MinPriceMoveBeforeReplaceBps)
            {
                suppressed.Add(new SuppressedReplace(order.OrderId, order.Side, SyncReasons.MinimumMoveNotMet, drift));
                return new Slot(order, target, SlotAction.Keep, SyncReasons.MinimumMoveNotMet, false);
            }

            return new Slot(order, target, SlotAction.Replace, SyncReasons.StaleOrWrong, true);
        }

        return new Slot(order, target, SlotAction.Keep, "in_range", false);
    }
}
