using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>A running average: the sum of the values (bps) and how many there were.</summary>
public sealed record BpsAverage(decimal SumBps = 0m, long Count = 0)
{
    public static readonly BpsAverage Empty = new();

    public decimal? Average => Count == 0 ? null : SumBps / Count;

    public BpsAverage Add(decimal bps) => new(SumBps + bps, Count + 1);
}

/// <summary>
/// The P&amp;L book (docs/pnl.md), kept in the state file as a diagnostic so it
/// survives a restart. Average-cost method in the quote currency, from the fills the core observes:
/// <see cref="Position"/> is the signed base position built by those fills (not the balance), <see cref="CostBasis"/>
/// what the open position cost (negative for a short: what selling it brought in), so the average cost is
/// <c>CostBasis / Position</c> and the unrealized P&amp;L at a mark <c>Position × mark − CostBasis</c>.
/// </summary>
public sealed record PnlBook
{
    public decimal Position { get; init; }
    public decimal CostBasis { get; init; }

    /// <summary>Realized P&amp;L, net of fees (quote currency).</summary>
    public decimal Realized { get; init; }

    /// <summary>Fees paid (quote currency), already taken off <see cref="Realized"/>.</summary>
    public decimal Fees { get; init; }

    public decimal BoughtSize { get; init; }
    public decimal SoldSize { get; init; }
    public long FillCount { get; init; }

    /// <summary>The highest total P&amp;L marked so far; null until the first mark (and after a reset).</summary>
    public decimal? Peak { get; init; }

    /// <summary>The largest peak-to-trough drawdown seen.</summary>
    public decimal MaxDrawdown { get; init; }

    /// <summary>Set when the drawdown halt latched: the MM_MAX_DRAWDOWN then in force. Cleared by a larger limit, 0, or a reset.</summary>
    public decimal? DrawdownLatchLimit { get; init; }

    public BpsAverage SpreadCapture { get; init; } = BpsAverage.Empty;
    public BpsAverage Markout1s { get; init; } = BpsAverage.Empty;
    public BpsAverage Markout10s { get; init; } = BpsAverage.Empty;
    public BpsAverage Markout60s { get; init; } = BpsAverage.Empty;

    public decimal AverageCost => Position == 0 ? 0m : CostBasis / Position;

    public decimal Unrealized(decimal mark) => Position * mark - CostBasis;

    /// <summary>
    /// One fill at the average-cost method: a fill that grows the position adds to its cost; one that reduces it
    /// realizes (price − average cost) × size on the part it closes (taking the closed share of the cost basis),
    /// and the rest of a fill that flips the position opens at the fill price. The fee is taken off realized P&amp;L.
    /// </summary>
    public PnlBook Apply(Side side, decimal price, decimal size, decimal fee)
    {
        if (size <= 0)
        {
            return this;
        }

        var signed = side == Side.Buy ? size : -size;
        var position = Position;
        var cost = CostBasis;
        var realized = Realized - fee;
        if (position == 0 || Math.Sign(position) == Math.Sign(signed))
        {
            cost += signed * price;
            position += signed;
        }
        else
        {
            var open = Math.Abs(position);
            var closed = Math.Min(size, open);
            var closedSigned = side == Side.Buy ? closed : -closed;

            // The share of the cost basis the closed part carried (all of it when the position closes).
            var share = closed == open ? cost : cost * closed / open;
            realized += -closedSigned * price - share;
            cost -= share;
            position += closedSigned;
            var rest = signed - closedSigned;
            if (rest != 0)
            {
                cost = rest * price;
                position = rest;
            }
            else if (position == 0)
            {
                cost = 0m;
            }
        }

        return this with
        {
            Position = position,
            CostBasis = cost,
            Realized = realized,
            Fees = Fees + fee,
            BoughtSize = side == Side.Buy ? BoughtSize + size : BoughtSize,
            SoldSize = side == Side.Sell ? SoldSize + size : SoldSize,
            FillCount = FillCount + 1,
        };
    }

    public BpsAverage Markouts(int horizonSeconds) => horizonSeconds switch
    {
        1 => Markout1s,
        10 => Markout10s,
        _ => Markout60s,
    };

    public PnlBook WithMarkout(int horizonSeconds, decimal bps) => horizonSeconds switch
    {
        1 => this with { Markout1s = Markout1s.Add(bps) },
        10 => this with { Markout10s = Markout10s.Add(bps) },
        _ => this with { Markout60s = Markout60s.Add(bps) },
    };
}

/// <summary>A fill whose markouts are still due: taken from the first later decision at or after each horizon that has a reference price.</summary>
public sealed record PendingMarkout(string OrderId, Side Side, decimal Price, decimal Size, DateTimeOffset At, int Done = 0);

/// <summary>
/// A markout taken this decision: the reference price's move since the fill, in bps of the fill price, signed so that
/// positive means the fill earned (bought below / sold above the later reference) and negative adverse selection.
/// Horizon 0 is the spread captured at the fill (against the reference of the decision that observed it).
/// </summary>
public sealed record Markout(string OrderId, Side Side, int HorizonSeconds, decimal Bps, decimal Size);

/// <summary>The P&amp;L view of one decision (also what metrics, soak lines and reports show).</summary>
public sealed record PnlReport(
    decimal Position,
    decimal AverageCost,
    decimal Realized,
    decimal? Unrealized,
    decimal? Total,
    decimal? Drawdown,
    decimal MaxDrawdown,
    decimal? Mark,
    decimal Fees,
    decimal BoughtSize,
    decimal SoldSize,
    long FillCount,
    decimal? SpreadCaptureBps,
    decimal? Markout1sBps,
    decimal? Markout10sBps,
    decimal? Markout60sBps);

internal sealed record PnlStep(PnlBook Book, ImmutableArray<PendingMarkout> Pending, decimal? Mark, ImmutableArray<Markout> Markouts, PnlReport Report, Halt? DrawdownHalt);

/// <summary>P&amp;L, markouts and the drawdown stop for one decision (pure; docs/pnl.md).</summary>
public static class PnlAccounting
{
    public static readonly ImmutableArray<int> Horizons = [1, 10, 60];

    /// <summary>Pending markouts kept at most (the oldest are dropped beyond it).</summary>
    public const int MaxPending = 256;

    internal static PnlStep Step(CycleContext ctx, ImmutableArray<Fill> fills, decimal? reference)
    {
        var state = ctx.State;
        var book = state.Persisted.Pnl;
        var mark = reference is > 0 ? reference : state.LastMark;
        var pending = state.PendingMarkouts;
        var markouts = ImmutableArray<Markout>.Empty;

        if (reference is { } r && r > 0 && !pending.IsEmpty)
        {
            (book, pending, markouts) = TakeMarkouts(book, pending, r, ctx.Now);
        }

        if (!fills.IsEmpty)
        {
            var added = ImmutableArray.CreateBuilder<Markout>();
            var next = pending.ToBuilder();
            foreach (var fill in fills)
            {
                if (fill.Price is not { } price || price <= 0 || fill.Size <= 0)
                {
                    continue;
                }

                book = book.Apply(fill.Side, price, fill.Size, fill.Fee);
                if (mark is { } m)
                {
                    var capture = Bps(fill.Side, price, m);
                    book = book with { SpreadCapture = book.SpreadCapture.Add(capture) };
                    added.Add(new Markout(fill.OrderId, fill.Side, 0, capture, fill.Size));
                }

                next.Add(new PendingMarkout(fill.OrderId, fill.Side, price, fill.Size, ctx.Now));
            }

            if (next.Count > MaxPending)
            {
                next.RemoveRange(0, next.Count - MaxPending);
            }

            pending = next.ToImmutable();
            markouts = markouts.AddRange(added);
        }

        decimal? unrealized = null, total = null, drawdown = null;
        if (mark is { } at)
        {
            unrealized = book.Unrealized(at);
            var t = book.Realized + unrealized.Value;
            total = t;
            var peak = book.Peak is { } p && p >= t ? p : t;
            drawdown = peak - t;
            if (book.Peak != peak || drawdown > book.MaxDrawdown)
            {
                book = book with { Peak = peak, MaxDrawdown = Math.Max(book.MaxDrawdown, drawdown.Value) };
            }
        }
        else if (book.Position == 0)
        {
            // Flat: nothing to mark, the total is what was realized.
            unrealized = 0m;
            total = book.Realized;
            drawdown = book.Peak is { } p ? Math.Max(0m, p - book.Realized) : 0m;
        }

        (book, var halt) = Drawdown(ctx.Config.MaxDrawdown, book, drawdown);
        var report = new PnlReport(
            book.Position, book.AverageCost, book.Realized, unrealized, total, drawdown, book.MaxDrawdown, mark, book.Fees,
            book.BoughtSize, book.SoldSize, book.FillCount, book.SpreadCapture.Average, book.Markout1s.Average,
            book.Markout10s.Average, book.Markout60s.Average);
        return new PnlStep(book, pending, mark, markouts, report, halt);
    }

    /// <summary>
    /// MM_MAX_DRAWDOWN (0 = off): a drawdown beyond it latches the halt until the limit is raised above the latched
    /// one (a restart with a larger value), set to 0, or the latch is reset (<c>mm-bot reset-drawdown</c>).
    /// </summary>
    internal static (PnlBook Book, Halt? Halt) Drawdown(decimal limit, PnlBook book, decimal? drawdown)
    {
        if (limit <= 0)
        {
            return (book.DrawdownLatchLimit is null ? book : book with { DrawdownLatchLimit = null }, null);
        }

        if (book.DrawdownLatchLimit is { } latched)
        {
            if (limit <= latched)
            {
                return (book, new Halt.DrawdownLimitExceeded(
                    $"latched at MM_MAX_DRAWDOWN {latched}; drawdown {drawdown?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}; raise the limit or run mm-bot reset-drawdown"));
            }

            book = book with { DrawdownLatchLimit = null };
        }

        if (drawdown is { } d && d > limit)
        {
            return (book with { DrawdownLatchLimit = limit }, new Halt.DrawdownLimitExceeded($"drawdown {d} > MM_MAX_DRAWDOWN {limit}"));
        }

        return (book, null);
    }

    private static (PnlBook, ImmutableArray<PendingMarkout>, ImmutableArray<Markout>) TakeMarkouts(
        PnlBook book, ImmutableArray<PendingMarkout> pending, decimal reference, DateTimeOffset now)
    {
        ImmutableArray<PendingMarkout>.Builder? next = null;
        ImmutableArray<Markout>.Builder? taken = null;
        for (var i = 0; i < pending.Length; i++)
        {
            var p = pending[i];
            var done = p.Done;
            for (var h = 0; h < Horizons.Length; h++)
            {
                var bit = 1 << h;
                if ((done & bit) == 0 && now >= p.At.AddSeconds(Horizons[h]))
                {
                    var bps = Bps(p.Side, p.Price, reference);
                    book = book.WithMarkout(Horizons[h], bps);
                    (taken ??= ImmutableArray.CreateBuilder<Markout>()).Add(new Markout(p.OrderId, p.Side, Horizons[h], bps, p.Size));
                    done |= bit;
                }
            }

            if (done != p.Done && next is null)
            {
                next = ImmutableArray.CreateBuilder<PendingMarkout>(pending.Length);
                next.AddRange(pending, i);
            }

            if (next is not null && done != (1 << Horizons.Length) - 1)
            {
                next.Add(done == p.Done ? p : p with { Done = done });
            }
        }

        return next is null ? (book, pending, []) : (book, next.ToImmutable(), taken!.ToImmutable());
    }

    /// <summary>(reference − price) / price in bps for a buy, the opposite for a sell: positive = the fill earned.</summary>
    public static decimal Bps(Side side, decimal price, decimal reference) =>
        (side == Side.Buy ? reference - price : price - reference) / price * Num.Bps;
}
