using System.Globalization;
using System.Text;
using MarketMaker.Core;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Shell.Observability;

/// <summary>What the soak status line and the shutdown summary report, accumulated over the run.</summary>
public sealed record RunSummary
{
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset LastDecisionAt { get; init; }
    public OperatorMode OperatorMode { get; init; }

    /// <summary>Halted decisions (every halted cycle counts, as in the reference bot).</summary>
    public long Halts { get; init; }

    /// <summary>The last halt reason seen during the run ("" when never halted).</summary>
    public string LastHaltReason { get; init; } = "";

    public bool Halted { get; init; }
    public string CurrentHaltReason { get; init; } = "";
    public long FillsBuy { get; init; }
    public long FillsSell { get; init; }
    public long PartialFills { get; init; }
    public long Cancels { get; init; }
    public decimal MaxQuoteAgeSeconds { get; init; }
    public decimal MaxAnchorDeviationBps { get; init; }
    public decimal MaxAbsInventory { get; init; }
    public decimal Inventory { get; init; }
    public int LiveBids { get; init; }
    public int LiveAsks { get; init; }
    public bool OpenBidPresent { get; init; }
    public bool OpenAskPresent { get; init; }
    public decimal QuotedSpreadBps { get; init; }
    public decimal? MarketDataAgeSeconds { get; init; }
    public decimal? BalanceAgeSeconds { get; init; }
    public decimal? AnchorAgeSeconds { get; init; }
    public decimal ReferencePrice { get; init; }
    public decimal LocalReference { get; init; }
    public decimal ExternalAnchor { get; init; }
    public decimal BestBid { get; init; }
    public decimal BestAsk { get; init; }

    /// <summary>The P&amp;L of the last decision that reported one (docs/pnl.md); null before the first.</summary>
    public PnlReport? Pnl { get; init; }
}

/// <summary>The soak status and shutdown summary lines (reference-bot.md §8) as pure functions.</summary>
public static class StatusLines
{
    public static RunSummary Start(DateTimeOffset startedAt, OperatorMode mode) =>
        new() { StartedAt = startedAt, LastDecisionAt = startedAt, OperatorMode = mode };

    /// <summary>Folds one decision (and the snapshot it was made from) into the summary.</summary>
    public static RunSummary Accumulate(RunSummary s, Snapshot snapshot, Decision decision, OperatorMode mode)
    {
        var m = decision.Metrics;
        var halted = decision.Halt is not null;
        var book = snapshot.MarketData.Value;
        var quoteAge = Math.Max(m.QuoteAgeSeconds ?? 0m, m.ExchangeQuoteAgeSeconds);
        return s with
        {
            LastDecisionAt = decision.Now,
            OperatorMode = mode,
            Halts = s.Halts + (halted ? 1 : 0),
            LastHaltReason = halted ? decision.Halt!.Reason : s.LastHaltReason,
            Halted = halted,
            CurrentHaltReason = decision.Halt?.Reason ?? "",
            FillsBuy = s.FillsBuy + decision.Fills.Count(f => f.Side == Side.Buy),
            FillsSell = s.FillsSell + decision.Fills.Count(f => f.Side == Side.Sell),
            PartialFills = s.PartialFills + decision.Fills.Count(f => f.Partial),
            Cancels = s.Cancels + m.CancelsByCategory.Values.Where(c => c > 0).Sum(),
            MaxQuoteAgeSeconds = Math.Max(s.MaxQuoteAgeSeconds, quoteAge),
            MaxAnchorDeviationBps = Math.Max(s.MaxAnchorDeviationBps, m.AnchorDeviationBps ?? 0m),
            MaxAbsInventory = Math.Max(s.MaxAbsInventory, Math.Abs(m.NetInventory)),
            Inventory = m.NetInventory,
            LiveBids = m.LiveBids,
            LiveAsks = m.LiveAsks,
            OpenBidPresent = m.OpenBidPresent,
            OpenAskPresent = m.OpenAskPresent,
            QuotedSpreadBps = m.LiveQuotedSpreadBps,
            MarketDataAgeSeconds = m.MarketDataAgeSeconds,
            BalanceAgeSeconds = m.BalanceAgeSeconds,
            AnchorAgeSeconds = m.AnchorAgeSeconds,
            ReferencePrice = decision.ReferencePrice ?? 0m,
            LocalReference = decision.LocalReference ?? 0m,
            ExternalAnchor = decision.ExternalAnchorPrice ?? 0m,
            BestBid = book is { Bids.IsDefaultOrEmpty: false } ? book.Bids[0].Price : 0m,
            BestAsk = book is { Asks.IsDefaultOrEmpty: false } ? book.Asks[0].Price : 0m,
            Pnl = decision.Pnl ?? s.Pnl,
        };
    }

    /// <summary>The soak status line (logged as "soak status").</summary>
    public static string Soak(RunSummary s) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"state={s.OperatorMode.Wire()} halted={(s.Halted ? "true" : "false")} inv={F6(s.Inventory)} bids={s.LiveBids} asks={s.LiveAsks} "
            + $"fills_buy={s.FillsBuy} fills_sell={s.FillsSell} partial_fills={s.PartialFills} cancels={s.Cancels} "
            + $"md_age={Age(s.MarketDataAgeSeconds)} bal_age={Age(s.BalanceAgeSeconds)} anchor_age={Age(s.AnchorAgeSeconds)} "
            + $"halt_reason={GoText.Quote(s.CurrentHaltReason)} ref={F6(s.ReferencePrice)} local_ref={F6(s.LocalReference)} "
            + $"ext_anchor={F6(s.ExternalAnchor)} best_bid={F6(s.BestBid)} best_ask={F6(s.BestAsk)} {PnlFields(s.Pnl)}");

    /// <summary>The shutdown summary line (logged as "shutdown summary").</summary>
    public static string Shutdown(RunSummary s, DateTimeOffset now) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"uptime={GoText.DurationTruncated(now - s.StartedAt)} halts={s.Halts} last_halt={GoText.Quote(s.LastHaltReason)} "
            + $"fills_buy={s.FillsBuy} fills_sell={s.FillsSell} partial_fills={s.PartialFills} cancels={s.Cancels} "
            + $"max_quote_age={GoText.DurationTruncated(TimeSpan.FromSeconds((double)s.MaxQuoteAgeSeconds))} "
            + $"max_anchor_deviation_bps={s.MaxAnchorDeviationBps.ToString("F4", CultureInfo.InvariantCulture)} "
            + $"max_net_inventory={F6(s.MaxAbsInventory)} {PnlFields(s.Pnl)} max_drawdown={F6(s.Pnl?.MaxDrawdown ?? 0m)}");

    /// <summary>
    /// The P&amp;L fields both lines end with: realized, unrealized, total and drawdown (quote currency; n/a while
    /// there is no mark) and the average markouts and spread capture in bps (n/a before the first).
    /// </summary>
    public static string PnlFields(PnlReport? p) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"pnl_realized={F6(p?.Realized ?? 0m)} pnl_unrealized={Opt6(p?.Unrealized)} pnl_total={Opt6(p?.Total)} drawdown={Opt6(p?.Drawdown)} "
            + $"markout_1s_bps={Bps(p?.Markout1sBps)} markout_10s_bps={Bps(p?.Markout10sBps)} markout_60s_bps={Bps(p?.Markout60sBps)} "
            + $"spread_capture_bps={Bps(p?.SpreadCaptureBps)}");

    private static string Opt6(decimal? value) => value is { } v ? F6(v) : "n/a";

    private static string Bps(decimal? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    private static string Age(decimal? seconds) =>
        seconds is { } s ? GoText.DurationTruncated(TimeSpan.FromSeconds((double)s)) : "n/a";

    private static string F6(decimal value) => value.ToString("F6", CultureInfo.InvariantCulture);
}
