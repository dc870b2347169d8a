using System.Collections.Immutable;
using System.Globalization;
using MarketMaker.Core;

namespace MarketMaker.Protocol.Markets;

/// <summary>
/// Maps the engine-view wire data of the markets-service to the trader-view Core model (behaviour.md "Words", §9;
/// markets-service-api.md §1.3, §1.4, §3.4). Pure. A value that cannot be read is a
/// <see cref="MarketsApiException"/> of kind Malformed naming the endpoint and the field
/// (e.g. <c>$.bids[3].limit_price</c>).
/// <para>Futures: the two views are the same except amounts, which the engine reports in lots (size = lots × 0.001).</para>
/// <para>USDCcNGN-SPOT: the engine trades cNGN priced in USDC. Every engine side is inverted, every engine price
/// <c>e</c> becomes the trader price <c>1/e</c> (half-up, 18 dp) and every whole-cNGN amount <c>a</c> becomes the
/// trader size <c>a × e</c> USDC (exact), see <see cref="SpotTranslation.ToTrader"/>.</para>
/// </summary>
public static class TraderView
{
    /// <summary>Book and trades as one <see cref="MarketData"/> (bids best first, asks best first, trades newest first).</summary>
    public static MarketData ToMarketData(MarketSpec market, BookResponse book, TradesResponse trades)
    {
        var (bids, asks) = ToBook(market, book);
        return new MarketData(bids, asks, ToTrades(market, trades));
    }

    /// <summary>
    /// The book in the trader view.
    /// <list type="bullet">
    /// <item>Futures: wire <c>bids</c> (engine buy) are trader bids, wire <c>asks</c> are trader asks, prices as on the wire.</item>
    /// <item>Spot: wire <c>bids</c> (engine buy cNGN = makers selling USDC) are trader <b>asks</b>; wire <c>asks</c>
    /// (engine sell cNGN = makers buying USDC) are trader <b>bids</b>. Price = 1 / engine <c>limit_price</c>.</item>
    /// <item>Each order's <c>side</c> must agree with the wire list it is in (bids: buy, asks: sell).</item>
    /// <item>Remaining size = (<c>desired_amount</c> − <c>filled_amount</c>) in trader units; <c>desired_amount</c> is
    /// the original size. Orders with nothing remaining are left out; filled above desired is Malformed.</item>
    /// <item>Trader bids are sorted by price descending, asks ascending, ties by <c>created_at</c> then order id
    /// (the exchange's own time priority).</item>
    /// </list>
    /// </summary>
    public static (ImmutableArray<BookOrder> Bids, ImmutableArray<BookOrder> Asks) ToBook(MarketSpec market, BookResponse book)
    {
        var wireBids = ReadSide(market, book.Bids, "bids", Side.Buy);
        var wireAsks = ReadSide(market, book.Asks, "asks", Side.Sell);
        var all = wireBids.Concat(wireAsks).ToList();
        var bids = all.Where(o => o.Side == Side.Buy)
            .OrderByDescending(o => o.Price).ThenBy(o => o.CreatedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal)
            .ToImmutableArray();
        var asks = all.Where(o => o.Side == Side.Sell)
            .OrderBy(o => o.Price).ThenBy(o => o.CreatedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal)
            .ToImmutableArray();
        return (bids, asks);
    }

    /// <summary>
    /// Trades in the trader view, newest first (created_at descending, then trade id descending).
    /// <c>price</c> is the maker's engine limit price (spot: trader price = 1/price); <c>size</c> is the atomic fill
    /// (spot: cNGN → size × engine price USDC; futures: lots × 0.001); <c>aggressor_side</c> is the taker's engine
    /// side (spot: inverted, so it is the taker's trader side).
    /// </summary>
    public static ImmutableArray<Trade> ToTrades(MarketSpec market, TradesResponse response)
    {
        var list = response.Trades ?? throw Malformed(MarketsClient.TradesEndpoint, "$.trades", "missing");
        var trades = new List<Trade>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"$.trades[{i}]";
            var t = list[i] ?? throw Malformed(MarketsClient.TradesEndpoint, at, "null trade");
            const string e = MarketsClient.TradesEndpoint;
            var engineSide = ReadSide(e, $"{at}.aggressor_side", t.AggressorSide);
            var price = ReadDecimal(e, $"{at}.price", t.Price);
            var size = ReadDecimal(e, $"{at}.size", t.Size);
            var q = Convert(e, at, market, engineSide, price, size, "price", "size");
            if (q.Size <= 0m)
            {
                throw Malformed(e, $"{at}.size", "a trade size must be greater than zero");
            }

            trades.Add(new Trade(t.TradeId, q.Price, q.Size, q.Side, t.TakerOrderId, t.MakerOrderId, ReadTime(e, $"{at}.created_at", t.CreatedAt)));
        }

        return trades.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.TradeId).ToImmutableArray();
    }

    /// <summary>
    /// One presented order (a book row, or the answer of place/cancel) as a <see cref="LiveOrder"/>:
    /// side and price in the trader view, Size = original size, Remaining = desired − filled,
    /// Matching = status <c>matching</c>, Nonce = the wire text parsed (<see cref="Nonces.TryParse"/>).
    /// </summary>
    public static LiveOrder ToLiveOrder(MarketSpec market, PresentedOrder order, string endpoint = MarketsClient.BookEndpoint, string at = "$.order")
    {
        var read = ReadOrder(market, order, endpoint, at);
        var nonce = Nonces.TryParse(order.Nonce, out var n) ? n : throw Malformed(endpoint, $"{at}.nonce", $"not a decimal integer nonce within 64 bits: \"{order.Nonce}\"");
        return new LiveOrder(order.OrderId, nonce, read.Side, read.Price, read.Size, read.Remaining, order.Status == "matching", read.CreatedAt);
    }

    /// <summary>Parses an RFC3339/RFC3339Nano timestamp (fractions beyond 100 ns are rounded).</summary>
    public static bool TryParseTimestamp(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
        && text!.Contains('T', StringComparison.Ordinal);

    private static List<BookOrder> ReadSide(MarketSpec market, IReadOnlyList<PresentedOrder>? orders, string list, Side expectedEngineSide)
    {
        const string e = MarketsClient.BookEndpoint;
        if (orders is null)
        {
            throw Malformed(e, $"$.{list}", "missing");
        }

        var result = new List<BookOrder>(orders.Count);
        for (var i = 0; i < orders.Count; i++)
        {
            var at = $"$.{list}[{i}]";
            var order = orders[i] ?? throw Malformed(e, at, "null order");
            var engineSide = ReadSide(e, $"{at}.side", order.Side);
            if (engineSide != expectedEngineSide)
            {
                throw Malformed(e, $"{at}.side", $"a {engineSide.Wire()} order in the {list} list");
            }

            var read = ReadOrder(market, order, e, at);
            if (read.Remaining > 0m)
            {
                result.Add(new BookOrder(order.OrderId, order.OwnerAddress, read.Side, read.Price, read.Remaining, read.CreatedAt));
            }
        }

        return result;
    }

    private static (Side Side, decimal Price, decimal Size, decimal Remaining, DateTimeOffset CreatedAt) ReadOrder(MarketSpec market, PresentedOrder order, string e, string at)
    {
        var engineSide = ReadSide(e, $"{at}.side", order.Side);
        var price = ReadDecimal(e, $"{at}.limit_price", order.LimitPrice);
        var desired = ReadDecimal(e, $"{at}.desired_amount", order.DesiredAmount);
        var filled = ReadDecimal(e, $"{at}.filled_amount", order.FilledAmount);
        if (filled < 0m || filled > desired)
        {
            throw Malformed(e, $"{at}.filled_amount", $"filled {order.FilledAmount} is outside 0..desired {order.DesiredAmount}");
        }

        var original = Convert(e, at, market, engineSide, price, desired, "limit_price", "desired_amount");
        var remaining = Convert(e, at, market, engineSide, price, desired - filled, "limit_price", "desired_amount");
        return (original.Side, original.Price, original.Size, remaining.Size, ReadTime(e, $"{at}.created_at", order.CreatedAt));
    }

    private static TraderQuantity Convert(string e, string at, MarketSpec market, Side engineSide, decimal price, decimal amount, string priceField, string amountField)
    {
        try
        {
            return OrderUnits.ToTrader(market, engineSide, price, amount);
        }
        catch (OrderUnitsException ex)
        {
            var field = ex.Field == "engine_price" ? priceField : amountField;
            throw Malformed(e, $"{at}.{field}", ex.Detail);
        }
    }

    private static Side ReadSide(string e, string field, string? text) =>
        text is "buy" ? Side.Buy
        : text is "sell" ? Side.Sell
        : throw Malformed(e, field, $"side must be \"buy\" or \"sell\", got \"{text}\"");

    private static decimal ReadDecimal(string e, string field, string? text) =>
        WireDecimal.TryParse(text, out var value) ? value : throw Malformed(e, field, $"not a plain decimal: \"{text}\"");

    private static DateTimeOffset ReadTime(string e, string field, string? text) =>
        TryParseTimestamp(text, out var value) ? value : throw Malformed(e, field, $"not an RFC3339 timestamp: \"{text}\"");

    private static MarketsApiException Malformed(string endpoint, string field, string message) =>
        new(MarketsErrorKind.Malformed, endpoint, null, message, field);
}
