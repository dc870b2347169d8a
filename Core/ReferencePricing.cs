using System.Collections.Immutable;

namespace MarketMaker.Core;

internal sealed record ReferenceResult(
    Reference Reference,
    decimal? Local,
    ReferenceSource LocalSource,
    decimal? Anchor,
    decimal? External,
    bool AnchorStale,
    DateTimeOffset? AnchorFetchedAt,
    decimal? AnchorDeviationBps)
{
    public decimal? Price => Reference.Price;
}

/// <summary>The centre of the sanity band, and whether it is an anchor (an anchor is never moved by the book).</summary>
internal sealed record BandCentre(decimal? Price, bool FromAnchor);

/// <summary>The local reference, the inputs refused on the way, and a self-consistent book outside the band (a possible move).</summary>
internal sealed record LocalResult(decimal? Price, ReferenceSource Source, ImmutableArray<InputAnomaly> Anomalies, decimal? MoveCandidate);

internal sealed record BandedReference(ReferenceResult Result, ImmutableArray<InputAnomaly> Anomalies, ReferenceMemory Memory);

internal sealed record ExternalAnchorResult(ExternalAnchorMemory Memory, string? Rejection, bool Accepted);

/// <summary>Reference price selection (behaviour.md §3) and the external anchor's safety rules (§11).</summary>
internal static class ReferencePricing
{
    public static readonly TimeSpan TradeMaxAge = TimeSpan.FromMinutes(5);

    /// <summary>A trade may be dated this much after the market-data fetch (clock skew); later, it is not a reference.</summary>
    public static readonly TimeSpan TradeClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>Decisions in a row that must see the same self-consistent book outside the band before it is the new centre.</summary>
    public const int AgreeingDecisionsToAcceptMove = 3;

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

    public static ReferenceResult Select(CycleContext ctx, ExternalAnchorMemory external) => Select(ctx, external, Centre(ctx, external)).Result;

    /// <summary>Reference selection with the sanity band around <paramref name="centre"/>; also the refused inputs and the band memory.</summary>
    public static BandedReference Select(CycleContext ctx, ExternalAnchorMemory external, BandCentre centre)
    {
        var local = LocalReference(ctx, centre);
        var result = SelectFrom(ctx, external, local.Price, local.Source);
        var memory = ctx.State.Reference;
        // The start of this run of decisions without a reference (held or not); null once a reference is found.
        var heldSince = result.Price is null ? memory.HeldSince ?? ctx.Now : (DateTimeOffset?)null;
        if (result.Price is null && local.MoveCandidate is null && Hold(ctx) is { } held)
        {
            result = SelectFrom(ctx, external, held, ReferenceSource.Held);
        }

        var next = NextMemory(memory, result.Price, local, ctx.Config.MaxBookDeviationBps) with { HeldSince = heldSince };
        return new BandedReference(result, local.Anomalies, next);
    }

    /// <summary>
    /// How long the last accepted reference is held while no reference is found (docs/hostile-input.md, rule 8). The
    /// markets-service reserves the best bid and ask as <c>matching</c> on every matcher tick (250 ms), even when they do
    /// not cross, and its book leaves <c>matching</c> orders out (markets-service-api.md §1.3, §6.2): when another
    /// participant's order is the best of a side (ours just filled or cancelled), that side can be missing for one
    /// fetch. Without the hold that one fetch halts with <c>reference price unavailable</c> and cancels both quotes.
    /// </summary>
    public static readonly TimeSpan ReferenceHold = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The price to hold: the last accepted reference, when one side of the others' book is missing and the other is
    /// within the band of that reference, for at most <see cref="ReferenceHold"/> from the first decision of the run of
    /// decisions without a reference (<see cref="ReferenceMemory.HeldSince"/>; null: this decision is the first); else none.
    /// </summary>
    private static decimal? Hold(CycleContext ctx)
    {
        var memory = ctx.State.Reference;
        if (memory.Accepted is not { } accepted || accepted <= 0)
        {
            return null;
        }

        // Only for one side of the others' book missing (the artefact above) while the other side is still where the
        // reference was (within the band of it): a book whose both sides are there but refused, an empty book, or a
        // possible move is not held (those rules halt, as before).
        var bids = ctx.ReferenceBids;
        var asks = ctx.ReferenceAsks;
        if ((bids.Count == 0) == (asks.Count == 0))
        {
            return null;
        }

        var present = bids.Count > 0 ? bids[0].Price : asks[0].Price;
        if (!WithinBand(present, accepted, ctx.Config.MaxBookDeviationBps))
        {
            return null;
        }

        return memory.HeldSince is not { } since || ctx.Now - since <= ReferenceHold ? accepted : null;
    }

    private static ReferenceResult SelectFrom(CycleContext ctx, ExternalAnchorMemory external, decimal? local, ReferenceSource localSource)
    {
        var cfg = ctx.Config;
        if (ctx.Market.IsSpot)
        {
            var ext = FreshExternal(ctx, external);
            var deviation = Deviation(local, ext);
            if (local is { } l)
            {
                return new ReferenceResult(new Reference.Found(localSource, l), local, localSource, null, ext, false, external.AcceptedFetchedAt, deviation);
            }

            if (ext is { } e)
            {
                var stale = cfg.StaleAnchorTimeoutSeconds > 0 && ctx.IsStale(external.AcceptedFetchedAt, cfg.StaleAnchorTimeoutSeconds);
                return new ReferenceResult(new Reference.Found(ReferenceSource.External, e), null, ReferenceSource.None, null, e, stale, external.AcceptedFetchedAt, null);
            }

            return new ReferenceResult(Reference.Absent.Value, null, ReferenceSource.None, null, null, false, external.AcceptedFetchedAt, null);
        }

        var anchorInput = ctx.Snapshot.Anchor;
        var anchorConfigured = cfg.AnchorSourceType != AnchorSourceType.None;
        var anchorStale = anchorConfigured && ctx.IsStale(anchorInput.FetchedAt, cfg.StaleAnchorTimeoutSeconds);
        var anchor = FuturesAnchor(ctx);
        var dev = Deviation(local, anchor);
        return anchor is { } p
            ? new ReferenceResult(new Reference.Found(ReferenceSource.Anchor, p), local, localSource, anchor, null, anchorStale, anchorInput.FetchedAt, dev)
            : new ReferenceResult(Reference.Of(local, localSource), local, localSource, null, null, anchorStale, anchorInput.FetchedAt, dev);
    }

    private static decimal? FreshExternal(CycleContext ctx, ExternalAnchorMemory external) =>
        ctx.Config.ExternalAnchor.Enabled && external.Accepted is { } mark
        && ctx.Now - mark.ObservedAt <= TimeSpan.FromSeconds(ctx.Config.ExternalAnchor.MaxAgeSeconds)
            ? mark.Price
            : null;

    private static decimal? FuturesAnchor(CycleContext ctx) =>
        ctx.Config.AnchorSourceType != AnchorSourceType.None && ctx.Snapshot.Anchor.Value is { Price: > 0 } a ? a.Price : null;

    /// <summary>Whether the shell should poll the external anchor for the next decision.</summary>
    public static bool ExternalWanted(CycleContext ctx, ReferenceResult reference) =>
        ctx.Config.ExternalAnchor.Enabled && ctx.Market.IsSpot && (!ctx.Config.ExternalAnchor.BootstrapOnly || reference.Local is null);

    /// <summary>
    /// The centre of the sanity band: the anchor when there is one (futures: the configured anchor; spot: a fresh
    /// accepted external mark), else the last accepted reference, else none (the first decision after a start).
    /// </summary>
    public static BandCentre Centre(CycleContext ctx, ExternalAnchorMemory external)
    {
        var anchor = ctx.Market.IsSpot ? FreshExternal(ctx, external) : FuturesAnchor(ctx);
        if (anchor is { } a)
        {
            return new BandCentre(a, FromAnchor: true);
        }

        return new BandCentre(ctx.State.Reference.Accepted is > 0 ? ctx.State.Reference.Accepted : null, FromAnchor: false);
    }

    /// <summary>
    /// Mid of other participants' best bid and ask, else a fresh trade, else none (behaviour.md §3), with the rules of
    /// docs/hostile-input.md: orders below the minimum reference size do not count, a price outside the sanity band
    /// is skipped (the next level is used), a trade dated in the future or outside the band is not a reference.
    /// </summary>
    public static LocalResult LocalReference(CycleContext ctx, BandCentre centre)
    {
        var anomalies = ImmutableArray.CreateBuilder<InputAnomaly>();
        var band = ctx.Config.MaxBookDeviationBps;
        var bids = ctx.ReferenceBids;
        var asks = ctx.ReferenceAsks;
        decimal? mid = null;
        decimal? candidate = null;
        if (centre.Price is { } c)
        {
            var bid = FirstInBand(bids, c, band, anomalies);
            var ask = FirstInBand(asks, c, band, anomalies);
            if (bid is { } b && ask is { } a && b < a)
            {
                mid = Mid(b, a);
            }
            else if (!centre.FromAnchor && ConsistentTop(bids, asks, band) is { } moved)
            {
                // Both sides agree with each other far from the last reference: maybe a real move (see NextMemory).
                candidate = moved;
            }
        }
        else if (bids.Count > 0 && asks.Count > 0 && bids[0].Price < asks[0].Price)
        {
            if (ConsistentTop(bids, asks, band) is { } m)
            {
                mid = m;
            }
            else
            {
                anomalies.Add(new InputAnomaly(
                    InputAnomalyKinds.InconsistentBook,
                    $"{bids[0].OrderId}|{asks[0].OrderId}",
                    $"best bid {bids[0].Price} and best ask {asks[0].Price} are more than {band} bps from their mid"));
            }
        }

        if (mid is { } bookMid)
        {
            return new LocalResult(bookMid, ReferenceSource.Book, anomalies.ToImmutable(), null);
        }

        var trade = TradeReference(ctx, centre.Price ?? candidate, anomalies);
        return new LocalResult(trade, trade is null ? ReferenceSource.None : ReferenceSource.Trade, anomalies.ToImmutable(), candidate);
    }

    /// <summary>Other participants' orders of one side that may set the mid: positive price, at least the minimum reference size; best first.</summary>
    /// <summary>The best price within the band; the better prices skipped on the way are refused (the best of them is reported).</summary>
    private static decimal? FirstInBand(List<BookOrder> orders, decimal centre, decimal band, ImmutableArray<InputAnomaly>.Builder anomalies)
    {
        for (var i = 0; i < orders.Count; i++)
        {
            if (WithinBand(orders[i].Price, centre, band))
            {
                return orders[i].Price;
            }

            if (i == 0)
            {
                anomalies.Add(new InputAnomaly(
                    InputAnomalyKinds.BookOutlier,
                    orders[i].OrderId,
                    $"{orders[i].Side.Wire()} {orders[i].Price} is more than {band} bps from {centre}"));
            }
        }

        return null;
    }

    /// <summary>The mid of the best bid and ask when each is within the band of that mid (the book agrees with itself), else null.</summary>
    private static decimal? ConsistentTop(List<BookOrder> bids, List<BookOrder> asks, decimal band)
    {
        if (bids.Count == 0 || asks.Count == 0 || bids[0].Price >= asks[0].Price)
        {
            return null;
        }

        var mid = Mid(bids[0].Price, asks[0].Price);
        return WithinBand(bids[0].Price, mid, band) && WithinBand(asks[0].Price, mid, band) ? mid : null;
    }

    /// <summary>(bid + ask) / 2 as behaviour.md §3 has it; halves first only where the sum would not fit a decimal.</summary>
    private static decimal Mid(decimal bid, decimal ask)
    {
        try
        {
            return (bid + ask) / 2m;
        }
        catch (OverflowException)
        {
            return (bid / 2m) + (ask / 2m);
        }
    }

    /// <summary>
    /// The newest trade that is not dated after the market-data fetch (beyond <see cref="TradeClockSkew"/>), if it is at
    /// most <see cref="TradeMaxAge"/> old and within the band of <paramref name="centre"/>.
    /// </summary>
    private static decimal? TradeReference(CycleContext ctx, decimal? centre, ImmutableArray<InputAnomaly>.Builder anomalies)
    {
        if (ctx.Data.Trades.IsDefaultOrEmpty || ctx.Snapshot.MarketData.FetchedAt is not { } at)
        {
            return null;
        }

        foreach (var trade in ctx.Data.Trades)
        {
            if (trade.CreatedAt - at > TradeClockSkew)
            {
                anomalies.Add(new InputAnomaly(
                    InputAnomalyKinds.FutureTrade,
                    $"trade:{trade.TradeId}",
                    $"trade {trade.TradeId} at {trade.Price} dated {trade.CreatedAt:O}, after the fetch at {at:O}"));
                continue;
            }

            // Our own fills are not a reference by themselves (like our own quotes in the book): a fill of ours is at
            // our quote's price, so taking it as the reference lets a taker walk our quotes half a spread per fill.
            // The newest trade without an order of ours in it is used (docs/safety.md "Own fills").
            if (ctx.IsManaged(trade.MakerOrderId) || ctx.IsManaged(trade.TakerOrderId))
            {
                continue;
            }

            if (trade.Price <= 0 || at - trade.CreatedAt > TradeMaxAge)
            {
                return null;
            }

            if (centre is { } c && !WithinBand(trade.Price, c, ctx.Config.MaxBookDeviationBps))
            {
                anomalies.Add(new InputAnomaly(
                    InputAnomalyKinds.TradeOutlier,
                    $"trade:{trade.TradeId}",
                    $"trade {trade.TradeId} at {trade.Price} is more than {ctx.Config.MaxBookDeviationBps} bps from {c}"));
                return null;
            }

            return trade.Price;
        }

        return null;
    }

    /// <summary>
    /// The band memory after this decision: the accepted reference becomes the centre; a self-consistent book outside
    /// the band is accepted after <see cref="AgreeingDecisionsToAcceptMove"/> decisions that agree with each other.
    /// </summary>
    private static ReferenceMemory NextMemory(ReferenceMemory memory, decimal? accepted, LocalResult local, decimal band)
    {
        if (local.MoveCandidate is { } candidate)
        {
            var agrees = memory.Pending is { } pending && WithinBand(candidate, pending, band);
            var count = agrees ? memory.PendingCount + 1 : 1;
            return count >= AgreeingDecisionsToAcceptMove
                ? new ReferenceMemory { Accepted = candidate }
                : memory with { Pending = candidate, PendingCount = count };
        }

        return accepted is { } price ? new ReferenceMemory { Accepted = price } : memory with { Pending = null, PendingCount = 0 };
    }

    /// <summary>Whether <paramref name="price"/> is within <paramref name="bandBps"/> of <paramref name="centre"/> (always, when the band is off). Never overflows.</summary>
    public static bool WithinBand(decimal price, decimal centre, decimal bandBps) =>
        bandBps <= 0 || centre <= 0 || Math.Abs(price - centre) <= centre * (bandBps / Num.Bps);

    private static decimal? Deviation(decimal? local, decimal? anchor) =>
        local is { } l && anchor is { } a && a > 0 ? DeviationBps(l, a) : null;

    public static decimal DeviationBps(decimal value, decimal mark) => mark == 0 ? decimal.MaxValue : Math.Abs(value - mark) / mark * Num.Bps;
}
