using System.Collections.Immutable;
using Snapshooter;
using SnapshotAssert = Snapshooter.Xunit.Snapshot;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>
/// Whole decisions of named scenarios compared with the files under <c>snapshots/core/__snapshots__/</c> at the repository
/// root (Snapshooter adds the <c>__snapshots__</c> level to the folder it is given; a mismatch goes to <c>__mismatch__</c>).
/// Inputs use fixed times only, so the files do not depend on the machine or the day.
/// Locally a missing file is written (review and commit it); under CI (<c>CI=true</c>) a missing file fails the test.
/// </summary>
public sealed class DecisionSnapshotTests
{
    private static readonly string Folder = Path.Combine(RepoRoot(), "snapshots", "core");

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MarketMaker.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"MarketMaker.sln not found above {AppContext.BaseDirectory}");
    }

    private static bool OnCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    private static void Match(Decision decision, string name)
    {
        var file = $"{name}.snap";
        if (OnCi)
        {
            // Snapshooter itself only knows SNAPSHOOTER_STRICT_MODE; CI=true must not silently create a snapshot either.
            Environment.SetEnvironmentVariable("SNAPSHOOTER_STRICT_MODE", "true");
            Assert.True(File.Exists(Path.Combine(Folder, "__snapshots__", file)), $"snapshot snapshots/core/__snapshots__/{file} is missing: create it locally and commit it");
        }

        SnapshotAssert.Match(decision, new SnapshotFullName(file, Folder));
    }

    private static readonly BotConfig Ext = F.Config with { ExternalAnchor = new ExternalAnchorConfig { Enabled = true } };
    private static readonly BotConfig FutureAnchored = F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed };
    private static readonly LiveOrder Bid = F.Own(Side.Buy, 1596m, nonce: 1000);
    private static readonly LiveOrder Ask = F.Own(Side.Sell, 1604m, nonce: 1001);

    [Fact]
    public void Empty_spot_book_quotes_from_the_external_anchor() =>
        Match(Scene.EmptyBook.WithExternal(1600m, observedAt: F.T0.AddSeconds(-5)).Decide(Ext), "spot_empty_book_external_anchor");

    [Fact]
    public void Startup_adopts_matching_orders() =>
        Match(Scene.Default.WithLive(Bid, Ask).Decide(state: F.Startup), "startup_adoption");

    [Fact]
    public void Startup_cleans_up_duplicates_and_foreign_orders()
    {
        var dupe = F.Own(Side.Buy, 1596m, nonce: 990, created: F.T0.AddSeconds(-10));
        var far = F.Own(Side.Sell, 1650m, nonce: 1003);
        var foreign = F.Foreign("manual-1", Side.Buy, 1500m);
        var protectedOrder = F.Foreign("validation:probe", Side.Sell, 1700m);
        var wrongMarket = F.Foreign("mm:USDCcNGN-SEP16-2026:buy:5", Side.Buy, 1590m);
        Match(Scene.Default.WithLive(Bid, dupe, Ask, far, foreign, protectedOrder, wrongMarket).Decide(state: F.Startup), "startup_duplicate_cleanup");
    }

    [Fact]
    public void Partial_fill_is_counted_and_the_order_kept()
    {
        var state = F.Running with
        {
            Fills = F.Running.Fills with
            {
                Orders = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
                    new KeyValuePair<string, TrackedOrder>(Bid.OrderId, new TrackedOrder(Bid.OrderId, Side.Buy, 100m, 100m, F.T0.AddMinutes(-1))),
                    new KeyValuePair<string, TrackedOrder>(Ask.OrderId, new TrackedOrder(Ask.OrderId, Side.Sell, 100m, 100m, F.T0.AddMinutes(-1)))]),
            },
        };
        Match(Scene.Default.WithLive(Bid with { Remaining = 99.5m }, Ask).WithOwnInBook().Decide(state: state), "partial_fill");
    }

    [Fact]
    public void Kill_switch_cancels_everything_managed() =>
        Match((Scene.Default.WithLive(Bid, Ask, F.Foreign("manual-1", Side.Buy, 1500m)) with { Kill = true }).Decide(), "kill_switch");

    [Fact]
    public void Stale_balances_halt() =>
        Match((Scene.Default.WithLive(Bid, Ask) with { BalancesAt = F.T0.AddSeconds(-45) }).Decide(F.Config with { StaleBalanceTimeoutSeconds = 30 }), "stale_balances");

    [Fact]
    public void Ladder_of_three_levels() =>
        Match(Scene.Default.Decide(F.Config with { QuoteLevels = 3, LevelSpreadStepBps = 10m, LevelSizeMult = 1.5m, InventorySkewBps = 15m }), "ladder_of_3");

    [Fact]
    public void Operator_pause() =>
        Match(Scene.Default.WithLive(Bid, Ask).Decide(F.Config with { OperatorMode = OperatorMode.Pause }), "pause");

    [Fact]
    public void Bid_only_mode() =>
        Match(Scene.Default.WithLive(Bid, Ask).Decide(F.Config with { OperatorMode = OperatorMode.BidOnly }), "bid_only");

    [Fact]
    public void Anchor_deviation_halt_on_a_future() =>
        Match(Scene.FutureDefault.WithFixedAnchor(1700m).Decide(FutureAnchored with { MaxAnchorDeviationBps = 200m }), "anchor_deviation");

    [Fact]
    public void Future_quoting_around_its_anchor() =>
        Match((Scene.FutureDefault with { Balances = new Balances(-250m, 500_000m) }).WithFixedAnchor(1610m).Decide(FutureAnchored with { InventorySkewBps = 15m }), "futures_with_anchor");

    [Fact]
    public void Cancel_budget_exhausted()
    {
        var stale = F.Own(Side.Buy, 1580m, nonce: 1000);
        var state = F.Running with { CancelWindow = [.. Enumerable.Range(1, 30).Select(i => F.T0.AddSeconds(-i))] };
        Match(Scene.Default.WithLive(stale, Ask).Decide(state: state), "cancel_budget_exhausted");
    }

    [Fact]
    public void Stale_quote_is_replaced_and_a_young_one_kept()
    {
        var stale = F.Own(Side.Buy, 1580m, nonce: 1000);
        var young = F.Own(Side.Sell, 1620m, nonce: 1001, created: F.T0.AddSeconds(-3));
        Match(Scene.Default.WithLive(stale, young).Decide(F.Config with { MinQuoteLifetimeSeconds = 10 }), "replace_and_lifetime_guard");
    }

    [Fact]
    public void Dry_run_health_mode() =>
        Match(Scene.Default.WithLive(Bid, Ask).Decide(F.Config with { OperatorMode = OperatorMode.DryRunHealth }), "dry_run_health");

    [Fact]
    public void External_anchor_move_accepted_on_the_third_agreeing_fetch()
    {
        var state = Scene.EmptyBook.WithExternal(1600m).Decide(Ext).NextState;
        Decision last = null!;
        for (var i = 1; i <= 3; i++)
        {
            last = Scene.EmptyBook.At(F.T0.AddSeconds(2 * i)).WithExternal(1800m).Decide(Ext, state);
            state = last.NextState;
        }

        Match(last, "external_anchor_recovery");
    }
}
