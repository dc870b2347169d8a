using MarketMaker.Core;
using MarketMaker.Shell.History;

namespace MarketMaker.Shell.Tests.History;

/// <summary><c>mm-bot history</c>'s rows, hand-computed: which trades are ours, our side, fees, realized P&amp;L, markouts.</summary>
public sealed class FillHistoryTests
{
    private const string Prefix = "mm:USDCcNGN-SPOT:";
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static Trade T(long id, decimal price, decimal size, Side aggressor, string taker, string maker, int second) =>
        new(id, price, size, aggressor, taker, maker, T0.AddSeconds(second));

    [Fact]
    public void Only_our_trades_count_and_our_side_comes_from_our_order_id()
    {
        Assert.Null(FillHistory.Own(T(1, 1600m, 5m, Side.Buy, "taker-1", "other:1", 0), Prefix, null));
        // Another market's order of ours is not ours here.
        Assert.Null(FillHistory.Own(T(2, 1600m, 5m, Side.Buy, "taker-1", "mm:BTC-FUT:sell:9", 0), Prefix, null));

        var maker = FillHistory.Own(T(3, 1601m, 5m, Side.Buy, "taker-1", "mm:USDCcNGN-SPOT:sell:1001", 0), Prefix, 7m)!;
        Assert.Equal(("mm:USDCcNGN-SPOT:sell:1001", true, Side.Sell, 0m), (maker.OrderId, maker.Maker, maker.Side, maker.Fee));

        var taker = FillHistory.Own(T(4, 1599m, 2m, Side.Sell, "mm:USDCcNGN-SPOT:sell:1002", "other:2", 0), Prefix, 0.8m)!;
        Assert.Equal(("mm:USDCcNGN-SPOT:sell:1002", false, Side.Sell, 0.8m), (taker.OrderId, taker.Maker, taker.Side, taker.Fee));
        var unknownFee = FillHistory.Own(T(5, 1599m, 2m, Side.Sell, "mm:USDCcNGN-SPOT:sell:1003", "other:2", 0), Prefix, null)!;
        Assert.Null(unknownFee.Fee);
    }

    [Fact]
    public void Realized_pnl_per_fill_is_average_cost_from_the_first_listed_fill()
    {
        // Oldest first after sorting: buy 10 @ 1600, buy 10 @ 1610 (average 1605), sell 15 @ 1620 (realizes 15 × 15 =
        // 225), sell 10 @ 1590 (closes 5 at 1605: −75; opens a short of 5 at 1590).
        var trades = new[]
        {
            T(13, 1620m, 15m, Side.Buy, "t3", "mm:USDCcNGN-SPOT:sell:3", 20),
            T(11, 1600m, 10m, Side.Sell, "t1", "mm:USDCcNGN-SPOT:buy:1", 0),
            T(14, 1590m, 10m, Side.Buy, "t4", "mm:USDCcNGN-SPOT:sell:4", 30),
            T(12, 1610m, 10m, Side.Sell, "t2", "mm:USDCcNGN-SPOT:buy:2", 10),
        }.Select(t => FillHistory.Own(t, Prefix, null)!);
        var report = FillHistory.Build(trades, new Dictionary<string, OrderMarkouts>(), 4, true);

        Assert.Equal([11L, 12, 13, 14], report.Rows.Select(r => r.TradeId));
        Assert.Equal([0m, 0m, 225m, -75m], report.Rows.Select(r => r.Realized));
        Assert.Equal([0m, 0m, 225m, 150m], report.Rows.Select(r => r.RealizedTotal));
        Assert.Equal([10m, 20m, 5m, -5m], report.Rows.Select(r => r.Position));
        Assert.Equal([1600m, 1605m, 1605m, 1590m], report.Rows.Select(r => r.AverageCost));
        Assert.Equal((4L, 20m, 25m, 150m), (report.Book.FillCount, report.Book.BoughtSize, report.Book.SoldSize, report.Book.Realized));
    }

    [Fact]
    public void A_reported_fee_is_taken_off_realized_pnl()
    {
        var trades = new[]
        {
            FillHistory.Own(T(1, 1600m, 10m, Side.Buy, "mm:USDCcNGN-SPOT:buy:1", "other", 0), Prefix, 4m)!,
            FillHistory.Own(T(2, 1610m, 10m, Side.Buy, "t", "mm:USDCcNGN-SPOT:sell:2", 1), Prefix, 99m)!,
        };
        var report = FillHistory.Build(trades, new Dictionary<string, OrderMarkouts>(), 2, true);
        // Taker buy pays 4; maker sell pays nothing and realizes 10 × 10 = 100.
        Assert.Equal([-4m, 100m], report.Rows.Select(r => r.Realized));
        Assert.Equal((96m, 4m), (report.Book.Realized, report.Book.Fees));
    }

    [Fact]
    public void A_spot_taker_fee_in_usdc_wei_is_shown_in_cngn_at_the_fill_price()
    {
        var spot = MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m);
        var future = MarketSpec.For("USDCcNGN-20261231", 0.01m);
        // 25 bps of 10 USDC = 0.025 USDC = 25 000 000 000 000 000 wei; at 1600 cNGN per USDC: 40 cNGN.
        Assert.Equal(40m, FillHistory.QuoteFee("25000000000000000", spot, 1600m));
        Assert.Null(FillHistory.QuoteFee(null, spot, 1600m));
        Assert.Null(FillHistory.QuoteFee("-5", spot, 1600m));
        Assert.Null(FillHistory.QuoteFee("1e18", spot, 1600m));
        Assert.Null(FillHistory.QuoteFee(new string('9', 40), spot, 1600m));
        Assert.Null(FillHistory.QuoteFee("25000000000000000", future, 1600m));
    }

    [Fact]
    public void Markouts_are_the_size_weighted_mean_per_order_and_horizon()
    {
        var m = FillHistory.Markouts([
            new Markout("a", Side.Buy, 1, 10m, 1m),
            new Markout("a", Side.Buy, 1, 40m, 2m),
            new Markout("a", Side.Buy, 0, 5m, 3m),
            new Markout("b", Side.Sell, 60, -12.5m, 4m),
        ]);
        Assert.Equal(new OrderMarkouts(5m, 30m, null, null), m["a"]);
        Assert.Equal(new OrderMarkouts(null, null, null, -12.5m), m["b"]);
        Assert.False(m.ContainsKey("c"));
    }
}
