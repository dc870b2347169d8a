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

    private enum SlotAction
    {
        Keep,
        Place,
        Cancel,
        Replace,
    }

    private sealed record Slot(LiveOrder? Order, TargetQuote? Target, SlotAction Action, string Reason, bool Counted);

    public static SyncPlan Plan(CycleContext ctx, QuoteResult quotes)
    {
        var slots = new List<Slot>();
        var suppressed = ImmutableArray.CreateBuilder<SuppressedReplace>();
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var orders = Ranked(ctx.Managed.Where(o => o.Side == side), side);
            var targets = quotes.For(side);
            for (var i = 0; i < Math.Max(orders.Count, targets.Length); i++)
            {
                var order = i < orders.Count ? orders[i] : null;
                var target = i < targets.Length ? targets[i] : null;
                slots.Add(Evaluate(ctx, order, target, suppressed));
            }
        }

        // A new quote must never cross one of our own resting quotes (the matcher has no self-trade prevention).
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
                    ? slot with { Action = SlotAction.Cancel, Reason = "crossing_own_quotes" }
                    : slot with { Action = SlotAction.Replace, Reason = "crossing_own_quotes" };
            }
        }

        var cancels = slots
            .Where(s => s.Action is SlotAction.Cancel or SlotAction.Replace)
            .Select(s => new CancelAction(s.Order!.OrderId, s.Order.Nonce, s.Order.Side, s.Reason, CancelCategory.ReplaceDriven))
            .ToImmutableArray();
        var toPlace = slots
            .Where(s => s.Action is SlotAction.Place or SlotAction.Replace && s.Target is not null)
            .Select(s => s.Target!)
            .ToImmutableArray();
        return new SyncPlan(cancels, toPlace, suppressed.ToImmutable(), slots.Count(s => s.Counted));
    }

    /// <summary>Bids best (highest) first, asks best (lowest) first; ties by time, then id.</summary>
    public static List<LiveOrder> Ranked(IEnumerable<LiveOrder> orders, Side side) =>
        (side == Side.Buy ? orders.OrderByDescending(o => o.Price) : orders.OrderBy(o => o.Price))
            .ThenBy(o => o.CreatedAt)
            .ThenBy(o => o.OrderId, StringComparer.Ordinal)
            .ToList();

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
        var sizeDiff = Math.Abs(order.Size - target.Size);
        var sizeTolerance = Math.Max(
            Reconciliation.SizeTolerance(ctx, target),
            Math.Max(Math.Abs(order.Size), Math.Abs(target.Size)) * 5m / Num.Bps);
        if (order.Remaining < ctx.Market.MinSize || (sizeDiff > 0.000000001m && sizeDiff > sizeTolerance))
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
