using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MarketMaker.Core;
using MarketMaker.Core.Config;
using MarketMaker.Protocol.Markets;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Recording;
using MarketMaker.Shell.Replay;
using V = MarketMaker.Shell.Config.ShellVariables;

namespace MarketMaker.Shell.History;

/// <summary>
/// <c>mm-bot history</c> (docs/pnl.md, "mm-bot history"): this bot's fills from the exchange's <c>GET /v1/trades</c>
/// (trades whose maker or taker order id is ours, <c>mm:{market}:…</c>), newest <c>--limit</c>, with side, price,
/// size, fee, realized P&amp;L (average cost, from the first listed fill) and the markouts the bot recorded
/// (<c>MM_RECORD_FILE</c> and its rotated files, or <c>--recording</c>). Read-only: it signs and sends nothing.
/// </summary>
public static class HistoryCommand
{
    private const string Description = """
        This bot's fills from the exchange (GET /v1/trades: trades whose maker or taker order id starts with
        mm:{market}:), oldest first, with side, price, size, fee, realized P&L (average cost, in the quote currency,
        starting flat at the first listed fill) and the markouts the bot recorded for the order (bps; positive = we
        earned). Read-only: nothing is signed or sent.
        Exit: 0 listed, 1 exchange or recording unreadable, 2 bad arguments or MM_* values.
        """;

    private const int PageSize = 100;

    /// <summary>The <c>history</c> command (generated help; a bad argument is one line and exit 2).</summary>
    public static Command Create(IReadOnlyDictionary<string, string> env)
    {
        var limit = new Option<int>("--limit")
        {
            Description = "the newest N fills of ours (1..100000)",
            HelpName = "N",
            DefaultValueFactory = _ => 100,
            CustomParser = r => Positive(r, 100_000),
        };
        var json = new Option<bool>("--json") { Description = "one JSON object (fills and totals) instead of the table" };
        var recording = new Option<string[]>("--recording")
        {
            Description = "recording(s) to take markouts from (repeatable; default: $MM_RECORD_FILE and its rotated files FILE.1..FILE.4 where they exist; none: markouts shown as \"-\")",
            HelpName = "FILE",
            AllowMultipleArgumentsPerToken = false,
        };
        var api = new Option<string?>("--api") { Description = "markets-service base URL (default: $MM_API_BASE_URL)", HelpName = "URL" };
        var market = new Option<string?>("--market") { Description = "market (default: $MM_MARKET_SYMBOL, else USDCcNGN-SPOT)", HelpName = "SYMBOL" };
        var maxPages = new Option<int>("--max-pages")
        {
            Description = "pages of 100 trades to read at most; fewer fills than asked are then listed",
            HelpName = "N",
            DefaultValueFactory = _ => 1000,
            CustomParser = r => Positive(r, 1_000_000),
        };
        var command = new Command("history", Description) { limit, json, recording, api, market, maxPages };
        command.SetAction((parsed, ct) => RunAsync(
            parsed.GetValue(limit),
            parsed.GetValue(maxPages),
            parsed.GetValue(json),
            [.. parsed.GetValue(recording) ?? []],
            parsed.GetValue(api),
            parsed.GetValue(market),
            env,
            parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error,
            ct));
        return command;
    }

    public static Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        CommandLineRunner.InvokeSubcommandAsync(Create(env), args, stdout, stderr, ct);

    private static int Positive(System.CommandLine.Parsing.ArgumentResult r, int max)
    {
        if (r.Tokens is [{ Value: var text }] && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max)
        {
            return n;
        }

        r.AddError($"--{((System.CommandLine.Parsing.OptionResult)r.Parent!).Option.Name.TrimStart('-')} needs a positive integer (at most {max.ToString(CultureInfo.InvariantCulture)})");
        return 0;
    }

    private static async Task<int> RunAsync(int limit, int maxPages, bool json, List<string> recordings, string? api, string? market, IReadOnlyDictionary<string, string> env, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        // The bot's own rules for the variables it shares with the bot (Settings): every problem listed, exit 2.
        var config = new ConfigReader(env, V.Sensitive);
        var timeout = Settings.PositiveMs(config, V.HttpTimeoutMs, 5000);
        market ??= config.Text(VariableCatalog.MarketSymbol, MarketSpec.SpotSymbol);
        if (api is not null && !Settings.IsHttpUrl(api))
        {
            config.Add(V.ApiBaseUrl, "--api must be an absolute http:// or https:// URL");
        }

        api ??= Settings.Url(config, V.ApiBaseUrl, required: false);
        if (api is null && config.Errors.Count == 0)
        {
            config.Add(V.ApiBaseUrl, $"no exchange: set {V.ApiBaseUrl} or pass --api URL");
        }

        if (config.Errors.Count > 0 || api is null)
        {
            foreach (var error in config.Errors)
            {
                stderr.WriteLine($"mm-bot history: {error.Message}");
            }

            return 2;
        }

        if (recordings.Count == 0 && env.GetValueOrDefault(V.RecordFile) is { Length: > 0 } recordFile)
        {
            recordings.AddRange(new[] { recordFile }.Concat(Enumerable.Range(1, JsonlRecorder.Keep).Select(k => $"{recordFile}.{k}")).Where(File.Exists));
        }

        var where = ConfigText.RedactUrl(api, hidePath: false);
        Dictionary<string, OrderMarkouts> markouts;
        try
        {
            markouts = FillHistory.Markouts(ReadMarkouts(recordings, stderr));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RecordingFormatException)
        {
            stderr.WriteLine($"mm-bot history: recording unreadable: {e.Message}");
            return 1;
        }

        HistoryReport report;
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new MarketsClient(http, new Uri(api.TrimEnd('/') + "/"), timeout);
        try
        {
            report = await FetchAsync(client, market, limit, maxPages, markouts, ct);
        }
        catch (Exception e) when (e is MarketsApiException or DataSourceException or HttpRequestException)
        {
            stderr.WriteLine($"mm-bot history: exchange {where}: {e.Message}");
            return 1;
        }

        stdout.Write(json ? Json(report, market, recordings).ToJsonString(RecordingJson.Indented) + "\n" : Text(report, market, where, recordings));
        return 0;
    }

    /// <summary>Pages back through <c>/v1/trades</c> until <paramref name="limit"/> fills of ours, the first trade, or <paramref name="maxPages"/>.</summary>
    public static async Task<HistoryReport> FetchAsync(MarketsClient client, string symbol, int limit, int maxPages, IReadOnlyDictionary<string, OrderMarkouts> markouts, CancellationToken ct)
    {
        var spec = MarketInfo.Find(await client.GetMarketsAsync(ct), symbol).Spec;
        var prefix = $"mm:{symbol}:";
        var ours = new List<OwnTrade>();
        long? before = null;
        long scanned = 0;
        var complete = false;
        for (var page = 0; page < maxPages && ours.Count < limit; page++)
        {
            var response = await client.GetTradesAsync(symbol, PageSize, before, ct);
            var fees = response.Trades.Where(d => d is not null).GroupBy(d => d.TradeId).ToDictionary(g => g.Key, g => g.First().TakerFee);
            foreach (var trade in TraderView.ToTrades(spec, response))
            {
                scanned++;
                if (ours.Count < limit && FillHistory.Own(trade, prefix, FillHistory.QuoteFee(fees.GetValueOrDefault(trade.TradeId), spec, trade.Price)) is { } own)
                {
                    ours.Add(own);
                }
            }

            if (response.NextBeforeTradeId is not { } next || response.Trades.Count < PageSize)
            {
                complete = true;
                break;
            }

            before = next;
        }

        return FillHistory.Build(ours, markouts, scanned, complete);
    }

    private static IEnumerable<Markout> ReadMarkouts(List<string> files, TextWriter stderr)
    {
        var taken = new List<Markout>();
        foreach (var file in files)
        {
            using var reader = new RecordingReader(file);
            while (true)
            {
                RecordedLine? line;
                try
                {
                    line = reader.Next();
                }
                catch (RecordingFormatException e)
                {
                    // A line cut by a crash is the normal end of a recording; anything else stops reading this file, said aloud.
                    stderr.WriteLine($"mm-bot history: {e.Message}; markouts after it in {file} are not read");
                    break;
                }

                if (line is not { } read)
                {
                    break;
                }

                taken.AddRange(read.Record.Decision!.Markouts);
            }
        }

        return taken;
    }

    /// <summary>The average cost while a position is open (at the 8 places shown; a spot fill's inverted size can leave a sliver below that).</summary>
    private static decimal? Cost(decimal position, decimal averageCost) => decimal.Round(position, 8) == 0m ? null : averageCost;

    private static string D(decimal? v, int places = 8) => v is { } x ? RecordingJson.Render(decimal.Round(x, places)) : "-";

    private static string Text(HistoryReport r, string market, string where, List<string> recordings)
    {
        var b = r.Book;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"history {market} from {where}: {r.Rows.Length} fills of ours in {r.TradesScanned} trades read ({(r.Complete ? "back to the first trade" : "the newest only")})\n");
        string[] head = ["trade", "time (UTC)", "order", "role", "side", "price", "size", "fee", "realized", "realized_total", "position", "capture_bps", "1s_bps", "10s_bps", "60s_bps"];
        var rows = new List<string[]> { head };
        foreach (var x in r.Rows)
        {
            var m = x.Markouts;
            rows.Add([
                x.TradeId.ToString(CultureInfo.InvariantCulture), x.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                x.OrderId, x.Maker ? "maker" : "taker", x.Side.Wire(), D(x.Price), D(x.Size), D(x.Fee), D(x.Realized), D(x.RealizedTotal), D(x.Position),
                D(m?.SpreadCaptureBps, 2), D(m?.Markout1sBps, 2), D(m?.Markout10sBps, 2), D(m?.Markout60sBps, 2),
            ]);
        }

        var widths = Enumerable.Range(0, head.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        foreach (var row in rows)
        {
            sb.Append(string.Join("  ", row.Select((cell, c) => c is >= 5 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        }

        sb.Append(CultureInfo.InvariantCulture, $"total: {b.FillCount} fills, bought {D(b.BoughtSize)} sold {D(b.SoldSize)}, realized {D(b.Realized)} (fees {D(b.Fees)}), position {D(b.Position)}{(Cost(b.Position, b.AverageCost) is { } c ? $" at average cost {D(c)}" : "")}\n");
        sb.Append("P&L is average cost in the quote currency, flat at the first listed fill; markouts ")
            .Append(recordings.Count == 0 ? "not read (no recording: set MM_RECORD_FILE or pass --recording)" : $"from {string.Join(", ", recordings)}")
            .Append("; \"-\" = not known\n");
        return sb.ToString();
    }

    private static JsonObject Json(HistoryReport r, string market, List<string> recordings)
    {
        static JsonNode? N(decimal? v) => v is { } x ? JsonValue.Create(RecordingJson.Render(decimal.Round(x, 8))) : null;
        var fills = new JsonArray();
        foreach (var x in r.Rows)
        {
            fills.Add(new JsonObject
            {
                ["trade_id"] = x.TradeId,
                ["created_at"] = x.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["order_id"] = x.OrderId,
                ["role"] = x.Maker ? "maker" : "taker",
                ["side"] = x.Side.Wire(),
                ["price"] = N(x.Price),
                ["size"] = N(x.Size),
                ["fee"] = N(x.Fee),
                ["realized"] = N(x.Realized),
                ["realized_total"] = N(x.RealizedTotal),
                ["position"] = N(x.Position),
                ["average_cost"] = N(Cost(x.Position, x.AverageCost)),
                ["markouts_bps"] = x.Markouts is { } m
                    ? new JsonObject { ["spread_capture"] = N(m.SpreadCaptureBps), ["1s"] = N(m.Markout1sBps), ["10s"] = N(m.Markout10sBps), ["60s"] = N(m.Markout60sBps) }
                    : null,
            });
        }

        var b = r.Book;
        return new JsonObject
        {
            ["market"] = market,
            ["trades_read"] = r.TradesScanned,
            ["complete"] = r.Complete,
            ["recordings"] = new JsonArray(recordings.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
            ["fills"] = fills,
            ["totals"] = new JsonObject
            {
                ["fills"] = b.FillCount,
                ["bought"] = N(b.BoughtSize),
                ["sold"] = N(b.SoldSize),
                ["realized"] = N(b.Realized),
                ["fees"] = N(b.Fees),
                ["position"] = N(b.Position),
                ["average_cost"] = N(Cost(b.Position, b.AverageCost)),
            },
        };
    }
}
