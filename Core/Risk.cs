namespace MarketMaker.Core;

/// <summary>Halts in their evaluation order (behaviour.md §5): kill switch, risk list, operator pause.</summary>
internal static class Risk
{
    public static Halt? Evaluate(CycleContext ctx, ReferenceResult reference)
    {
        var cfg = ctx.Config;
        if (ctx.Snapshot.KillSwitchPresent)
        {
            return new Halt.KillSwitchActive("kill switch file present");
        }
        if (reference.Price is not { } price || price <= 0)
        {
            return new Halt.ReferencePriceUnavailable("no book mid, fresh trade or anchor");
        }

        if (ctx.MarketDataStale)
        {
            return new Halt.ExchangeMarketDataStale(StaleMarketDataDetail(ctx));
        }

        if (ctx.BalancesStale)
        {
            return new Halt.BalancesStale(AgeDetail(ctx, ctx.Snapshot.Balances.FetchedAt, cfg.StaleBalanceTimeoutSeconds));
        }

        if (reference.AnchorStale)
        {
            return new Halt.AnchorDataStale(AgeDetail(ctx, reference.AnchorFetchedAt, cfg.StaleAnchorTimeoutSeconds));
        }

        if (cfg.MaxQuoteAgeSeconds > 0 && !ctx.Managed.IsEmpty && QuoteTime(ctx) is { } quotedAt
            && ctx.Now - quotedAt > TimeSpan.FromSeconds(cfg.MaxQuoteAgeSeconds))
        {
            return new Halt.QuoteAgeExceeded($"quote age {Num.Seconds(ctx.Now - quotedAt)}s > {cfg.MaxQuoteAgeSeconds}s");
        }

        if (cfg.MaxAnchorDeviationBps > 0 && reference.AnchorDeviationBps is { } deviation && deviation > cfg.MaxAnchorDeviationBps)
        {
            return new Halt.AnchorDeviationExceeded($"deviation {deviation:0.####} bps > {cfg.MaxAnchorDeviationBps} bps");
        }

        var (maxLong, maxShort) = ctx.EffectiveLimits();
        if (ctx.InventoryDeviation > maxLong)
        {
            return new Halt.InventoryExceedsMaxLong($"inventory {InventoryText(ctx)} > max long {maxLong}");
        }

        if (ctx.InventoryDeviation < maxShort)
        {
            return new Halt.InventoryExceedsMaxShort($"inventory {InventoryText(ctx)} < max short {maxShort}");
        }

        if (cfg.MaxNotionalPerSide > 0 && ctx.LiveAll.FirstOrDefault(o => o.Price * o.Remaining > cfg.MaxNotionalPerSide) is { } big)
        {
            return new Halt.OpenOrderNotionalExceedsLimit($"order {big.OrderId} notional {big.Price * big.Remaining} > {cfg.MaxNotionalPerSide}");
        }

        if (cfg.MinBaseBalance > 0 && ctx.BaseCapacity < cfg.MinBaseBalance)
        {
            return new Halt.AvailableBaseBelowThreshold($"available {ctx.Market.BaseAsset} {ctx.BaseCapacity} < {cfg.MinBaseBalance}");
        }

        if (cfg.MinQuoteBalance > 0 && ctx.QuoteCapacity < cfg.MinQuoteBalance)
        {
            return new Halt.AvailableQuoteBelowThreshold($"available {ctx.Market.QuoteAsset} {ctx.QuoteCapacity} < {cfg.MinQuoteBalance}");
        }

        if (cfg.OperatorMode == OperatorMode.Pause)
        {
            return new Halt.OperatorPauseActive("MM_OPERATOR_MODE=pause");
        }

        return null;
    }

    /// <summary>When our quotes were last refreshed: the last sync change, else the newest managed order.</summary>
    public static DateTimeOffset? QuoteTime(CycleContext ctx) =>
        ctx.State.LastQuoteUpdate ?? (ctx.Managed.IsEmpty ? null : ctx.Managed.Max(o => o.CreatedAt));

    /// <summary>The inventory the limits apply to; with a non-zero target also the balance and the target it comes from.</summary>
    public static string InventoryText(CycleContext ctx) =>
        ctx.TargetInventory == 0m ? $"{ctx.Inventory}" : $"{ctx.InventoryDeviation} (balance {ctx.Inventory} - target {ctx.TargetInventory})";

    /// <summary>Which of the two market-data inputs is stale, named by where it comes from (the database or markets-service).</summary>
    private static string StaleMarketDataDetail(CycleContext ctx)
    {
        var timeout = ctx.Config.StaleMarketDataTimeoutSeconds;
        var book = ctx.Snapshot.MarketData.FetchedAt;
        var orders = ctx.Snapshot.Orders.FetchedAt;
        var ordersStale = ctx.IsStale(orders, timeout);
        var bookStale = ctx.IsStale(book, timeout);
        var parts = new List<string>(2);
        if (ordersStale)
        {
            parts.Add($"live orders (database) {AgeDetail(ctx, orders, timeout)}");
        }

        if (bookStale)
        {
            parts.Add($"book and trades (markets-service) {AgeDetail(ctx, book, timeout)}");
        }

        return parts.Count == 0 ? AgeDetail(ctx, Freshness.Older(book, orders), timeout) : string.Join("; ", parts);
    }

    private static string AgeDetail(CycleContext ctx, DateTimeOffset? at, int timeoutSeconds) =>
        at is { } t ? $"age {Num.Seconds(ctx.Now - t)}s > timeout {timeoutSeconds}s" : "never fetched";
}
