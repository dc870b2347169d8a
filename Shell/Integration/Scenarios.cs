using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using MarketMaker.Core;

namespace MarketMaker.Shell.Integration;

/// <summary>The scenarios of reference-bot.md §10, with the stronger assertions of behaviour.md §16.</summary>
internal static class Scenarios
{
    public static Task<JsonObject> RunAsync(string name, Harness h, CancellationToken ct) => name switch
    {
        "happy" => HappyAsync(h, ct),
        "partial_fill" => PartialFillAsync(h, ct),
        "restart_under_open_order" => RestartUnderOpenOrderAsync(h, ct),
        "stale_startup" => StaleStartupAsync(h, ct),
        "duplicate_startup" => DuplicateStartupAsync(h, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown scenario"),
    };

    /// <summary>Quote, get hit in full, re-quote, restart and adopt both resting quotes.</summary>
    private static async Task<JsonObject> HappyAsync(Harness h, CancellationToken ct)
    {
        await h.EnsureCleanMarketAsync(ct);
        JsonObject summary;
        ImmutableArray<string> resting;
        Quotes after;
        decimal inventoryBefore, inventoryAfter;
        string takerId;
        Trade trade;
        await using (var bot = h.StartBot())
        {
            var quotes = await h.WaitForQuotesAsync(bot, ct);
            inventoryBefore = bot.Inventory ?? throw new ScenarioFailedException("the bot has no balance reading");
            var seenTrades = (await h.MarketDataAsync(ct)).Trades.Select(t => t.TradeId).ToHashSet();
            takerId = await h.Taker.PlaceAsync("happy", h.Symbol, Side.Buy, quotes.Ask.Price, quotes.Ask.Remaining, ct);
            trade = await WaitForTradeAsync(h, bot, seenTrades, quotes.Ask.OrderId, ct);
            inventoryAfter = await WaitForInventoryChangeAsync(h, bot, inventoryBefore, ct);
            after = await h.WaitForQuotesAsync(bot, ct, q => q.Ask.OrderId != quotes.Ask.OrderId, $"with a new ask (the filled one was {quotes.Ask.OrderId})");
            resting = after.Ids;
            summary = new JsonObject
            {
                ["quotes_before_fill"] = new JsonArray(Quotes.Json(quotes.Bid), Quotes.Json(quotes.Ask)),
                ["taker_order_id"] = takerId,
                ["trade"] = TradeJson(trade),
            };
        }

        // Stop, then a new bot: its startup reconciliation must adopt (not replace) both resting quotes.
        await using var restarted = h.StartBot();
        var startup = await h.UntilReconciledAsync(restarted, ct);
        var report = startup[^1].Decision.Reconciliation!;
        if (startup.Any(c => !c.Decision.Cancels.IsEmpty || !c.Decision.Placements.IsEmpty))
        {
            throw new ScenarioFailedException("the restarted bot canceled or placed orders in its startup reconciliation");
        }

        var adopted = report.AdoptedOrderIds.Order(StringComparer.Ordinal).ToImmutableArray();
        var expected = resting.Order(StringComparer.Ordinal).ToImmutableArray();
        if (!adopted.SequenceEqual(expected) || report.AdoptedBidOrderId != after.Bid.OrderId || report.AdoptedAskOrderId != after.Ask.OrderId)
        {
            throw new ScenarioFailedException($"the restarted bot did not adopt both resting quotes: resting before restart [{string.Join(", ", expected)}], adopted [{string.Join(", ", adopted)}], canceled [{string.Join(", ", report.CanceledOrderIds)}], reasons {Reasons(report)}");
        }

        var final = await h.WaitForQuotesAsync(restarted, ct);
        if (!final.Ids.Order(StringComparer.Ordinal).SequenceEqual(expected))
        {
            throw new ScenarioFailedException($"after the restart the quotes changed: before [{string.Join(", ", expected)}], now [{string.Join(", ", final.Ids)}]");
        }

        summary["open_bid_count"] = final.Bids.Length;
        summary["open_ask_count"] = final.Asks.Length;
        summary["last_trade_present"] = (await h.MarketDataAsync(ct)).Trades.Any(t => t.TradeId == trade.TradeId);
        summary["inventory_before"] = inventoryBefore;
        summary["inventory_after"] = inventoryAfter;
        summary["resting_order_ids_before_restart"] = Array(expected);
        summary["adopted_order_ids_after_restart"] = Array(adopted);
        summary["canceled_order_ids_after_restart"] = Array(report.CanceledOrderIds);
        summary["no_duplicate_side_orders"] = final.NoDuplicateSides;
        summary["key"] = string.Create(CultureInfo.InvariantCulture, $"filled {trade.Size}@{trade.Price}, inventory {inventoryBefore} -> {inventoryAfter}, adopted {adopted.Length}/2 after restart");
        return summary;
    }

    /// <summary>The taker takes half the ask: the ask keeps resting with the rest, and the bot counts a partial fill.</summary>
    private static async Task<JsonObject> PartialFillAsync(Harness h, CancellationToken ct)
    {
        await h.EnsureCleanMarketAsync(ct);
        await using var bot = h.StartBot();
        var quotes = await h.WaitForQuotesAsync(bot, ct);
        var ask = quotes.Ask;
        var step = h.Market.Spec.SizeStep;
        var partial = Math.Floor(ask.Remaining / 2m / step) * step;
        if (partial <= 0m)
        {
            throw new ScenarioFailedException($"the ask {ask.OrderId} is too small to fill half of it ({ask.Remaining})");
        }

        var inventoryBefore = bot.Inventory ?? throw new ScenarioFailedException("the bot has no balance reading");
        var seenTrades = (await h.MarketDataAsync(ct)).Trades.Select(t => t.TradeId).ToHashSet();
        var takerId = await h.Taker.PlaceAsync("partial_fill", h.Symbol, Side.Buy, ask.Price, partial, ct);
        var trade = await WaitForTradeAsync(h, bot, seenTrades, ask.OrderId, ct);
        var inventoryAfter = await WaitForInventoryChangeAsync(h, bot, inventoryBefore, ct);
        var after = await h.WaitForQuotesAsync(bot, ct, q => q.Ask.OrderId != ask.OrderId || q.Ask.Remaining < ask.Remaining, "with the partial fill visible on the ask");
        var askAfter = after.Ask;
        if (!(askAfter.Size > 0m && askAfter.Size <= ask.Size))
        {
            throw new ScenarioFailedException($"ask after the fill has size {askAfter.Size}, expected 0 < size <= {ask.Size}");
        }

        if (askAfter.OrderId != ask.OrderId)
        {
            throw new ScenarioFailedException($"the partially filled ask {ask.OrderId} was replaced by {askAfter.OrderId} ({askAfter.Remaining}/{askAfter.Size}); it should keep resting with the remaining size. In an isolated market the trade becomes the bot's reference (it moves by the half spread): MM_CANCEL_STALE_ORDER_THRESHOLD_BPS must exceed MM_HALF_SPREAD_BPS for the ask to stay");
        }

        // The exchange keeps spot amounts in cNGN, so the trader-view remaining carries conversion dust: 10 bps tolerance.
        var expectedRemaining = ask.Remaining - partial;
        if (Math.Abs(askAfter.Remaining - expectedRemaining) > Math.Max(step, ask.Size * 0.001m))
        {
            throw new ScenarioFailedException($"ask {ask.OrderId} has {askAfter.Remaining} remaining on the exchange, expected {expectedRemaining} ({ask.Remaining} - {partial})");
        }

        await h.WaitAsync<string>("the bot to count the partial fill (mm_bot_partial_fills_total >= 1)", bot, _ => Task.FromResult<(string?, string)>((bot.PartialFills >= 1 ? "counted" : null, $"partial fills {bot.PartialFills}")), ct);
        var status = await h.Markets.GetOrderStatusAsync(ask.OrderId, ct);
        var counter = await bot.MetricAsync("mm_bot_partial_fills_total");
        return new JsonObject
        {
            ["taker_order_id"] = takerId,
            ["trade"] = TradeJson(trade),
            ["inventory_before"] = inventoryBefore,
            ["inventory_after"] = inventoryAfter,
            ["partial_size"] = partial,
            ["open_bid_count"] = after.Bids.Length,
            ["open_ask_count"] = after.Asks.Length,
            ["extra"] = new JsonObject
            {
                ["partial_size"] = partial,
                ["ask_before_id"] = ask.OrderId,
                ["ask_before_size"] = ask.Size,
                ["ask_before_remaining"] = ask.Remaining,
                ["ask_after_id"] = askAfter.OrderId,
                ["ask_after_size"] = askAfter.Size,
                ["ask_after_remaining"] = askAfter.Remaining,
                ["exchange_status"] = status.Status,
                ["exchange_filled_amount"] = status.FilledAmount,
                ["exchange_remaining_amount"] = status.RemainingAmount,
            },
            ["bot_partial_fills_total"] = decimal.Parse(counter, NumberStyles.Float, CultureInfo.InvariantCulture),
            ["key"] = string.Create(CultureInfo.InvariantCulture, $"filled {partial} of {ask.Remaining}, {askAfter.Remaining} still resting on {ask.OrderId} (exchange: {status.Status}), partial fills counted {counter}"),
        };
    }

    /// <summary>Stop and restart with both quotes resting: the first two cycles cancel and place nothing.</summary>
    private static async Task<JsonObject> RestartUnderOpenOrderAsync(Harness h, CancellationToken ct)
    {
        await h.EnsureCleanMarketAsync(ct);
        Quotes before;
        await using (var bot = h.StartBot())
        {
            before = await h.WaitForQuotesAsync(bot, ct);
        }

        var firstCycles = new JsonArray();
        ImmutableArray<string> adopted;
        Quotes afterRestart;
        await using (var restarted = h.StartBot())
        {
            // Every cycle until the startup reconciliation (deferred while the matcher holds an order), then one more:
            // at least the first two cycles after the restart, none of which may cancel or place anything.
            var cycles = await h.UntilReconciledAsync(restarted, ct);
            await Task.Delay(h.BotInterval, ct);
            cycles.Add(await restarted.CycleAsync(ct));
            if (cycles.Count < 3)
            {
                await Task.Delay(h.BotInterval, ct);
                cycles.Add(await restarted.CycleAsync(ct));
            }

            for (var i = 0; i < cycles.Count; i++)
            {
                var d = cycles[i].Decision;
                firstCycles.Add(new JsonObject
                {
                    ["cycle"] = i + 1,
                    ["cancels"] = d.Cancels.Length,
                    ["placements"] = d.Placements.Length,
                    ["reconciled"] = d.Reconciliation is not null,
                    ["sync_skipped"] = d.SyncSkipped,
                    ["halt"] = d.Halt?.Reason,
                });
                if (!d.Cancels.IsEmpty || !d.Placements.IsEmpty)
                {
                    throw new ScenarioFailedException($"restart cycle {i + 1} sent {d.Cancels.Length} cancels [{string.Join(", ", d.Cancels.Select(c => c.OrderId + ":" + c.Reason))}] and {d.Placements.Length} placements; expected none while both quotes rest");
                }
            }

            adopted = cycles.Single(c => c.Decision.Reconciliation is not null).Decision.Reconciliation!.AdoptedOrderIds.Order(StringComparer.Ordinal).ToImmutableArray();
            if (!adopted.SequenceEqual(before.Ids.Order(StringComparer.Ordinal)))
            {
                throw new ScenarioFailedException($"the restarted bot adopted [{string.Join(", ", adopted)}], expected the resting [{string.Join(", ", before.Ids)}]");
            }

            afterRestart = await h.WaitForQuotesAsync(restarted, ct);
            if (!afterRestart.Ids.SequenceEqual(before.Ids))
            {
                throw new ScenarioFailedException($"open orders changed across the restart: before [{string.Join(", ", before.Ids)}], after [{string.Join(", ", afterRestart.Ids)}]");
            }
        }

        // Another fresh bot loop: the same orders, in the same order, no duplicates.
        await using var third = h.StartBot();
        var final = await h.WaitForQuotesAsync(third, ct, q => q.Ids.SequenceEqual(afterRestart.Ids), "equal to the post-restart orders");
        return new JsonObject
        {
            ["order_ids_before_restart"] = Array(before.Ids),
            ["adopted_order_ids_after_restart"] = Array(adopted),
            ["order_ids_after_restart"] = Array(afterRestart.Ids),
            ["order_ids_after_second_restart"] = Array(final.Ids),
            ["first_cycles_after_restart"] = firstCycles,
            ["no_duplicate_side_orders"] = final.NoDuplicateSides,
            ["key"] = $"adopted {adopted.Length}/2, 0 cancels and 0 placements in the first {firstCycles.Count} cycles after restart",
        };
    }

    /// <summary>Quotes far from any target rest at startup: both are canceled, then one fresh quote per side.</summary>
    private static async Task<JsonObject> StaleStartupAsync(Harness h, CancellationToken ct)
    {
        await h.EnsureCleanMarketAsync(ct);
        var size = h.Settings.Bot.OrderSize;
        var baseNonce = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        ImmutableArray<string> seeded;
        await using (var seeder = h.StartBot())
        {
            seeded =
            [
                await h.SeedBotOrderAsync(seeder, Side.Buy, 1m, size, baseNonce + 1, ct),
                await h.SeedBotOrderAsync(seeder, Side.Sell, 999999m, size, baseNonce + 2, ct),
            ];
            await WaitForLiveAsync(h, seeder, seeded, ct);
        }

        return await StartupCancelsAsync(h, seeded, seeded, ct);
    }

    /// <summary>Two bids and one ask rest at startup: both bids are duplicates and canceled; one order per side afterwards.</summary>
    private static async Task<JsonObject> DuplicateStartupAsync(Harness h, CancellationToken ct)
    {
        await h.EnsureCleanMarketAsync(ct);
        ImmutableArray<string> seeded;
        await using (var probe = h.StartBot())
        {
            // The startup decision of a bot over an empty account gives the targets the seeds are placed around.
            var first = await probe.CycleAsync(ct);
            var bid = first.Decision.Targets.FirstOrDefault(t => t.Side == Side.Buy && t.Level == 0);
            var ask = first.Decision.Targets.FirstOrDefault(t => t.Side == Side.Sell && t.Level == 0);
            if (bid is null || ask is null)
            {
                throw new ScenarioFailedException($"the bot computes no bid and ask targets (halt: {first.Decision.Halt?.Reason ?? "none"}, reference: {first.Decision.ReferencePrice?.ToString(CultureInfo.InvariantCulture) ?? "none"}); it cannot be tested here");
            }

            // The startup decision over an empty account also places the targets (issue 17); those are not seeds: remove them.
            await h.EnsureCleanMarketAsync(ct);

            // One bid exactly at the target (adoptable), a second bid 1.1 % under the mid (a duplicate on the side) and an
            // ask 1 % over the mid (too far from the target at the default thresholds).
            var reference = (bid.Price + ask.Price) / 2m;
            var baseNonce = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
            seeded =
            [
                await h.SeedBotOrderAsync(probe, Side.Buy, bid.Price, bid.Size, baseNonce + 1, ct),
                await h.SeedBotOrderAsync(probe, Side.Buy, h.Round(reference * 0.989m), bid.Size, baseNonce + 2, ct),
                await h.SeedBotOrderAsync(probe, Side.Sell, h.Round(reference * 1.01m), ask.Size, baseNonce + 3, ct),
            ];
            await WaitForLiveAsync(h, probe, seeded, ct);
        }

        return await StartupCancelsAsync(h, seeded, [seeded[1], seeded[2]], ct);
    }

    /// <summary>
    /// A new bot's startup reconciliation over the seeded orders: the canceled ids must be exactly the seeded orders it did
    /// not adopt (at least two, including every id of <paramref name="mustCancel"/>), at most one order per side is adopted
    /// (behaviour.md §7), the canceled orders disappear from the exchange and one order per side remains.
    /// </summary>
    private static async Task<JsonObject> StartupCancelsAsync(Harness h, ImmutableArray<string> seeded, ImmutableArray<string> mustCancel, CancellationToken ct)
    {
        await using var bot = h.StartBot();
        var first = (await h.UntilReconciledAsync(bot, ct))[^1];
        var report = first.Decision.Reconciliation!;
        var adopted = report.AdoptedOrderIds;
        var wrongAdoption = adopted.Where(id => !seeded.Contains(id)).ToList();
        if (adopted.Count(id => id.Contains(":buy:", StringComparison.Ordinal)) > 1 || adopted.Count(id => id.Contains(":sell:", StringComparison.Ordinal)) > 1)
        {
            wrongAdoption.AddRange(adopted);
        }

        var expected = seeded.Where(id => !adopted.Contains(id)).Order(StringComparer.Ordinal).ToImmutableArray();
        if (wrongAdoption.Count > 0 || mustCancel.Any(id => !report.CanceledOrderIds.Contains(id)) || !report.CanceledOrderIds.SequenceEqual(expected) || report.CanceledOrderIds.Length < 2)
        {
            throw new ScenarioFailedException($"startup reconciliation canceled [{string.Join(", ", report.CanceledOrderIds)}] and adopted [{string.Join(", ", adopted)}]; expected canceled [{string.Join(", ", expected)}] with [{string.Join(", ", mustCancel)}] among them; reasons {Reasons(report)}");
        }

        // A cancel can miss while the exchange's matcher holds the order ("matching"); the bot re-checks it from exchange
        // state and cancels it in a later cycle. What counts is that the canceled ids leave the exchange.
        var retried = first.Cancels.Where(c => !c.Outcome.Ok).Select(c => $"{c.Cancel.OrderId}: {c.Outcome.Error}").ToList();

        // The startup decision places only the sides that no adopted order holds (behaviour.md §7 targets, issue 17).
        var adoptedSides = new[] { report.AdoptedBidOrderId is null ? (Side?)null : Side.Buy, report.AdoptedAskOrderId is null ? null : Side.Sell };
        var doubled = first.Decision.Placements.Where(p => adoptedSides.Contains(p.Side)).ToList();
        if (doubled.Count > 0)
        {
            throw new ScenarioFailedException($"the startup decision placed [{string.Join(", ", doubled.Select(p => p.OrderId))}] on a side whose order was adopted");
        }

        var canceled = report.CanceledOrderIds;
        var final = await h.WaitForQuotesAsync(bot, ct, q => !q.Ids.Any(canceled.Contains), "and none of the canceled ids");
        var replaced = adopted.Where(id => !final.Ids.Contains(id)).ToList();
        if (replaced.Count > 0)
        {
            throw new ScenarioFailedException($"adopted orders [{string.Join(", ", replaced)}] were not kept: open now [{string.Join(", ", final.Ids)}]");
        }

        return new JsonObject
        {
            ["seeded_order_ids"] = Array(seeded),
            ["canceled_order_ids"] = Array(canceled),
            ["adopted_order_ids"] = Array(adopted),
            ["rejected_reasons"] = Reasons(report),
            ["open_bid_count"] = final.Bids.Length,
            ["open_ask_count"] = final.Asks.Length,
            ["order_ids_after"] = Array(final.Ids),
            ["no_duplicate_side_orders"] = final.NoDuplicateSides,
            ["startup_cancels_retried"] = Array(retried),
            ["key"] = $"canceled {canceled.Length} [{string.Join(", ", canceled)}], adopted {adopted.Length}, then 1 bid + 1 ask",
        };
    }

    private static Task<string> WaitForLiveAsync(Harness h, BotInstance bot, ImmutableArray<string> ids, CancellationToken ct) =>
        h.WaitAsync<string>(
            $"the seeded orders [{string.Join(", ", ids)}] to be live",
            null,
            async c =>
            {
                var live = (await bot.LiveAsync(c)).Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
                return (ids.All(live.Contains) ? "live" : null, $"live [{string.Join(", ", live)}]");
            },
            ct);

    private static Task<Trade> WaitForTradeAsync(Harness h, BotInstance bot, HashSet<long> seen, string makerOrderId, CancellationToken ct) =>
        h.WaitAsync<Trade>(
            $"a trade against the bot's ask {makerOrderId}",
            bot,
            async c =>
            {
                var trades = (await h.MarketDataAsync(c)).Trades;
                var trade = trades.FirstOrDefault(t => !seen.Contains(t.TradeId) && t.MakerOrderId == makerOrderId);
                return (trade, $"{trades.Count(t => !seen.Contains(t.TradeId))} new trades");
            },
            ct);

    private static async Task<decimal> WaitForInventoryChangeAsync(Harness h, BotInstance bot, decimal before, CancellationToken ct)
    {
        var changed = await h.WaitAsync<object>(
            "the bot's inventory to change",
            bot,
            _ => Task.FromResult<(object?, string)>((bot.Inventory is { } now && now != before ? now : null, $"inventory {bot.Inventory?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} (was {before.ToString(CultureInfo.InvariantCulture)})")),
            ct);
        return (decimal)changed;
    }

    private static JsonObject TradeJson(Trade t) => new()
    {
        ["trade_id"] = t.TradeId,
        ["price"] = t.Price,
        ["size"] = t.Size,
        ["maker_order_id"] = t.MakerOrderId,
        ["taker_order_id"] = t.TakerOrderId,
    };

    private static JsonObject Reasons(ReconciliationReport r)
    {
        var o = new JsonObject();
        foreach (var (id, reason) in r.RejectedReasons)
        {
            o[id] = reason;
        }

        return o;
    }

    private static JsonArray Array(IEnumerable<string> ids) => new([.. ids.Select(id => (JsonNode?)JsonValue.Create(id))]);
}
