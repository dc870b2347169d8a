namespace MarketMaker.Core;

internal sealed record ReferenceResult(
    decimal? Price,
    ReferenceSource Source,
    decimal? Local,
    ReferenceSource LocalSource,
    decimal? Anchor,
    decimal? External,
    bool AnchorStale,
    DateTimeOffset? AnchorFetchedAt,
    decimal? AnchorDeviationBps);

internal sealed record ExternalAnchorResult(ExternalAnchorMemory Memory, string? Rejection, bool Accepted);

/// <summary>Reference price selection (behaviour.md §3) and the external anchor's safety rules (§11).</summary>
internal static class ReferencePricing
{
    public static readonly TimeSpan TradeMaxAge = TimeSpan.FromMinutes(5);

    public static ExternalAnchorResult EvaluateExternal(CycleContext ctx)
    {
        var cfg = ctx.Config.ExternalAnchor;
        var memory = ctx.State.ExternalAnchor;
        if (!cfg.Enabled || !ctx.Market.IsSpot)
        {
            return new ExternalAnchorResult(memory with { Wanted = false }, null, false);
        }

        var input = ctx.Snapshot.ExternalAnchor;
        if (!input.FreshThisCycle || input.Value is not { } reading || input.FetchedAt is not { } fetchedAt || memory.LastEvaluatedFetchAt == fetchedAt)
        {
            return new ExternalAnchorResult(memory, null, false);
        }

        memory = memory with { LastEvaluatedFetchAt = fetchedAt };
        if (reading.Price <= 0)
        {
            return new ExternalAnchorResult(memory, "non_positive_price", false);
        }

        if (ctx.Now - reading.ObservedAt > TimeSpan.FromSeconds(cfg.MaxAgeSeconds))
        {
            return new ExternalAnchorResult(memory, "too_old", false);
        }

        var accept = memory with { Accepted = reading, AcceptedFetchedAt = fetchedAt, Pending = null, PendingCount = 0 };
        if (memory.Accepted is { } mark && cfg.MaxDeviationBps > 0 && DeviationBps(reading.Price, mark.Price) > cfg.MaxDeviationBps)
        {
            var agrees = memory.Pending is { } pending && DeviationBps(reading.Price, pending.Price) <= cfg.MaxDeviationBps;
            var count = agrees ? memory.PendingCount + 1 : 1;
            return count >= ExternalAnchorConfig.AgreeingFetchesToAcceptMove
                ? new ExternalAnchorResult(accept, null, true)
                : new ExternalAnchorResult(memory with { Pending = reading, PendingCount = count }, "deviation_exceeded", false);
        }

        return new ExternalAnchorResult(accept, null, true);
    }

    public static ReferenceResult Select(CycleContext ctx, ExternalAnchorMemory external)
    {
        var (local, localSource) = LocalReference(ctx);
        var cfg = ctx.Config;
        if (ctx.Market.IsSpot)
        {
            decimal? ext = null;
            if (cfg.ExternalAnchor.Enabled && external.Accepted is { } mark
                && ctx.Now - mark.ObservedAt <= TimeSpan.FromSeconds(cfg.ExternalAnchor.MaxAgeSeconds))
            {
                ext = mark.Price;
            }

            var deviation = Deviation(local, ext);
            if (local is { } l)
            {
                return new ReferenceResult(l, localSource, local, localSource, null, ext, false, external.AcceptedFetchedAt, deviation);
            }

            if (ext is { } e)
            {
                var stale = cfg.StaleAnchorTimeoutSeconds > 0 && ctx.IsStale(external.AcceptedFetchedAt, cfg.StaleAnchorTimeoutSeconds);
                return new ReferenceResult(e, ReferenceSource.External, null, ReferenceSource.None, null, e, stale, external.AcceptedFetchedAt, null);
            }

            return new ReferenceResult(null, ReferenceSource.None, null, ReferenceSource.None, null, null, false, external.AcceptedFetchedAt, null);
        }

        var anchorInput = ctx.Snapshot.Anchor;
        var anchorConfigured = cfg.AnchorSourceType != AnchorSourceType.None;
        var anchorStale = anchorConfigured && ctx.IsStale(anchorInput.FetchedAt, cfg.StaleAnchorTimeoutSeconds);
        decimal? anchor = anchorConfigured && anchorInput.Value is { Price: > 0 } a ? a.Price : null;
        var dev = Deviation(local, anchor);
        return anchor is { } p
            ? new ReferenceResult(p, ReferenceSource.Anchor, local, localSource, anchor, null, anchorStale, anchorInput.FetchedAt, dev)
            : new ReferenceResult(local, local is null ? ReferenceSource.None : localSource, local, localSource, null, null, anchorStale, anchorInput.FetchedAt, dev);
    }

    /// <summary>Whether the shell should poll the external anchor for the next decision.</summary>
    public static bool ExternalWanted(CycleContext ctx, ReferenceResult reference) =>
        ctx.Config.ExternalAnchor.Enabled && ctx.Market.IsSpot && (!ctx.Config.ExternalAnchor.BootstrapOnly || reference.Local is null);

    /// <summary>Mid of other participants' best bid and ask, else a fresh trade, else none.</summary>
    public static (decimal? Price, ReferenceSource Source) LocalReference(CycleContext ctx)
    {
        if (ctx.BestOtherBid is { } bid && ctx.BestOtherAsk is { } ask && bid > 0 && ask > 0 && bid < ask)
        {
            return ((bid + ask) / 2m, ReferenceSource.Book);
        }

        var fetchedAt = ctx.Snapshot.MarketData.FetchedAt;
        if (!ctx.Data.Trades.IsDefaultOrEmpty && fetchedAt is { } at)
        {
            // Our own fills are not a reference by themselves (like our own quotes in the book): a fill of ours is at
            // our quote's price, so taking it as the reference lets a taker walk our quotes half a spread per fill.
            // The newest trade without an order of ours in it is used; none within 5 minutes → no local reference.
            var latest = ctx.Data.Trades.FirstOrDefault(t => !ctx.IsManaged(t.MakerOrderId) && !ctx.IsManaged(t.TakerOrderId));
            if (latest is not null && latest.Price > 0 && at - latest.CreatedAt <= TradeMaxAge)
            {
                return (latest.Price, ReferenceSource.Trade);
            }
        }

        return (null, ReferenceSource.None);
    }

    private static decimal? Deviation(decimal? local, decimal? anchor) =>
        local is { } l && anchor is { } a && a > 0 ? DeviationBps(l, a) : null;

    public static decimal DeviationBps(decimal value, decimal mark) => mark == 0 ? decimal.MaxValue : Math.Abs(value - mark) / mark * Num.Bps;
}
