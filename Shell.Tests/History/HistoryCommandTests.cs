using System.Net.Http.Json;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.History;
using MarketMaker.Shell.Tests.EndToEnd;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.History;

/// <summary>
/// <c>mm-bot history</c> against a paper exchange (real HTTP on loopback, PostgreSQL) on which a bot was filled on both
/// sides by another participant: the fills, their prices and sizes as the book showed our orders, the realized P&amp;L
/// of the round trip, and the markouts from the bot's recording.
/// </summary>
public sealed class HistoryCommandTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Lists_both_fills_with_realized_pnl_and_the_recorded_markouts()
    {
        await using var stack = await PaperStack.StartAsync(await postgres.CreateDatabaseAsync("history"));
        var recording = Path.Combine(stack.Dir, "cycles.jsonl");
        // A 10-minute refresh gate: the hit's crossing order rests in the book until the matcher's next tick and moves
        // the others' mid; without the gate the bot may replace the hit order first, and the hit fills its successor.
        var env = stack.BotEnv(("MM_RECORD_FILE", recording), ("MM_LOG_LEVEL", "INFO"), ("MM_QUOTE_REFRESH_INTERVAL_MS", "600000"));
        using var http = new HttpClient();
        var client = new MarketsClient(http, new Uri(stack.Exchange.ApiUrl + "/"), TimeSpan.FromSeconds(5));
        var spec = MarketInfo.Find(await client.GetMarketsAsync(), PaperStack.PaperCommandMarket).Spec;

        string ask, bid;
        BookOrder askSeen, bidSeen;
        await using (var bot = RunningBot.Start(env))
        {
            await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "one bid and one ask");
            (ask, askSeen) = await Ours(client, spec, Side.Sell);
            await Hit(http, stack, ask);
            await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Asks.Count: 1 } now && now.Asks[0] != ask, "a new ask after the fill");
            // The bid may be re-priced after the ask's fill (inventory skew): take the one resting once the book is two-sided again.
            await bot.WaitForAsync(async () => await stack.BotOrdersAsync() is { Bids.Count: 1, Asks.Count: 1 }, "one bid and one ask after the fill");
            (bid, bidSeen) = await Ours(client, spec, Side.Buy);
            await Hit(http, stack, bid);
            // Both fills' 1 s markouts taken (the bot recorded them).
            try
            {
                await bot.WaitForAsync(
                    () => bot.Handle.History.SelectMany(o => o.Decision.Markouts).Count(m => m.HorizonSeconds == 1 && (m.OrderId == ask || m.OrderId == bid)) == 2,
                    "the 1 s markouts of both fills",
                    TimeSpan.FromSeconds(60));
            }
            catch (Xunit.Sdk.XunitException e)
            {
                var history = bot.Handle.History;
                throw new Xunit.Sdk.XunitException(
                    $"{ask} / {bid}: markouts taken [{string.Join(", ", history.SelectMany(o => o.Decision.Markouts).Select(m => $"{m.OrderId}@{m.HorizonSeconds}"))}], "
                    + $"fills [{string.Join(", ", history.SelectMany(o => o.Decision.Fills).Select(f => $"{f.OrderId} {f.Size} {f.Source}"))}]\n{e.Message}");
            }

            Assert.Equal(0, await bot.StopAsync());
        }

        var (code, stdout, stderr) = await Run(["--json", "--recording", recording], env);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        var fills = json.GetProperty("fills").EnumerateArray().ToList();
        Assert.Equal([ask, bid], fills.Select(f => f.GetProperty("order_id").GetString()));
        Assert.Equal(["sell", "buy"], fills.Select(f => f.GetProperty("side").GetString()));
        Assert.All(fills, f => Assert.Equal("maker", f.GetProperty("role").GetString()));
        Assert.All(fills, f => Assert.Equal("0", f.GetProperty("fee").GetString()));
        static decimal Num(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(R(askSeen.Price), Num(fills[0], "price"));
        Assert.Equal(R(askSeen.RemainingSize), Num(fills[0], "size"));
        Assert.Equal(R(bidSeen.Price), Num(fills[1], "price"));
        Assert.Equal(R(bidSeen.RemainingSize), Num(fills[1], "size"));

        // Sold first (opens a short at the ask), then bought back: realizes (ask − bid) × the size closed.
        var closed = Math.Min(askSeen.RemainingSize, bidSeen.RemainingSize);
        Assert.Equal(0m, Num(fills[0], "realized"));
        Assert.Equal(R((askSeen.Price - bidSeen.Price) * closed), Num(fills[1], "realized"));
        Assert.True(askSeen.Price > bidSeen.Price, "our ask rests above our bid");
        Assert.Equal(R(bidSeen.RemainingSize - askSeen.RemainingSize), Num(json.GetProperty("totals"), "position"));

        // The markouts are the ones the bot took (its recording), not recomputed.
        var recorded = FillHistory.Markouts(ReadRecordedMarkouts(recording));
        foreach (var f in fills)
        {
            var id = f.GetProperty("order_id").GetString()!;
            var oneSecond = f.GetProperty("markouts_bps").GetProperty("1s").GetString();
            Assert.Equal(R(recorded[id].Markout1sBps!.Value), decimal.Parse(oneSecond!, System.Globalization.CultureInfo.InvariantCulture));
        }

        // The table, and --limit: the newest fill only, P&L flat from it.
        var (textCode, text, _) = await Run(["--limit", "1"], env);
        Assert.Equal(0, textCode);
        Assert.Contains(bid, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ask, text, StringComparison.Ordinal);
        Assert.Contains("total: 1 fills", text, StringComparison.Ordinal);
        // MM_RECORD_FILE (the bot's env) is the default recording.
        Assert.Contains($"markouts from {recording}", text, StringComparison.Ordinal);
        Assert.Contains(R(recorded[bid].Markout1sBps!.Value).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        env.Remove("MM_RECORD_FILE");
        (textCode, text, _) = await Run([], env);
        Assert.Equal(0, textCode);
        Assert.Contains("total: 2 fills", text, StringComparison.Ordinal);
        Assert.Contains("markouts not read (no recording", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_exit_2_and_an_unreachable_exchange_exits_1_with_one_line()
    {
        var (code, _, err) = await Run(["--limit", "zero"], new Dictionary<string, string> { ["MM_API_BASE_URL"] = "http://127.0.0.1:1" });
        Assert.Equal(2, code);
        Assert.Equal("mm-bot history: --limit needs a positive integer (at most 100000) (see `mm-bot history --help`)", err.TrimEnd());

        (code, _, err) = await Run([], new Dictionary<string, string>());
        Assert.Equal(2, code);
        Assert.Contains("set MM_API_BASE_URL or pass --api URL", err, StringComparison.Ordinal);

        // The variables it shares with the bot follow the bot's rules: every problem listed.
        (code, _, err) = await Run(["--api", "ftp://127.0.0.1"], new Dictionary<string, string> { ["MM_HTTP_TIMEOUT_MS"] = "soon" });
        Assert.Equal(2, code);
        Assert.Contains("--api must be an absolute http:// or https:// URL", err, StringComparison.Ordinal);
        Assert.Contains("MM_HTTP_TIMEOUT_MS", err, StringComparison.Ordinal);
        Assert.Equal(2, err.TrimEnd().Split('\n').Length);

        (code, _, err) = await Run(["--bogus"], new Dictionary<string, string>());
        Assert.Equal(2, code);
        Assert.Equal("mm-bot history: unrecognized argument \"--bogus\" (see `mm-bot history --help`)", err.TrimEnd());

        (code, var output, err) = await Run([], new Dictionary<string, string> { ["MM_API_BASE_URL"] = "http://user:hunter2@127.0.0.1:1", ["MM_HTTP_TIMEOUT_MS"] = "2000" });
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("mm-bot history: exchange ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", err, StringComparison.Ordinal);
    }

    private static decimal R(decimal v) => decimal.Round(v, 8);

    private static async Task<(string Id, BookOrder Order)> Ours(MarketsClient client, MarketSpec spec, Side side)
    {
        var (bids, asks) = TraderView.ToBook(spec, await client.GetBookAsync(spec.Symbol));
        var order = (side == Side.Buy ? bids : asks).First(o => o.OrderId.StartsWith($"mm:{spec.Symbol}:", StringComparison.Ordinal));
        return (order.OrderId, order);
    }

    private static async Task Hit(HttpClient http, PaperStack stack, string orderId)
    {
        var hit = await http.PostAsJsonAsync($"{stack.Exchange.AdminUrl}/hit", new { order_id = orderId });
        Assert.True(hit.IsSuccessStatusCode, await hit.Content.ReadAsStringAsync());
    }

    private static IEnumerable<Markout> ReadRecordedMarkouts(string file)
    {
        using var reader = new MarketMaker.Shell.Replay.RecordingReader(file);
        var all = new List<Markout>();
        while (reader.Next() is { } line)
        {
            all.AddRange(line.Record.Decision!.Markouts);
        }

        return all;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(string[] args, Dictionary<string, string> env)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await HistoryCommand.RunAsync(args, env, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
