using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>
/// Every dependency as this decision judged it (behaviour.md §5 "Staleness"): when its data was last fetched (the market
/// data as old as the older of book and order list, <see cref="Freshness.Older"/>; the anchor as the reading the
/// reference may use), whether it is stale, and which inputs did not answer this cycle. <c>/metrics</c>
/// (<c>mm_bot_last_*_refresh_unix</c>, <c>mm_bot_dependency_stale</c>) and <c>/readyz</c> copy these values; the shell
/// recomputes none of them. Derived from the snapshot and config alone, so it is not recorded (a replay derives it again).
/// </summary>
public sealed record DependencyHealth(
    DateTimeOffset? MarketDataFetchedAt,
    DateTimeOffset? BalancesFetchedAt,
    DateTimeOffset? AnchorFetchedAt,
    bool MarketDataStale,
    bool BalancesStale,
    bool AnchorDataStale,
    ImmutableArray<string> NotAnswering)
{
    /// <summary>The readiness reason while an input did not answer this cycle: <c>dependency not answering: market_data,balances</c>.</summary>
    public const string NotAnsweringPrefix = "dependency not answering: ";

    /// <summary>Nothing judged (a decision read back from a recording, which does not carry this).</summary>
    public static readonly DependencyHealth Unknown = new(null, null, null, false, false, false, []);

    /// <summary>
    /// The inputs whose fetch failed this cycle, in gather order: a value not refreshed this cycle that carries an
    /// error. The shell fetches every input every cycle except the anchors it does not want (none configured, or the
    /// external anchor while a local reference exists); those come without an error.
    /// </summary>
    public static ImmutableArray<string> NotAnsweringIn(Snapshot s)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        Add(names, "market_data", s.MarketData);
        Add(names, "live_orders", s.Orders);
        Add(names, "balances", s.Balances);
        Add(names, "anchor", s.Anchor);
        Add(names, "external_anchor", s.ExternalAnchor);
        return names.ToImmutable();
    }

    private static void Add<T>(ImmutableArray<string>.Builder names, string name, Input<T> input)
        where T : class
    {
        if (!input.FreshThisCycle && input.Error is not null)
        {
            names.Add(name);
        }
    }
}
