namespace MarketMaker.Core.Tests.Decisions;

/// <summary>
/// The decision judges every dependency (behaviour.md §5 "Staleness") and says which did not answer this cycle;
/// /metrics and /readyz copy these values (Core/Dependencies.cs).
/// </summary>
public sealed class DependencyHealthTests
{
    [Fact]
    public void A_ready_bot_with_every_input_fresh_names_no_dependency()
    {
        var d = Scene.Default.Decide();

        Assert.Equal(Readiness.Ok, d.Readiness);
        Assert.Equal(new DependencyHealth(F.T0, F.T0, null, false, false, false, []), d.Dependencies with { NotAnswering = [] });
        Assert.Empty(d.Dependencies.NotAnswering);
    }

    [Fact]
    public void A_fetch_that_failed_this_cycle_makes_the_bot_not_ready_at_once_while_the_stale_halt_waits_for_its_timeout()
    {
        // Market data fetched 3 s ago (this cycle's fetch failed), timeout 10 s: not stale, but not answering.
        var config = F.Config with { StaleMarketDataTimeoutSeconds = 10 };
        var d = (Scene.Default with { MarketDataAt = F.T0.AddSeconds(-3) }).Decide(config);

        Assert.Null(d.Halt);
        Assert.Equal(new Readiness.NotAnswering("market_data"), d.Readiness);
        Assert.False(d.Dependencies.MarketDataStale);
        Assert.Equal(F.T0.AddSeconds(-3), d.Dependencies.MarketDataFetchedAt);

        // Past the timeout the halt says more than "not answering".
        var later = (Scene.Default with { MarketDataAt = F.T0.AddSeconds(-11) }).Decide(config);
        Assert.Equal(HaltReasons.ExchangeMarketDataStale, later.Halt?.Reason);
        Assert.Equal(new Readiness.Halted(HaltReasons.ExchangeMarketDataStale), later.Readiness);
        Assert.True(later.Dependencies.MarketDataStale);
        Assert.Equal(["market_data"], later.Dependencies.NotAnswering.ToArray());
    }

    [Fact]
    public void Every_input_that_did_not_answer_is_named_in_gather_order()
    {
        var scene = Scene.Default with
        {
            BalancesAt = F.T0.AddSeconds(-1),
            External = Input<AnchorReading>.Missing.Failed("connection refused"),
            Anchor = Input<AnchorReading>.Missing.Failed("timed out"),
        };
        var d = scene.Decide(F.Config with { StaleBalanceTimeoutSeconds = 30 });

        Assert.Equal(["balances", "anchor", "external_anchor"], d.Dependencies.NotAnswering.ToArray());
        Assert.Equal(new Readiness.NotAnswering("balances,anchor,external_anchor"), d.Readiness);
    }

    [Fact]
    public void An_anchor_that_was_not_asked_for_is_not_a_dependency_that_did_not_answer()
    {
        // Not fetched this cycle and no error: the shell did not want it (none configured, or no external anchor needed).
        var d = (Scene.Default with { External = Input<AnchorReading>.Missing }).Decide();

        Assert.Empty(d.Dependencies.NotAnswering);
        Assert.True(d.Readiness.Ready, d.Readiness.Reason);
    }

    [Fact]
    public void Market_data_is_as_old_as_the_older_of_book_and_order_list()
    {
        var config = F.Config with { StaleMarketDataTimeoutSeconds = 5 };
        var d = (Scene.Default with { OrdersAt = F.T0.AddSeconds(-6), OrdersFresh = false }).Decide(config);

        Assert.Equal(F.T0.AddSeconds(-6), d.Dependencies.MarketDataFetchedAt);
        Assert.True(d.Dependencies.MarketDataStale);
        Assert.Equal(HaltReasons.ExchangeMarketDataStale, d.Halt?.Reason);
    }

    [Fact]
    public void A_future_judges_its_configured_anchor_and_a_stale_one_halts()
    {
        var config = F.FutureConfig with { AnchorSourceType = AnchorSourceType.Fixed, StaleAnchorTimeoutSeconds = 5 };
        var fresh = Scene.FutureDefault.WithFixedAnchor(1600m).Decide(config);
        Assert.Equal(F.T0, fresh.Dependencies.AnchorFetchedAt);
        Assert.False(fresh.Dependencies.AnchorDataStale);

        var stale = Scene.FutureDefault.WithFixedAnchor(1600m, F.T0.AddSeconds(-6)).Decide(config);
        Assert.True(stale.Dependencies.AnchorDataStale);
        Assert.Equal(HaltReasons.AnchorDataStale, stale.Halt?.Reason);
    }
}
