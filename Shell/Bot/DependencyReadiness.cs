using MarketMaker.Core;
using MarketMaker.Shell.Cycle;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// Readiness as /readyz and <c>mm_bot_ready</c> publish it: the decision's readiness, except that a bot the core
/// calls ready is not ready while a dependency did not answer this cycle (timed out or failed): 503
/// <c>dependency not answering: market_data</c> (names comma-separated). The core's stale halts still wait for
/// their timeouts (MM_STALE_*_TIMEOUT_SECONDS); this only stops the probe from saying "ready" on data the bot could not
/// refresh. A not-ready decision keeps its own reason (a halt says more).
/// </summary>
public static class DependencyReadiness
{
    public const string Prefix = "dependency not answering: ";

    public static Readiness Effective(CycleOutcome outcome)
    {
        var decided = outcome.Decision.Readiness;
        if (!decided.Ready)
        {
            return decided;
        }

        var failing = NotAnswering(outcome);
        return failing.Count == 0 ? decided : new Readiness(false, Prefix + string.Join(",", failing));
    }

    /// <summary>The inputs whose fetch failed this cycle, in gather order.</summary>
    public static IReadOnlyList<string> NotAnswering(CycleOutcome outcome)
    {
        var s = outcome.Snapshot;
        var names = new List<string>();
        Add(names, "market_data", s.MarketData);
        Add(names, "live_orders", s.Orders);
        Add(names, "balances", s.Balances);
        Add(names, "anchor", s.Anchor);
        if (outcome.ExternalAnchorFetchFailures > 0)
        {
            names.Add("external_anchor");
        }

        return names;
    }

    // Fetched every cycle (the anchor only when one is configured): not fresh with an error = failed this cycle.
    private static void Add<T>(List<string> names, string name, Input<T> input)
        where T : class
    {
        if (!input.FreshThisCycle && input.Error is not null)
        {
            names.Add(name);
        }
    }
}
