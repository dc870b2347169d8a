using System.Collections.Immutable;

namespace MarketMaker.Core;

internal sealed record FillResult(ImmutableArray<Fill> Fills, FillTracker Tracker, decimal? InventoryDelta);

/// <summary>Fill accounting (behaviour.md §12): order state first, trades second, inventory delta as a diagnostic.</summary>
internal static class FillAccounting
{
    public const int MaxSeenTrades = 512;
    public const int MaxResolvedOrders = 256;
    public static readonly TimeSpan UnresolvedGiveUp = TimeSpan.FromHours(1);

    public static FillResult Observe(CycleContext ctx)
    {
        var tracker = ctx.State.Fills;
        var fills = ImmutableArray.CreateBuilder<Fill>();
        // Ordinal keys (the order of the keys is the same as the runtime's invariant comparer, without its cost).
        var orders = tracker.Orders.WithComparers(StringComparer.Ordinal).ToBuilder();
        // Copied only when an order is resolved (the steady state resolves none).
        List<string>? resolvedAdded = null;
        bool Resolved(string id) => tracker.ResolvedOrderIds.Contains(id) || (resolvedAdded?.Contains(id) ?? false);
        var dust = Math.Max(0.000000001m, ctx.Market.SizeStep / 100m);
        var ordersKnown = ctx.Snapshot.Orders.Value is not null && ctx.Snapshot.Orders.FreshThisCycle;

        if (ordersKnown)
        {
            var live = ctx.Managed.ToDictionary(o => o.OrderId, StringComparer.Ordinal);
            foreach (var tracked in tracker.Orders.Values)
            {
                if (live.TryGetValue(tracked.OrderId, out var now))
                {
                    // Filled so far as the exchange shows it, less what was counted before.
                    var filled = now.Size - now.Remaining;
                    var delta = filled - tracked.Counted;
                    if (delta > dust)
                    {
                        fills.Add(new Fill(tracked.OrderId, tracked.Side, delta, now.Remaining > 0, "order_state", now.Price));
                    }

                    var counted = Math.Max(filled, tracked.Counted);
                    if (now.Remaining != tracked.Remaining || now.Size != tracked.Size || counted != tracked.Counted || now.Price != tracked.Price)
                    {
                        orders[tracked.OrderId] = tracked with { Remaining = now.Remaining, Size = now.Size, Counted = counted, Price = now.Price };
                    }

                    continue;
                }

                if (ctx.Snapshot.FinalStatuses.TryGetValue(tracked.OrderId, out var final))
                {
                    var extra = final.FilledSize - tracked.Counted;
                    if (final.Status != FinalOrderStatus.NotFound && extra > dust)
                    {
                        fills.Add(new Fill(tracked.OrderId, tracked.Side, extra, false, "final_status", tracked.Price));
                    }

                    orders.Remove(tracked.OrderId);
                    (resolvedAdded ??= []).Add(tracked.OrderId);
                }
                else if (ctx.Now - tracked.Since > UnresolvedGiveUp)
                {
                    // No final row after an hour: stop following it rather than grow without bound.
                    orders.Remove(tracked.OrderId);
                    (resolvedAdded ??= []).Add(tracked.OrderId);
                }
            }

            foreach (var order in ctx.Managed)
            {
                if (!orders.ContainsKey(order.OrderId) && !Resolved(order.OrderId))
                {
                    // First sight of an order we did not place in this process (e.g. adopted): what is filled is history.
                    orders[order.OrderId] = new TrackedOrder(order.OrderId, order.Side, order.Size, order.Remaining, ctx.Now, order.Size - order.Remaining, order.Price);
                }
            }
        }

        var seen = tracker.SeenTradeIds.ToBuilder();
        var primed = tracker.Primed;
        // In the steady state every trade was seen before: then there is nothing to sort or count.
        if (ctx.Snapshot.MarketData.Value is { } data && (!primed || HasUnseen(data.Trades, tracker.SeenTradeIds)))
        {
            foreach (var trade in data.Trades.OrderBy(t => t.TradeId))
            {
                if (!seen.Add(trade.TradeId) || !primed)
                {
                    continue;
                }

                var ours = ctx.IsManaged(trade.MakerOrderId) ? trade.MakerOrderId : ctx.IsManaged(trade.TakerOrderId) ? trade.TakerOrderId : null;
                if (ours is null || orders.ContainsKey(ours) || Resolved(ours) || fills.Any(f => f.OrderId == ours))
                {
                    continue;
                }

                var side = Nonces.SideOf(ours) ?? trade.AggressorSide.Opposite();
                fills.Add(new Fill(ours, side, trade.Size, false, "trade", trade.Price));
            }

            primed = true;
            while (seen.Count > MaxSeenTrades)
            {
                seen.Remove(seen.Min);
            }
        }

        var resolved = resolvedAdded is null ? tracker.ResolvedOrderIds : tracker.ResolvedOrderIds.AddRange(resolvedAdded);
        if (resolved.Length > MaxResolvedOrders)
        {
            resolved = resolved[^MaxResolvedOrders..];
        }

        decimal? inventoryDelta = null;
        if (ctx.Balances is { } balances && ctx.State.Persisted.LastInventorySnapshot.TryGetValue(ctx.Market.BaseAsset, out var before))
        {
            inventoryDelta = balances.BaseTotal - before;
        }

        var result = fills.ToImmutable();
        var next = tracker with
        {
            Primed = primed,
            Orders = orders.ToImmutable(),
            SeenTradeIds = seen.ToImmutable(),
            ResolvedOrderIds = resolved,
            LastFillAt = result.IsEmpty ? tracker.LastFillAt : ctx.Now,
        };
        return new FillResult(result, next, inventoryDelta);
    }

    private static bool HasUnseen(ImmutableArray<Trade> trades, ImmutableSortedSet<long> seen)
    {
        foreach (var trade in trades)
        {
            if (!seen.Contains(trade.TradeId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Follows the orders this decision places, so their fills are seen even if they fill before the next look.</summary>
    public static FillTracker Track(FillTracker tracker, IEnumerable<PlaceAction> placements, DateTimeOffset now)
    {
        var orders = tracker.Orders;
        foreach (var p in placements)
        {
            orders = orders.SetItem(p.OrderId, new TrackedOrder(p.OrderId, p.Side, p.Size, p.Size, now, 0m, p.Price));
        }

        return tracker with { Orders = orders };
    }
}
