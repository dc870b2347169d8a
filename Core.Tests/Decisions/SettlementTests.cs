using System.Collections.Immutable;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>The settle step (issue 12 §1): the next state reflects what the exchange was sent and answered.</summary>
public sealed class SettlementTests
{
    private static readonly LiveOrder OurAsk = F.Own(Side.Sell, 1604m, nonce: 1001);
    private static readonly LiveOrder DriftedBid = F.Own(Side.Buy, 1592m, nonce: 1000);

    private static ApplyOutcomes Outcomes(Decision d, SendResult cancels, SendResult placements) =>
        new(
            d.Cancels.ToImmutableSortedDictionary(c => c.OrderId, _ => cancels, StringComparer.Ordinal),
            d.Placements.ToImmutableSortedDictionary(p => p.OrderId, _ => placements, StringComparer.Ordinal));

    /// <summary>Our drifted bid is replaced: one cancel and one placement on the bid side.</summary>
    private static (BotState Before, Decision Decision) Replace()
    {
        var before = F.Running with { LastQuoteUpdate = F.T0.AddMinutes(-1) };
        var d = Scene.Default.WithLive(DriftedBid, OurAsk).Decide(state: before);
        Assert.Single(d.Cancels);
        Assert.Single(d.Placements);
        return (before, d);
    }

    [Fact]
    public void Everything_accepted_is_the_decided_state()
    {
        var (before, d) = Replace();
        Assert.Same(d.NextState, Settlement.Settle(before, d, Outcomes(d, SendResult.Accepted, SendResult.Accepted)));
    }

    [Theory]
    [InlineData(SendResult.Withheld)]
    [InlineData(SendResult.Rejected)]
    public void A_placement_withheld_or_rejected_is_not_tracked_its_nonce_stays_consumed_and_the_gate_does_not_move(SendResult result)
    {
        var (before, d) = Replace();
        var placed = d.Placements[0];
        Assert.Contains(placed.OrderId, d.NextState.Fills.Orders.Keys);
        var settled = Settlement.Settle(before, d, Outcomes(d, SendResult.Rejected, result));
        Assert.DoesNotContain(placed.OrderId, settled.Fills.Orders.Keys);
        Assert.Equal(d.NextState.Persisted, settled.Persisted);
        Assert.True(settled.Persisted.NextNonceBase > placed.Nonce);
        Assert.Equal(before.LastQuoteUpdate, settled.LastQuoteUpdate);
    }

    [Fact]
    public void A_failed_cancel_keeps_the_order_tracked()
    {
        var (before, d) = Replace();
        var settled = Settlement.Settle(before, d, Outcomes(d, SendResult.Rejected, SendResult.Withheld));
        Assert.Contains(DriftedBid.OrderId, settled.Fills.Orders.Keys);
        Assert.Null(settled.BidMissingSince); // the old bid still rests
    }

    [Fact]
    public void A_placement_with_an_unknown_outcome_stays_tracked_since_it_may_rest()
    {
        var (before, d) = Replace();
        var settled = Settlement.Settle(before, d, Outcomes(d, SendResult.Accepted, SendResult.Unknown));
        Assert.Contains(d.Placements[0].OrderId, settled.Fills.Orders.Keys);
        Assert.Equal(F.T0, settled.LastQuoteUpdate);
    }

    [Fact]
    public void A_side_whose_only_placement_was_withheld_is_missing_from_then_on()
    {
        // Only the ask rests; the bid placement does not go out.
        var before = F.Running with { LastQuoteUpdate = F.T0.AddMinutes(-1) };
        var d = Scene.Default.WithLive(OurAsk).Decide(state: before);
        var bid = Assert.Single(d.Placements);
        Assert.Null(d.NextState.BidMissingSince);
        var settled = Settlement.Settle(before, d, Outcomes(d, SendResult.Accepted, SendResult.Withheld));
        Assert.Equal(F.T0, settled.BidMissingSince);
        Assert.Null(settled.AskMissingSince);
        Assert.DoesNotContain(bid.OrderId, settled.Fills.Orders.Keys);
        Assert.Equal(before.LastQuoteUpdate, settled.LastQuoteUpdate);
    }

    [Fact]
    public void Missing_outcomes_count_as_withheld_and_dry_run_keeps_the_decided_state()
    {
        var (before, d) = Replace();
        var settled = Settlement.Settle(before, d, ApplyOutcomes.None);
        Assert.DoesNotContain(d.Placements[0].OrderId, settled.Fills.Orders.Keys);
        Assert.Equal(before.LastQuoteUpdate, settled.LastQuoteUpdate);

        var dry = Scene.Default.WithLive(DriftedBid, OurAsk).Decide(F.Config with { DryRun = true }, before);
        Assert.Same(dry.NextState, Settlement.Settle(before, dry, ApplyOutcomes.None));
    }
}
