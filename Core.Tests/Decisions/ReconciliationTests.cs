namespace MarketMaker.Core.Tests.Decisions;

/// <summary>Startup reconciliation (behaviour.md §7, reference-bot.md §4): every reason string, adoption, protected prefixes.</summary>
public sealed class ReconciliationTests
{
    private static readonly LiveOrder GoodBid = F.Own(Side.Buy, 1596m, nonce: 1000);
    private static readonly LiveOrder GoodAsk = F.Own(Side.Sell, 1604m, nonce: 1001);

    private static Decision Reconcile(BotConfig? cfg, params LiveOrder[] orders) =>
        Scene.Default.WithLive(orders).Decide(cfg ?? F.Config, F.Startup);

    private static string Reason(Decision d, string id)
    {
        Assert.NotNull(d.Reconciliation);
        Assert.True(d.Reconciliation!.RejectedReasons.TryGetValue(id, out var reason), $"no reason for {id}");
        return reason!;
    }

    [Fact]
    public void Matching_orders_are_adopted_and_nothing_is_placed_at_startup()
    {
        var d = Reconcile(null, GoodBid, GoodAsk);
        var r = d.Reconciliation!;
        Assert.Equal(GoodBid.OrderId, r.AdoptedBidOrderId);
        Assert.Equal(GoodAsk.OrderId, r.AdoptedAskOrderId);
        Assert.Empty(r.CanceledOrderIds.AsEnumerable());
        Assert.Empty(r.RejectedReasons);
        Assert.Empty(d.Cancels);
        Assert.Empty(d.Placements);
        Assert.Equal(BotPhase.Running, d.NextState.Phase);
        Assert.Equal(GoodBid.OrderId, d.NextState.Persisted.LastAdoptedBidOrderId);
        Assert.Equal(GoodAsk.OrderId, d.NextState.Persisted.LastAdoptedAskOrderId);
    }

    [Fact]
    public void A_side_left_without_an_adopted_order_is_placed_in_the_reconciling_decision_after_the_cancels()
    {
        // The bid is adopted; the ask drifted too far and is cancelled; the new ask goes out in the same decision.
        var farAsk = F.Own(Side.Sell, 1700m, nonce: 1001);
        var d = Reconcile(null, GoodBid, farAsk);
        Assert.Equal(GoodBid.OrderId, d.Reconciliation!.AdoptedBidOrderId);
        Assert.Equal(farAsk.OrderId, Assert.Single(d.Cancels).OrderId);
        var place = Assert.Single(d.Placements);
        Assert.Equal((Side.Sell, 1604m), (place.Side, place.Price));
        Assert.Equal(F.T0, d.NextState.LastQuoteUpdate);
        Assert.True(d.Metrics.OpenAskPresent);
    }

    [Fact]
    public void A_halt_at_startup_places_nothing_in_the_reconciling_decision()
    {
        var d = Reconcile(F.Config with { OperatorMode = OperatorMode.Pause });
        Assert.NotNull(d.Reconciliation);
        Assert.Empty(d.Placements);
    }

    [Fact]
    public void Order_without_the_mm_prefix_is_ambiguous_ownership()
    {
        var o = F.Foreign("manual-42", Side.Buy, 1596m);
        var d = Reconcile(null, o);
        Assert.Equal(ReconciliationReasons.AmbiguousOwnership, Reason(d, o.OrderId));
        Assert.Equal([o.OrderId], d.Reconciliation!.CanceledOrderIds.AsEnumerable());
        Assert.Equal(CancelCategory.StartupReconciliation, Assert.Single(d.Cancels).Category);
        Assert.Equal(ReconciliationReasons.AmbiguousOwnership, d.Cancels[0].Reason);
    }

    [Theory]
    [InlineData("mm:USDCcNGN-SPOT:buy")]
    [InlineData("mm:USDCcNGN-SPOT:buy:7:extra")]
    [InlineData("mm:USDCcNGN-SPOT:sell:7")]
    [InlineData("mm:USDCcNGN-SPOT:buy:8")]
    public void Order_with_bad_metadata_is_malformed_metadata(string id)
    {
        // The third case names the wrong side for a buy; the fourth a nonce other than the order's (7).
        var o = F.Foreign(id, Side.Buy, 1596m, nonce: 7);
        Assert.Equal(ReconciliationReasons.MalformedMetadata, Reason(Reconcile(null, o), id));
    }

    [Fact]
    public void Order_of_another_market_is_wrong_market()
    {
        var o = F.Foreign("mm:USDCcNGN-SEP16-2026:buy:7", Side.Buy, 1596m);
        Assert.Equal(ReconciliationReasons.WrongMarket, Reason(Reconcile(null, o), o.OrderId));
    }

    [Theory]
    [InlineData("mm:USDCcNGN-SPOT:hold:7")]
    [InlineData("mm:USDCcNGN-SPOT:BUY:7")]
    public void Order_with_an_unknown_side_token_is_invalid_side(string id)
    {
        Assert.Equal(ReconciliationReasons.InvalidSide, Reason(Reconcile(null, F.Foreign(id, Side.Buy, 1596m)), id));
    }

    [Fact]
    public void Second_valid_order_on_a_side_is_duplicate_side_and_the_closest_oldest_is_adopted()
    {
        var older = F.Own(Side.Buy, 1596m, nonce: 2000, created: F.T0.AddMinutes(-10));
        var newer = F.Own(Side.Buy, 1596m, nonce: 1000, created: F.T0.AddMinutes(-1));
        var d = Reconcile(null, newer, older);
        Assert.Equal(older.OrderId, d.Reconciliation!.AdoptedBidOrderId);
        Assert.Equal(ReconciliationReasons.DuplicateSide, Reason(d, newer.OrderId));
        Assert.Equal([newer.OrderId], d.Reconciliation.CanceledOrderIds.AsEnumerable());
    }

    [Fact]
    public void Smaller_drift_wins_adoption_over_age()
    {
        var closer = F.Own(Side.Buy, 1596m, nonce: 2000, created: F.T0.AddMinutes(-1));
        var older = F.Own(Side.Buy, 1595.9m, nonce: 1000, created: F.T0.AddMinutes(-10));
        var d = Reconcile(null, older, closer);
        Assert.Equal(closer.OrderId, d.Reconciliation!.AdoptedBidOrderId);
        Assert.Equal(ReconciliationReasons.DuplicateSide, Reason(d, older.OrderId));
    }

    [Fact]
    public void Side_the_strategy_does_not_quote_is_strategy_not_quoting_side()
    {
        var d = Reconcile(F.Config with { OperatorMode = OperatorMode.AskOnly }, GoodBid, GoodAsk);
        Assert.Equal(ReconciliationReasons.StrategyNotQuotingSide, Reason(d, GoodBid.OrderId));
        Assert.Equal(GoodAsk.OrderId, d.Reconciliation!.AdoptedAskOrderId);
        Assert.Null(d.Reconciliation.AdoptedBidOrderId);
    }

    [Fact]
    public void Order_drifting_by_the_stale_threshold_is_price_too_far_from_target()
    {
        // Target 1596; drift relative to the order price, threshold 5 bps.
        var near = F.Own(Side.Buy, 1595.21m, nonce: 1000); // 4.95 bps
        var far = F.Own(Side.Buy, 1595.2m, nonce: 1000);   // 5.015 bps
        Assert.Equal(near.OrderId, Reconcile(null, near).Reconciliation!.AdoptedBidOrderId);
        Assert.Equal(ReconciliationReasons.PriceTooFarFromTarget, Reason(Reconcile(null, far), far.OrderId));
    }

    [Fact]
    public void Order_whose_size_differs_beyond_the_tolerance_is_size_too_far_from_target()
    {
        // Spot tolerance: MM_ADOPT_SIZE_TOLERANCE + one whole cNGN (1/1596 USDC ≈ 0.000627).
        var ok = F.Own(Side.Buy, 1596m, size: 100.0006m, nonce: 1000);
        var off = F.Own(Side.Buy, 1596m, size: 100.001m, nonce: 1000);
        Assert.Equal(ok.OrderId, Reconcile(null, ok).Reconciliation!.AdoptedBidOrderId);
        Assert.Equal(ReconciliationReasons.SizeTooFarFromTarget, Reason(Reconcile(null, off), off.OrderId));
    }

    [Fact]
    public void Futures_size_tolerance_is_the_configured_absolute_tolerance()
    {
        var cfg = F.FutureConfig with { AdoptSizeTolerance = 0.001m };
        var ok = F.Own(Side.Buy, 1596m, size: 100.001m, nonce: 1000, market: F.FutureSymbol);
        var off = F.Own(Side.Buy, 1596m, size: 100.002m, nonce: 1000, market: F.FutureSymbol);
        var scene = Scene.FutureDefault;
        Assert.Equal(ok.OrderId, scene.WithLive(ok).Decide(cfg, F.Startup).Reconciliation!.AdoptedBidOrderId);
        Assert.Equal(ReconciliationReasons.SizeTooFarFromTarget, Reason(scene.WithLive(off).Decide(cfg, F.Startup), off.OrderId));
    }

    [Fact]
    public void Risk_halt_at_startup_rejects_every_order_with_risk_halt_reason_and_adopts_nothing()
    {
        var cfg = F.Config with { StaleBalanceTimeoutSeconds = 5 };
        var foreign = F.Foreign("manual-1", Side.Buy, 1500m);
        var d = (Scene.Default with { BalancesAt = F.T0.AddSeconds(-10) }).WithLive(GoodBid, GoodAsk, foreign).Decide(cfg, F.Startup);
        var r = d.Reconciliation!;
        Assert.Null(r.AdoptedBidOrderId);
        Assert.Null(r.AdoptedAskOrderId);
        Assert.All(r.RejectedReasons.Values, v => Assert.Equal("risk_halt:balances stale", v));
        Assert.Equal(3, r.RejectedReasons.Count);
        Assert.Equal(new[] { GoodAsk.OrderId, GoodBid.OrderId, foreign.OrderId }.Order(StringComparer.Ordinal), r.CanceledOrderIds.AsEnumerable());
        Assert.All(d.Cancels, c => Assert.Equal(CancelCategory.StartupReconciliation, c.Category));
    }

    [Fact]
    public void Pause_at_startup_cancels_everything_with_risk_halt_operator_pause()
    {
        var d = Reconcile(F.Config with { OperatorMode = OperatorMode.Pause }, GoodBid, GoodAsk);
        Assert.Equal("risk_halt:operator pause active", Reason(d, GoodBid.OrderId));
        Assert.Equal(2, d.Cancels.Length);
        Assert.Equal("operator pause active", d.Halt!.Reason);
    }

    [Fact]
    public void Protected_prefixes_keep_their_reason_but_are_never_canceled()
    {
        var validation = F.Foreign("validation:probe-1", Side.Buy, 1596m);
        var test = F.Foreign("TEST:probe-2", Side.Sell, 1604m);
        var plain = F.Foreign("manual-3", Side.Sell, 1604m);
        var d = Reconcile(null, validation, test, plain);
        Assert.Equal(ReconciliationReasons.AmbiguousOwnership, Reason(d, validation.OrderId));
        Assert.Equal(ReconciliationReasons.AmbiguousOwnership, Reason(d, test.OrderId));
        Assert.Equal([plain.OrderId], d.Reconciliation!.CanceledOrderIds.AsEnumerable());
        Assert.Equal([plain.OrderId], d.Cancels.Select(c => c.OrderId));
    }

    [Fact]
    public void Configured_protected_prefixes_replace_the_defaults()
    {
        var cfg = F.Config with { ProtectedOrderIdPrefixes = ["keep-"] };
        var kept = F.Foreign("keep-1", Side.Buy, 1596m);
        var validation = F.Foreign("validation:1", Side.Buy, 1596m);
        var d = Reconcile(cfg, kept, validation);
        Assert.Equal([validation.OrderId], d.Reconciliation!.CanceledOrderIds.AsEnumerable());
    }

    [Fact]
    public void Canceled_ids_are_sorted_ordinally()
    {
        var ids = new[] { "zz-1", "Aa-2", "mm:other", "aa-3" };
        var d = Reconcile(null, [.. ids.Select(i => F.Foreign(i, Side.Buy, 1500m))]);
        Assert.Equal(ids.Order(StringComparer.Ordinal), d.Reconciliation!.CanceledOrderIds.AsEnumerable());
        Assert.Equal(ids.Order(StringComparer.Ordinal), d.Cancels.Select(c => c.OrderId));
    }

    [Fact]
    public void With_a_ladder_adoption_is_per_level_rank_not_duplicate_side()
    {
        var cfg = F.Config with { QuoteLevels = 2, LevelSpreadStepBps = 10m };
        var targets = Scene.Default.Decide(cfg).Targets.Where(t => t.Side == Side.Buy).ToList();
        Assert.Equal(2, targets.Count);
        var l0 = F.Own(Side.Buy, targets[0].Price, targets[0].Size, nonce: 1000);
        var l1 = F.Own(Side.Buy, targets[1].Price, targets[1].Size, nonce: 1002);
        var extra = F.Own(Side.Buy, targets[1].Price, targets[1].Size, nonce: 1004);
        var d = Scene.Default.WithLive(l0, l1, extra).Decide(cfg, F.Startup);
        Assert.Equal(l0.OrderId, d.Reconciliation!.AdoptedBidOrderId);
        Assert.Equal([l0.OrderId, l1.OrderId], d.Reconciliation.AdoptedOrderIds.AsEnumerable());
        Assert.Equal(ReconciliationReasons.DuplicateSide, Reason(d, extra.OrderId));
    }

    [Fact]
    public void Startup_waits_for_live_orders_and_market_data()
    {
        var d = (Scene.Default with { OrdersFresh = false }).WithLive(GoodBid).Decide(state: F.Startup);
        Assert.Null(d.Reconciliation);
        Assert.Empty(d.Cancels);
        Assert.Equal(BotPhase.Startup, d.NextState.Phase);
        Assert.Equal(Decider.StartupPending, d.Readiness.Reason);
    }
}
