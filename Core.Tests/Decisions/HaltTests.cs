using System.Collections.Immutable;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>Every halt reason of behaviour.md §5, what a halt does, and the evaluation order.</summary>
public sealed class HaltTests
{
    private static readonly LiveOrder OurBid = F.Own(Side.Buy, 1596m, nonce: 1000);
    private static readonly LiveOrder OurAsk = F.Own(Side.Sell, 1604m, nonce: 1001);
    private static readonly LiveOrder OurFutureBid = F.Own(Side.Buy, 1596m, nonce: 1000, market: F.FutureSymbol);
    private static readonly LiveOrder OurFutureAsk = F.Own(Side.Sell, 1604m, nonce: 1001, market: F.FutureSymbol);

    private static Scene Quoting => Scene.Default.WithLive(OurBid, OurAsk).WithOwnInBook();

    private static Scene FutureQuoting => Scene.FutureDefault.WithLive(OurFutureBid, OurFutureAsk).WithOwnInBook();

    private static void AssertHalt(Decision d, string reason, string category = CancelCategory.RiskTriggered, int cancels = 2)
    {
        Assert.NotNull(d.Halt);
        Assert.Equal(reason, d.Halt!.Reason);
        Assert.Equal(category, d.Halt.Category);
        Assert.Empty(d.Placements);
        Assert.Empty(d.Targets);
        Assert.Equal(cancels, d.Cancels.Length);
        Assert.All(d.Cancels, c => Assert.Equal(category, c.Category));
        Assert.False(d.Readiness.Ready);
        Assert.Equal(reason, d.Readiness.Reason);
        Assert.Equal(reason, d.NextState.Persisted.LastHaltReason);
        Assert.Equal(reason, d.NextState.CurrentHaltReason);
        Assert.All(d.Suppressions, s => Assert.Equal((SuppressionReasons.Halted, reason), (s.Reason, s.Detail)));
    }

    [Fact]
    public void Quoting_scene_is_not_halted_so_each_halt_test_changes_one_thing()
    {
        var d = Quoting.Decide();
        Assert.Null(d.Halt);
        Assert.Empty(d.Cancels);
        Assert.True(d.Readiness.Ready, d.Readiness.Reason);
        var f = FutureQuoting.WithFixedAnchor(1600m).Decide(F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed });
        Assert.Null(f.Halt);
    }

    [Fact]
    public void Kill_switch_halts_and_cancels_every_managed_order_with_category_kill_switch()
    {
        var foreign = F.Foreign("manual-1", Side.Buy, 1500m);
        var protectedOrder = F.Foreign($"validation:{F.SpotSymbol}", Side.Buy, 1500m);
        var d = (Quoting with { Kill = true }).WithLive(OurBid, OurAsk, foreign, protectedOrder).Decide();
        AssertHalt(d, "kill switch active", CancelCategory.KillSwitch);
        Assert.Equal([OurBid.OrderId, OurAsk.OrderId], d.Cancels.Select(c => c.OrderId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Kill_switch_cancels_at_startup_before_any_reconciliation()
    {
        var d = (Quoting with { Kill = true }).Decide(state: F.Startup);
        AssertHalt(d, "kill switch active", CancelCategory.KillSwitch);
        Assert.Null(d.Reconciliation);
    }

    [Fact]
    public void Reference_price_unavailable_without_book_trade_or_anchor()
    {
        var d = Scene.EmptyBook.WithLive(OurBid, OurAsk).Decide();
        AssertHalt(d, "reference price unavailable");
        Assert.Null(d.ReferencePrice);
        Assert.Equal(ReferenceSource.None, d.ReferenceSource);
    }

    [Fact]
    public void A_book_of_only_our_own_quotes_is_not_a_reference()
    {
        var d = (Scene.EmptyBook.WithLive(OurBid, OurAsk) with { Bids = [], Asks = [] }).WithOwnInBook().Decide();
        AssertHalt(d, "reference price unavailable");
    }

    [Fact]
    public void Exchange_market_data_stale_after_its_timeout()
    {
        var cfg = F.Config with { StaleMarketDataTimeoutSeconds = 10 };
        Assert.Null((Quoting with { MarketDataAt = F.T0.AddSeconds(-10) }).Decide(cfg).Halt);
        var d = (Quoting with { MarketDataAt = F.T0.AddSeconds(-11) }).Decide(cfg);
        AssertHalt(d, "exchange market data stale");
        Assert.Contains("11", d.Halt!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Stale_live_orders_count_as_stale_market_data()
    {
        var cfg = F.Config with { StaleMarketDataTimeoutSeconds = 10 };
        var d = (Quoting with { OrdersAt = F.T0.AddSeconds(-30) }).Decide(cfg);
        AssertHalt(d, "exchange market data stale");
    }

    [Fact]
    public void Balances_stale_after_their_timeout()
    {
        var cfg = F.Config with { StaleBalanceTimeoutSeconds = 20 };
        Assert.Null((Quoting with { BalancesAt = F.T0.AddSeconds(-20) }).Decide(cfg).Halt);
        AssertHalt((Quoting with { BalancesAt = F.T0.AddSeconds(-21) }).Decide(cfg), "balances stale");
    }

    [Fact]
    public void Anchor_data_stale_for_a_configured_futures_anchor()
    {
        var cfg = F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed, StaleAnchorTimeoutSeconds = 30 };
        Assert.Null(FutureQuoting.WithFixedAnchor(1600m, F.T0.AddSeconds(-30)).Decide(cfg).Halt);
        AssertHalt(FutureQuoting.WithFixedAnchor(1600m, F.T0.AddSeconds(-31)).Decide(cfg), "anchor data stale");
    }

    [Fact]
    public void Quote_age_exceeded_when_our_quotes_were_not_refreshed_in_time()
    {
        var cfg = F.Config with { MaxQuoteAgeSeconds = 60 };
        Assert.Null(Quoting.Decide(cfg, F.Running with { LastQuoteUpdate = F.T0.AddSeconds(-60) }).Halt);
        AssertHalt(Quoting.Decide(cfg, F.Running with { LastQuoteUpdate = F.T0.AddSeconds(-61) }), "quote age exceeded");
    }

    [Fact]
    public void Quote_age_is_not_checked_without_live_quotes()
    {
        var cfg = F.Config with { MaxQuoteAgeSeconds = 60 };
        var d = Scene.Default.Decide(cfg, F.Running with { LastQuoteUpdate = F.T0.AddHours(-1) });
        Assert.Null(d.Halt);
        Assert.Equal(2, d.Placements.Length);
    }

    [Fact]
    public void Anchor_deviation_exceeded_when_the_local_mid_is_far_from_the_anchor()
    {
        // Local mid 1600, anchor 1616: 99.0099 bps.
        var cfg = F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed, MaxAnchorDeviationBps = 100m };
        Assert.Null(FutureQuoting.WithFixedAnchor(1616m).Decide(cfg).Halt);
        var d = FutureQuoting.WithFixedAnchor(1617m).Decide(cfg);
        AssertHalt(d, "anchor deviation exceeded");
        Assert.Equal(1617m, d.ReferencePrice);
        Assert.Equal(ReferenceSource.Anchor, d.ReferenceSource);
    }

    [Fact]
    public void Open_order_notional_exceeds_limit_for_any_live_order()
    {
        var cfg = F.Config with { MaxNotionalPerSide = 200_000m };
        var big = F.Own(Side.Sell, 1604m, size: 125m, nonce: 1001);
        Assert.Null(Scene.Default.WithLive(OurBid, F.Own(Side.Sell, 1604m, size: 124m, nonce: 1001)).Decide(cfg).Halt);
        var d = Scene.Default.WithLive(OurBid, big).Decide(cfg);
        AssertHalt(d, "open order notional exceeds limit");
        Assert.Contains(big.OrderId, d.Halt!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Inventory_exceeds_max_long_inventory()
    {
        Assert.Null((Quoting with { Balances = new Balances(1000m, 2_000_000m) }).Decide().Halt);
        AssertHalt((Quoting with { Balances = new Balances(1000.000001m, 2_000_000m) }).Decide(), "inventory exceeds max long inventory");
    }

    [Fact]
    public void Inventory_exceeds_max_short_inventory_on_a_future()
    {
        Assert.Null((FutureQuoting with { Balances = new Balances(-1000m, 1_000_000m) }).Decide(F.FutureConfig).Halt);
        AssertHalt((FutureQuoting with { Balances = new Balances(-1000.001m, 1_000_000m) }).Decide(F.FutureConfig), "inventory exceeds max short inventory");
    }

    [Fact]
    public void Max_net_inventory_tightens_both_caps()
    {
        var cfg = F.FutureConfig with { MaxNetInventory = 300m };
        AssertHalt((FutureQuoting with { Balances = new Balances(301m, 1_000_000m) }).Decide(cfg), "inventory exceeds max long inventory");
        AssertHalt((FutureQuoting with { Balances = new Balances(-301m, 1_000_000m) }).Decide(cfg), "inventory exceeds max short inventory");
    }

    [Fact]
    public void Available_base_balance_below_threshold()
    {
        var cfg = F.Config with { MinBaseBalance = 500m };
        Assert.Null(Quoting.Decide(cfg).Halt);
        AssertHalt((Quoting with { Balances = new Balances(499.99m, 2_000_000m) }).Decide(cfg), "available base balance below threshold");
    }

    [Fact]
    public void Available_quote_balance_below_threshold()
    {
        var cfg = F.Config with { MinQuoteBalance = 1_000_000m };
        Assert.Null(Quoting.Decide(cfg).Halt);
        AssertHalt((Quoting with { Balances = new Balances(500m, 999_999m) }).Decide(cfg), "available quote balance below threshold");
    }

    [Fact]
    public void Available_balance_for_thresholds_ignores_what_our_own_quotes_reserve()
    {
        // Our bid reserves 1596 × 100 = 159,600 cNGN; only orders that are not ours reduce the available balance.
        var cfg = F.Config with { MinQuoteBalance = 1_900_000m };
        Assert.Null(Quoting.Decide(cfg).Halt);
        var foreign = F.Foreign("manual-1", Side.Buy, 1000m, size: 101m);
        AssertHalt(Quoting.WithLive(OurBid, OurAsk, foreign).Decide(cfg), "available quote balance below threshold");
    }

    [Fact]
    public void Operator_pause_halts_and_cancels_as_risk_triggered()
    {
        AssertHalt(Quoting.Decide(F.Config with { OperatorMode = OperatorMode.Pause }), "operator pause active");
    }

    [Fact]
    public void Cancel_rate_limit_exceeded_when_a_replace_would_overflow_the_window()
    {
        var cfg = F.Config with { MaxCancelsPerMinute = 2 };
        var stale = F.Own(Side.Buy, 1590m, nonce: 1000);
        var state = F.Running with { CancelWindow = [F.T0.AddSeconds(-50), F.T0.AddSeconds(-40)] };
        var d = Scene.Default.WithLive(stale, OurAsk).Decide(cfg, state);
        AssertHalt(d, "cancel rate limit exceeded");
        Assert.Equal(2, d.NextState.CancelWindow.Length);
    }

    [Fact]
    public void Halts_are_not_latched_quoting_resumes_when_the_cause_is_gone()
    {
        var halted = Scene.Default.Decide(F.Config with { OperatorMode = OperatorMode.Pause });
        Assert.NotNull(halted.Halt);
        var resumed = Scene.Default.At(F.T0.AddSeconds(2)).Decide(F.Config, halted.NextState);
        Assert.Null(resumed.Halt);
        Assert.Equal(2, resumed.Placements.Length);
        Assert.Equal("operator pause active", resumed.NextState.Persisted.LastHaltReason);
        Assert.Null(resumed.NextState.CurrentHaltReason);
    }

    [Fact]
    public void A_halt_never_cancels_protected_or_matching_orders()
    {
        var protectedManaged = F.Foreign($"test:{F.SpotSymbol}:buy:5", Side.Buy, 1500m);
        var matching = F.Own(Side.Sell, 1604m, nonce: 1001, matching: true);
        var d = Scene.Default.WithLive(OurBid, matching, protectedManaged).Decide(F.Config with { OperatorMode = OperatorMode.Pause });
        Assert.Equal([OurBid.OrderId], d.Cancels.Select(c => c.OrderId));
    }

    // ---- evaluation order ----

    /// <summary>Applies the condition for one halt reason to a futures scene with a fixed anchor at the book mid.</summary>
    private static (Scene Scene, BotConfig Config, BotState State) Trigger(string reason, (Scene Scene, BotConfig Config, BotState State) s)
    {
        var (scene, cfg, state) = s;
        return reason switch
        {
            HaltReasons.KillSwitchActive => (scene with { Kill = true }, cfg, state),
            HaltReasons.DrawdownLimitExceeded => (scene, cfg with { MaxDrawdown = 1000m }, state with
            {
                // Long 100 bought at 2000, marked at 1600 (or 1700): at least 30,000 below a peak of 0.
                Persisted = state.Persisted with { Pnl = new PnlBook { Position = 100m, CostBasis = 200_000m, Peak = 0m } },
                LastMark = 1600m,
            }),
            HaltReasons.ReferencePriceUnavailable => (scene with { Bids = [], Asks = [], Anchor = Input<AnchorReading>.Missing }, cfg, state),
            HaltReasons.ExchangeMarketDataStale => (scene with { MarketDataAt = F.T0.AddSeconds(-100) }, cfg with { StaleMarketDataTimeoutSeconds = 10 }, state),
            HaltReasons.BalancesStale => (scene with { BalancesAt = F.T0.AddSeconds(-100) }, cfg with { StaleBalanceTimeoutSeconds = 10 }, state),
            HaltReasons.AnchorDataStale => (scene.WithFixedAnchor(scene.Anchor.Value?.Price ?? 1600m, F.T0.AddSeconds(-100)), cfg with { StaleAnchorTimeoutSeconds = 10 }, state),
            HaltReasons.QuoteAgeExceeded => (scene, cfg with { MaxQuoteAgeSeconds = 10 }, state with { LastQuoteUpdate = F.T0.AddSeconds(-100) }),
            HaltReasons.AnchorDeviationExceeded => (scene.WithFixedAnchor(1700m, scene.Anchor.FetchedAt), cfg with { MaxAnchorDeviationBps = 50m }, state),
            HaltReasons.InventoryExceedsMaxLong => (scene with { Balances = scene.Balances with { BaseTotal = 2000m } }, cfg, state),
            HaltReasons.InventoryExceedsMaxShort => (scene with { Balances = scene.Balances with { BaseTotal = -2000m } }, cfg, state),
            HaltReasons.OpenOrderNotionalExceedsLimit => (scene, cfg with { MaxNotionalPerSide = 100_000m }, state),
            HaltReasons.AvailableBaseBelowThreshold => (scene, cfg with { MinBaseBalance = 1_000_000m }, state),
            HaltReasons.AvailableQuoteBelowThreshold => (scene, cfg with { MinQuoteBalance = 100_000_000m }, state),
            HaltReasons.OperatorPauseActive => (scene, cfg with { OperatorMode = OperatorMode.Pause }, state),
            HaltReasons.CancelRateLimitExceeded => (
                scene.WithLive(F.Own(Side.Buy, 1500m, nonce: 1000, market: F.FutureSymbol), OurFutureAsk).WithOwnInBook() with { Anchor = scene.Anchor },
                cfg with { MaxCancelsPerMinute = 1 },
                state with { CancelWindow = [F.T0.AddSeconds(-5)] }),
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
        };
    }

    /// <summary>behaviour.md §5 with reference-bot.md §3's risk list order; the drawdown stop (issue 16) second.</summary>
    public static readonly ImmutableArray<string> Order =
    [
        HaltReasons.KillSwitchActive, HaltReasons.DrawdownLimitExceeded, HaltReasons.ReferencePriceUnavailable, HaltReasons.ExchangeMarketDataStale,
        HaltReasons.BalancesStale, HaltReasons.AnchorDataStale, HaltReasons.QuoteAgeExceeded,
        HaltReasons.AnchorDeviationExceeded, HaltReasons.InventoryExceedsMaxLong, HaltReasons.InventoryExceedsMaxShort,
        HaltReasons.OpenOrderNotionalExceedsLimit, HaltReasons.AvailableBaseBelowThreshold,
        HaltReasons.AvailableQuoteBelowThreshold, HaltReasons.OperatorPauseActive, HaltReasons.CancelRateLimitExceeded,
    ];

    private static (Scene, BotConfig, BotState) OrderBase() =>
        (FutureQuoting.WithFixedAnchor(1600m), F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed }, F.Running);

    [Fact]
    public void Every_halt_reason_string_is_reachable_alone_with_its_exact_text()
    {
        Assert.Equal(HaltReasons.All.Order(StringComparer.Ordinal), Order.Order(StringComparer.Ordinal));
        foreach (var reason in Order)
        {
            var (scene, cfg, state) = Trigger(reason, OrderBase());
            var d = scene.Decide(cfg, state);
            Assert.True(d.Halt?.Reason == reason, $"{reason}: got {d.Halt?.Reason ?? "no halt"}");
        }
    }

    [Fact]
    public void Halt_evaluation_order_first_reason_wins_over_every_later_one()
    {
        for (var i = 0; i < Order.Length; i++)
        {
            for (var j = i + 1; j < Order.Length; j++)
            {
                var (a, b) = (Order[i], Order[j]);
                if ((a, b) is (HaltReasons.InventoryExceedsMaxLong, HaltReasons.InventoryExceedsMaxShort)
                    || (a == HaltReasons.ReferencePriceUnavailable && b == HaltReasons.AnchorDeviationExceeded))
                {
                    continue; // mutually exclusive conditions
                }

                var (scene, cfg, state) = Trigger(a, Trigger(b, OrderBase()));
                var d = scene.Decide(cfg, state);
                Assert.True(d.Halt?.Reason == a, $"{a} before {b}: got {d.Halt?.Reason ?? "no halt"}");
            }
        }
    }
}
