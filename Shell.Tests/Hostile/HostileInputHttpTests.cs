using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Tests.EndToEnd;
using Xunit.Abstractions;

namespace MarketMaker.Shell.Tests.Hostile;

/// <summary>
/// The hostile-input suite (docs/hostile-input.md): one bot on the paper exchange behind a rewriting proxy on
/// loopback, fed one hostile answer after another. For each case: no order outside the sanity band around the honest
/// 1600 is ever placed, no exception escapes a cycle, the halt or suppression reason is the expected one, and once the
/// answers are honest again the bot quotes both sides and is ready. The case table is printed in the test output.
/// </summary>
public sealed class HostileInputHttpTests(ITestOutputHelper output)
{
    private const decimal Fair = 1600m;
    private const decimal BandBps = 2000m;
    private const string Seed = "0x5eed00000000000000000000000000000000a11c";
    private const string Attacker = "0xbad0000000000000000000000000000000000bad";
    private const string Quoting = "quoting";

    /// <summary>One hostile case: what is done to the answers, and what the bot must show while they last.</summary>
    private sealed record Case(string Name, Func<string, string>? Book, Func<string, string>? Trades, string Expected, string? Anomaly = null, string? Suppressed = null);

    private static IEnumerable<Case> Cases()
    {
        var future = DateTimeOffset.UtcNow.AddYears(1);
        yield return new("future trade on an empty book", b => Without(b, Seed), t => Trades(t, 3000m, future), HaltReasons.ReferencePriceUnavailable, InputAnomalyKinds.FutureTrade);
        yield return new("far trade on an empty book", b => Without(b, Seed), t => Trades(t, 3000m, DateTimeOffset.UtcNow.AddSeconds(-1)), HaltReasons.ReferencePriceUnavailable, InputAnomalyKinds.TradeOutlier);
        yield return new("dust bid inside the spread", b => Inject(b, Side.Buy, 1605m, 0.5m, "dust-1"), null, Quoting);
        yield return new("lone far bid at 0.001", b => Without(Inject(b, Side.Buy, 0.001m, 500m, "far-1"), Seed, Side.Buy), null, HaltReasons.ReferencePriceUnavailable, InputAnomalyKinds.BookOutlier);
        yield return new("lone bid at 1e-18", b => Without(Inject(b, Side.Buy, 0.000000000000000001m, 500m, "far-2"), Seed, Side.Buy), null, HaltReasons.ReferencePriceUnavailable);
        yield return new("bid at 1e18 above the honest one", b => Inject(b, Side.Buy, 1_000_000_000_000_000_000m, 500m, "far-3"), null, Quoting, InputAnomalyKinds.BookOutlier, $"sell {SuppressionReasons.WouldCrossBook}");
        yield return new("ask at 1e-18 below the honest one", b => Inject(b, Side.Sell, 0.000000000000000001m, 500m, "far-4"), null, Quoting, null, $"buy {SuppressionReasons.WouldCrossBook}");
        yield return new("crossed book", b => Inject(b, Side.Buy, 1620m, 500m, "cross-1"), null, HaltReasons.ReferencePriceUnavailable);
        yield return new("duplicate order ids", b => Duplicate(b), null, Quoting);
        yield return new("foreign mm: id of another owner", b => Inject(b, Side.Buy, 1599m, 500m, $"mm:{PaperStack.PaperCommandMarket}:buy:1", Attacker), null, Quoting);
        // Parsed (rounded to 28 digits): both seeded orders then sit at 1600, so bid = ask is no mid.
        yield return new("40-decimal price string", b => SetField(b, "limit_price", "0.0006250000000000000000000000000000000001"), null, HaltReasons.ReferencePriceUnavailable);
        yield return new("huge size", b => SetField(b, "desired_amount", "1" + new string('0', 40)), null, HaltReasons.ExchangeMarketDataStale);
        yield return new("negative size", b => SetField(b, "desired_amount", "-500"), null, HaltReasons.ExchangeMarketDataStale);
        yield return new("NaN price", b => SetField(b, "limit_price", "NaN"), null, HaltReasons.ExchangeMarketDataStale);
        yield return new("Infinity price", b => SetField(b, "limit_price", "Infinity"), null, HaltReasons.ExchangeMarketDataStale);
        yield return new("wrong types", b => b.Replace("\"bids\":[", "\"bids\":\"yes\",\"x\":[", StringComparison.Ordinal), null, HaltReasons.ExchangeMarketDataStale);
        yield return new("missing fields", b => RemoveField(b, "limit_price"), null, HaltReasons.ExchangeMarketDataStale);
        yield return new("1 MB body", _ => "{\"bids\":[" + new string(' ', 1 << 20) + "x", null, HaltReasons.ExchangeMarketDataStale);
        yield return new("deep nesting", _ => new string('[', 100_000) + new string(']', 100_000), null, HaltReasons.ExchangeMarketDataStale);
        yield return new("NaN trade price", null, t => Trades(t, 1600m, DateTimeOffset.UtcNow).Replace("\"price\":\"0.000625\"", "\"price\":\"NaN\"", StringComparison.Ordinal), HaltReasons.ExchangeMarketDataStale);
    }

    [Fact]
    public async Task Hostile_answers_never_make_the_bot_trade_outside_the_band_throw_or_freeze()
    {
        await using var stack = await PaperStack.StartAsync(null);
        await using var proxy = await RewritingProxy.StartAsync(new Uri(stack.Exchange.ApiUrl.TrimEnd('/') + "/"));
        var env = stack.BotEnv(
            ("MM_API_BASE_URL", proxy.Url.AbsoluteUri.TrimEnd('/')),
            ("MM_STALE_MARKET_DATA_TIMEOUT_SECONDS", "2"),
            ("MM_POLL_INTERVAL_MS", "250"),
            ("MM_QUOTE_REFRESH_INTERVAL_MS", "250"),
            ("MM_MAX_CANCELS_PER_MINUTE", "0"),
            ("MM_LOG_LEVEL", "INFO"));
        var overrides = new WiringOverrides(market => new PaperStoreLiveOrders(stack.Exchange.Store, market, stack.Owner, PaperStack.Subaccount));
        await using var bot = RunningBot.Start(env, overrides);
        await bot.WaitForAsync(() => bot.Handle.Readiness.Current.Ready && bot.Handle.History.Any(o => o.Decision.Placements.Length > 0), "ready and quoting before the first case");

        var table = new StringBuilder();
        table.AppendLine("| case | expected | seen | suppressed | anomaly | placements outside band | cycles | recovered |");
        table.AppendLine("|---|---|---|---|---|---|---|---|");
        var failures = new List<string>();
        var only = Environment.GetEnvironmentVariable("MM_TEST_HOSTILE_CASES");
        foreach (var c in Cases().Where(c => string.IsNullOrEmpty(only) || c.Name.Contains(only, StringComparison.Ordinal)))
        {
            var mark = bot.Handle.History.Count;
            var rewritten = proxy.Rewritten;
            proxy.Rewrite(c.Book, c.Trades);

            // Wait until a decision made from a hostile answer shows the expected reason, then hold three more cycles.
            string seen = "(none)";
            try
            {
                await bot.WaitForAsync(() => proxy.Rewritten > rewritten + 1 && Matches(Latest(bot), c), $"{c.Name}: {c.Expected}", TimeSpan.FromSeconds(15));
                seen = Describe(Latest(bot));
                await bot.CyclesAsync(3);
                if (!Matches(Latest(bot), c))
                {
                    failures.Add($"{c.Name}: expected {c.Expected} to hold, saw {Describe(Latest(bot))}");
                }
            }
            catch (Xunit.Sdk.XunitException)
            {
                seen = Describe(Latest(bot));
                failures.Add($"{c.Name}: expected {c.Expected}, saw {seen}");
            }

            var during = bot.Handle.History.Skip(mark).ToList();
            var outside = during.SelectMany(o => o.Decision.Placements).Where(p => !WithinBand(p.Price)).ToList();
            var anomalySeen = c.Anomaly is null || during.Any(o => o.Decision.InputAnomalies.Any(a => a.Kind == c.Anomaly));
            if (outside.Count > 0)
            {
                failures.Add($"{c.Name}: placed outside the band: {string.Join(", ", outside.Select(p => $"{p.Side.Wire()} {p.Price}"))}");
            }

            if (!anomalySeen)
            {
                failures.Add($"{c.Name}: anomaly {c.Anomaly} was not reported");
            }

            // Recovery: honest answers again → ready with one bid and one ask.
            proxy.Rewrite(null, null);
            var recovered = true;
            try
            {
                await bot.WaitForAsync(
                    async () => bot.Handle.Readiness.Current.Ready && Latest(bot) is { Halt: null } d && d.Targets.Length == 2 && await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 },
                    $"{c.Name}: recovery",
                    TimeSpan.FromSeconds(20));
            }
            catch (Xunit.Sdk.XunitException)
            {
                recovered = false;
                failures.Add($"{c.Name}: no recovery, last {Describe(Latest(bot))}");
            }

            table.AppendLine($"| {c.Name} | {c.Expected} | {seen} | {c.Suppressed ?? "-"} | {(c.Anomaly is null ? "-" : anomalySeen ? c.Anomaly : "MISSING " + c.Anomaly)} | {outside.Count} | {during.Count} | {(recovered ? "yes" : "NO")} |");
        }

        output.WriteLine(table.ToString());
        foreach (var failure in failures)
        {
            output.WriteLine("FAILED: " + failure);
        }

        if (failures.Count > 0)
        {
            foreach (var line in bot.Stdout.Split('\n').Where(l => l.Contains("fetch failed", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("fetch failed", StringComparison.Ordinal))..]).Distinct().Take(20))
            {
                output.WriteLine(line);
            }
        }

        var all = bot.Handle.History.SelectMany(o => o.Decision.Placements).ToList();
        output.WriteLine($"placements in total: {all.Count}, outside the band: {all.Count(p => !WithinBand(p.Price))}");
        Assert.DoesNotContain("cycle failed", bot.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("decision failed", bot.Stdout, StringComparison.Ordinal);
        Assert.Empty(failures);
        Assert.False(bot.Exit.IsCompleted);
        Assert.Equal(0, await bot.StopAsync());
    }

    private static Decision? Latest(RunningBot bot) => bot.Handle.History.Count == 0 ? null : bot.Handle.History[^1].Decision;

    private static bool Matches(Decision? d, Case c) =>
        d is not null && (c.Expected == Quoting
            ? d.Halt is null && d.ReferencePrice is { } r && WithinBand(r) && d.Placements.All(p => WithinBand(p.Price))
                && (c.Suppressed is null || d.Suppressions.Any(s => $"{s.Side.Wire()} {s.Reason}" == c.Suppressed))
            : d.Halt?.Reason == c.Expected);

    private static string Describe(Decision? d) =>
        d is null ? "(no decision)" : d.Halt is { } h ? h.Reason : $"{Quoting} ref={d.ReferencePrice?.ToString("0.####", CultureInfo.InvariantCulture)} targets={d.Targets.Length}";

    private static bool WithinBand(decimal price) => Math.Abs(price - Fair) <= Fair * BandBps / 10_000m;

    // ----- rewrites of the engine-view JSON the paper exchange serves (spot: engine price = 1 / trader price) -----

    private static JsonArray List(JsonNode book, string name) => book[name]!.AsArray();

    private static decimal TraderPrice(JsonNode order) => 1m / decimal.Parse(order["limit_price"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    /// <summary>The book without the orders of <paramref name="owner"/> (one trader side only, when given).</summary>
    private static string Without(string body, string owner, Side? side = null)
    {
        var book = JsonNode.Parse(body)!;
        foreach (var name in new[] { "bids", "asks" })
        {
            var list = List(book, name);
            for (var i = list.Count - 1; i >= 0; i--)
            {
                var o = list[i]!;
                var traderSide = TraderPrice(o) < Fair ? Side.Buy : Side.Sell;
                if (o["owner_address"]!.GetValue<string>() == owner && (side is null || traderSide == side))
                {
                    list.RemoveAt(i);
                }
            }
        }

        return book.ToJsonString();
    }

    /// <summary>Adds another participant's order at a trader-view price and size, cloned from the seeded order of that trader side.</summary>
    private static string Inject(string body, Side side, decimal traderPrice, decimal traderSize, string id, string owner = "0x7a4e00000000000000000000000000000000beef")
    {
        var original = JsonNode.Parse(body)!;
        var (listName, template) = Template(original, side);
        var book = JsonNode.Parse(body)!;
        var templatePrice = TraderPrice(template);
        var desired = BigInteger.Parse(template["desired_amount"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var filled = BigInteger.Parse(template["filled_amount"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var templateSize = 500m;

        // Engine amount per trader size × price, from the template (the seeded order is 500 USDC).
        var perUnit = (decimal)(desired - filled) / (templateSize * templatePrice);
        var amount = new BigInteger(Math.Max(1m, Math.Floor(traderSize * traderPrice * perUnit)));
        var order = template.DeepClone();
        order["order_id"] = id;
        order["owner_address"] = owner;
        order["limit_price"] = WireDecimal.Format(Math.Round(1m / traderPrice, 18, MidpointRounding.ToZero) is var p && p > 0 ? p : 0.000000000000000001m);
        order["desired_amount"] = amount.ToString(CultureInfo.InvariantCulture);
        order["filled_amount"] = "0";
        var list = List(book, listName);
        list.Add(order);
        var sorted = list.Select(n => n!.DeepClone()).OrderBy(n => decimal.Parse(n["limit_price"]!.GetValue<string>(), CultureInfo.InvariantCulture) * (listName == "bids" ? -1 : 1)).ToList();
        list.Clear();
        foreach (var n in sorted)
        {
            list.Add(n);
        }

        return book.ToJsonString();
    }

    private static (string List, JsonNode Order) Template(JsonNode book, Side side)
    {
        foreach (var name in new[] { "bids", "asks" })
        {
            foreach (var o in List(book, name))
            {
                if (o!["owner_address"]!.GetValue<string>() == Seed && (TraderPrice(o) < Fair) == (side == Side.Buy))
                {
                    return (name, o.DeepClone());
                }
            }
        }

        throw new InvalidOperationException("no seeded order to clone");
    }

    private static string Duplicate(string body)
    {
        var book = JsonNode.Parse(body)!;
        foreach (var name in new[] { "bids", "asks" })
        {
            var list = List(book, name);
            foreach (var o in list.Where(o => o!["owner_address"]!.GetValue<string>() == Seed).ToList())
            {
                list.Add(o!.DeepClone());
            }
        }

        return book.ToJsonString();
    }

    private static string SetField(string body, string field, string value)
    {
        var book = JsonNode.Parse(body)!;
        foreach (var o in List(book, "bids").Concat(List(book, "asks")).Where(o => o!["owner_address"]!.GetValue<string>() == Seed))
        {
            o![field] = value;
        }

        return book.ToJsonString();
    }

    private static string RemoveField(string body, string field)
    {
        var book = JsonNode.Parse(body)!;
        foreach (var o in List(book, "bids").Concat(List(book, "asks")))
        {
            o!.AsObject().Remove(field);
        }

        return book.ToJsonString();
    }

    /// <summary>A trades answer with one trade of another participant at a trader price (engine price 1 / price) and time.</summary>
    private static string Trades(string body, decimal traderPrice, DateTimeOffset at)
    {
        var enginePrice = WireDecimal.Format(Math.Round(1m / traderPrice, 18, MidpointRounding.ToZero));
        var trade = new JsonObject
        {
            ["trade_id"] = 777_001,
            ["asset_address"] = "0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493",
            ["sub_id"] = "0",
            ["price"] = enginePrice,
            ["size"] = "30000",
            ["aggressor_side"] = "buy",
            ["taker_order_id"] = "attacker-taker",
            ["maker_order_id"] = "attacker-maker",
            ["created_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["contract_type"] = "spot",
            ["settlement_type"] = "spot",
            ["market"] = PaperStack.PaperCommandMarket,
        };
        var answer = JsonNode.Parse(body)!;
        answer["trades"] = new JsonArray(trade);
        return answer.ToJsonString();
    }
}
