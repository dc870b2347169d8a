using System.Collections.Immutable;
using System.Globalization;

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

    /// <summary>The wire id of our order (<see cref="Core.OrderId"/>).</summary>
    public static string OrderId(string market, Side side, long nonce) => new OrderId(market, side, nonce).ToString();

    /// <summary>The side written in one of our order ids, or null when the text is not one.</summary>
    public static Side? SideOf(string orderId) => Core.OrderId.TryRead(orderId)?.Side;

    /// <summary>
    /// A nonce as the exchange writes it (a decimal integer string, markets-service-api.md; Postgres <c>numeric</c>): digits
    /// only, no sign, no leading zero, within <see cref="long"/>. Nonces are <see cref="long"/> everywhere in the core, as
    /// the state file holds them; text is parsed here, once, where it comes in.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long nonce)
    {
        nonce = 0;
        if (text.IsEmpty || text.Length > 19 || (text[0] == '0' && text.Length > 1))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out nonce);
    }

    /// <summary>The wire text of a nonce (decimal, invariant).</summary>
    public static string Wire(long nonce) => nonce.ToString(CultureInfo.InvariantCulture);

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
