namespace MarketMaker.Core.Tests.Decisions;

/// <summary>The spot external bootstrap anchor (behaviour.md §3, §11).</summary>
public sealed class ExternalAnchorTests
{
    private static readonly BotConfig Enabled = F.Config with { ExternalAnchor = new ExternalAnchorConfig { Enabled = true } };

    [Fact]
    public void Empty_book_quotes_from_the_external_anchor_with_wider_spread_and_smaller_size()
    {
        var d = Scene.EmptyBook.WithExternal(1600m).Decide(Enabled);
        Assert.Equal((1600m, ReferenceSource.External), (d.ReferencePrice!.Value, d.ReferenceSource));
        Assert.Equal(1600m, d.ExternalAnchorPrice);
        // Half spread 25 bps × 2 = 50 bps; size 100 × 0.5.
        Assert.Equal([(Side.Buy, 1592m, 50m), (Side.Sell, 1608m, 50m)], d.Placements.Select(p => (p.Side, p.Price, p.Size)));
        Assert.True(d.NextState.ExternalAnchor.Wanted);
        Assert.Equal(1, d.Metrics.ExternalAnchorAccepted);
    }

    [Fact]
    public void Without_the_feature_an_empty_spot_book_halts()
    {
        var d = Scene.EmptyBook.WithExternal(1600m).Decide();
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, d.Halt!.Reason);
        Assert.False(d.NextState.ExternalAnchor.Wanted);
    }

    [Fact]
    public void The_external_anchor_is_never_used_for_a_future()
    {
        var cfg = Enabled with { MarketSymbol = F.FutureSymbol };
        var d = (Scene.FutureDefault with { Bids = [], Asks = [] }).WithExternal(1600m).Decide(cfg);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, d.Halt!.Reason);
        Assert.False(d.NextState.ExternalAnchor.Wanted);
    }

    [Fact]
    public void Bootstrap_only_switches_back_to_local_and_resumes_polling_when_local_disappears()
    {
        var boot = Scene.EmptyBook.WithExternal(1600m).Decide(Enabled);
        Assert.Equal(ReferenceSource.External, boot.ReferenceSource);

        // A local book appears: the local mid is used and the shell stops polling.
        var t1 = F.T0.AddSeconds(2);
        var local = Scene.Default.At(t1).Decide(Enabled, boot.NextState);
        Assert.Equal((1600m, ReferenceSource.Book), (local.ReferencePrice!.Value, local.ReferenceSource));
        Assert.False(local.NextState.ExternalAnchor.Wanted);
        Assert.Equal(1596m, local.Placements.Single(p => p.Side == Side.Buy).Price); // normal spread again

        // The book empties again: polling resumes, and the still-fresh accepted mark is the reference.
        var t2 = F.T0.AddSeconds(4);
        var gone = Scene.EmptyBook.At(t2).Decide(Enabled, local.NextState);
        Assert.True(gone.NextState.ExternalAnchor.Wanted);
        Assert.Equal(ReferenceSource.External, gone.ReferenceSource);
    }

    [Fact]
    public void Without_bootstrap_only_the_anchor_stays_polled_beside_a_local_book()
    {
        var cfg = Enabled with { ExternalAnchor = Enabled.ExternalAnchor with { BootstrapOnly = false } };
        var d = Scene.Default.WithExternal(1610m).Decide(cfg);
        Assert.Equal(ReferenceSource.Book, d.ReferenceSource);
        Assert.True(d.NextState.ExternalAnchor.Wanted);
        Assert.Equal(1610m, d.ExternalAnchorPrice);
    }

    [Fact]
    public void An_accepted_mark_older_than_max_age_is_not_used()
    {
        var boot = Scene.EmptyBook.WithExternal(1600m).Decide(Enabled);
        var d = Scene.EmptyBook.At(F.T0.AddSeconds(31)).Decide(Enabled, boot.NextState);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, d.Halt!.Reason);
    }

    [Fact]
    public void Readings_that_are_too_old_or_not_positive_are_rejected()
    {
        var old = Scene.EmptyBook.WithExternal(1600m, observedAt: F.T0.AddSeconds(-31)).Decide(Enabled);
        Assert.Equal("too_old", old.ExternalAnchorRejection);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, old.Halt!.Reason);
        var zero = Scene.EmptyBook.WithExternal(0m).Decide(Enabled);
        Assert.Equal("non_positive_price", zero.ExternalAnchorRejection);
        Assert.Equal(1, zero.Metrics.ExternalAnchorRejected);
    }

    [Fact]
    public void External_anchor_staleness_halts_while_it_is_the_reference()
    {
        var cfg = Enabled with { StaleAnchorTimeoutSeconds = 10 };
        var boot = Scene.EmptyBook.WithExternal(1600m).Decide(cfg);
        var failed = Scene.EmptyBook.At(F.T0.AddSeconds(11)) with { External = Input<AnchorReading>.Fresh(new AnchorReading(1600m, F.T0), F.T0).Failed("timeout") };
        Assert.Equal(HaltReasons.AnchorDataStale, failed.Decide(cfg, boot.NextState).Halt!.Reason);
    }

    [Fact]
    public void A_big_move_is_rejected_until_three_agreeing_fetches_accept_it()
    {
        var state = Scene.EmptyBook.WithExternal(1600m).Decide(Enabled).NextState;
        var rejections = new List<string?>();
        var references = new List<decimal?>();
        for (var i = 1; i <= 3; i++)
        {
            var t = F.T0.AddSeconds(2 * i);
            var d = Scene.EmptyBook.At(t).WithExternal(1800m + i).Decide(Enabled, state);
            rejections.Add(d.ExternalAnchorRejection);
            references.Add(d.ReferencePrice);
            state = d.NextState;
        }

        Assert.Equal(["deviation_exceeded", "deviation_exceeded", null], rejections);
        Assert.Equal([1600m, 1600m, 1803m], references);
        Assert.Equal(1803m, state.ExternalAnchor.Accepted!.Price);
    }

    [Fact]
    public void A_disagreeing_move_restarts_the_count_and_one_fetch_is_judged_once()
    {
        var state = Scene.EmptyBook.WithExternal(1600m).Decide(Enabled).NextState;
        Decision Step(int seconds, decimal price, int fetchedAtSeconds)
        {
            var t = F.T0.AddSeconds(seconds);
            var d = Scene.EmptyBook.At(t).WithExternal(price, observedAt: t, fetchedAt: F.T0.AddSeconds(fetchedAtSeconds)).Decide(Enabled, state);
            state = d.NextState;
            return d;
        }

        Step(2, 1800m, 2);
        Step(4, 2100m, 4);                      // 16.7% from 1800: a new pending move
        Assert.Equal(1, state.ExternalAnchor.PendingCount);
        Step(6, 2100m, 6);
        Assert.Equal(2, state.ExternalAnchor.PendingCount);
        var same = Step(8, 2100m, 6);           // same fetch again: not counted
        Assert.Null(same.ExternalAnchorRejection);
        Assert.Equal(2, state.ExternalAnchor.PendingCount);
        Assert.Equal(1600m, same.ReferencePrice);
        var third = Step(10, 2100m, 10);
        Assert.Equal(2100m, third.ReferencePrice);
        Assert.Null(state.ExternalAnchor.Pending);
    }

    [Fact]
    public void A_move_within_the_band_is_accepted_at_once()
    {
        var state = Scene.EmptyBook.WithExternal(1600m).Decide(Enabled).NextState;
        var d = Scene.EmptyBook.At(F.T0.AddSeconds(2)).WithExternal(1680m).Decide(Enabled, state); // 500 bps
        Assert.Null(d.ExternalAnchorRejection);
        Assert.Equal(1680m, d.ReferencePrice);
    }
}
