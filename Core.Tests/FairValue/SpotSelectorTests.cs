using System.Collections.Immutable;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Core.Tests.FairValue;

public sealed class SpotSelectorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(300);

    private static SpotSelectionInputs Inputs(
        Fetched<StrailsBook>? strails = null,
        Fetched<SpotBookTop>? book = null,
        Fetched<SpotTradeSample?>? trade = null,
        decimal? fallback = null,
        bool allowOwnBook = true,
        TimeSpan? maxAge = null) =>
        new(
            strails ?? Fetched<StrailsBook>.Skipped,
            book ?? new Fetched<SpotBookTop>.Ok(new SpotBookTop(null, null)),
            trade ?? new Fetched<SpotTradeSample?>.Ok(null),
            Now,
            maxAge ?? MaxAge,
            fallback,
            allowOwnBook);

    private static Fetched<StrailsBook> Strails(string[] buys, string[] sells, string? status = "active") =>
        new Fetched<StrailsBook>.Ok(new StrailsBook(
            [.. buys.Select(p => new StrailsOrder(status, p))],
            [.. sells.Select(p => new StrailsOrder(status, p))]));

    private static Fetched<SpotBookTop> Book(decimal? bid, decimal? ask) => new Fetched<SpotBookTop>.Ok(new SpotBookTop(bid, ask));

    private static Fetched<SpotTradeSample?> Trade(decimal? price, TimeSpan? ago, string raw = "0.000625") =>
        new Fetched<SpotTradeSample?>.Ok(new SpotTradeSample(raw, price, ago is { } a ? Now - a : null));

    private static SpotSelection.Selected Selected(SpotSelectionInputs inputs) =>
        Assert.IsType<SpotSelection.Selected>(SpotSelector.Select(inputs));

    private static string Error(SpotSelectionInputs inputs) =>
        Assert.IsType<SpotSelection.Unavailable>(SpotSelector.Select(inputs)).Error;

    [Fact]
    public void Strails_mid_is_used_first_when_configured_and_sane()
    {
        var s = Selected(Inputs(strails: Strails(["1590", "1595"], ["1610", "1605"]), book: Book(1500m, 1700m)));
        Assert.Equal(1600m, s.Spot);
        Assert.Equal(SpotSource.StrailsMid, s.Source);
        Assert.Equal("strails_mid", s.Source.Wire());
        Assert.Equal(0m, s.AgeSeconds);
        Assert.False(s.Degraded);
        Assert.False(s.FallbackActive);
    }

    [Fact]
    public void Strails_ignores_inactive_unparseable_and_non_positive_entries()
    {
        var book = new StrailsBook(
            [new("active", "1590"), new("", " 1592 "), new("filled", "1599"), new("Active", "1598"), new(null, "1591"), new("active", "abc"), new("active", "NaN"), new("active", "-1")],
            [new("active", "1612"), new("cancelled", "1601"), new("active", "0"), new("active", "1608"), new("active", "1.61e3")]);
        var s = Selected(Inputs(strails: new Fetched<StrailsBook>.Ok(book)));
        Assert.Equal((1592m + 1608m) / 2m, s.Spot);
    }

    [Fact]
    public void Strails_with_an_empty_side_falls_back_to_the_own_book_and_notes_why()
    {
        var s = Selected(Inputs(strails: Strails(["1590"], []), book: Book(1595m, 1605m)));
        Assert.Equal(SpotSource.SpotBookMid, s.Source);
        Assert.Contains(s.Notes, n => n.Contains("strails book has an empty side", StringComparison.Ordinal));
    }

    [Fact]
    public void Spot_market_request_fails_when_strails_has_an_empty_side()
    {
        Assert.Equal(
            "strails anchor unavailable and own-book fallback is disabled for the spot anchor: strails book has an empty side",
            Error(Inputs(strails: Strails(["1590"], ["abc"]), book: Book(1595m, 1605m), trade: Trade(1600m, TimeSpan.Zero), allowOwnBook: false)));
    }

    [Theory]
    [InlineData("99.5", "1600", "strails prices implausible: bid 99.5 ask 1600")]
    [InlineData("1500", "1000000", "strails prices implausible: bid 1500 ask 1e+06")]
    [InlineData("0.0006", "0.00065", "strails prices implausible: bid 0.0006 ask 0.00065")]
    [InlineData("1610", "1600", "strails book is crossed: bid 1610 ask 1600")]
    [InlineData("1600.5", "1600.5", "strails book is crossed: bid 1600.5 ask 1600.5")]
    public void Strails_errors_use_the_reference_strings(string bid, string ask, string expected)
    {
        Assert.Equal(
            $"strails anchor unavailable and own-book fallback is disabled for the spot anchor: {expected}",
            Error(Inputs(strails: Strails([bid], [ask]), allowOwnBook: false)));
    }

    [Fact]
    public void Strails_plausibility_bounds_are_inclusive()
    {
        var s = Selected(Inputs(strails: Strails(["100"], ["100000"]), allowOwnBook: false));
        Assert.Equal(50_050m, s.Spot);
    }

    [Fact]
    public void Spot_market_request_fails_when_strails_fetch_fails()
    {
        Assert.Equal(
            "strails anchor unavailable and own-book fallback is disabled for the spot anchor: strails orderbook returned 503",
            Error(Inputs(strails: new Fetched<StrailsBook>.Failed("strails orderbook returned 503"), book: Book(1595m, 1605m), allowOwnBook: false)));
    }

    [Fact]
    public void Spot_market_request_fails_when_strails_is_not_configured()
    {
        Assert.Equal(
            "strails anchor is not configured and own-book fallback is disabled for the spot anchor",
            Error(Inputs(book: Book(1595m, 1605m), trade: Trade(1600m, TimeSpan.Zero), allowOwnBook: false)));
    }

    [Fact]
    public void Book_mid_is_used_when_both_sides_exist_and_ask_is_above_bid()
    {
        var s = Selected(Inputs(book: Book(1595m, 1605m), trade: Trade(1500m, TimeSpan.Zero)));
        Assert.Equal(1600m, s.Spot);
        Assert.Equal("spot_book_mid", s.Source.Wire());
        Assert.Equal(0m, s.AgeSeconds);
        Assert.False(s.Degraded);
    }

    [Theory]
    [InlineData(1605, 1595)]
    [InlineData(1600, 1600)]
    [InlineData(1595, null)]
    [InlineData(null, 1605)]
    [InlineData(null, null)]
    public void A_crossed_locked_or_one_sided_book_falls_through_to_the_latest_trade(int? bid, int? ask)
    {
        var s = Selected(Inputs(book: Book(bid, ask), trade: Trade(1601m, TimeSpan.FromSeconds(42))));
        Assert.Equal(1601m, s.Spot);
        Assert.Equal("spot_last_trade", s.Source.Wire());
        Assert.Equal(42m, s.AgeSeconds);
        Assert.False(s.Degraded);
    }

    [Fact]
    public void A_failed_book_read_is_ignored_and_the_trade_is_used()
    {
        var s = Selected(Inputs(book: new Fetched<SpotBookTop>.Failed("book endpoint returned 500"), trade: Trade(1601m, TimeSpan.FromSeconds(1))));
        Assert.Equal(SpotSource.SpotLastTrade, s.Source);
        Assert.Contains(s.Notes, n => n.Contains("book endpoint returned 500", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_trades_read_is_reported_with_the_fetch_prefix()
    {
        Assert.Equal("fetch spot trades: trades endpoint returned 500", Error(Inputs(trade: new Fetched<SpotTradeSample?>.Failed("trades endpoint returned 500"))));
    }

    [Fact]
    public void Empty_book_and_no_trades_is_unavailable()
    {
        Assert.Equal("spot source unavailable: empty spot book and no trades", Error(Inputs()));
        Assert.Equal(SpotSelector.EmptySpotError, Error(Inputs(book: Book(1605m, 1595m))));
    }

    [Theory]
    [InlineData("abc", "invalid spot trade price: \"abc\"")]
    [InlineData("", "invalid spot trade price: \"\"")]
    [InlineData("0", "invalid spot trade price: \"0\"")]
    [InlineData("a\"b", "invalid spot trade price: \"a\\\"b\"")]
    public void A_trade_without_a_usable_price_is_reported_quoted(string raw, string expected)
    {
        Assert.Equal(expected, Error(Inputs(trade: Trade(null, TimeSpan.Zero, raw))));
    }

    [Fact]
    public void A_non_positive_trader_price_is_invalid()
    {
        Assert.Equal("invalid spot trade price: \"-3\"", Error(Inputs(trade: Trade(-3m, TimeSpan.Zero, "-3"))));
    }

    [Theory]
    [InlineData(301, "latest spot trade too old: 5m1s")]
    [InlineData(3723, "latest spot trade too old: 1h2m3s")]
    [InlineData(86_400, "latest spot trade too old: 24h0m0s")]
    public void A_trade_older_than_the_maximum_age_is_refused(int seconds, string expected)
    {
        Assert.Equal(expected, Error(Inputs(trade: Trade(1600m, TimeSpan.FromSeconds(seconds)))));
    }

    [Fact]
    public void Trade_age_rounds_to_whole_seconds_in_the_message()
    {
        Assert.Equal("latest spot trade too old: 5m1s", Error(Inputs(trade: Trade(1600m, TimeSpan.FromMilliseconds(300_500)))));
        Assert.Equal("latest spot trade too old: 5m0s", Error(Inputs(trade: Trade(1600m, TimeSpan.FromMilliseconds(300_400)))));
    }

    [Fact]
    public void A_trade_exactly_at_the_maximum_age_is_served_with_its_age()
    {
        var s = Selected(Inputs(trade: Trade(1600m, MaxAge)));
        Assert.Equal(300m, s.AgeSeconds);
        Assert.False(s.Degraded);
    }

    [Fact]
    public void A_zero_maximum_age_disables_the_check_but_the_age_is_still_reported()
    {
        var s = Selected(Inputs(trade: Trade(1600m, TimeSpan.FromDays(3)), maxAge: TimeSpan.Zero));
        Assert.Equal(259_200m, s.AgeSeconds);
    }

    [Fact]
    public void An_undated_trade_is_served_only_as_degraded_with_unknown_age()
    {
        var s = Selected(Inputs(trade: Trade(1600m, null)));
        Assert.Equal(SpotSource.SpotLastTrade, s.Source);
        Assert.Null(s.AgeSeconds);
        Assert.True(s.Degraded);
        Assert.False(s.FallbackActive);
        Assert.Contains(s.Notes, n => n.Contains("no created_at", StringComparison.Ordinal));
    }

    [Fact]
    public void A_trade_dated_in_the_future_reports_age_zero()
    {
        var s = Selected(Inputs(trade: Trade(1600m, TimeSpan.FromSeconds(-5))));
        Assert.Equal(0m, s.AgeSeconds);
        Assert.Contains(s.Notes, n => n.Contains("in the future", StringComparison.Ordinal));
    }

    [Fact]
    public void Guarded_fallback_answers_when_everything_else_fails_and_is_flagged_degraded()
    {
        var s = Selected(Inputs(trade: Trade(1600m, TimeSpan.FromHours(1)), fallback: 1580m));
        Assert.Equal(1580m, s.Spot);
        Assert.Equal("guarded_fallback", s.Source.Wire());
        Assert.True(s.Degraded);
        Assert.True(s.FallbackActive);
        Assert.Null(s.AgeSeconds);
        Assert.Contains(s.Notes, n => n.Contains("latest spot trade too old: 1h0m0s", StringComparison.Ordinal));
    }

    [Fact]
    public void Guarded_fallback_also_answers_a_spot_market_request_when_strails_fails()
    {
        var s = Selected(Inputs(strails: new Fetched<StrailsBook>.Failed("timed out"), fallback: 1580m, allowOwnBook: false));
        Assert.Equal(SpotSource.GuardedFallback, s.Source);
    }

    [Fact]
    public void Guarded_fallback_is_not_used_while_a_real_source_answers()
    {
        var s = Selected(Inputs(book: Book(1595m, 1605m), fallback: 1580m));
        Assert.Equal(SpotSource.SpotBookMid, s.Source);
        Assert.False(s.Degraded);
    }

    [Fact]
    public void Strails_mid_helper_reports_each_error()
    {
        Assert.IsType<Fetched<decimal>.Failed>(SpotSelector.StrailsMid(new StrailsBook(default, default)));
        Assert.Equal(
            "strails book has an empty side",
            Assert.IsType<Fetched<decimal>.Failed>(SpotSelector.StrailsMid(new StrailsBook([], [new("active", "1600")]))).Error);
        Assert.Equal(1600m, Assert.IsType<Fetched<decimal>.Ok>(SpotSelector.StrailsMid(new StrailsBook([new("", "1599")], [new("active", "1601")]))).Value);
    }
}
