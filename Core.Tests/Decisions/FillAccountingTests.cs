using System.Collections.Immutable;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>Fill accounting (behaviour.md §12): order state first, trade stream second, inventory delta as a diagnostic.</summary>
public sealed class FillAccountingTests
{
    private static readonly LiveOrder Bid = F.Own(Side.Buy, 1596m, nonce: 1000);
    private static readonly LiveOrder Ask = F.Own(Side.Sell, 1604m, nonce: 1001);

    private static BotState Tracking(params LiveOrder[] orders) => F.Running with
    {
        Fills = F.Running.Fills with
        {
            Orders = orders.ToImmutableSortedDictionary(
                o => o.OrderId, o => new TrackedOrder(o.OrderId, o.Side, o.Size, o.Size, F.T0.AddMinutes(-1)), StringComparer.Ordinal),
        },
    };

    private static ImmutableSortedDictionary<string, FinalStatus> Final(string id, FinalOrderStatus status, decimal filled) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, FinalStatus>(id, new FinalStatus(status, filled))]);

    [Fact]
    public void A_drop_in_remaining_size_is_a_partial_fill_of_the_difference()
    {
        var d = Scene.Default.WithLive(Bid with { Remaining = 60m }, Ask).Decide(state: Tracking(Bid, Ask));
        var fill = Assert.Single(d.Fills);
        Assert.Equal((Bid.OrderId, Side.Buy, 40m, true, "order_state"), (fill.OrderId, fill.Side, fill.Size, fill.Partial, fill.Source));
        Assert.Equal(40m, d.NextState.Fills.Orders[Bid.OrderId].Counted);
        Assert.Equal(F.T0, d.NextState.Fills.LastFillAt);

        // The same remaining next cycle is not counted again; a further drop counts only the new part.
        var again = Scene.Default.WithLive(Bid with { Remaining = 60m }, Ask).At(F.T0.AddSeconds(2)).Decide(state: d.NextState);
        Assert.Empty(again.Fills);
        var more = Scene.Default.WithLive(Bid with { Remaining = 45m }, Ask).At(F.T0.AddSeconds(4)).Decide(state: again.NextState);
        Assert.Equal(15m, Assert.Single(more.Fills).Size);
    }

    [Fact]
    public void A_vanished_order_whose_final_status_is_filled_counts_the_rest_as_a_fill()
    {
        var partly = Scene.Default.WithLive(Bid with { Remaining = 60m }, Ask).Decide(state: Tracking(Bid, Ask));
        var d = (Scene.Default.WithLive(Ask) with { Finals = Final(Bid.OrderId, FinalOrderStatus.Filled, 100m) })
            .At(F.T0.AddSeconds(2)).Decide(state: partly.NextState);
        var fill = Assert.Single(d.Fills);
        Assert.Equal((60m, false, "final_status"), (fill.Size, fill.Partial, fill.Source));
        Assert.False(d.NextState.Fills.Orders.ContainsKey(Bid.OrderId));
        Assert.Contains(Bid.OrderId, d.NextState.Fills.ResolvedOrderIds);
    }

    [Fact]
    public void A_vanished_order_whose_final_status_is_cancelled_is_not_a_fill()
    {
        var d = (Scene.Default.WithLive(Ask) with { Finals = Final(Bid.OrderId, FinalOrderStatus.Cancelled, 0m) }).Decide(state: Tracking(Bid, Ask));
        Assert.Empty(d.Fills);
        Assert.False(d.NextState.Fills.Orders.ContainsKey(Bid.OrderId));
    }

    [Fact]
    public void A_cancelled_order_that_had_filled_in_part_counts_only_the_filled_difference()
    {
        var d = (Scene.Default.WithLive(Ask) with { Finals = Final(Bid.OrderId, FinalOrderStatus.Cancelled, 30m) }).Decide(state: Tracking(Bid, Ask));
        Assert.Equal(30m, Assert.Single(d.Fills).Size);
    }

    [Fact]
    public void A_vanished_order_without_a_final_row_yet_stays_tracked()
    {
        var d = Scene.Default.WithLive(Ask).Decide(state: Tracking(Bid, Ask));
        Assert.Empty(d.Fills);
        Assert.True(d.NextState.Fills.Orders.ContainsKey(Bid.OrderId));
    }

    [Fact]
    public void Own_cancels_are_never_fills()
    {
        // We cancel our stale bid; next cycle it is gone with final status cancelled and nothing filled.
        var stale = F.Own(Side.Buy, 1580m, nonce: 1000);
        var first = Scene.Default.WithLive(stale, Ask).Decide(state: Tracking(stale, Ask));
        Assert.Equal([stale.OrderId], first.Cancels.Select(c => c.OrderId));
        var placed = first.Placements.Select(p => new LiveOrder(p.OrderId, p.Nonce, p.Side, p.Price, p.Size, p.Size, false, F.T0)).ToArray();
        var next = (Scene.Default.WithLive([Ask, .. placed]) with { Finals = Final(stale.OrderId, FinalOrderStatus.Cancelled, 0m) })
            .At(F.T0.AddSeconds(6)).Decide(state: first.NextState);
        Assert.Empty(next.Fills);

        // Even before the final row exists the disappearance is not a fill.
        var early = Scene.Default.WithLive([Ask, .. placed]).At(F.T0.AddSeconds(6)).Decide(state: first.NextState);
        Assert.Empty(early.Fills);
    }

    [Fact]
    public void A_trade_on_our_untracked_maker_order_is_a_fill_of_that_order_side()
    {
        var id = F.Id(F.SpotSymbol, Side.Sell, 777);
        var d = (Scene.Default with { Trades = [F.Trade(10, 1604m, F.T0, maker: id, taker: "x", size: 12m, aggressor: Side.Buy)] }).Decide();
        var fill = Assert.Single(d.Fills);
        Assert.Equal((id, Side.Sell, 12m, "trade"), (fill.OrderId, fill.Side, fill.Size, fill.Source));
    }

    [Fact]
    public void A_trade_where_our_order_was_the_taker_is_a_fill()
    {
        var id = F.Id(F.SpotSymbol, Side.Buy, 778);
        var d = (Scene.Default with { Trades = [F.Trade(11, 1605m, F.T0, maker: "someone", taker: id, size: 3m, aggressor: Side.Buy)] }).Decide();
        Assert.Equal((id, Side.Buy, 3m), (d.Fills.Single().OrderId, d.Fills.Single().Side, d.Fills.Single().Size));
    }

    [Fact]
    public void Trades_of_other_participants_and_trades_on_tracked_orders_are_not_counted()
    {
        var trades = ImmutableArray.Create(
            F.Trade(12, 1600m, F.T0, maker: "a", taker: "b"),
            F.Trade(13, 1596m, F.T0, maker: Bid.OrderId, taker: "c", aggressor: Side.Sell));
        var d = (Scene.Default.WithLive(Bid, Ask) with { Trades = trades }).Decide(state: Tracking(Bid, Ask));
        Assert.Empty(d.Fills);
    }

    [Fact]
    public void Trades_present_at_the_first_look_are_history_and_a_trade_is_counted_once()
    {
        var id = F.Id(F.SpotSymbol, Side.Sell, 777);
        var scene = Scene.Default with { Trades = [F.Trade(10, 1604m, F.T0, maker: id)] };
        var first = scene.Decide(state: F.Startup);
        Assert.Empty(first.Fills);
        Assert.True(first.NextState.Fills.Primed);
        var counted = (scene with { Trades = [F.Trade(11, 1604m, F.T0, maker: id), .. scene.Trades] }).At(F.T0.AddSeconds(2)).Decide(state: first.NextState);
        Assert.Equal(id, Assert.Single(counted.Fills).OrderId);
        var again = (scene with { Trades = [F.Trade(11, 1604m, F.T0, maker: id), .. scene.Trades] }).At(F.T0.AddSeconds(4)).Decide(state: counted.NextState);
        Assert.Empty(again.Fills);
    }

    [Fact]
    public void Inventory_delta_is_reported_but_never_counted_as_a_fill()
    {
        var before = Scene.Default.Decide();
        var d = (Scene.Default with { Balances = new Balances(530m, 2_000_000m) }).At(F.T0.AddSeconds(2)).Decide(state: before.NextState);
        Assert.Equal(30m, d.InventoryDelta);
        Assert.Empty(d.Fills);
    }
}
