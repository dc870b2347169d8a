using System.Collections.Immutable;
using MarketMaker.Core.Tests.Decisions;

namespace MarketMaker.Core.Tests.Hostile;

/// <summary>The rules of docs/hostile-input.md in the core: one example each, with the reason the decision gives.</summary>
public sealed class HostileInputCoreTests
{
    private static readonly BotState Remembering = F.Running with { Reference = new ReferenceMemory { Accepted = 1600m } };

    private static void NoOrderOutside(Decision d, decimal centre, decimal bandBps)
    {
        foreach (var p in d.Placements)
        {
            Assert.True(Math.Abs(p.Price - centre) <= centre * bandBps / 10_000m, $"{p.Side.Wire()} {p.Price} outside the band of {centre}");
        }
    }

    [Fact]
    public void A_trade_dated_in_the_future_is_not_a_reference_and_is_an_anomaly()
    {
        var d = Scene.EmptyBook with { Trades = [F.Trade(1, 3000m, F.T0.AddYears(1))] };
        var decision = d.Decide();
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, decision.Halt?.Reason);
        Assert.Empty(decision.Placements);
        var anomaly = Assert.Single(decision.InputAnomalies);
        Assert.Equal((InputAnomalyKinds.FutureTrade, "trade:1"), (anomaly.Kind, anomaly.Subject));
    }

    [Fact]
    public void A_future_trade_is_skipped_for_the_newest_trade_that_is_not()
    {
        var decision = (Scene.EmptyBook with { Trades = [F.Trade(2, 3000m, F.T0.AddDays(1)), F.Trade(1, 1600m, F.T0.AddSeconds(-30))] }).Decide();
        Assert.Equal((1600m, ReferenceSource.Trade), (decision.ReferencePrice, decision.ReferenceSource));
    }

    [Fact]
    public void A_trade_within_the_clock_skew_allowance_is_a_reference()
    {
        var decision = (Scene.EmptyBook with { Trades = [F.Trade(1, 1600m, F.T0.AddSeconds(4))] }).Decide();
        Assert.Equal((1600m, ReferenceSource.Trade), (decision.ReferencePrice, decision.ReferenceSource));
        Assert.Empty(decision.InputAnomalies);
    }

    [Theory]
    [InlineData("0.000000000000000001")]
    [InlineData("0.001")]
    [InlineData("800")]
    public void A_lone_far_bid_does_not_move_the_mid_the_next_level_does(string far)
    {
        var price = decimal.Parse(far, System.Globalization.CultureInfo.InvariantCulture);
        var scene = Scene.Default with { Bids = [F.Book(Side.Buy, 1599m, id: "near"), F.Book(Side.Buy, price, id: "far")], Asks = [F.Book(Side.Sell, 1601m)] };

        // "far" is the best bid only when it is the highest: put it above by making it the only one first.
        var lone = scene with { Bids = [F.Book(Side.Buy, price, id: "far")] };
        var halted = lone.Decide(state: Remembering);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, halted.Halt?.Reason);
        Assert.Contains(halted.InputAnomalies, a => a.Kind == InputAnomalyKinds.BookOutlier && a.Subject == "far");

        var withNext = scene.Decide(state: Remembering);
        Assert.Equal((1600m, ReferenceSource.Book), (withNext.ReferencePrice, withNext.ReferenceSource));
    }

    [Fact]
    public void A_far_bid_above_the_honest_one_is_skipped_for_the_next_level()
    {
        var scene = Scene.Default with { Bids = [F.Book(Side.Buy, 1_000_000m, id: "far"), F.Book(Side.Buy, 1599m)], Asks = [F.Book(Side.Sell, 1_000_001m), F.Book(Side.Sell, 1601m)] };
        var decision = scene.Decide(state: Remembering);
        Assert.Equal(1600m, decision.ReferencePrice);
        NoOrderOutside(decision, 1600m, 2000m);
    }

    [Fact]
    public void Dust_does_not_set_the_mid()
    {
        var scene = Scene.Default with { Bids = [F.Book(Side.Buy, 1599.5m, size: 0.5m, id: "dust"), F.Book(Side.Buy, 1595m)] };
        Assert.Equal(1600m, scene.Decide().ReferencePrice);
        Assert.Equal(1602.25m, scene.Decide(F.Config with { MinReferenceOrderSize = 0m }).ReferencePrice);
    }

    [Fact]
    public void Without_a_centre_a_book_that_disagrees_with_itself_is_not_a_mid()
    {
        var scene = Scene.Default with { Bids = [F.Book(Side.Buy, 0.001m)], Asks = [F.Book(Side.Sell, 1605m)] };
        var decision = scene.Decide(state: F.Running);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, decision.Halt?.Reason);
        Assert.Contains(decision.InputAnomalies, a => a.Kind == InputAnomalyKinds.InconsistentBook);
        Assert.Null(decision.NextState.Reference.Accepted);
    }

    [Fact]
    public void A_trade_outside_the_band_is_not_a_reference()
    {
        var scene = Scene.EmptyBook with { Trades = [F.Trade(7, 3000m, F.T0.AddSeconds(-10))] };
        var decision = scene.Decide(state: Remembering);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, decision.Halt?.Reason);
        Assert.Contains(decision.InputAnomalies, a => a.Kind == InputAnomalyKinds.TradeOutlier && a.Subject == "trade:7");
    }

    [Fact]
    public void A_real_move_of_the_whole_book_is_accepted_after_three_agreeing_decisions()
    {
        var moved = Scene.Default with { Bids = [F.Book(Side.Buy, 2395m)], Asks = [F.Book(Side.Sell, 2405m)] };
        var state = Remembering;
        var reasons = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            var d = moved.At(F.T0.AddSeconds(i)).Decide(state: state);
            reasons.Add(d.Halt?.Reason);
            state = d.NextState;
        }

        Assert.Equal(new string?[] { HaltReasons.ReferencePriceUnavailable, HaltReasons.ReferencePriceUnavailable, HaltReasons.ReferencePriceUnavailable }, reasons);
        Assert.Equal(2400m, state.Reference.Accepted);
        var after = moved.At(F.T0.AddSeconds(3)).Decide(state: state);
        Assert.Null(after.Halt);
        Assert.Equal(2400m, after.ReferencePrice);
    }

    [Fact]
    public void A_future_book_far_from_its_anchor_is_ignored_and_the_anchor_quoted()
    {
        var scene = Scene.FutureDefault.WithFixedAnchor(1600m) with { Bids = [F.Book(Side.Buy, 0.01m)], Asks = [F.Book(Side.Sell, 9000m)] };
        var decision = scene.Decide(F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed });
        Assert.Equal((1600m, ReferenceSource.Anchor), (decision.ReferencePrice, decision.ReferenceSource));
        Assert.Null(decision.LocalReference);
        NoOrderOutside(decision, 1600m, 2000m);
    }

    [Fact]
    public void The_passive_guard_never_moves_a_quote_outside_the_band()
    {
        // A dust ask at 1000 does not set the mid, but our bid must not cross it: moving the bid to 999.99 would be
        // outside the band, so the side is suppressed.
        var scene = Scene.Default with { Asks = [F.Book(Side.Sell, 1000m, size: 0.1m, id: "dust"), F.Book(Side.Sell, 1605m)] };
        var decision = scene.Decide();
        Assert.Equal(1600m, decision.ReferencePrice);
        Assert.Contains(decision.Suppressions, s => s.Side == Side.Buy && s.Reason == SuppressionReasons.WouldCrossBook);
        NoOrderOutside(decision, 1600m, 2000m);
    }

    [Theory]
    [InlineData("100000000000000")]
    [InlineData("1000000000000000000")]
    [InlineData("79228162514264337593543950335")]
    public void Absurd_prices_never_throw_and_halt_or_are_ignored(string huge)
    {
        var price = decimal.Parse(huge, System.Globalization.CultureInfo.InvariantCulture);
        var live = F.Own(Side.Buy, 1596m);
        var scene = (Scene.Default with { Asks = [F.Book(Side.Sell, price, size: 79_228_162_514m)] }).WithLive(live);
        foreach (var state in new[] { F.Startup, F.Running, Remembering })
        {
            var d = scene.Decide(state: state);
            Assert.Empty(d.Placements.Where(p => p.Price > 10_000m));
        }
    }

    [Fact]
    public void An_arithmetic_overflow_is_a_halt_that_cancels_every_managed_order()
    {
        // A live order of ours with an absurd remaining size: its notional does not fit a decimal.
        var huge = F.Own(Side.Sell, 79_228_162_514_264_337_593_543m, size: 79_228_162_514m, nonce: 2000);
        var scene = Scene.Default.WithLive(F.Own(Side.Buy, 1596m), huge);
        var d = scene.Decide(F.Config with { MaxNotionalPerSide = 1_000_000_000m });
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, d.Halt?.Reason);
        Assert.False(d.Readiness.Ready);
        Assert.Equal(2, d.Cancels.Length);
        Assert.All(d.Cancels, c => Assert.Equal(CancelCategory.RiskTriggered, c.Category));
        Assert.Contains(d.InputAnomalies, a => a.Kind == InputAnomalyKinds.ArithmeticOverflow);
        Assert.Empty(d.Placements);
    }

    [Fact]
    public void A_nonce_base_near_the_top_of_long_is_a_halt_never_a_wrapped_nonce()
    {
        var state = F.Running with { Persisted = new PersistedState { NextNonceBase = long.MaxValue - 1 } };
        var d = Scene.Default.Decide(state: state);
        Assert.Empty(d.Placements);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, d.Halt?.Reason);
        Assert.Contains(d.InputAnomalies, a => a.Kind == InputAnomalyKinds.ArithmeticOverflow);
        Assert.Equal(long.MaxValue - 1, d.NextState.Persisted.NextNonceBase);
    }

    [Fact]
    public void The_stale_market_data_halt_names_the_database_when_live_orders_are_stale()
    {
        var config = F.Config with { StaleMarketDataTimeoutSeconds = 5 };
        var db = (Scene.Default with { OrdersAt = F.T0.AddSeconds(-9) }).Decide(config);
        Assert.Equal(HaltReasons.ExchangeMarketDataStale, db.Halt?.Reason);
        Assert.StartsWith("live orders (database) age 9", db.Halt!.Detail, StringComparison.Ordinal);
        var book = (Scene.Default with { MarketDataAt = F.T0.AddSeconds(-9) }).Decide(config);
        Assert.StartsWith("book and trades (markets-service) age 9", book.Halt!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Rounding_a_huge_price_to_an_18_decimal_tick_does_not_overflow()
    {
        Assert.Equal(100_000_000_000_000m, Num.RoundDown(100_000_000_000_000.0000000000000000001m, 0.000000000000000001m));
        Assert.Equal(50_000_000_000_000.000000000000000001m, Num.RoundUp(50_000_000_000_000.0000000000000000001m, 0.000000000000000001m));
        Assert.Equal(1594.80m, Num.RoundDown(1594.809m, 0.01m));
    }
}
