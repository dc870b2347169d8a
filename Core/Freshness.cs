namespace MarketMaker.Core;

/// <summary>
/// The one rule for the age of a combined input (behaviour.md: stale means never fetched or older than its timeout):
/// market data is the book and the order list together, so it is as old as the older of the two, and never fetched
/// while either one was never fetched. The core, the metrics and the status lines all use this rule.
/// </summary>
public static class Freshness
{
    /// <summary>The older of two fetch times; <c>null</c> (never fetched) when either is <c>null</c>.</summary>
    public static DateTimeOffset? Older(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null || b is null ? null : (a < b ? a : b);

    /// <summary>Stale: never fetched, or (with a timeout configured) fetched longer ago than the timeout.</summary>
    public static bool IsStale(DateTimeOffset now, DateTimeOffset? fetchedAt, int timeoutSeconds) =>
        fetchedAt is not { } at || (timeoutSeconds > 0 && now - at > TimeSpan.FromSeconds(timeoutSeconds));
}
