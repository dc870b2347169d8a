namespace MarketMaker.Core.Tests.Decisions;

/// <summary>Per-cycle keep / replace / cancel and the churn guards (behaviour.md §8, reference-bot.md §4–5).</summary>
public sealed class SyncTests
{
    private static readonly LiveOrder OurAsk = F.Own(Side.Sell, 1604m, nonce: 1001);

    /// <summary>Our bid at 1592 while the target is 1596: 25.1 bps of drift.</summary>
    private static LiveOrder DriftedBid(DateTimeOffset? created = null) => F.Own(Side.Buy, 1592m, nonce: 1000, created: created);

    [Fact]
    public void Orders_at_their_targets_are_kept()
    {
        var d = Scene.Default.WithLive(F.Own(Side.Buy, 1596m, nonce: 1000), OurAsk).Decide();
        Assert.Empty(d.Cancels);
        Assert.Empty(d.Placements);
        Assert.Null(d.NextState.LastQuoteUpdate);
    }

    [Fact]
    public void Drift_at_the_stale_threshold_replaces_cancel_first_then_place_in_the_same_decision()
    {
        var d = Scene.Default.WithLive(DriftedBid(), OurAsk).Decide();
        var cancel = Assert.Single(d.Cancels);
        Assert.Equal((SyncReasons.StaleOrWrong, CancelCategory.ReplaceDriven), (cancel.Reason, cancel.Category));
        var place = Assert.Single(d.Placements);
        Assert.Equal((Side.Buy, 1596m), (place.Side, place.Price));
        Assert.Equal([F.T0], d.NextState.CancelWindow.AsEnumerable());
        Assert.Equal(F.T0, d.NextState.LastQuoteUpdate);
    }

    [Fact]
    public void Drift_below_the_stale_threshold_keeps_the_order()
    {
        // 1595.21 → 1596 is 4.95 bps < 5.
        var d = Scene.Default.WithLive(F.Own(Side.Buy, 1595.21m, nonce: 1000), OurAsk).Decide();
        Assert.Empty(d.Cancels);
    }

    [Fact]
    public void Size_mismatch_replaces_and_counts_toward_the_cancel_window()
    {
        var d = Scene.Default.WithLive(F.Own(Side.Buy, 1596m, size: 90m, nonce: 1000), OurAsk).Decide(F.Config with { MinQuoteLifetimeSeconds = 3600 });
        Assert.Equal(SyncReasons.SizeMismatch, Assert.Single(d.Cancels).Reason);
        Assert.Single(d.NextState.CancelWindow);
    }

    [Fact]
    public void Min_quote_lifetime_suppresses_a_price_replace_until_the_order_is_old_enough()
    {
        var cfg = F.Config with { MinQuoteLifetimeSeconds = 30 };
        var young = Scene.Default.WithLive(DriftedBid(F.T0.AddSeconds(-29)), OurAsk).Decide(cfg);
        Assert.Empty(young.Cancels);
        Assert.Empty(young.Placements);
        var s = Assert.Single(young.SuppressedReplaces);
        Assert.Equal(SyncReasons.MinimumLifetimeNotMet, s.Reason);
        Assert.Equal(1, young.Metrics.SuppressedReplaces);

        var old = Scene.Default.WithLive(DriftedBid(F.T0.AddSeconds(-30)), OurAsk).Decide(cfg);
        Assert.Equal(SyncReasons.StaleOrWrong, Assert.Single(old.Cancels).Reason);
        Assert.Empty(old.SuppressedReplaces);
    }

    [Fact]
    public void Min_price_move_suppresses_a_replace_smaller_than_the_move()
    {
        var small = Scene.Default.WithLive(DriftedBid(), OurAsk).Decide(F.Config with { MinPriceMoveBeforeReplaceBps = 30m });
        Assert.Empty(small.Cancels);
        Assert.Equal(SyncReasons.MinimumMoveNotMet, Assert.Single(small.SuppressedReplaces).Reason);
        var big = Scene.Default.WithLive(DriftedBid(), OurAsk).Decide(F.Config with { MinPriceMoveBeforeReplaceBps = 25m });
        Assert.Equal(SyncReasons.StaleOrWrong, Assert.Single(big.Cancels).Reason);
    }

    [Fact]
    public void Cancel_budget_is_a_sliding_60_second_window()
    {
        var cfg = F.Config with { MaxCancelsPerMinute = 2 };
        var scene = Scene.Default.WithLive(DriftedBid(), OurAsk);

        // One timestamp fell out of the window: 1 + 1 ≤ 2.
        var slid = scene.Decide(cfg, F.Running with { CancelWindow = [F.T0.AddSeconds(-60), F.T0.AddSeconds(-59)] });
        Assert.Null(slid.Halt);
        Assert.Single(slid.Cancels);
        Assert.Equal([F.T0.AddSeconds(-59), F.T0], slid.NextState.CancelWindow.AsEnumerable());

        var full = scene.Decide(cfg, F.Running with { CancelWindow = [F.T0.AddSeconds(-59), F.T0.AddSeconds(-58)] });
        Assert.Equal(HaltReasons.CancelRateLimitExceeded, full.Halt!.Reason);
        Assert.All(full.Cancels, c => Assert.Equal((SyncReasons.Halt, CancelCategory.RiskTriggered), (c.Reason, c.Category)));
        Assert.Equal(2, full.Cancels.Length);
        Assert.Empty(full.Placements);
    }

    [Fact]
    public void Zero_max_cancels_per_minute_is_unlimited()
    {
        var window = Enumerable.Range(1, 100).Select(i => F.T0.AddMilliseconds(-i)).ToArray();
        var d = Scene.Default.WithLive(DriftedBid(), OurAsk).Decide(F.Config with { MaxCancelsPerMinute = 0 }, F.Running with { CancelWindow = [.. window] });
        Assert.Null(d.Halt);
        Assert.Single(d.Cancels);
    }

    [Fact]
    public void Refresh_interval_skips_the_sync_while_we_have_live_quotes()
    {
        var scene = Scene.Default.WithLive(DriftedBid(), OurAsk);
        var recent = scene.Decide(state: F.Running with { LastQuoteUpdate = F.T0.AddMilliseconds(-4999) });
        Assert.Equal("refresh_interval", recent.SyncSkipped);
        Assert.Empty(recent.Cancels);
        var due = scene.Decide(state: F.Running with { LastQuoteUpdate = F.T0.AddMilliseconds(-5000) });
        Assert.Null(due.SyncSkipped);
        Assert.Single(due.Cancels);

        // Without live quotes the gate does not hold back placing them.
        var empty = Scene.Default.Decide(state: F.Running with { LastQuoteUpdate = F.T0.AddMilliseconds(-1) });
        Assert.Equal(2, empty.Placements.Length);
    }

    [Fact]
    public void A_filled_side_is_placed_at_once_whatever_the_refresh_gate_says()
    {
        // Both quotes were placed 1 ms ago; the bid was filled and left the live set. Only the ask still rests.
        var state = F.Running with { LastQuoteUpdate = F.T0.AddMilliseconds(-1) };
        var d = Scene.Default.WithLive(OurAsk).Decide(state: state);
        Assert.Null(d.SyncSkipped);
        Assert.Empty(d.Cancels);
        var place = Assert.Single(d.Placements);
        Assert.Equal((Side.Buy, 1596m), (place.Side, place.Price));
        Assert.Equal(F.T0, d.NextState.LastQuoteUpdate);
    }

    [Fact]
    public void Under_the_refresh_gate_a_resting_drifted_order_is_kept_while_the_missing_side_is_placed()
    {
        // The resting bid drifted (a replace would be due), the ask is gone: the gate keeps the bid, the ask is placed.
        var state = F.Running with { LastQuoteUpdate = F.T0.AddMilliseconds(-10) };
        var d = Scene.Default.WithLive(DriftedBid()).Decide(state: state);
        Assert.Empty(d.Cancels);
        Assert.Equal(Side.Sell, Assert.Single(d.Placements).Side);
        Assert.Empty(d.NextState.CancelWindow);
    }

    [Fact]
    public void Under_the_refresh_gate_a_fill_that_left_only_dust_is_replaced_at_once()
    {
        // The ask was filled down to 0.5 of 100 (below the dust size MM_ORDER_SIZE / 100 = 1): no quote is left there.
        var state = F.Running with { LastQuoteUpdate = F.T0.AddMilliseconds(-1) };
        var bid = F.Own(Side.Buy, 1596m, nonce: 1000);
        var dustAsk = F.Own(Side.Sell, 1604m, nonce: 1001, remaining: 0.5m);
        var d = Scene.Default.WithLive(bid, dustAsk).Decide(state: state);
        Assert.Null(d.SyncSkipped);
        Assert.Equal(dustAsk.OrderId, Assert.Single(d.Cancels).OrderId);
        var place = Assert.Single(d.Placements);
        Assert.Equal((Side.Sell, 1604m, 100m), (place.Side, place.Price, place.Size));
    }

    [Fact]
    public void Under_the_refresh_gate_a_partly_filled_order_above_the_dust_size_rests()
    {
        // 40 of 100 remain: the order still quotes, so the gate holds it like any resting order.
        var state = F.Running with { LastQuoteUpdate = F.T0.AddMilliseconds(-1) };
        var d = Scene.Default.WithLive(F.Own(Side.Buy, 1596m, nonce: 1000), F.Own(Side.Sell, 1604m, nonce: 1001, remaining: 40m)).Decide(state: state);
        Assert.Equal("refresh_interval", d.SyncSkipped);
        Assert.Empty(d.Cancels);
        Assert.Empty(d.Placements);
        Assert.Equal(state.LastQuoteUpdate, d.NextState.LastQuoteUpdate);
    }

    [Fact]
    public void Under_the_refresh_gate_a_filled_ladder_level_is_placed_and_the_resting_levels_are_kept()
    {
        var cfg = F.Config with { QuoteLevels = 3, LevelSpreadStepBps = 6m, LevelSizeMult = 1.5m, MaxLongInventory = 2000m, MaxCancelsPerMinute = 0 };
        var scene = Scene.Default with { Balances = new Balances(1000m, 5_000_000m) };
        var full = scene.Decide(cfg);
        var asks = full.Placements.Where(p => p.Side == Side.Sell).ToList();
        Assert.Equal(3, asks.Count);
        var live = full.Placements.Select((p, i) => F.Own(p.Side, p.Price, p.Size, nonce: 2000 + i)).ToList();

        // The outermost ask was filled (gone); a cycle later, the gate still closed, only that level is placed.
        var outer = live.Single(o => o.Side == Side.Sell && o.Price == asks[2].Price);
        var state = F.Running with { LastQuoteUpdate = F.T0.AddMilliseconds(-1) };
        var d = scene.WithLive(live.Where(o => o != outer).ToArray()).Decide(cfg, state);
        Assert.Null(d.SyncSkipped);
        Assert.Empty(d.Cancels);
        var place = Assert.Single(d.Placements);
        Assert.Equal((Side.Sell, asks[2].Price, asks[2].Size), (place.Side, place.Price, place.Size));
    }

    [Fact]
    public void Sync_is_skipped_when_live_orders_were_not_refreshed()
    {
        var d = (Scene.Default with { OrdersFresh = false }).Decide();
        Assert.Equal("live_orders_not_fresh", d.SyncSkipped);
        Assert.Empty(d.Placements);
    }

    [Fact]
    public void A_matching_order_is_left_alone()
    {
        var d = Scene.Default.WithLive(F.Own(Side.Buy, 1500m, nonce: 1000, matching: true), OurAsk).Decide();
        Assert.Empty(d.Cancels);
        Assert.Empty(d.Placements);
    }

    [Fact]
    public void A_kept_quote_that_a_new_quote_would_cross_is_replaced_as_crossing_own_quotes()
    {
        // Our ask at 1596 is young (lifetime guard keeps it) and the new bid is 1596: the ask must go.
        var youngAsk = F.Own(Side.Sell, 1596m, nonce: 1001, created: F.T0.AddSeconds(-1));
        var d = Scene.Default.WithLive(youngAsk).Decide(F.Config with { MinQuoteLifetimeSeconds = 60 });
        var cancel = Assert.Single(d.Cancels);
        Assert.Equal((youngAsk.OrderId, "crossing_own_quotes"), (cancel.OrderId, cancel.Reason));
        Assert.Equal([(Side.Buy, 1596m), (Side.Sell, 1604m)], d.Placements.Select(p => (p.Side, p.Price)));
        Assert.Empty(d.NextState.CancelWindow); // not rate-limited
    }

    [Fact]
    public void Extra_orders_beyond_the_targets_are_canceled_as_no_target()
    {
        var d = Scene.Default.WithLive(F.Own(Side.Buy, 1596m, nonce: 1000), F.Own(Side.Buy, 1590m, nonce: 900), OurAsk).Decide();
        var cancel = Assert.Single(d.Cancels);
        Assert.Equal((F.Id(F.SpotSymbol, Side.Buy, 900), SyncReasons.NoTarget), (cancel.OrderId, cancel.Reason));
    }

    [Fact]
    public void Nonces_come_from_the_clock_and_the_state_and_are_persisted_before_sending()
    {
        var d = Scene.Default.Decide();
        var micros = (F.T0 - DateTimeOffset.UnixEpoch).Ticks / 10;
        var bid = d.Placements.Single(p => p.Side == Side.Buy);
        var ask = d.Placements.Single(p => p.Side == Side.Sell);
        Assert.Equal(micros * 2, bid.Nonce);
        Assert.Equal((micros * 2) + 1, ask.Nonce);
        Assert.Equal($"mm:USDCcNGN-SPOT:buy:{bid.Nonce}", bid.OrderId);
        Assert.Equal((micros * 2) + 2, d.NextState.Persisted.NextNonceBase);
        Assert.True(d.PersistRequired);

        var ahead = Scene.Default.Decide(state: F.Running with { Persisted = new PersistedState { NextNonceBase = (micros * 2) + 1001 } });
        Assert.Equal((micros * 2) + 1002, ahead.Placements.Single(p => p.Side == Side.Buy).Nonce);
    }

    [Fact]
    public void Readiness_reports_a_required_side_missing_too_long()
    {
        // The ask has a target, but the live orders were not read this cycle, so nothing is placed for it.
        var cfg = F.Config with { ReadinessMissingQuoteTimeoutSeconds = 30, StaleMarketDataTimeoutSeconds = 0 };
        var bidOnlyLive = Scene.Default.WithLive(F.Own(Side.Buy, 1596m, nonce: 1000)) with { OrdersFresh = false };
        var first = bidOnlyLive.Decide(cfg);
        Assert.True(first.Readiness.Ready, first.Readiness.Reason);
        Assert.Equal(F.T0, first.NextState.AskMissingSince);
        var later = bidOnlyLive.At(F.T0.AddSeconds(31)).Decide(cfg, first.NextState);
        Assert.Equal(Decider.RequiredAskMissing, later.Readiness.Reason);
        var bidOnly = bidOnlyLive.At(F.T0.AddSeconds(31)).Decide(cfg with { OperatorMode = OperatorMode.BidOnly }, first.NextState);
        Assert.True(bidOnly.Readiness.Ready, bidOnly.Readiness.Reason);
    }

    [Fact]
    public void A_side_without_a_target_is_not_missing_for_readiness()
    {
        // No USDC to sell (missing_spot_asset_inventory) and, separately, a bid parked at the inventory cap: no target,
        // so not "required ... missing too long" however long it lasts (the reference bot counts only sides with a target).
        var cfg = F.Config with { ReadinessMissingQuoteTimeoutSeconds = 30 };
        var noBase = Scene.Default with { Balances = new Balances(0m, 2_000_000m) };
        var first = noBase.WithLive(F.Own(Side.Buy, 1596m, nonce: 1000)).Decide(cfg);
        Assert.Null(first.NextState.AskMissingSince);
        var later = noBase.WithLive(F.Own(Side.Buy, 1596m, nonce: 1000)).At(F.T0.AddSeconds(300)).Decide(cfg, first.NextState);
        Assert.Contains(later.Suppressions, s => s.Side == Side.Sell && s.Reason == SuppressionReasons.MissingSpotAssetInventory);
        Assert.True(later.Readiness.Ready, later.Readiness.Reason);

        var atCap = Scene.Default with { Balances = new Balances(1000m, 2_000_000m) };
        var capped = atCap.WithLive(F.Own(Side.Sell, 1604m, nonce: 1001)).Decide(cfg);
        Assert.Contains(capped.Suppressions, s => s.Side == Side.Buy && s.Reason == SuppressionReasons.MaxLongInventory);
        var cappedLater = atCap.WithLive(F.Own(Side.Sell, 1604m, nonce: 1001)).At(F.T0.AddSeconds(300)).Decide(cfg, capped.NextState);
        Assert.True(cappedLater.Readiness.Ready, cappedLater.Readiness.Reason);
    }
    [Fact]
    public void A_kept_ladder_order_never_ends_up_out_of_rank_so_the_next_cycle_is_quiet()
    {
        // Ladder bids 1596 / 1595.04 / 1594.08 (sizes 100 / 150 / 225); our bid at 1594 is within the 18 bps threshold of
        // level 0, but the new level 1 and 2 quotes would rank above it and be paired with the wrong sizes next cycle.
        var cfg = F.Config with { QuoteLevels = 3, LevelSpreadStepBps = 6m, LevelSizeMult = 1.5m, CancelStaleOrderThresholdBps = 18m, MaxCancelsPerMinute = 0 };
        var scene = Scene.Default with { Balances = new Balances(1000m, 5_000_000m) };
        var first = scene.WithLive(F.Own(Side.Buy, 1594m, nonce: 1000)).Decide(cfg with { MaxLongInventory = 2000m });
        var rank = Assert.Single(first.Cancels);
        Assert.Equal(("ladder_rank", CancelCategory.ReplaceDriven), (rank.Reason, rank.Category));
        Assert.Equal([1596m, 1595.04m, 1594.08m], first.Placements.Where(p => p.Side == Side.Buy).Select(p => p.Price));
        Assert.Empty(first.NextState.CancelWindow); // not rate-limited
        var second = Decider.Decide(F.Applied(scene.WithLive(F.Own(Side.Buy, 1594m, nonce: 1000)).Build(), first, TimeSpan.FromSeconds(6)), first.NextState, cfg with { MaxLongInventory = 2000m });
        Assert.Empty(second.Cancels);
        Assert.Empty(second.Placements);
    }
    [Fact]
    public void A_new_quote_that_would_cross_our_matching_order_waits()
    {
        // Our ask at 1596 is being matched (cannot be canceled); the new bid at 1596 would cross it and is not placed.
        var matchingAsk = F.Own(Side.Sell, 1596m, nonce: 1001, matching: true);
        var d = Scene.Default.WithLive(matchingAsk).Decide();
        Assert.Empty(d.Cancels);
        Assert.Empty(d.Placements);

        // Once it is no longer matching it is replaced and the bid goes out.
        var later = Scene.Default.WithLive(matchingAsk with { Matching = false }).Decide();
        Assert.Equal([(Side.Buy, 1596m), (Side.Sell, 1604m)], later.Placements.Select(p => (p.Side, p.Price)));
    }
}
