namespace MarketMaker.Core.Tests.Hostile;

using MarketMaker.Core.Tests.Decisions;

/// <summary>
/// docs/hostile-input.md rule 8: the markets-service leaves the best bid and ask out of its book while its matcher holds
/// them as <c>matching</c> (every 250 ms tick, crossed or not). When another participant's order is the best of a side,
/// that side can be missing for one fetch: the last accepted reference is held for at most 2 s instead of halting
/// <c>reference price unavailable</c> and cancelling both quotes. Seen on the paper exchange (issue 11's fault matrix).
/// </summary>
public sealed class ReferenceHoldTests
{
    private static readonly LiveOrder OurAsk = F.Own(Side.Sell, 1604m, nonce: 1001);

    /// <summary>A decision on the whole book (others' 1595 / 1605: mid 1600), then the next state.</summary>
    private static BotState Quoting(out Decision first)
    {
        first = Scene.Default.WithLive(OurAsk).Decide(state: F.Running);
        Assert.Equal((1600m, ReferenceSource.Book), (first.ReferencePrice, first.ReferenceSource));
        Assert.Null(first.NextState.Reference.HeldSince);
        return first.NextState;
    }

    [Fact]
    public void A_side_missing_for_one_fetch_holds_the_last_reference_and_keeps_the_quotes()
    {
        var state = Quoting(out _);
        // The others' bid is "matching": the book shows only their ask (and our ask).
        var missing = (Scene.Default with { Bids = [] }).WithLive(OurAsk).At(F.T0.AddMilliseconds(300)).Decide(state: state);
        Assert.Null(missing.Halt);
        Assert.Equal((1600m, ReferenceSource.Held), (missing.ReferencePrice, missing.ReferenceSource));
        Assert.Equal("held", missing.ReferenceSource.Wire());
        Assert.Empty(missing.Cancels);
        Assert.Equal(F.T0.AddMilliseconds(300), missing.NextState.Reference.HeldSince);
        Assert.Equal(1600m, missing.NextState.Reference.Accepted);

        // Next fetch shows the whole book again: a book reference, the hold is over.
        var back = Scene.Default.WithLive(OurAsk).At(F.T0.AddMilliseconds(1300)).Decide(state: missing.NextState);
        Assert.Equal((1600m, ReferenceSource.Book), (back.ReferencePrice, back.ReferenceSource));
        Assert.Null(back.NextState.Reference.HeldSince);
    }

    [Fact]
    public void The_hold_lasts_2_s_then_the_halt_of_behaviour_md_applies_and_no_new_hold_starts_until_a_reference()
    {
        var state = Quoting(out _);
        var oneSided = (Scene.Default with { Bids = [] }).WithLive(OurAsk);
        var t = F.T0.AddSeconds(1);
        var held = oneSided.At(t).Decide(state: state);
        Assert.Equal(ReferenceSource.Held, held.ReferenceSource);

        var stillHeld = oneSided.At(t.AddSeconds(2)).Decide(state: held.NextState);
        Assert.Equal((1600m, ReferenceSource.Held), (stillHeld.ReferencePrice, stillHeld.ReferenceSource));

        var over = oneSided.At(t.AddSeconds(2).AddMilliseconds(1)).Decide(state: stillHeld.NextState);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, over.Halt?.Reason);
        Assert.Contains(over.Cancels, c => c.OrderId == OurAsk.OrderId);
        Assert.Equal(t, over.NextState.Reference.HeldSince);

        // Much later, still one-sided: no second hold from the old reference.
        var later = oneSided.At(t.AddMinutes(1)).Decide(state: over.NextState);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, later.Halt?.Reason);
    }

    [Fact]
    public void Nothing_is_held_at_start_up_or_when_both_sides_are_there_but_refused()
    {
        // No accepted reference yet: a one-sided book halts as before.
        var fresh = (Scene.Default with { Bids = [] }).Decide(state: F.Running);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, fresh.Halt?.Reason);

        // Both sides missing (an empty book): not the one-fetch artefact, halt.
        var state0 = Quoting(out _);
        var empty = Scene.EmptyBook.At(F.T0.AddSeconds(1)).Decide(state: state0);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, empty.Halt?.Reason);

        // One side missing and the other far from the last reference: halt.
        var far = (Scene.Default with { Bids = [], Asks = [F.Book(Side.Sell, 2500m)] }).At(F.T0.AddSeconds(1)).Decide(state: state0);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, far.Halt?.Reason);

        // Both sides present but far outside the band around the last reference (a lone outlier pair): halt, not hold.
        var state = Quoting(out _);
        var outliers = (Scene.Default with { Bids = [F.Book(Side.Buy, 10m)], Asks = [F.Book(Side.Sell, 20m)] }).At(F.T0.AddSeconds(1)).Decide(state: state);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, outliers.Halt?.Reason);
        Assert.NotEqual(ReferenceSource.Held, outliers.ReferenceSource);
    }

    [Fact]
    public void A_consistent_book_far_from_the_reference_is_a_possible_move_and_is_not_held()
    {
        var state = Quoting(out _);
        // The whole book moved 30 % up: the move needs agreeing decisions; meanwhile it halts, it is not held at 1600.
        var moved = (Scene.Default with { Bids = [F.Book(Side.Buy, 2079m)], Asks = [F.Book(Side.Sell, 2081m)] }).At(F.T0.AddSeconds(1)).Decide(state: state);
        Assert.Equal(HaltReasons.ReferencePriceUnavailable, moved.Halt?.Reason);
        Assert.NotEqual(ReferenceSource.Held, moved.ReferenceSource);
    }
}
