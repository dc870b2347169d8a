using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>
/// Nonce and order-id allocation (behaviour.md §9): <c>base = max(next_nonce_base, unix_micros(now) × 2)</c>, made even;
/// level k bid <c>base + 2k</c>, ask <c>base + 2k + 1</c>; next base <c>base + 2 × levels</c>. The time term keeps nonces
/// unique even when the state file is lost.
/// </summary>
public static class Nonces
{
    /// <summary>
    /// The largest <c>next_nonce_base</c> a state file may hold: far beyond <c>unix_micros × 2</c> for centuries, and far
    /// enough below <see cref="long.MaxValue"/> that no allocation can wrap. The state loader refuses larger values.
    /// </summary>
    public const long MaxNextNonceBase = 1L << 62;

    public static string OrderId(string market, Side side, long nonce) => $"mm:{market}:{side.Wire()}:{nonce}";

    /// <summary>The side written in an order id of <see cref="OrderId"/>'s form (<c>mm:{market}:{side}:{nonce}</c>), or null.</summary>
    public static Side? SideOf(string orderId) =>
        orderId.Split(':') is { Length: 4 } parts && Sides.TryParse(parts[2], out var side) ? side : null;

    public static long Base(PersistedState state, DateTimeOffset now)
    {
        var fromClock = Num.UnixMicros(now) * 2;
        var b = Math.Max(state.NextNonceBase, fromClock);
        return b % 2 == 0 ? b : checked(b + 1);
    }

    internal static (ImmutableArray<PlaceAction> Placements, PersistedState State) Allocate(
        PersistedState state, ImmutableArray<TargetQuote> toPlace, BotConfig config, DateTimeOffset now)
    {
        var levels = Math.Max(config.QuoteLevels, Math.Max(1, toPlace.Max(t => t.Level) + 1));
        var b = Base(state, now);
        var placements = toPlace
            .OrderBy(t => t.Side)
            .ThenBy(t => t.Level)
            .Select(t =>
            {
                // Checked: a nonce never wraps; an overflow is a halt (Decider.Decide), never a negative nonce.
                var nonce = checked(b + (2L * t.Level) + (t.Side == Side.Buy ? 0 : 1));
                return new PlaceAction(t.Side, t.Level, t.Price, t.Size, nonce, OrderId(config.MarketSymbol, t.Side, nonce));
            })
            .ToImmutableArray();
        var firstBid = placements.FirstOrDefault(p => p.Side == Side.Buy);
        var firstAsk = placements.FirstOrDefault(p => p.Side == Side.Sell);
        var next = state with
        {
            NextNonceBase = checked(b + (2L * levels)),
            LastNonceBySide = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
                new KeyValuePair<string, long>("buy", b),
                new KeyValuePair<string, long>("sell", checked(b + 1))]),
            LastSubmittedBidOrderId = firstBid?.OrderId ?? state.LastSubmittedBidOrderId,
            LastSubmittedAskOrderId = firstAsk?.OrderId ?? state.LastSubmittedAskOrderId,
        };
        return (placements, next);
    }
}
