using System.Collections.Immutable;
using System.Globalization;

namespace MarketMaker.Core.FairValue;

/// <summary>Where the fair-anchor's spot price came from (wire labels of reference-bot.md §9).</summary>
public enum SpotSource
{
    StrailsMid,
    SpotBookMid,
    SpotLastTrade,
    GuardedFallback,
}

public static class SpotSources
{
    public static string Wire(this SpotSource source) => source switch
    {
        SpotSource.StrailsMid => "strails_mid",
        SpotSource.SpotBookMid => "spot_book_mid",
        SpotSource.SpotLastTrade => "spot_last_trade",
        _ => "guarded_fallback",
    };
}

/// <summary>The outcome of reading one source: a value, an error (with its message), or not read at all.</summary>
public abstract record Fetched<T>
{
    private Fetched()
    {
    }

    public sealed record Ok(T Value) : Fetched<T>;

    public sealed record Failed(string Error) : Fetched<T>;

    /// <summary>The source was not asked (not configured, or not needed for this request).</summary>
    public sealed record NotFetched : Fetched<T>;

    public static Fetched<T> Skipped { get; } = new NotFetched();
}

/// <summary>Best bid and ask of the spot book in the trader view (cNGN per USDC); null when a side is empty.</summary>
public sealed record SpotBookTop(decimal? BestBid, decimal? BestAsk);

/// <summary>
/// The latest spot trade. <paramref name="RawPrice"/> is the trade's <c>price</c> string as sent (engine view, used in
/// error text); <paramref name="TraderPrice"/> is the trader-view price (cNGN per USDC) or null when none could be
/// derived; <paramref name="CreatedAt"/> is null when the trade carries no timestamp.
/// </summary>
public sealed record SpotTradeSample(string RawPrice, decimal? TraderPrice, DateTimeOffset? CreatedAt);

/// <summary>One entry of a StablesRail FX orderbook side, as sent (status and price strings).</summary>
public sealed record StrailsOrder(string? Status, string? Price);

/// <summary>The StablesRail FX orderbook (<c>data.buyOrders</c> / <c>data.sellOrders</c>), unordered.</summary>
public sealed record StrailsBook(ImmutableArray<StrailsOrder> BuyOrders, ImmutableArray<StrailsOrder> SellOrders);

/// <summary>Everything the spot selection looks at; all reads already done by the shell.</summary>
/// <param name="Strails">StablesRail orderbook; <see cref="Fetched{T}.NotFetched"/> when it is not configured.</param>
/// <param name="Book">Own spot book top (trader view); errors are ignored as in the reference.</param>
/// <param name="LatestTrade">Latest spot trade; Ok(null) when the market has no trades.</param>
/// <param name="Now">The time the reads finished.</param>
/// <param name="MaxSpotAge">Maximum age of the latest trade; zero disables the check.</param>
/// <param name="GuardedFallbackPrice">The guarded fallback spot price, or null when the fallback is disabled.</param>
/// <param name="AllowOwnBook">False for a spot-market request: only StablesRail (or the guarded fallback) may answer.</param>
public sealed record SpotSelectionInputs(
    Fetched<StrailsBook> Strails,
    Fetched<SpotBookTop> Book,
    Fetched<SpotTradeSample?> LatestTrade,
    DateTimeOffset Now,
    TimeSpan MaxSpotAge,
    decimal? GuardedFallbackPrice,
    bool AllowOwnBook);

/// <summary>The chosen spot price, or the exact reason there is none.</summary>
public abstract record SpotSelection
{
    private SpotSelection()
    {
    }

    /// <summary>Notes on sources that were tried and skipped (for logs).</summary>
    public ImmutableArray<string> Notes { get; init; } = [];

    /// <param name="Spot">cNGN per USDC, &gt; 0.</param>
    /// <param name="Source">Which source answered.</param>
    /// <param name="AgeSeconds">Age of the price at selection time; null when unknown (guarded fallback, undated trade).</param>
    /// <param name="Degraded">True when the price is the guarded fallback or its age is unknown.</param>
    public sealed record Selected(decimal Spot, SpotSource Source, decimal? AgeSeconds, bool Degraded) : SpotSelection
    {
        public bool FallbackActive => Source == SpotSource.GuardedFallback;
    }

    public sealed record Unavailable(string Error) : SpotSelection;
}

/// <summary>
/// The fair-anchor's spot resolution (reference-bot.md §9 "Spot resolution") as a pure function. Our additions:
/// every selection carries its source and age, trade prices are converted to the trader view, NaN/∞ prices are
/// rejected, and a trade without a timestamp is served only as degraded.
/// </summary>
public static class SpotSelector
{
    public const decimal StrailsMinPlausiblePrice = 100m;
    public const decimal StrailsMaxPlausiblePrice = 100_000m;

    public const string EmptySpotError = "spot source unavailable: empty spot book and no trades";
    public const string StrailsNotConfiguredOwnBookDisabled =
        "strails anchor is not configured and own-book fallback is disabled for the spot anchor";

    public static string StrailsFailedOwnBookDisabled(string strailsError) =>
        $"strails anchor unavailable and own-book fallback is disabled for the spot anchor: {strailsError}";

    public static SpotSelection Select(SpotSelectionInputs inputs)
    {
        var notes = ImmutableArray.CreateBuilder<string>();
        var primary = SelectPrimary(inputs, notes);
        if (primary is SpotSelection.Unavailable unavailable && inputs.GuardedFallbackPrice is { } fallback && fallback > 0m)
        {
            notes.Add($"using guarded fallback spot price {GoText.Float(fallback)}: {unavailable.Error}");
            return new SpotSelection.Selected(fallback, SpotSource.GuardedFallback, null, true) { Notes = notes.ToImmutable() };
        }

        return primary with { Notes = notes.ToImmutable() };
    }

    private static SpotSelection SelectPrimary(SpotSelectionInputs inputs, ImmutableArray<string>.Builder notes)
    {
        string? strailsError = null;
        switch (inputs.Strails)
        {
            case Fetched<StrailsBook>.Ok ok:
                switch (StrailsMid(ok.Value))
                {
                    case Fetched<decimal>.Ok mid:
                        return new SpotSelection.Selected(mid.Value, SpotSource.StrailsMid, 0m, false);
                    case Fetched<decimal>.Failed failed:
                        strailsError = failed.Error;
                        break;
                }

                break;
            case Fetched<StrailsBook>.Failed failed:
                strailsError = failed.Error;
                break;
        }

        if (!inputs.AllowOwnBook)
        {
            return new SpotSelection.Unavailable(strailsError is null
                ? StrailsNotConfiguredOwnBookDisabled
                : StrailsFailedOwnBookDisabled(strailsError));
        }

        if (strailsError is not null)
        {
            notes.Add($"strails spot source unavailable, falling back: {strailsError}");
        }

        switch (inputs.Book)
        {
            case Fetched<SpotBookTop>.Ok { Value: { BestBid: { } bid, BestAsk: { } ask } } when bid > 0m && ask > bid:
                return new SpotSelection.Selected((bid + ask) / 2m, SpotSource.SpotBookMid, 0m, false);
            case Fetched<SpotBookTop>.Ok:
                notes.Add("spot book has no two-sided, uncrossed top of book");
                break;
            case Fetched<SpotBookTop>.Failed failed:
                notes.Add($"spot book unavailable: {failed.Error}");
                break;
        }

        switch (inputs.LatestTrade)
        {
            case Fetched<SpotTradeSample?>.Failed failed:
                return new SpotSelection.Unavailable($"fetch spot trades: {failed.Error}");
            case Fetched<SpotTradeSample?>.NotFetched:
                return new SpotSelection.Unavailable("fetch spot trades: not requested");
            case Fetched<SpotTradeSample?>.Ok { Value: null }:
                return new SpotSelection.Unavailable(EmptySpotError);
            case Fetched<SpotTradeSample?>.Ok { Value: { } trade }:
                return FromTrade(trade, inputs, notes);
            default:
                return new SpotSelection.Unavailable(EmptySpotError);
        }
    }

    private static SpotSelection FromTrade(SpotTradeSample trade, SpotSelectionInputs inputs, ImmutableArray<string>.Builder notes)
    {
        if (trade.TraderPrice is not { } price || price <= 0m)
        {
            return new SpotSelection.Unavailable($"invalid spot trade price: {GoText.Quote(trade.RawPrice)}");
        }

        if (trade.CreatedAt is not { } createdAt)
        {
            notes.Add("latest spot trade has no created_at; its age is unknown");
            return new SpotSelection.Selected(price, SpotSource.SpotLastTrade, null, true);
        }

        var age = inputs.Now - createdAt;
        if (inputs.MaxSpotAge > TimeSpan.Zero && age > inputs.MaxSpotAge)
        {
            return new SpotSelection.Unavailable($"latest spot trade too old: {GoText.DurationSeconds(age)}");
        }

        if (age < TimeSpan.Zero)
        {
            notes.Add($"latest spot trade is dated {GoText.DurationSeconds(-age)} in the future; age reported as 0");
            age = TimeSpan.Zero;
        }

        return new SpotSelection.Selected(price, SpotSource.SpotLastTrade, Num.Seconds(age), false);
    }

    /// <summary>
    /// Mid of the StablesRail book: best bid = highest and best ask = lowest among entries whose status is "" or
    /// "active" and whose price parses to a finite number &gt; 0; then the plausibility and crossing checks.
    /// </summary>
    public static Fetched<decimal> StrailsMid(StrailsBook book)
    {
        var bid = Best(book.BuyOrders, wantHighest: true);
        var ask = Best(book.SellOrders, wantHighest: false);
        if (bid is not { } b || ask is not { } a)
        {
            return new Fetched<decimal>.Failed("strails book has an empty side");
        }

        if (b < StrailsMinPlausiblePrice || a > StrailsMaxPlausiblePrice)
        {
            return new Fetched<decimal>.Failed($"strails prices implausible: bid {GoText.Float(b)} ask {GoText.Float(a)}");
        }

        if (b >= a)
        {
            return new Fetched<decimal>.Failed($"strails book is crossed: bid {GoText.Float(b)} ask {GoText.Float(a)}");
        }

        return new Fetched<decimal>.Ok((b + a) / 2m);
    }

    private static decimal? Best(ImmutableArray<StrailsOrder> orders, bool wantHighest)
    {
        decimal? best = null;
        foreach (var order in orders.IsDefault ? [] : orders)
        {
            if (order.Status is { Length: > 0 } status && status != "active")
            {
                continue;
            }

            if (ParsePositive(order.Price) is not { } price)
            {
                continue;
            }

            if (best is not { } current || (wantHighest ? price > current : price < current))
            {
                best = price;
            }
        }

        return best;
    }

    /// <summary>A decimal number &gt; 0 from text (surrounding spaces allowed, exponent allowed), else null.</summary>
    public static decimal? ParsePositive(string? text) =>
        decimal.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0m
            ? value
            : null;
}
