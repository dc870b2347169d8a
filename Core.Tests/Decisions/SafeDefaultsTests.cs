using System.Collections.Immutable;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>
/// Issue 11: defaults that protect a new user (target inventory, own fills never the reference) and refresh before
/// expiry (docs/decision-core.md "Target inventory", "Own fills", "Refresh before expiry").
/// </summary>
public sealed class SafeDefaultsTests
{
    private static readonly BotConfig Defaults = new() { OwnerAddress = F.Us };

    [Fact]
    public void A_sequence_of_taker_hits_on_our_ask_does_not_walk_our_mid()
    {
        // Nobody else quotes, so the reference is the last trade. A taker lifts our ask ten times in a row: each fill is a
        // trade at our ask's price. Our mid may move by the inventory skew only, never half a spread per fill.
        var cfg = Defaults with { OrderSize = 10m, MaxCancelsPerMinute = 0, QuoteRefreshIntervalMs = 0 };
        var now = F.T0;
        var trades = ImmutableArray.Create(F.Trade(1, 1600m, now.AddSeconds(-30), maker: "seed:x", taker: "taker-0"));
        var balances = new Balances(500m, 2_000_000m);
        var live = ImmutableArray<LiveOrder>.Empty;
        var state = F.Running;
        var tolerance = cfg.InventorySkewBps + 1m; // the skew, plus tick rounding
        for (var hit = 1; hit <= 10; hit++)
        {
            var d = (Scene.EmptyBook with { Now = now, Trades = trades, Balances = balances, Live = live }).Decide(cfg, state);
            Assert.Null(d.Halt);
            Assert.Equal((ReferenceSource.Trade, 1600m), (d.ReferenceSource, d.ReferencePrice!.Value));
            state = d.NextState;
            var canceled = d.Cancels.Select(c => c.OrderId).ToHashSet(StringComparer.Ordinal);
            live = [.. live.Where(o => !canceled.Contains(o.OrderId)), .. d.Placements.Select(p => new LiveOrder(p.OrderId, p.Nonce, p.Side, p.Price, p.Size, p.Size, false, now))];
            var bid = live.Single(o => o.Side == Side.Buy);
            var ask = live.Single(o => o.Side == Side.Sell);
            var midMoveBps = Math.Abs(((bid.Price + ask.Price) / 2m) - 1600m) / 1600m * 10_000m;
            Assert.True(midMoveBps <= tolerance, $"hit {hit}: our mid moved {midMoveBps:0.##} bps (bid {bid.Price}, ask {ask.Price}); tolerance {tolerance} bps");

            // The taker lifts our ask in full.
            now = now.AddSeconds(3);
            trades = trades.Insert(0, F.Trade(hit + 1, ask.Price, now.AddSeconds(-1), maker: ask.OrderId, taker: $"taker-{hit}", size: ask.Size));
            balances = new Balances(balances.BaseTotal - ask.Size, balances.QuoteTotal + (ask.Size * ask.Price));
            live = live.Remove(ask);
        }
    }

    [Fact]
    public void Our_own_fill_as_the_only_trade_is_no_reference_and_the_external_anchor_stays_the_reference()
    {
        var ownFill = F.Trade(7, 1650m, F.T0.AddSeconds(-5), maker: F.Id(F.SpotSymbol, Side.Sell, 1001), taker: "taker-1");
        var scene = Scene.EmptyBook with { Trades = [ownFill] };
        var none = scene.Decide(Defaults);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, none.Halt?.Reason);

        var withExternal = Defaults with { ExternalAnchor = new ExternalAnchorConfig { Enabled = true } };
        var d = scene.WithExternal(1600m).Decide(withExternal);
        Assert.Equal((ReferenceSource.External, 1600m), (d.ReferenceSource, d.ReferencePrice!.Value));

        // A trade of others, even older than our fill, is a reference.
        var other = F.Trade(6, 1610m, F.T0.AddSeconds(-60), maker: "seed:y", taker: "taker-0");
        var d2 = (scene with { Trades = [ownFill, other] }).Decide(Defaults);
        Assert.Equal((ReferenceSource.Trade, 1610m), (d2.ReferenceSource, d2.ReferencePrice!.Value));
    }

    [Fact]
    public void A_normally_funded_spot_account_quotes_at_start_with_the_default_limits()
    {
        // 100,000 USDC with the default ±1000 limits used to halt "inventory exceeds max long inventory".
        var scene = Scene.Default with { Balances = new Balances(100_000m, 200_000_000m) };
        var d = scene.Decide(Defaults);
        Assert.Null(d.Halt);
        Assert.Equal(2, d.Placements.Length);
        Assert.Equal(100_000m, d.NextState.Persisted.TargetBaseInventory);
        Assert.True(d.PersistRequired);

        // No deviation, no skew: symmetric around the mid of 1595 / 1605.
        var bid = d.Placements.Single(p => p.Side == Side.Buy).Price;
        var ask = d.Placements.Single(p => p.Side == Side.Sell).Price;
        Assert.Equal(1600m, (bid + ask) / 2m);
    }

    [Fact]
    public void Limits_and_skew_are_measured_from_the_persisted_target_after_fills()
    {
        var state = F.Running with { Persisted = new PersistedState { TargetBaseInventory = 100_000m } };
        var cfg = Defaults with { MaxCancelsPerMinute = 0 };

        // +950 from the target: a 100 bid would pass +1000, so it is dropped; the ask is quoted and skewed down.
        var near = (Scene.Default with { Balances = new Balances(100_950m, 200_000_000m) }).Decide(cfg, state);
        Assert.Null(near.Halt);
        Assert.Contains(near.Suppressions, s => s.Side == Side.Buy && s.Reason == SuppressionReasons.MaxLongInventory);
        var ask = Assert.Single(near.Placements);
        Assert.Equal(Side.Sell, ask.Side);
        Assert.True(ask.Price < 1604m, $"ask {ask.Price} is not skewed down");
        Assert.Equal(100_000m, near.NextState.Persisted.TargetBaseInventory);

        // +1200: halt, with the balance and the target in the detail.
        var beyond = (Scene.Default with { Balances = new Balances(101_200m, 200_000_000m) }).Decide(cfg, state);
        Assert.Equal(HaltReasons.InventoryExceedsMaxLong, beyond.Halt?.Reason);
        Assert.Equal("inventory 1200 (balance 101200 - target 100000) > max long 1000", beyond.Halt!.Detail);

        // A configured target wins over the persisted one.
        var configured = (Scene.Default with { Balances = new Balances(101_200m, 200_000_000m) }).Decide(cfg with { TargetBaseInventory = 101_000m }, state);
        Assert.Null(configured.Halt);
    }

    [Fact]
    public void Futures_keep_position_based_limits()
    {
        var cfg = F.FutureConfig with { TargetBaseInventory = 5_000m, AnchorSourceType = AnchorSourceType.None };
        var flat = (Scene.FutureDefault with { Balances = new Balances(0m, 1_000_000m) }).Decide(cfg);
        Assert.Null(flat.Halt);
        Assert.Null(flat.NextState.Persisted.TargetBaseInventory);
        var longPosition = (Scene.FutureDefault with { Balances = new Balances(1_500m, 1_000_000m) }).Decide(cfg);
        Assert.Equal(HaltReasons.InventoryExceedsMaxLong, longPosition.Halt?.Reason);
        Assert.Equal("inventory 1500 > max long 1000", longPosition.Halt!.Detail);
    }

    [Fact]
    public void An_order_close_to_its_expiry_is_replaced_outside_the_replace_budget()
    {
        var cfg = F.Config with { OrderRefreshBeforeExpirySeconds = 30, MaxCancelsPerMinute = 1 };
        var fullWindow = F.Running with { CancelWindow = [F.T0.AddSeconds(-10)] };
        var expiring = F.Own(Side.Buy, 1596m, nonce: 1000) with { Expiry = F.T0.AddSeconds(20) };
        var lasting = F.Own(Side.Sell, 1604m, nonce: 1001) with { Expiry = F.T0.AddSeconds(31) };
        var d = Scene.Default.WithLive(expiring, lasting).Decide(cfg, fullWindow);
        Assert.Null(d.Halt);
        var cancel = Assert.Single(d.Cancels);
        Assert.Equal((expiring.OrderId, SyncReasons.ExpiryRefresh, CancelCategory.ExpiryRefresh), (cancel.OrderId, cancel.Reason, cancel.Category));
        var placed = Assert.Single(d.Placements);
        Assert.Equal((Side.Buy, 1596m), (placed.Side, placed.Price));
        Assert.Single(d.NextState.CancelWindow); // not counted
        Assert.Equal(1, d.Metrics.CancelsByCategory[CancelCategory.ExpiryRefresh]);

        // Off: the order is kept until it expires.
        var off = Scene.Default.WithLive(expiring, lasting).Decide(cfg with { OrderRefreshBeforeExpirySeconds = 0 }, fullWindow);
        Assert.Empty(off.Cancels);
    }
}
