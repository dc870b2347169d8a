using System.Collections.Immutable;
using MarketMaker.Core;

namespace MarketMaker.Shell.History;

/// <summary>One trade of ours as the exchange reports it (trader view), with the fee when the exchange reports one.</summary>
public sealed record OwnTrade(Trade Trade, string OrderId, bool Maker, Side Side, decimal? Fee);

/// <summary>The markouts recorded for one of our orders (bps, size-weighted over its fills), per horizon; null where none was taken.</summary>
public sealed record OrderMarkouts(decimal? SpreadCaptureBps, decimal? Markout1sBps, decimal? Markout10sBps, decimal? Markout60sBps);

/// <summary>One row of <c>mm-bot history</c>: a fill, and the P&amp;L book right after it.</summary>
public sealed record HistoryRow(
    long TradeId,
    DateTimeOffset At,
    string OrderId,
    bool Maker,
    Side Side,
    decimal Price,
    decimal Size,
    decimal? Fee,
    decimal Realized,
    decimal RealizedTotal,
    decimal Position,
    decimal AverageCost,
    OrderMarkouts? Markouts);

/// <summary>The listed fills and their totals.</summary>
public sealed record HistoryReport(ImmutableArray<HistoryRow> Rows, PnlBook Book, long TradesScanned, bool Complete);

/// <summary>
/// Builds the fill history (docs/pnl.md, "mm-bot history") from trades, oldest first: the same average-cost book as the
/// core's (<see cref="PnlBook.Apply"/>), started flat at the first listed fill, so each row's realized P&amp;L is what
/// that fill realized against the fills listed before it. Markouts are the ones the bot recorded for the order.
/// </summary>
public static class FillHistory
{
    /// <summary>Our side of a trade: from our order id (<c>mm:{market}:{side}:{nonce}</c>), else the opposite of the aggressor's when we made it.</summary>
    public static OwnTrade? Own(Trade trade, string managedPrefix, decimal? takerFee)
    {
        var maker = trade.MakerOrderId.StartsWith(managedPrefix, StringComparison.Ordinal);
        var taker = trade.TakerOrderId.StartsWith(managedPrefix, StringComparison.Ordinal);
        if (!maker && !taker)
        {
            return null;
        }

        var id = maker ? trade.MakerOrderId : trade.TakerOrderId;
        var side = Nonces.SideOf(id) ?? (maker ? trade.AggressorSide.Opposite() : trade.AggressorSide);
        // A maker pays no fee (markets-service-api.md §10: the fee is the taker's); a taker's is known only if reported.
        return new OwnTrade(trade, id, maker, side, maker ? 0m : takerFee);
    }

    public static HistoryReport Build(IEnumerable<OwnTrade> trades, IReadOnlyDictionary<string, OrderMarkouts> markouts, long scanned, bool complete)
    {
        var book = new PnlBook();
        var rows = ImmutableArray.CreateBuilder<HistoryRow>();
        foreach (var t in trades.OrderBy(t => t.Trade.CreatedAt).ThenBy(t => t.Trade.TradeId))
        {
            var before = book.Realized;
            book = book.Apply(t.Side, t.Trade.Price, t.Trade.Size, t.Fee ?? 0m);
            rows.Add(new HistoryRow(
                t.Trade.TradeId,
                t.Trade.CreatedAt,
                t.OrderId,
                t.Maker,
                t.Side,
                t.Trade.Price,
                t.Trade.Size,
                t.Fee,
                book.Realized - before,
                book.Realized,
                book.Position,
                book.AverageCost,
                markouts.GetValueOrDefault(t.OrderId)));
        }

        return new HistoryReport(rows.ToImmutable(), book, scanned, complete);
    }

    /// <summary>The markouts of a run's decisions, per order: size-weighted mean per horizon (0 = spread captured).</summary>
    public static Dictionary<string, OrderMarkouts> Markouts(IEnumerable<Markout> taken)
    {
        var sums = new Dictionary<(string, int), (decimal Weighted, decimal Size)>();
        foreach (var m in taken)
        {
            var key = (m.OrderId, m.HorizonSeconds);
            var (w, s) = sums.GetValueOrDefault(key);
            sums[key] = (w + m.Bps * m.Size, s + m.Size);
        }

        decimal? Mean(string id, int h) => sums.TryGetValue((id, h), out var v) && v.Size > 0 ? v.Weighted / v.Size : null;
        return sums.Keys.Select(k => k.Item1).Distinct(StringComparer.Ordinal).ToDictionary(
            id => id,
            id => new OrderMarkouts(Mean(id, 0), Mean(id, 1), Mean(id, 10), Mean(id, 60)),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// A spot taker fee as reported (USDC wei, markets-service-api.md §10) in the quote currency at the fill's trader
    /// price (cNGN per USDC); null when not reported, not a number, or on a market whose fee unit the spec does not give.
    /// </summary>
    public static decimal? QuoteFee(string? takerFeeWei, MarketSpec market, decimal traderPrice)
    {
        if (!market.IsSpot || string.IsNullOrEmpty(takerFeeWei) || !takerFeeWei.All(char.IsAsciiDigit) || takerFeeWei.Length > 28)
        {
            return null;
        }

        return decimal.Parse(takerFeeWei, System.Globalization.CultureInfo.InvariantCulture) / 1_000_000_000_000_000_000m * traderPrice;
    }
}
