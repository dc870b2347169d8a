namespace MarketMaker.Core.Tests.Decisions;

/// <summary>Targets (behaviour.md §4), every suppression reason the core emits, operator modes and MM_DRY_RUN (§6).</summary>
public sealed class QuotingTests
{
    private static readonly LiveOrder OurBid = F.Own(Side.Buy, 1596m, nonce: 1000);
    private static readonly LiveOrder OurAsk = F.Own(Side.Sell, 1604m, nonce: 1001);

    private static Suppression Suppressed(Decision d, Side side) => Assert.Single(d.Suppressions, s => s.Side == side);

    [Fact]
    public void Targets_follow_half_spread_and_skew_around_the_book_mid()
    {
        var d = Scene.Default.Decide(F.Config with { InventorySkewBps = 15m });
        // Inventory 500 of 1000: skew 7.5 bps lowers both quotes.
        Assert.Equal(1600m, d.ReferencePrice);
        Assert.Equal(ReferenceSource.Book, d.ReferenceSource);
        Assert.Equal(1594.80m, d.Targets.Single(t => t.Side == Side.Buy).Price);
        Assert.Equal(1602.80m, d.Targets.Single(t => t.Side == Side.Sell).Price);
        Assert.All(d.Targets, t => Assert.Equal(100m, t.Size));
    }

    [Fact]
    public void Bid_rounds_down_and_ask_rounds_up_to_the_tick()
    {
        var d = (Scene.Default with { Market = MarketSpec.For(F.SpotSymbol, 1m) }).Decide(F.Config with { HalfSpreadBps = 26m });
        // 1600 × (1 ∓ 0.0026) = 1595.84 / 1604.16.
        Assert.Equal(1595m, d.Targets.Single(t => t.Side == Side.Buy).Price);
        Assert.Equal(1605m, d.Targets.Single(t => t.Side == Side.Sell).Price);
    }

    [Fact]
    public void Local_reference_falls_back_to_a_fresh_trade_and_ignores_one_older_than_five_minutes()
    {
        var fresh = (Scene.EmptyBook with { Trades = [F.Trade(1, 1610m, F.T0.AddMinutes(-5))] }).Decide();
        Assert.Equal((1610m, ReferenceSource.Trade), (fresh.ReferencePrice!.Value, fresh.ReferenceSource));
        var old = (Scene.EmptyBook with { Trades = [F.Trade(1, 1610m, F.T0.AddMinutes(-5).AddTicks(-1))] }).Decide();
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, old.Halt?.Reason);
    }

    [Fact]
    public void Futures_use_the_anchor_before_the_local_mid()
    {
        var d = Scene.FutureDefault.WithFixedAnchor(1620m).Decide(F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed });
        Assert.Equal((1620m, ReferenceSource.Anchor, 1600m), (d.ReferencePrice!.Value, d.ReferenceSource, d.LocalReference!.Value));
    }

    [Fact]
    public void Spot_never_uses_the_general_anchor()
    {
        var d = Scene.Default.WithFixedAnchor(1620m).Decide(F.Config with { AnchorSourceType = AnchorSourceType.Fixed });
        Assert.Equal((1600m, ReferenceSource.Book), (d.ReferencePrice!.Value, d.ReferenceSource));
    }

    [Fact]
    public void Bid_is_never_at_or_above_best_other_ask()
    {
        // Anchor far above the book: the bid would be 1695.75, it is moved to best other ask − tick.
        var d = Scene.FutureDefault.WithFixedAnchor(1700m).Decide(F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed });
        Assert.Equal(1604.99m, d.Targets.Single(t => t.Side == Side.Buy).Price);
        Assert.True(d.Targets.Single(t => t.Side == Side.Sell).Price > 1604.99m);
    }

    [Fact]
    public void Ask_is_never_at_or_below_best_other_bid()
    {
        var d = Scene.FutureDefault.WithFixedAnchor(1500m).Decide(F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed });
        Assert.Equal(1595.01m, d.Targets.Single(t => t.Side == Side.Sell).Price);
    }

    [Fact]
    public void Spot_bid_is_capped_by_available_quote_over_price()
    {
        var d = (Scene.Default with { Balances = new Balances(500m, 79_800m) }).Decide();
        Assert.Equal(50m, d.Targets.Single(t => t.Side == Side.Buy).Size); // 79,800 / 1596
    }

    [Fact]
    public void Spot_ask_is_capped_by_base_not_reserved_by_orders_that_are_not_ours()
    {
        var foreignSell = F.Foreign("manual-1", Side.Sell, 1700m, size: 460m);
        var d = Scene.Default.WithLive(OurAsk, foreignSell).Decide();
        Assert.Equal(40m, d.Targets.Single(t => t.Side == Side.Sell).Size);
    }

    [Fact]
    public void Notional_cap_limits_each_side()
    {
        var d = Scene.Default.Decide(F.Config with { MaxNotionalPerSide = 80_200m });
        Assert.Equal(50.250626m, d.Targets.Single(t => t.Side == Side.Buy).Size); // 80,200 / 1596 rounded down to 1e-6
        Assert.Equal(50m, d.Targets.Single(t => t.Side == Side.Sell).Size);       // 80,200 / 1604
    }

    [Fact]
    public void Ladder_levels_move_away_from_the_best_price_and_grow_by_the_size_multiplier()
    {
        var d = Scene.Default.Decide(F.Config with { QuoteLevels = 3, LevelSpreadStepBps = 10m, LevelSizeMult = 1.5m });
        var bids = d.Targets.Where(t => t.Side == Side.Buy).ToList();
        Assert.Equal([1596m, 1594.40m, 1592.80m], bids.Select(t => t.Price));
        Assert.Equal([100m, 150m, 225m], bids.Select(t => t.Size));
        var asks = d.Targets.Where(t => t.Side == Side.Sell).ToList();
        Assert.Equal([1604m, 1605.60m, 1607.20m], asks.Select(t => t.Price));
        Assert.Equal([100m, 150m, 225m], asks.Select(t => t.Size));
    }

    [Fact]
    public void Deeper_ladder_levels_shrink_to_the_remaining_capacity()
    {
        var d = (Scene.Default with { Balances = new Balances(300m, 2_000_000m) })
            .Decide(F.Config with { QuoteLevels = 3, LevelSpreadStepBps = 10m, LevelSizeMult = 1.5m });
        Assert.Equal([100m, 150m, 50m], d.Targets.Where(t => t.Side == Side.Sell).Select(t => t.Size));
        Assert.Equal([100m, 150m], d.Targets.Where(t => t.Side == Side.Buy).Select(t => t.Size).Take(2));
    }

    [Fact]
    public void No_ladder_level_exceeds_the_notional_cap_on_its_own()
    {
        // A steep ladder: the best ask is small (notional budget mostly spent), deeper asks are priced far higher.
        var config = F.Config with { QuoteLevels = 3, LevelSpreadStepBps = 2_000m, LevelSizeMult = 10m, OrderSize = 5m, MaxNotionalPerSide = 80_200m };
        var d = Scene.Default.Decide(config);
        var asks = d.Targets.Where(t => t.Side == Side.Sell).ToList();
        Assert.True(asks.Count >= 2);
        Assert.All(d.Targets, t => Assert.True(t.Price * t.Size <= config.MaxNotionalPerSide, $"{t.Side} level {t.Level}: {t.Price} x {t.Size} > {config.MaxNotionalPerSide}"));
        Assert.True(asks[1].Size < 45m, $"the deeper ask ({asks[1].Size} at {asks[1].Price}) is cut to the cap, not to the 45 left of the budget");

        // Resting as placed, the next cycle does not halt on our own order's notional.
        var next = Decider.Decide(F.Applied(Scene.Default.Build(), d, TimeSpan.FromSeconds(3)), d.NextState, config);
        Assert.Null(next.Halt);
    }

    // ---- suppression reasons ----

    [Fact]
    public void Order_size_below_the_minimum_is_min_order_size_not_met_on_both_sides()
    {
        var d = Scene.Default.Decide(F.Config with { OrderSize = 0.0000005m });
        Assert.Equal(SuppressionReasons.MinOrderSizeNotMet, Suppressed(d, Side.Buy).Reason);
        Assert.Equal(SuppressionReasons.MinOrderSizeNotMet, Suppressed(d, Side.Sell).Reason);
        Assert.Empty(d.Placements);
    }

    [Fact]
    public void A_spot_quote_worth_less_than_one_whole_cNGN_is_below_min_engine_amount()
    {
        // 0.0005 USDC at ~1600 cNGN/USDC is 0.8 cNGN: the engine amount floor(size × price) would be 0.
        var d = Scene.Default.Decide(F.Config with { OrderSize = 0.0005m });
        Assert.Equal(SuppressionReasons.BelowMinEngineAmount, Suppressed(d, Side.Buy).Reason);
        Assert.Equal(SuppressionReasons.BelowMinEngineAmount, Suppressed(d, Side.Sell).Reason);
        Assert.Empty(d.Placements);

        // 0.000626 USDC × 1596 = 0.999 cNGN still is; 0.000627 × 1596 = 1.0007 is not.
        var below = Scene.Default.Decide(F.Config with { OrderSize = 0.000626m });
        Assert.Equal(SuppressionReasons.BelowMinEngineAmount, Suppressed(below, Side.Buy).Reason);
        var at = Scene.Default.Decide(F.Config with { OrderSize = 0.000627m });
        Assert.Contains(at.Placements, p => p.Side == Side.Buy && p.Size * p.Price >= 1m);
    }

    [Fact]
    public void Every_spot_target_is_worth_at_least_one_whole_cNGN()
    {
        // A ladder whose deeper levels would shrink below 1 cNGN stops there.
        var config = F.Config with { OrderSize = 0.0007m, QuoteLevels = 4, LevelSizeMult = 0.5m };
        var d = Scene.Default.Decide(config);
        Assert.NotEmpty(d.Targets);
        Assert.All(d.Targets, t => Assert.True(t.Size * t.Price >= 1m, $"{t.Side} level {t.Level}: {t.Size} x {t.Price}"));
        Assert.All(d.Targets, t => Assert.Equal(0, t.Level));
    }

    [Fact]
    public void No_quote_cash_is_insufficient_quote_capacity_for_the_bid_only()
    {
        var d = (Scene.Default with { Balances = new Balances(500m, 0.001m) }).Decide();
        Assert.Equal(SuppressionReasons.InsufficientQuoteCapacity, Suppressed(d, Side.Buy).Reason);
        Assert.Equal([Side.Sell], d.Placements.Select(p => p.Side));
    }

    [Fact]
    public void No_base_asset_on_spot_is_missing_spot_asset_inventory()
    {
        var d = (Scene.Default with { Balances = new Balances(0m, 2_000_000m) }).Decide();
        Assert.Equal(SuppressionReasons.MissingSpotAssetInventory, Suppressed(d, Side.Sell).Reason);
        Assert.Equal([Side.Buy], d.Placements.Select(p => p.Side));
    }

    [Fact]
    public void Base_reserved_by_other_orders_is_insufficient_base_capacity()
    {
        var d = Scene.Default.WithLive(F.Foreign("manual-1", Side.Sell, 1700m, size: 500m)).Decide();
        Assert.Equal(SuppressionReasons.InsufficientBaseCapacity, Suppressed(d, Side.Sell).Reason);
    }

    [Fact]
    public void Bid_that_would_pass_max_long_is_max_long_inventory_and_not_shrunk()
    {
        var d = (Scene.Default with { Balances = new Balances(900.000001m, 2_000_000m) }).Decide();
        Assert.Equal(SuppressionReasons.MaxLongInventory, Suppressed(d, Side.Buy).Reason);
        Assert.Null((Scene.Default with { Balances = new Balances(900m, 2_000_000m) }).Decide().Suppressions.FirstOrDefault());
    }

    [Fact]
    public void Ask_that_would_pass_max_short_is_max_short_inventory()
    {
        var d = (Scene.FutureDefault with { Balances = new Balances(-900.001m, 1_000_000m) }).Decide(F.FutureConfig);
        Assert.Equal(SuppressionReasons.MaxShortInventory, Suppressed(d, Side.Sell).Reason);
    }

    [Fact]
    public void Futures_are_cash_margined_so_no_cash_suppresses_both_sides_as_insufficient_quote_capacity()
    {
        var d = (Scene.FutureDefault with { Balances = new Balances(0m, 0m) }).Decide(F.FutureConfig);
        Assert.Equal(SuppressionReasons.InsufficientQuoteCapacity, Suppressed(d, Side.Buy).Reason);
        Assert.Equal(SuppressionReasons.InsufficientQuoteCapacity, Suppressed(d, Side.Sell).Reason);
    }

    [Fact]
    public void Bid_pushed_to_a_non_positive_price_by_the_passive_guard_is_would_cross_book()
    {
        // Another participant asks 0.01: the bid can only go to 0 → the side is suppressed, the ask still quotes.
        var scene = Scene.FutureDefault.WithFixedAnchor(1600m) with { Asks = [F.Book(Side.Sell, 0.01m)] };
        var d = scene.Decide(F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed });
        Assert.Equal(SuppressionReasons.WouldCrossBook, Suppressed(d, Side.Buy).Reason);
        Assert.Equal([Side.Sell], d.Placements.Select(p => p.Side));
    }

    [Fact]
    public void Non_positive_or_crossed_formula_prices_are_calculated_invalid_quote_prices()
    {
        var d = Scene.Default.Decide(F.Config with { HalfSpreadBps = 10_000m });
        Assert.Equal(SuppressionReasons.InvalidQuotePrices, Suppressed(d, Side.Buy).Reason);
        Assert.Equal(SuppressionReasons.InvalidQuotePrices, Suppressed(d, Side.Sell).Reason);
        var crossed = Scene.Default.Decide(F.Config with { HalfSpreadBps = -10m });
        Assert.Equal(SuppressionReasons.InvalidQuotePrices, Suppressed(crossed, Side.Buy).Reason);
        Assert.Null(crossed.Halt);
        Assert.Empty(crossed.Placements);
    }

    [Fact]
    public void While_halted_both_sides_are_suppressed_as_halted_with_the_reason()
    {
        var d = Scene.Default.Decide(F.Config with { OperatorMode = OperatorMode.Pause });
        Assert.Equal((SuppressionReasons.Halted, "operator pause active"), (Suppressed(d, Side.Buy).Reason, Suppressed(d, Side.Buy).Detail));
        Assert.Equal(SuppressionReasons.Halted, Suppressed(d, Side.Sell).Reason);
    }

    // ---- operator modes ----

    [Fact]
    public void Normal_mode_quotes_both_sides()
    {
        var d = Scene.Default.Decide();
        Assert.Equal([(Side.Buy, 1596m), (Side.Sell, 1604m)], d.Placements.Select(p => (p.Side, p.Price)));
        Assert.Empty(d.Suppressions);
    }

    [Fact]
    public void Bid_only_mode_quotes_the_bid_and_cancels_our_ask_as_no_target()
    {
        var d = Scene.Default.WithLive(OurBid, OurAsk).Decide(F.Config with { OperatorMode = OperatorMode.BidOnly });
        Assert.Equal(SuppressionReasons.OperatorHalted, Suppressed(d, Side.Sell).Reason);
        var cancel = Assert.Single(d.Cancels);
        Assert.Equal((OurAsk.OrderId, SyncReasons.NoTarget, CancelCategory.ReplaceDriven), (cancel.OrderId, cancel.Reason, cancel.Category));
        Assert.Empty(d.Placements);
        Assert.Empty(d.NextState.CancelWindow); // no_target is not rate-limited
    }

    [Fact]
    public void Ask_only_mode_quotes_the_ask_and_cancels_our_bid_as_no_target()
    {
        var d = Scene.Default.WithLive(OurBid, OurAsk).Decide(F.Config with { OperatorMode = OperatorMode.AskOnly });
        Assert.Equal(SuppressionReasons.OperatorHalted, Suppressed(d, Side.Buy).Reason);
        Assert.Equal([OurBid.OrderId], d.Cancels.Select(c => c.OrderId));
        var fresh = Scene.Default.Decide(F.Config with { OperatorMode = OperatorMode.AskOnly });
        Assert.Equal([Side.Sell], fresh.Placements.Select(p => p.Side));
    }

    [Fact]
    public void Pause_mode_halts_cancels_our_quotes_and_places_nothing()
    {
        var d = Scene.Default.WithLive(OurBid, OurAsk).Decide(F.Config with { OperatorMode = OperatorMode.Pause });
        Assert.Equal(HaltReasons.OperatorPauseActive, d.Halt!.Reason);
        Assert.Equal(2, d.Cancels.Length);
        Assert.Empty(d.Placements);
    }

    [Fact]
    public void Dry_run_health_mode_neither_quotes_nor_cancels_nor_reconciles()
    {
        var cfg = F.Config with { OperatorMode = OperatorMode.DryRunHealth };
        var running = Scene.Default.WithLive(F.Own(Side.Buy, 1500m, nonce: 1000)).Decide(cfg);
        Assert.Empty(running.Cancels);
        Assert.Empty(running.Placements);
        Assert.Equal("dry_run_health", running.SyncSkipped);
        Assert.Equal(SuppressionReasons.OperatorHalted, Suppressed(running, Side.Buy).Reason);
        Assert.Equal(SuppressionReasons.OperatorHalted, Suppressed(running, Side.Sell).Reason);

        var startup = Scene.Default.WithLive(F.Foreign("manual-1", Side.Buy, 1500m)).Decide(cfg, F.Startup);
        Assert.Null(startup.Reconciliation);
        Assert.Empty(startup.Cancels);
        Assert.Equal(BotPhase.Running, startup.NextState.Phase);
    }

    [Fact]
    public void Dry_run_health_mode_does_not_cancel_on_a_risk_halt_but_does_on_the_kill_switch()
    {
        var cfg = F.Config with { OperatorMode = OperatorMode.DryRunHealth, StaleBalanceTimeoutSeconds = 5 };
        var scene = Scene.Default.WithLive(OurBid, OurAsk);
        var risk = (scene with { BalancesAt = F.T0.AddSeconds(-10) }).Decide(cfg);
        Assert.Equal(HaltReasons.BalancesStale, risk.Halt!.Reason);
        Assert.Empty(risk.Cancels);
        var kill = (scene with { Kill = true }).Decide(cfg);
        Assert.Equal(2, kill.Cancels.Length);
        Assert.All(kill.Cancels, c => Assert.Equal(CancelCategory.KillSwitch, c.Category));
    }

    [Fact]
    public void Dry_run_decides_the_same_actions_and_marks_the_decision_dry()
    {
        var live = Scene.Default.WithLive(F.Own(Side.Buy, 1580m, nonce: 1000));
        var wet = live.Decide();
        var dry = live.Decide(F.Config with { DryRun = true });
        Assert.True(dry.DryRun);
        Assert.False(wet.DryRun);
        Assert.Equal(wet.Cancels.Select(c => (c.OrderId, c.Reason)), dry.Cancels.Select(c => (c.OrderId, c.Reason)));
        Assert.Equal(wet.Placements.Select(p => (p.Side, p.Price, p.Size, p.Nonce)), dry.Placements.Select(p => (p.Side, p.Price, p.Size, p.Nonce)));
        Assert.NotEmpty(dry.Placements);
        Assert.True(dry.PersistRequired);
        // Nothing is sent in a dry run, so the placed ids are not followed for fills.
        Assert.All(dry.Placements, p => Assert.False(dry.NextState.Fills.Orders.ContainsKey(p.OrderId)));
        Assert.All(wet.Placements, p => Assert.True(wet.NextState.Fills.Orders.ContainsKey(p.OrderId)));
    }
}
