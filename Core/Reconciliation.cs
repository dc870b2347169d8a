using System.Collections.Immutable;

namespace MarketMaker.Core;

internal sealed record ReconciliationResult(ReconciliationReport Report, ImmutableArray<CancelAction> Cancels);

/// <summary>Startup reconciliation (behaviour.md §7): classify every live order, adopt at most one per level rank, cancel the rest.</summary>
internal static class Reconciliation
{
    public static ReconciliationResult Run(CycleContext ctx, QuoteResult quotes, Halt? halt)
    {
        var reasons = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var valid = new List<LiveOrder>();
        foreach (var order in ctx.LiveAll.OrderBy(o => o.OrderId, StringComparer.Ordinal))
        {
            if (halt is not null)
            {
                reasons[order.OrderId] = ReconciliationReasons.RiskHaltPrefix + halt.Reason;
                continue;
            }

            if (Classify(ctx, order) is { } reason)
            {
                reasons[order.OrderId] = reason;
            }
            else
            {
                valid.Add(order);
            }
        }

        var adopted = new List<LiveOrder>();
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            Adopt(ctx, side, valid.Where(o => o.Side == side).ToList(), quotes.For(side), adopted, reasons);
        }

        var cancels = ImmutableArray.CreateBuilder<CancelAction>();
        var canceled = new List<string>();
        var category = halt is Halt.KillSwitchActive ? CancelCategory.KillSwitch : CancelCategory.StartupReconciliation;
        foreach (var order in ctx.LiveAll.OrderBy(o => o.OrderId, StringComparer.Ordinal))
        {
            if (!reasons.TryGetValue(order.OrderId, out var reason) || ctx.IsProtected(order.OrderId))
            {
                continue;
            }

            cancels.Add(new CancelAction(order.OrderId, order.Nonce, order.Side, reason, category));
            canceled.Add(order.OrderId);
        }

        var adoptedBid = adopted.Where(o => o.Side == Side.Buy).OrderByDescending(o => o.Price).FirstOrDefault();
        var adoptedAsk = adopted.Where(o => o.Side == Side.Sell).OrderBy(o => o.Price).FirstOrDefault();
        var report = new ReconciliationReport(
            adoptedBid?.OrderId,
            adoptedAsk?.OrderId,
            [.. adopted.Select(o => o.OrderId).Order(StringComparer.Ordinal)],
            [.. canceled.Order(StringComparer.Ordinal)],
            reasons.ToImmutable());
        return new ReconciliationResult(report, cancels.ToImmutable());
    }

    /// <summary>The metadata rules of reference-bot.md §4, each reason reachable; null when the order is ours and well-formed.</summary>
    public static string? Classify(CycleContext ctx, LiveOrder order) => OrderId.Read(order.OrderId) switch
    {
        OrderIdText.Foreign => ReconciliationReasons.AmbiguousOwnership,
        OrderIdText.Malformed => ReconciliationReasons.MalformedMetadata,
        OrderIdText.InvalidSide s => s.Market != ctx.Market.Symbol ? ReconciliationReasons.WrongMarket : ReconciliationReasons.InvalidSide,
        OrderIdText.InvalidNonce n => n.Market != ctx.Market.Symbol ? ReconciliationReasons.WrongMarket : ReconciliationReasons.MalformedMetadata,
        OrderIdText.Ours { Id: var id } when id.Market != ctx.Market.Symbol => ReconciliationReasons.WrongMarket,
        OrderIdText.Ours { Id: var id } => id.Side != order.Side || id.Nonce != order.Nonce ? ReconciliationReasons.MalformedMetadata : null,
        _ => throw new InvalidOperationException("unreachable: OrderIdText is closed"),
    };

    private static void Adopt(
        CycleContext ctx, Side side, List<LiveOrder> orders, ImmutableArray<TargetQuote> targets,
        List<LiveOrder> adopted, ImmutableSortedDictionary<string, string>.Builder reasons)
    {
        if (targets.IsEmpty)
        {
            foreach (var o in orders)
            {
                reasons[o.OrderId] = ReconciliationReasons.StrategyNotQuotingSide;
            }

            return;
        }

        var remaining = new List<LiveOrder>(orders);
        foreach (var target in targets)
        {
            var best = remaining
                .Where(o => Check(ctx, o, target) is null)
                .OrderBy(o => Num.DriftBps(o.Price, target.Price) ?? decimal.MaxValue)
                .ThenBy(o => o.CreatedAt)
                .ThenBy(o => o.OrderId, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best is not null)
            {
                adopted.Add(best);
                remaining.Remove(best);
            }
        }

        foreach (var o in remaining)
        {
            if (targets.Any(t => Check(ctx, o, t) is null))
            {
                reasons[o.OrderId] = ReconciliationReasons.DuplicateSide;
                continue;
            }

            var nearest = targets.OrderBy(t => Math.Abs(t.Price - o.Price)).ThenBy(t => t.Level).First();
            reasons[o.OrderId] = Check(ctx, o, nearest)!;
        }
    }

    /// <summary>Price and size fit against one target; null when the order may be adopted for it.</summary>
    private static string? Check(CycleContext ctx, LiveOrder order, TargetQuote target)
    {
        var drift = Num.DriftBps(order.Price, target.Price);
        if (drift is not { } d || (d > 0 && d >= ctx.Config.CancelStaleOrderThresholdBps))
        {
            return ReconciliationReasons.PriceTooFarFromTarget;
        }

        if (Math.Abs(order.Size - target.Size) > SizeTolerance(ctx, target) || order.Remaining < ctx.Market.MinSize)
        {
            return ReconciliationReasons.SizeTooFarFromTarget;
        }

        return null;
    }

    /// <summary>
    /// Absolute size tolerance: MM_ADOPT_SIZE_TOLERANCE, widened on spot by one engine unit (one whole cNGN = 1/price USDC),
    /// because a spot order's trader size is read back from a whole-cNGN amount.
    /// </summary>
    public static decimal SizeTolerance(CycleContext ctx, TargetQuote target) =>
        ctx.Market.IsSpot && target.Price > 0
            ? ctx.Config.AdoptSizeTolerance + (1m / target.Price)
            : ctx.Config.AdoptSizeTolerance;
}
