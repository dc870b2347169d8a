using System.Globalization;
using System.Numerics;
using MarketMaker.Core;
using MarketMaker.Shell.Adapters;

namespace MarketMaker.Shell.Cycle;

/// <summary>
/// A live-order source that can also say which nonces the owner has already used at the exchange. The cycle reads
/// it while the bot reconciles (startup), before the first order is placed, so that nonces stay unique even when the
/// state file is lost and the clock has been stepped back.
/// </summary>
public interface INonceFloorSource
{
    /// <summary>The highest nonce the owner ever used (any status, market or subaccount), or null for none.</summary>
    Task<long?> FetchHighestUsedNonceAsync(CancellationToken ct);
}

/// <summary>
/// Where a nonce base may start (behaviour.md §9, docs/decision-core.md "Nonces and ids"):
/// <c>base = max(state.next_nonce_base, unix_micros(now) × 2, highest used nonce + 1)</c>, made even. The state file
/// keeps the order across restarts; the clock term keeps it when the file is deleted; the exchange's highest used
/// nonce keeps it when the file is deleted <em>and</em> the clock is behind (a stepped clock, another host).
/// </summary>
public static class NonceFloor
{
    /// <summary>The state with <c>next_nonce_base</c> raised above <paramref name="highestUsed"/> (unchanged when already above).</summary>
    public static PersistedState Apply(PersistedState state, long? highestUsed) =>
        highestUsed is { } h && state.NextNonceBase <= h ? state with { NextNonceBase = h + 1 } : state;

    /// <summary>A nonce column value as a 64-bit nonce; anything else is a Malformed error of <paramref name="source"/>.</summary>
    public static long Parse(string source, string text)
    {
        if (!BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw new DataSourceException(source, "nonce", DataSourceErrorKind.Malformed, $"highest nonce \"{Clip(text)}\" is not a non-negative integer");
        }

        // Room for a few more allocations above it (levels × 2 per cycle).
        if (n >= long.MaxValue - 1_000_000)
        {
            throw new DataSourceException(source, "nonce", DataSourceErrorKind.Malformed, $"highest used nonce {n} leaves no room below 2^63 for new nonces");
        }

        return (long)n;
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
