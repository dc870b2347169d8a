using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>The one entry point of the core: (snapshot, state, config) → decision. Pure and deterministic.</summary>
public static class Decider
{
    public const string StartupPending = "startup reconciliation pending";
    public const string RequiredBidMissing = "required bid missing too long";
    public const string RequiredAskMissing = "required ask missing too long";

    /// <summary>
    /// Never throws on an input that parses: an arithmetic overflow anywhere in the decision (absurd prices, sizes or
    /// nonces) is a halt <c>reference price unavailable</c> with every managed order cancelled (<see cref="Failsafe"/>).
    /// </summary>
    public static Decision Decide(Snapshot snapshot, BotState state, BotConfig config)
    {
        try
        {
            return DecideChecked(snapshot, state, config);
        }
        catch (ArithmeticException ex)
        {
            return Failsafe.ArithmeticHalt(snapshot, state, config, ex);
        }
    }

    private static Decision DecideChecked(Snapshot snapshot, BotState state, BotConfig config)
    {
        var ctx = new CycleContext(snapshot, state, config);
        var now = ctx.Now;

        var external = ReferencePricing.EvaluateExternal(ctx);
        var banded = ReferencePricing.Select(ctx, external.Memory, ReferencePricing.Centre(ctx, external.Memory));
        var reference = banded.Result;
        var externalMemory = external.Memory with { Wanted = ReferencePricing.ExternalWanted(ctx, reference) };
        var fills = FillAccounting.Observe(ctx);
        var pnl = PnlAccounting.Step(ctx, fills.Fills, reference.Price);
        var halt = Risk.Evaluate(ctx, reference);
        if (pnl.DrawdownHalt is { } drawdownHalt && halt is not Halt.KillSwitchActive)
        {
            // Second in the evaluation order, after the kill switch (it latches, like the kill switch).
            halt = drawdownHalt;
        }

        var quotes = (halt, reference.Reference) switch
        {
            ({ } h, _) => QuoteResult.None(
                new Suppression(Side.Buy, SuppressionReasons.Halted, h.Reason),
                new Suppression(Side.Sell, SuppressionReasons.Halted, h.Reason)),
            (null, Reference.Found found) => Quoting.Build(ctx, found.Value, found.From),
            // Risk.Evaluate halts (reference price unavailable) whenever there is no reference.
            _ => throw new InvalidOperationException("unreachable: no halt without a reference price"),
        };

        var phase = state.Phase;
        var cancels = ImmutableArray<CancelAction>.Empty;
        var toPlace = ImmutableArray<TargetQuote>.Empty;
        var suppressedReplaces = ImmutableArray<SuppressedReplace>.Empty;
        ReconciliationReport? report = null;
        string? syncSkipped = null;
        var window = state.CancelWindow.All(t => t > now - Sync.CancelWindow)
            ? state.CancelWindow
            : state.CancelWindow.Where(t => t > now - Sync.CancelWindow).ToImmutableArray();
        var lastQuoteUpdate = state.LastQuoteUpdate;
        var ordersKnown = snapshot.Orders.Value is not null && snapshot.Orders.FreshThisCycle;
        var dryRunHealth = config.OperatorMode == OperatorMode.DryRunHealth;

        if (halt is Halt.KillSwitchActive)
        {
            // The kill switch holds in every phase and mode, reconciliation included.
            cancels = CancelAllManaged(ctx, halt);
        }
        else if (phase == BotPhase.Startup)
        {
            if (dryRunHealth)
            {
                phase = BotPhase.Running;
            }
            else if (!ordersKnown || snapshot.MarketData.Value is null)
            {
                syncSkipped = "startup_waiting_for_inputs";
            }
            else if (ctx.LiveAll.Any(o => o.Matching))
            {
                syncSkipped = "startup_waiting_for_matching_orders";
            }
            else
            {
                var reconciled = Reconciliation.Run(ctx, quotes, halt);
                report = reconciled.Report;
                cancels = reconciled.Cancels;
                phase = BotPhase.Running;
                if (halt is null)
                {
                    // behaviour.md §7 computes the targets at start-up: a slot that no adopted order fills is placed
                    // in this same decision (after the reconciliation cancels), not one poll interval later.
                    var adoptedIds = report.AdoptedOrderIds.ToHashSet(StringComparer.Ordinal);
                    var adopted = ctx.Managed.Where(o => adoptedIds.Contains(o.OrderId)).ToImmutableArray();
                    var plan = Sync.Plan(ctx, adopted, quotes, holdResting: true);
                    if (plan.Cancels.IsEmpty && !plan.ToPlace.IsEmpty)
                    {
                        toPlace = plan.ToPlace;
                        lastQuoteUpdate = now;
                    }
                }
            }
        }
        else if (halt is not null)
        {
            cancels = dryRunHealth ? [] : CancelAllManaged(ctx, halt);
        }
        else if (dryRunHealth)
        {
            syncSkipped = "dry_run_health";
        }
        else if (!ordersKnown)
        {
            syncSkipped = "live_orders_not_fresh";
        }
        else
        {
            // The refresh gate only holds back replacing orders that rest: a missing slot (filled, expired, rejected,
            // cancelled by someone) is placed now, whatever the gate says.
            var gated = !ctx.Managed.IsEmpty && lastQuoteUpdate is { } last
                && now - last < TimeSpan.FromMilliseconds(config.QuoteRefreshIntervalMs);
            var plan = Sync.Plan(ctx, quotes, holdResting: gated);
            if (gated && plan.Cancels.IsEmpty && plan.ToPlace.IsEmpty)
            {
                syncSkipped = Sync.RefreshInterval;
            }

            suppressedReplaces = plan.Suppressed;
            if (config.MaxCancelsPerMinute > 0 && window.Length + plan.CountedCancels > config.MaxCancelsPerMinute)
            {
                halt = new Halt.CancelRateLimitExceeded($"max {config.MaxCancelsPerMinute} per minute");
                quotes = QuoteResult.None(
                    new Suppression(Side.Buy, SuppressionReasons.Halted, halt.Reason),
                    new Suppression(Side.Sell, SuppressionReasons.Halted, halt.Reason));
                cancels = CancelAllManaged(ctx, halt);
            }
            else
            {
                cancels = plan.Cancels;
                toPlace = plan.ToPlace;
                window = window.AddRange(Enumerable.Repeat(now, plan.CountedCancels));
                if (!cancels.IsEmpty || !toPlace.IsEmpty)
                {
                    lastQuoteUpdate = now;
                }
            }
        }

        // Nonces and ids, only for what is placed.
        var persisted = ReferenceEquals(pnl.Book, state.Persisted.Pnl) ? state.Persisted : state.Persisted with { Pnl = pnl.Book };
        var placements = ImmutableArray<PlaceAction>.Empty;
        if (!toPlace.IsEmpty)
        {
            (placements, persisted) = Nonces.Allocate(persisted, toPlace, config, now);
        }

        if (halt is not null)
        {
            persisted = persisted with { LastHaltReason = halt.Reason };
        }

        if (report is not null)
        {
            persisted = persisted with { LastAdoptedBidOrderId = report.AdoptedBidOrderId, LastAdoptedAskOrderId = report.AdoptedAskOrderId };
        }

        if (ctx.Balances is { } balances && !SameInventory(persisted.LastInventorySnapshot, ctx.Market, balances))
        {
            persisted = persisted with
            {
                LastInventorySnapshot = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
                    new KeyValuePair<string, decimal>(ctx.Market.BaseAsset, balances.BaseTotal),
                    new KeyValuePair<string, decimal>(ctx.Market.QuoteAsset, balances.QuoteTotal)]),
            };
        }

        if (ctx.Market.IsSpot && config.TargetBaseInventory is null && persisted.TargetBaseInventory is null && ctx.Balances is { } first)
        {
            // The default target inventory: the base balance seen at the first cycle, kept across restarts.
            persisted = persisted with { TargetBaseInventory = first.BaseTotal };
        }

        var fillTracker = config.DryRun ? fills.Tracker : FillAccounting.Track(fills.Tracker, placements, now);

        // Which sides rest after this decision, for readiness and metrics.
        var (bidsResting, asksResting) = Resting(ctx.Managed, cancels, placements);
        var bidRequired = config.OperatorMode is OperatorMode.Normal or OperatorMode.BidOnly;
        var askRequired = config.OperatorMode is OperatorMode.Normal or OperatorMode.AskOnly;
        // A side is missing only while it has a target and nothing rests (reference-bot.md §8): a side parked at its
        // inventory cap or without balance is not missing. While halted the clock keeps running (the halt is the reason).
        var bidTarget = !quotes.Bids.IsEmpty || halt is not null;
        var askTarget = !quotes.Asks.IsEmpty || halt is not null;
        DateTimeOffset? bidMissingSince = bidsResting > 0 || !bidTarget ? null : state.BidMissingSince ?? now;
        DateTimeOffset? askMissingSince = asksResting > 0 || !askTarget ? null : state.AskMissingSince ?? now;

        var nextState = state with
        {
            Phase = phase,
            Persisted = persisted,
            CancelWindow = window,
            LastQuoteUpdate = lastQuoteUpdate,
            BidMissingSince = bidMissingSince,
            AskMissingSince = askMissingSince,
            Fills = fillTracker,
            ExternalAnchor = externalMemory,
            CurrentHaltReason = halt?.Reason,
            Reference = banded.Memory,
            PendingMarkouts = pnl.Pending,
            LastMark = pnl.Mark,
        };

        var dependencies = new DependencyHealth(
            ctx.MarketDataFetchedAt,
            snapshot.Balances.FetchedAt,
            ctx.Market.IsSpot ? nextState.ExternalAnchor.AcceptedFetchedAt : snapshot.Anchor.FetchedAt,
            ctx.MarketDataStale,
            ctx.BalancesStale,
            reference.AnchorStale,
            DependencyHealth.NotAnsweringIn(snapshot));
        var readiness = Ready(ctx, halt, reference, phase, bidRequired && Missing(ctx, bidMissingSince), askRequired && Missing(ctx, askMissingSince), dependencies);
        var targets = quotes.All;
        var metrics = Metrics(ctx, nextState, dependencies, reference, targets, cancels, placements, suppressedReplaces, external, bidsResting, asksResting);

        return new Decision(
            now,
            reference.Reference.Price,
            reference.Reference.Source,
            reference.Local,
            reference.Anchor,
            reference.External,
            targets,
            quotes.Suppressions,
            halt,
            readiness,
            cancels,
            placements,
            suppressedReplaces,
            report,
            fills.Fills,
            fills.InventoryDelta,
            external.Rejection,
            syncSkipped,
            banded.Anomalies,
            config.DryRun,
            !persisted.SameAs(state.Persisted),
            metrics,
            pnl.Report,
            pnl.Markouts,
            nextState)
        {
            Dependencies = dependencies,
        };
    }

    internal static ImmutableArray<CancelAction> CancelAllManaged(CycleContext ctx, Halt halt) =>
        ctx.Managed
            .Where(o => !o.Matching && !ctx.IsProtected(o.OrderId))
            .OrderBy(o => o.OrderId, StringComparer.Ordinal)
            .Select(o => new CancelAction(o.OrderId, o.Nonce, o.Side, SyncReasons.Halt, halt.Category))
            .ToImmutableArray();

    /// <summary>The number of our bids and asks resting after this decision: live and not cancelled, plus placed.</summary>
    private static (int Bids, int Asks) Resting(ImmutableArray<LiveOrder> managed, ImmutableArray<CancelAction> cancels, ImmutableArray<PlaceAction> placements)
    {
        int bids = 0, asks = 0;
        foreach (var o in managed)
        {
            var canceled = false;
            foreach (var c in cancels)
            {
                canceled |= string.Equals(c.OrderId, o.OrderId, StringComparison.Ordinal);
            }

            if (!canceled)
            {
                _ = o.Side == Side.Buy ? bids++ : asks++;
            }
        }

        foreach (var p in placements)
        {
            _ = p.Side == Side.Buy ? bids++ : asks++;
        }

        return (bids, asks);
    }

    /// <summary>Whether the inventory snapshot already holds exactly these totals (then it is kept as it is).</summary>
    private static bool SameInventory(ImmutableSortedDictionary<string, decimal> snapshot, MarketSpec market, Balances balances) =>
        snapshot.Count == 2 && ReferenceEquals(snapshot.KeyComparer, StringComparer.Ordinal)
        && snapshot.TryGetValue(market.BaseAsset, out var b) && b == balances.BaseTotal && b.Scale == balances.BaseTotal.Scale
        && snapshot.TryGetValue(market.QuoteAsset, out var q) && q == balances.QuoteTotal && q.Scale == balances.QuoteTotal.Scale;

    private static bool Missing(CycleContext ctx, DateTimeOffset? since) =>
        ctx.Config.ReadinessMissingQuoteTimeoutSeconds > 0 && since is { } s
        && ctx.Now - s > TimeSpan.FromSeconds(ctx.Config.ReadinessMissingQuoteTimeoutSeconds);

    private static Readiness Ready(CycleContext ctx, Halt? halt, ReferenceResult reference, BotPhase phase, bool bidMissing, bool askMissing, DependencyHealth dependencies)
    {
        if (halt is not null)
        {
            return new Readiness.Halted(halt.Reason);
        }

        if (reference.AnchorStale)
        {
            return new Readiness.AnchorStale();
        }

        if (ctx.BalancesStale)
        {
            return new Readiness.BalancesStale();
        }

        if (ctx.MarketDataStale)
        {
            return new Readiness.MarketDataStale();
        }

        if (phase == BotPhase.Startup)
        {
            return new Readiness.StartupPending();
        }

        if (bidMissing)
        {
            return new Readiness.SideMissing(Side.Buy);
        }

        if (askMissing)
        {
            return new Readiness.SideMissing(Side.Sell);
        }

        // A dependency that did not answer this cycle makes the bot not ready at once; its stale halt still waits for
        // the timeout (MM_STALE_*_TIMEOUT_SECONDS). Only a bot otherwise ready says so: a halt or another reason says more.
        return dependencies.NotAnswering.IsEmpty
            ? Readiness.Ok
            : new Readiness.NotAnswering(string.Join(",", dependencies.NotAnswering));
    }

    private static MetricValues Metrics(
        CycleContext ctx, BotState next, DependencyHealth dependencies, ReferenceResult reference, ImmutableArray<TargetQuote> targets,
        ImmutableArray<CancelAction> cancels, ImmutableArray<PlaceAction> placements,
        ImmutableArray<SuppressedReplace> suppressed, ExternalAnchorResult external, int bidsResting, int asksResting)
    {
        decimal? bestBid = null, bestAsk = null;
        foreach (var t in targets)
        {
            if (t.Side == Side.Buy && (bestBid is not { } bb || t.Price > bb))
            {
                bestBid = t.Price;
            }
            else if (t.Side == Side.Sell && (bestAsk is not { } ba || t.Price < ba))
            {
                bestAsk = t.Price;
            }
        }

        var spread = bestBid is { } b && bestAsk is { } a && reference.Price is { } r && r > 0 ? (a - b) / r * Num.Bps : 0m;
        DateTimeOffset? oldest = null, newest = null;
        foreach (var o in ctx.Managed)
        {
            oldest = oldest is { } x && x <= o.CreatedAt ? x : o.CreatedAt;
            newest = newest is { } y && y >= o.CreatedAt ? y : o.CreatedAt;
        }

        var exchangeAge = oldest is { } first ? Num.Seconds(ctx.Now - first) : 0m;
        var byCategory = cancels.IsEmpty
            ? ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal)
            : cancels.GroupBy(c => c.Category).ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var quoteTime = next.LastQuoteUpdate ?? newest;
        return new MetricValues(
            QuoteAgeSeconds: ctx.AgeSeconds(quoteTime),
            ExchangeQuoteAgeSeconds: exchangeAge,
            MarketDataAgeSeconds: ctx.AgeSeconds(dependencies.MarketDataFetchedAt),
            BalanceAgeSeconds: ctx.AgeSeconds(dependencies.BalancesFetchedAt),
            AnchorAgeSeconds: ctx.AgeSeconds(dependencies.AnchorFetchedAt),
            ExternalAnchorAgeSeconds: next.ExternalAnchor.Accepted is { } mark ? Num.Seconds(ctx.Now - mark.ObservedAt) : null,
            LiveQuotedSpreadBps: spread,
            NetInventory: ctx.Inventory,
            AnchorDeviationBps: reference.AnchorDeviationBps,
            CancelsInWindow: next.CancelWindow.Length,
            OpenBidPresent: bidsResting > 0 || targets.Any(t => t.Side == Side.Buy),
            OpenAskPresent: asksResting > 0 || targets.Any(t => t.Side == Side.Sell),
            LiveBids: bidsResting,
            LiveAsks: asksResting,
            Placements: placements.Length,
            CancelsByCategory: byCategory,
            SuppressedReplaces: suppressed.Length,
            QuoteRefresh: !placements.IsEmpty,
            ExternalAnchorAccepted: external.Accepted ? 1 : 0,
            ExternalAnchorRejected: external.Rejection is null ? 0 : 1);
    }
}
