using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>What became of one action of a decision when the shell applied it.</summary>
public enum SendResult
{
    /// <summary>The exchange accepted it (order placed, cancel done).</summary>
    Accepted,

    /// <summary>The exchange (or the local order builder) answered no: nothing rests because of it.</summary>
    Rejected,

    /// <summary>Never sent: the state file could not be saved, or a cancel on the same side failed this cycle.</summary>
    Withheld,

    /// <summary>Sent without a definite answer (timeout, connection lost, server error): it may or may not have taken effect.</summary>
    Unknown,
}

/// <summary>The results of applying a decision, by order id (cancels and placements never share an id).</summary>
public sealed record ApplyOutcomes(
    ImmutableSortedDictionary<string, SendResult> Cancels,
    ImmutableSortedDictionary<string, SendResult> Placements)
{
    public static readonly ApplyOutcomes None = new(
        ImmutableSortedDictionary<string, SendResult>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, SendResult>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>The result of a placement; withheld when none was reported.</summary>
    public SendResult Placement(string orderId) => Placements.TryGetValue(orderId, out var r) ? r : SendResult.Withheld;

    /// <summary>The result of a cancel; withheld when none was reported.</summary>
    public SendResult Cancel(string orderId) => Cancels.TryGetValue(orderId, out var r) ? r : SendResult.Withheld;
}

/// <summary>
/// The settle step: the state the next decision starts from reflects what the exchange was actually sent and answered,
/// not what the decision intended. Pure.
/// </summary>
public static class Settlement
{
    /// <summary>
    /// Folds the apply outcomes into <paramref name="decision"/>'s next state:
    /// <list type="bullet">
    /// <item>nonces allocated by the decision stay consumed, whatever happened (the persisted state is kept as decided);</item>
    /// <item>a placement withheld or rejected is not tracked for fill accounting (one with an unknown outcome is: it may rest);</item>
    /// <item>a cancel that failed keeps its order tracked (it is still followed until it leaves the live set);</item>
    /// <item><c>LastQuoteUpdate</c> moves only when something was placed or cancelled (or may have been), and not when a
    /// placement was withheld or rejected (the side is re-decided on the very next cycle, whatever the refresh gate);</item>
    /// <item>a side whose placements were all withheld or rejected, with nothing else resting, is missing since then.</item>
    /// </list>
    /// A missing outcome counts as withheld. In dry run nothing is sent and the decision's state stands.
    /// </summary>
    public static BotState Settle(BotState before, Decision decision, ApplyOutcomes outcomes)
    {
        var next = decision.NextState;
        if (decision.DryRun || (decision.Placements.IsEmpty && decision.Cancels.IsEmpty))
        {
            return next;
        }

        bool Sent(SendResult r) => r is SendResult.Accepted or SendResult.Unknown;
        var notPlaced = decision.Placements.Where(p => !Sent(outcomes.Placement(p.OrderId))).ToList();
        var anyEffect = decision.Placements.Any(p => Sent(outcomes.Placement(p.OrderId)))
            || decision.Cancels.Any(c => Sent(outcomes.Cancel(c.OrderId)));
        if (notPlaced.Count == 0 && anyEffect && decision.Cancels.All(c => outcomes.Cancel(c.OrderId) == SendResult.Accepted))
        {
            return next;
        }

        var tracked = next.Fills.Orders;
        foreach (var p in notPlaced)
        {
            tracked = tracked.Remove(p.OrderId);
        }

        DateTimeOffset? MissingSince(Side side, DateTimeOffset? decided, DateTimeOffset? previous, int restingAfter)
        {
            var placed = decision.Placements.Count(p => p.Side == side && Sent(outcomes.Placement(p.OrderId)));
            var plannedHere = decision.Placements.Count(p => p.Side == side);
            var failedCancels = decision.Cancels.Count(c => c.Side == side && !Sent(outcomes.Cancel(c.OrderId)));
            var resting = restingAfter - plannedHere + placed + failedCancels;
            return resting > 0 ? null : decided ?? previous ?? decision.Now;
        }

        return next with
        {
            Fills = next.Fills with { Orders = tracked },
            // A placement that did not go out leaves the refresh gate where it was, so the next cycle decides again.
            LastQuoteUpdate = anyEffect && notPlaced.Count == 0 ? next.LastQuoteUpdate : before.LastQuoteUpdate,
            BidMissingSince = MissingSince(Side.Buy, next.BidMissingSince, before.BidMissingSince, decision.Metrics.LiveBids),
            AskMissingSince = MissingSince(Side.Sell, next.AskMissingSince, before.AskMissingSince, decision.Metrics.LiveAsks),
        };
    }
}
