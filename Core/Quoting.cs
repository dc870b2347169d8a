using System.Collections.Immutable;

namespace MarketMaker.Core;

internal sealed record QuoteResult(ImmutableArray<TargetQuote> Bids, ImmutableArray<TargetQuote> Asks, ImmutableArray<Suppression> Suppressions)
{
    public ImmutableArray<TargetQuote> For(Side side) => side == Side.Buy ? Bids : Asks;

    public ImmutableArray<TargetQuote> All => Bids.AddRange(Asks);

    public static QuoteResult None(params Suppression[] suppressions) => new([], [], [.. suppressions]);
}

/// <summary>Target quotes (behaviour.md §4, reference-bot.md §2): spread, skew, rounding, capacity, caps, ladder, passive guard.</summary>
internal static class Quoting
{
    public static QuoteResult Build(CycleContext ctx, decimal reference, ReferenceSource source)
    {
        var cfg = ctx.Config;
        var market = ctx.Market;
        var tick = market.TickSize;
        var h = cfg.HalfSpreadBps / Num.Bps;
        var orderSize = cfg.OrderSize;
        if (market.IsSpot && source == ReferenceSource.External)
        {
            h *= cfg.ExternalAnchor.SpreadMultiplier;
            orderSize *= cfg.ExternalAnchor.SizeMultiplier;
        }

        // Spot: the deviation from the target inventory; futures: the position (target 0).
        var inventory = ctx.InventoryDeviation;
        var limit = Math.Max(Math.Abs(cfg.MaxLongInventory), Math.Abs(cfg.MaxShortInventory));
        var skewBps = cfg.InventorySkewBps == 0 || limit == 0 ? 0m : Num.Clamp(inventory / limit, -1m, 1m) * cfg.InventorySkewBps;
        var s = skewBps / Num.Bps;

        var bid = Num.RoundDown(reference * (1 - h - s), tick);
        var ask = Num.RoundUp(reference * (1 + h - s), tick);
        if (bid <= 0 || ask <= 0 || bid >= ask)
        {
            var detail = $"bid {bid} ask {ask} reference {reference}";
            return QuoteResult.None(
                new Suppression(Side.Buy, SuppressionReasons.InvalidQuotePrices, detail),
                new Suppression(Side.Sell, SuppressionReasons.InvalidQuotePrices, detail));
        }

        // Passive only: never at or through another participant's best price.
        var suppressions = ImmutableArray.CreateBuilder<Suppression>();
        bool bidMoved = false, askMoved = false;
        if (ctx.BestOtherAsk is { } otherAsk && bid >= otherAsk)
        {
            bid = otherAsk - tick;
            bidMoved = true;
        }

        if (ctx.BestOtherBid is { } otherBid && ask <= otherBid)
        {
            ask = otherBid + tick;
            askMoved = true;
        }

        // A price the guard moved outside the sanity band (an absurd order of someone else) is not quoted either.
        var band = cfg.MaxBookDeviationBps;
        var bidCrosses = bid <= 0 || (bid >= ask && bidMoved) || (bidMoved && !ReferencePricing.WithinBand(bid, reference, band));
        var askCrosses = ask <= 0 || (bid >= ask && askMoved) || (askMoved && !ReferencePricing.WithinBand(ask, reference, band));
        var (effLong, effShort) = ctx.EffectiveLimits();
        var minSize = market.MinSize;
        var step = market.SizeStep;

        // Spot orders go to the engine as floor(size × price) whole cNGN, at least 1 (behaviour.md §9): a quote worth
        // less than 1 cNGN cannot be sent, so the side (or ladder level) is suppressed here rather than refused by the shell.
        var minEngineNotional = market.IsSpot ? 1m : 0m;

        // Capacity in size units at the best-level price. The context's capacities leave out only what orders that
        // are not ours reserve, so our own resting orders count as re-usable capacity for their side.
        decimal quoteForBids, quoteForAsks, baseForAsks;
        if (market.IsSpot)
        {
            quoteForBids = ctx.QuoteCapacity;
            quoteForAsks = 0m;
            baseForAsks = ctx.BaseCapacity;
        }
        else
        {
            // Cash-margined future: the margin held by our own resting orders is re-usable.
            quoteForBids = ctx.QuoteCapacity;
            quoteForAsks = ctx.QuoteCapacity;
            baseForAsks = 0m;
        }

        var maxBid = bid > 0 ? Math.Max(0m, quoteForBids) / bid : 0m;
        var maxAsk = market.IsSpot ? Math.Max(0m, baseForAsks) : (ask > 0 ? Math.Max(0m, quoteForAsks) / ask : 0m);
        if (cfg.MaxNotionalPerSide > 0)
        {
            if (bid > 0)
            {
                maxBid = Math.Min(maxBid, cfg.MaxNotionalPerSide / bid);
            }

            if (ask > 0)
            {
                maxAsk = Math.Min(maxAsk, cfg.MaxNotionalPerSide / ask);
            }
        }

        var bidSize = Num.RoundDown(Math.Min(orderSize, maxBid), step);
        var askSize = Num.RoundDown(Math.Min(orderSize, maxAsk), step);

        string? bidReason = null;
        if (orderSize < minSize)
        {
            bidReason = SuppressionReasons.MinOrderSizeNotMet;
        }
        else if (bidCrosses)
        {
            // Before the capacity checks: a bid the passive guard pushed to a non-positive price has no capacity either.
            bidReason = SuppressionReasons.WouldCrossBook;
        }
        else if (quoteForBids <= 0 || maxBid < minSize || bidSize < minSize)
        {
            bidReason = SuppressionReasons.InsufficientQuoteCapacity;
        }
        else if (inventory + bidSize > effLong)
        {
            bidReason = SuppressionReasons.MaxLongInventory;
        }
        else if (bidSize * bid < minEngineNotional)
        {
            bidReason = SuppressionReasons.BelowMinEngineAmount;
        }

        string? askReason = null;
        if (orderSize < minSize)
        {
            askReason = SuppressionReasons.MinOrderSizeNotMet;
        }
        else if (market.IsSpot && (ctx.Balances?.BaseTotal ?? 0m) <= 0)
        {
            askReason = SuppressionReasons.MissingSpotAssetInventory;
        }
        else if (market.IsSpot && (baseForAsks <= 0 || maxAsk < minSize || askSize < minSize))
        {
            askReason = SuppressionReasons.InsufficientBaseCapacity;
        }
        else if (!market.IsSpot && (quoteForAsks <= 0 || maxAsk < minSize || askSize < minSize))
        {
            askReason = SuppressionReasons.InsufficientQuoteCapacity;
        }
        else if (inventory - askSize < effShort)
        {
            askReason = SuppressionReasons.MaxShortInventory;
        }
        else if (askCrosses)
        {
            askReason = SuppressionReasons.WouldCrossBook;
        }
        else if (askSize * ask < minEngineNotional)
        {
            askReason = SuppressionReasons.BelowMinEngineAmount;
        }

        var mode = cfg.OperatorMode;
        if (mode is OperatorMode.AskOnly or OperatorMode.Pause or OperatorMode.DryRunHealth)
        {
            bidReason = SuppressionReasons.OperatorHalted;
        }

        if (mode is OperatorMode.BidOnly or OperatorMode.Pause or OperatorMode.DryRunHealth)
        {
            askReason = SuppressionReasons.OperatorHalted;
        }

        var levels = Math.Max(cfg.QuoteLevels, 1);
        var levelStep = cfg.LevelSpreadStepBps / Num.Bps;
        var mult = cfg.LevelSizeMult <= 0 ? 1m : cfg.LevelSizeMult;

        var bids = ImmutableArray<TargetQuote>.Empty;
        if (bidReason is null)
        {
            bids = Ladder(Side.Buy, bid, bidSize, levels, k => Num.RoundDown(reference * (1 - h - s - (k * levelStep)), tick),
                maxBid, effLong - inventory, orderSize, mult, minSize, step, tick, cfg.MaxNotionalPerSide, minEngineNotional);
        }
        else
        {
            suppressions.Add(new Suppression(Side.Buy, bidReason, SideDetail(Side.Buy, bid, bidSize, maxBid, inventory, effLong)));
        }

        var asks = ImmutableArray<TargetQuote>.Empty;
        if (askReason is null)
        {
            asks = Ladder(Side.Sell, ask, askSize, levels, k => Num.RoundUp(reference * (1 + h - s + (k * levelStep)), tick),
                maxAsk, inventory - effShort, orderSize, mult, minSize, step, tick, cfg.MaxNotionalPerSide, minEngineNotional);
        }
        else
        {
            suppressions.Add(new Suppression(Side.Sell, askReason, SideDetail(Side.Sell, ask, askSize, maxAsk, inventory, effShort)));
        }

        return new QuoteResult(bids, asks, suppressions.ToImmutable());
    }

    /// <summary>
    /// Level 0 is the best quote as computed (already checked against the caps); deeper levels shrink to the
    /// remaining budget and inventory room, move strictly away from the best price, and stop below the minimum size.
    /// With a notional cap, no single level's price × size exceeds it (a deeper ask is priced higher than the best
    /// ask the budget was computed at, and would otherwise trip the open-order notional halt on our own order).
    /// </summary>
    private static ImmutableArray<TargetQuote> Ladder(
        Side side, decimal bestPrice, decimal bestSize, int levels, Func<int, decimal> rawPrice,
        decimal budget, decimal inventoryRoom, decimal orderSize, decimal mult, decimal minSize, decimal step, decimal tick, decimal maxNotional,
        decimal minEngineNotional)
    {
        var result = ImmutableArray.CreateBuilder<TargetQuote>(levels);
        result.Add(new TargetQuote(side, 0, bestPrice, bestSize));
        var remBudget = budget - bestSize;
        var remInventory = inventoryRoom - bestSize;
        var levelSize = orderSize * mult;
        var previous = bestPrice;
        for (var k = 1; k < levels; k++)
        {
            if (remBudget < minSize || remInventory < minSize)
            {
                break;
            }

            var price = rawPrice(k);
            price = side == Side.Buy ? Math.Min(price, previous - tick) : Math.Max(price, previous + tick);
            if (price <= 0)
            {
                break;
            }

            var cap = Math.Min(Math.Min(levelSize, remBudget), remInventory);
            if (maxNotional > 0)
            {
                cap = Math.Min(cap, maxNotional / price);
            }

            var size = Num.RoundDown(cap, step);
            if (size < minSize || size * price < minEngineNotional)
            {
                break;
            }

            result.Add(new TargetQuote(side, k, price, size));
            remBudget -= size;
            remInventory -= size;
            levelSize *= mult;
            previous = price;
        }

        return result.ToImmutable();
    }

    private static string SideDetail(Side side, decimal price, decimal size, decimal max, decimal inventory, decimal cap) =>
        $"{side.Wire()} price={price} candidate_size={size} max_size={max:0.######} inventory={inventory} inventory_cap={cap}";
}
