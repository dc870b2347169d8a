using System.Collections.Immutable;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>
/// Properties of <see cref="Decider.Decide"/> over generated books, balances, live orders, configs and states, checked
/// against the specification's rules (<see cref="SpecOracle"/>), not against the core's own helpers;
/// 1,000 cases each. Each property also counts the cases where it was not vacuous and requires a good share of them.
/// </summary>
public sealed class DeciderProperties
{
    private static readonly FsCheck.Config Thorough = Generators.Thorough;

    private static bool IsOther(BookOrder o) => !string.Equals(o.OwnerAddress, F.Us, StringComparison.OrdinalIgnoreCase);

    private static void Check(Gen<Case> gen, Func<Case, bool> property) =>
        Prop.ForAll(gen.ToArbitrary(), property).Check(Thorough);

    [Fact]
    public void Prices_are_on_the_tick_grid()
    {
        var nonVacuous = 0;
        Check(Generators.Cases(), c =>
        {
            var d = c.Decide();
            var tick = c.Snapshot.Market.TickSize;
            nonVacuous += d.Targets.IsEmpty ? 0 : 1;
            return d.Targets.All(t => Num.OnGrid(t.Price, tick)) && d.Placements.All(p => Num.OnGrid(p.Price, tick));
        });
        Assert.True(nonVacuous > 300, $"only {nonVacuous} cases had targets");
    }

    [Fact]
    public void Our_bid_is_strictly_below_our_ask()
    {
        var bothSides = 0;
        Check(Generators.Cases(), c =>
        {
            var d = c.Decide();
            var bids = d.Targets.Where(t => t.Side == Side.Buy).Select(t => t.Price).ToList();
            var asks = d.Targets.Where(t => t.Side == Side.Sell).Select(t => t.Price).ToList();
            if (bids.Count == 0 || asks.Count == 0)
            {
                return true;
            }

            bothSides++;
            var placedBids = d.Placements.Where(p => p.Side == Side.Buy).Select(p => p.Price).DefaultIfEmpty(decimal.MinValue).Max();
            var placedAsks = d.Placements.Where(p => p.Side == Side.Sell).Select(p => p.Price).DefaultIfEmpty(decimal.MaxValue).Min();
            return bids.Max() < asks.Min() && placedBids < placedAsks;
        });
        Assert.True(bothSides > 180, $"only {bothSides} cases quoted both sides");
    }

    [Fact]
    public void Our_resting_quotes_after_a_decision_never_cross_each_other()
    {
        var checkedCases = 0;
        Check(Generators.Cases(), c =>
        {
            var managed = (c.Snapshot.Orders.Value?.Items ?? []).Where(o => o.OrderId.StartsWith(c.Config.ManagedPrefix, StringComparison.Ordinal)).ToList();
            if (Crossed(managed.Select(o => (o.Side, o.Price))))
            {
                return true; // the exchange would have matched them already
            }

            var d = c.Decide();
            var canceled = d.Cancels.Select(x => x.OrderId).ToHashSet(StringComparer.Ordinal);
            var resting = managed.Where(o => !canceled.Contains(o.OrderId)).Select(o => (o.Side, o.Price))
                .Concat(d.Placements.Select(p => (p.Side, p.Price))).ToList();
            checkedCases += d.Placements.IsEmpty || managed.Count == 0 ? 0 : 1;
            if (!Crossed(resting))
            {
                return true;
            }

            throw new InvalidOperationException($"{Actions(d)} live=[{string.Join(", ", managed.Select(o => $"{o.Side} {o.Price} matching={o.Matching}"))}]");
        });
        Assert.True(checkedCases > 150, $"only {checkedCases} cases checked");
    }

    private static bool Crossed(IEnumerable<(Side Side, decimal Price)> quotes)
    {
        var list = quotes.ToList();
        var bid = list.Where(q => q.Side == Side.Buy).Select(q => (decimal?)q.Price).Max();
        var ask = list.Where(q => q.Side == Side.Sell).Select(q => (decimal?)q.Price).Min();
        return bid is { } b && ask is { } a && b >= a;
    }

    [Fact]
    public void No_target_crosses_another_participants_best_price()
    {
        var checkedCases = 0;
        Check(Generators.Cases(), c =>
        {
            var d = c.Decide();
            var data = c.Snapshot.MarketData.Value ?? MarketData.Empty;
            var bestOtherBid = data.Bids.Where(IsOther).Select(o => (decimal?)o.Price).Max();
            var bestOtherAsk = data.Asks.Where(IsOther).Select(o => (decimal?)o.Price).Min();
            checkedCases += d.Targets.IsEmpty || (bestOtherAsk is null && bestOtherBid is null) ? 0 : 1;
            return d.Targets.All(t => t.Side == Side.Buy
                ? bestOtherAsk is not { } a || t.Price < a
                : bestOtherBid is not { } b || t.Price > b);
        });
        Assert.True(checkedCases > 300, $"only {checkedCases} cases checked");
    }

    [Fact]
    public void Sizes_stay_within_configured_size_balances_notional_and_inventory_caps()
    {
        var checkedCases = 0;
        Check(Generators.Cases(), c =>
        {
            var d = c.Decide();
            if (d.Targets.IsEmpty)
            {
                return true;
            }

            checkedCases++;
            var cfg = c.Config;
            var market = c.Snapshot.Market;
            var mult = Math.Max(1m, cfg.LevelSizeMult);
            var (longCap, shortFloor) = (SpecOracle.LongCap(cfg), SpecOracle.ShortFloor(cfg));
            var inventory = SpecOracle.Deviation(c);
            var ok = true;
            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var ts = d.Targets.Where(t => t.Side == side).OrderBy(t => t.Level).ToList();
                if (ts.Count == 0)
                {
                    continue;
                }

                var total = ts.Sum(t => t.Size);
                var best = ts[0].Price;
                ok &= ts.All(t => t.Size <= cfg.OrderSize * Pow(mult, t.Level) && t.Size >= market.MinSize && Num.OnGrid(t.Size, market.SizeStep));
                ok &= total <= SpecOracle.SideBudget(c, side, best);
                ok &= cfg.MaxNotionalPerSide <= 0 || total * best <= cfg.MaxNotionalPerSide;
                ok &= side == Side.Buy ? inventory + total <= longCap : inventory - total >= shortFloor;
            }

            return ok && d.Placements.All(p => d.Targets.Any(t => t.Side == p.Side && t.Level == p.Level && t.Size == p.Size && t.Price == p.Price));
        });
        Assert.True(checkedCases > 300, $"only {checkedCases} cases checked");
    }

    [Fact]
    public void Nothing_is_placed_while_halted_paused_in_dry_run_health_or_at_startup()
    {
        var blocked = 0;
        Check(Generators.Cases(), c =>
        {
            var d = c.Decide();
            // Startup places only in the reconciling decision (behaviour.md §7 targets); while inputs are missing it waits.
            var mustNotPlace = d.Halt is not null || c.Config.OperatorMode is OperatorMode.Pause or OperatorMode.DryRunHealth
                || (c.State.Phase == BotPhase.Startup && d.Reconciliation is null);
            if (!mustNotPlace)
            {
                return true;
            }

            blocked++;
            var cancelsOk = c.Config.OperatorMode != OperatorMode.DryRunHealth || d.Halt?.Category == CancelCategory.KillSwitch || d.Cancels.IsEmpty;
            return d.Placements.IsEmpty && cancelsOk && (d.Halt is null || d.Targets.IsEmpty);
        });
        Assert.True(blocked > 300, $"only {blocked} blocked cases");
    }

    /// <summary>Startup cases whose live orders sit on or near the targets, several per side, so adoption really happens.</summary>
    private static Gen<Case> StartupNearTargets() =>
        from c in Generators.Cases(running: true)
        let targets = Decider.Decide(c.Snapshot with { Orders = Input<LiveOrders>.Fresh(LiveOrders.Empty, c.Snapshot.Now) }, c.State, c.Config).Targets
        from copies in Gen.Choose(1, 3).ArrayOf(Math.Max(1, targets.Length))
        from jitter in Gen.Choose(-2, 2).ArrayOf(12)
        from ages in Gen.Choose(0, 600).ArrayOf(12)
        let orders = targets.SelectMany((t, i) => Enumerable.Range(0, copies[i]).Select(k =>
            {
                var nonce = 5000 + (i * 10) + k;
                var price = Math.Max(c.Snapshot.Market.TickSize, t.Price + (jitter[((i * 3) + k) % 12] * c.Snapshot.Market.TickSize));
                return new LiveOrder(F.Id(c.Config.MarketSymbol, t.Side, nonce), nonce, t.Side, price, t.Size, t.Size, false, c.Snapshot.Now.AddSeconds(-ages[((i * 3) + k) % 12]));
            }))
        select c with
        {
            State = c.State with { Phase = BotPhase.Startup },
            Snapshot = c.Snapshot with { Orders = Input<LiveOrders>.Fresh(new LiveOrders([.. orders, .. c.Snapshot.Orders.Value?.Items ?? []]), c.Snapshot.Now) },
        };

    [Fact]
    public void Startup_reconciliation_adopts_at_most_one_order_per_side_and_level()
    {
        var adoptedCases = 0;
        Check(StartupNearTargets(), c =>
        {
            var d = c.Decide();
            if (d.Reconciliation is not { } r)
            {
                return d.Cancels.All(x => x.Category == CancelCategory.KillSwitch) && d.Placements.IsEmpty;
            }

            adoptedCases += r.AdoptedOrderIds.IsEmpty ? 0 : 1;
            var live = c.Snapshot.Orders.Value!.Items.ToDictionary(o => o.OrderId, StringComparer.Ordinal);
            var levels = Math.Max(1, c.Config.QuoteLevels);
            var perSide = r.AdoptedOrderIds.GroupBy(id => live[id].Side).ToList();
            var canceled = d.Cancels.Select(x => x.OrderId).ToHashSet(StringComparer.Ordinal);
            return perSide.All(g => g.Count() <= levels)
                && (levels > 1 || perSide.All(g => g.Count() == 1))
                && r.AdoptedOrderIds.Distinct(StringComparer.Ordinal).Count() == r.AdoptedOrderIds.Length
                && r.AdoptedOrderIds.All(id => !canceled.Contains(id) && !r.RejectedReasons.ContainsKey(id))
                && live.Keys.All(id => r.AdoptedOrderIds.Contains(id) || r.RejectedReasons.ContainsKey(id))
                && (r.AdoptedBidOrderId is null || live[r.AdoptedBidOrderId].Side == Side.Buy)
                && (r.AdoptedAskOrderId is null || live[r.AdoptedAskOrderId].Side == Side.Sell)
                && new[] { Side.Buy, Side.Sell }.All(side =>
                    d.Placements.Count(p => p.Side == side) + r.AdoptedOrderIds.Count(id => live[id].Side == side) <= levels
                    && (!r.AdoptedOrderIds.IsEmpty || d.Halt is not null || d.Placements.Count(p => p.Side == side) == d.Targets.Count(t => t.Side == side)))
                && (d.Halt is null || d.Placements.IsEmpty);
        });
        Assert.True(adoptedCases > 200, $"only {adoptedCases} cases adopted anything");
    }

    [Fact]
    public void Deciding_again_on_the_state_a_decision_produced_places_and_cancels_nothing()
    {
        var changedFirst = 0;
        var gen = from c in Generators.Cases(running: true)
                  select c with
                  {
                      // A fresh sync (no refresh gate holding it back) with live orders known, and no lifetime guard
                      // that would expire between the two decisions.
                      State = c.State with { LastQuoteUpdate = null },
                      Config = c.Config with { MinQuoteLifetimeSeconds = 0 },
                      // Orders the matcher holds right now are left alone and cannot be ranked away: none here.
                      Snapshot = c.Snapshot with
                      {
                          Orders = c.Snapshot.Orders with
                          {
                              FetchedAt = c.Snapshot.Now,
                              FreshThisCycle = true,
                              Value = new LiveOrders([.. (c.Snapshot.Orders.Value?.Items ?? []).Select(o => o with { Matching = false })]),
                          },
                      },
                  };
        Check(gen, c =>
        {
            var d1 = c.Decide();
            if (d1.Halt?.Reason is HaltReasons.CancelRateLimitExceeded or HaltReasons.OpenOrderNotionalExceedsLimit or HaltReasons.QuoteAgeExceeded)
            {
                // Halts caused by our own live orders end once the halt has canceled them: quoting resumes next cycle by design.
                return true;
            }

            changedFirst += d1.Cancels.IsEmpty && d1.Placements.IsEmpty ? 0 : 1;
            var dt = TimeSpan.FromMilliseconds(c.Config.QuoteRefreshIntervalMs + 1);
            var d2 = Decider.Decide(F.Applied(c.Snapshot, d1, dt), d1.NextState, c.Config);
            if (d2.Placements.IsEmpty && d2.Cancels.IsEmpty)
            {
                return true;
            }

            throw new InvalidOperationException($"first: {Actions(d1)}\nsecond: {Actions(d2)}");
        });
        Assert.True(changedFirst > 500, $"only {changedFirst} first decisions changed anything");
    }

    [Fact]
    public void Nonces_strictly_increase_and_never_repeat_across_a_sequence_of_decisions()
    {
        var placedTotal = 0;
        var gen = from c in Generators.Cases(running: true)
                  from steps in Gen.Choose(2, 6)
                  from moves in Gen.Choose(-40, 40).ArrayOf(steps)
                  from clock in Gen.Choose(-5_000, 10_000).ArrayOf(steps)
                  from loseState in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true))).ArrayOf(steps)
                  select (c with { Config = c.Config with { OperatorMode = OperatorMode.Normal }, State = c.State with { LastQuoteUpdate = null } }, moves, clock, loseState);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (c, moves, clock, loseState) = t;
            var snapshot = c.Snapshot;
            var state = c.State;
            var seen = new HashSet<long>();
            var maxSoFar = long.MinValue;
            var latest = snapshot.Now;
            DateTimeOffset? pinned = null;
            for (var i = 0; i < moves.Length; i++)
            {
                var d = Decider.Decide(snapshot, state, c.Config);
                if (!d.Placements.IsEmpty)
                {
                    placedTotal += d.Placements.Length;
                    if (d.Placements.Min(p => p.Nonce) <= maxSoFar || !d.Placements.All(p => seen.Add(p.Nonce)))
                    {
                        return false;
                    }

                    maxSoFar = d.Placements.Max(p => p.Nonce);
                    if (d.NextState.Persisted.NextNonceBase <= maxSoFar
                        || d.Placements.Any(p => p.OrderId != Nonces.OrderId(c.Config.MarketSymbol, p.Side, p.Nonce)))
                    {
                        return false;
                    }
                }

                // Time moves (backwards too, while the state file is kept). When the state file is lost the clock is the
                // only memory: it must then be past every earlier decision (by at least a second), and it cannot go back
                // before that point until a placement has stored a nonce base again (on a real restart the nonce floor
                // from the exchange covers that window; this sequence stays in the running phase).
                var lost = loseState[i];
                latest = latest > snapshot.Now ? latest : snapshot.Now;
                if (!d.Placements.IsEmpty)
                {
                    pinned = null;
                }

                var dt = lost ? (latest - snapshot.Now) + TimeSpan.FromMilliseconds(Math.Abs(clock[i]) + 1000) : TimeSpan.FromMilliseconds(clock[i]);
                if (!lost && pinned is { } p0 && snapshot.Now + dt < p0)
                {
                    dt = p0 - snapshot.Now;
                }

                if (lost)
                {
                    pinned = snapshot.Now + dt;
                }

                state = lost ? d.NextState with { Persisted = new PersistedState() } : d.NextState;
                var next = F.Applied(snapshot, d, dt);
                snapshot = Moved(next, moves[i]);
            }

            return true;
        }).Check(Thorough);
        Assert.True(placedTotal > 800, $"only {placedTotal} placements");
    }

    /// <summary>Other participants' book moved by <paramref name="bps"/> (ours stays), so quotes get replaced.</summary>
    private static Snapshot Moved(Snapshot s, int bps)
    {
        if (s.MarketData.Value is not { } data || bps == 0)
        {
            return s;
        }

        var tick = s.Market.TickSize;
        BookOrder Move(BookOrder o) => IsOther(o) ? o with { Price = Math.Max(tick, Num.RoundDown(o.Price * (1 + (bps / 10_000m)), tick)) } : o;
        return s with
        {
            MarketData = s.MarketData with
            {
                Value = data with
                {
                    Bids = [.. data.Bids.Select(Move).OrderByDescending(o => o.Price)],
                    Asks = [.. data.Asks.Select(Move).OrderBy(o => o.Price)],
                },
            },
        };
    }

    [Fact]
    public void Inventory_caps_hold_after_any_fill_sequence()
    {
        var fillSteps = 0;
        var gen = from c in Generators.Cases(running: true)
                  from start in Gen.Choose(0, 1000)
                  from fills in Gen.Choose(0, 100).ArrayOf(48)
                  from moves in Gen.Choose(-30, 30).ArrayOf(8)
                  let cfg = c.Config with { OperatorMode = OperatorMode.Normal, MaxCancelsPerMinute = 0 }
                  let longCap = SpecOracle.LongCap(cfg)
                  let shortFloor = SpecOracle.ShortFloor(cfg)
                  let inventory = Num.RoundDown(shortFloor + ((longCap - shortFloor) * start / 1000m), c.Snapshot.Market.SizeStep)
                  select (new Case(
                      c.Snapshot with
                      {
                          Balances = Input<Balances>.Fresh(new Balances(inventory, 1_000_000_000m), c.Snapshot.Now),
                          Orders = Input<LiveOrders>.Fresh(LiveOrders.Empty, c.Snapshot.Now),
                          Market = MarketSpec.For(F.FutureSymbol, c.Snapshot.Market.TickSize),
                          KillSwitchPresent = false,
                      },
                      c.State with { LastQuoteUpdate = null },
                      cfg with { MarketSymbol = F.FutureSymbol, ExternalAnchor = cfg.ExternalAnchor with { Enabled = false } }), fills, moves);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (c, fills, moves) = t;
            var (effLong, effShort) = (SpecOracle.LongCap(c.Config), SpecOracle.ShortFloor(c.Config));
            var snapshot = c.Snapshot;
            var state = c.State;
            var f = 0;
            for (var step = 0; step < moves.Length; step++)
            {
                var d = Decider.Decide(snapshot, state, c.Config);
                state = d.NextState;
                snapshot = F.Applied(snapshot, d, TimeSpan.FromMilliseconds(c.Config.QuoteRefreshIntervalMs + 1));

                // Fill a random share of every live order of ours.
                var inventory = snapshot.Balances.Value!.BaseTotal;
                var live = new List<LiveOrder>();
                foreach (var o in snapshot.Orders.Value!.Items)
                {
                    var pct = fills[f++ % fills.Length];
                    var filled = Num.RoundDown(o.Remaining * pct / 100m, snapshot.Market.SizeStep);
                    inventory += o.Side == Side.Buy ? filled : -filled;
                    fillSteps += filled > 0 ? 1 : 0;
                    if (o.Remaining - filled > 0)
                    {
                        live.Add(o with { Remaining = o.Remaining - filled });
                    }
                }

                if (inventory > effLong || inventory < effShort)
                {
                    return false;
                }

                snapshot = Moved(snapshot with
                {
                    Orders = snapshot.Orders with { Value = new LiveOrders([.. live]) },
                    Balances = snapshot.Balances with { Value = new Balances(inventory, 1_000_000_000m) },
                }, moves[step]);
            }

            return true;
        }).Check(Thorough);
        Assert.True(fillSteps > 5000, $"only {fillSteps} fills");
    }

    private static string Actions(Decision d) =>
        $"halt={d.Halt?.Reason} skipped={d.SyncSkipped} targets=[{string.Join(", ", d.Targets.Select(t => $"{t.Side}{t.Level} {t.Price}x{t.Size}"))}] "
        + $"cancels=[{string.Join(", ", d.Cancels.Select(c => $"{c.OrderId} {c.Reason}"))}] places=[{string.Join(", ", d.Placements.Select(p => $"{p.Side}{p.Level} {p.Price}x{p.Size}"))}]";

    private static decimal Pow(decimal x, int n)
    {
        var r = 1m;
        for (var i = 0; i < n; i++)
        {
            r *= x;
        }

        return r;
    }
}
