using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// The <c>--report</c> page: one self-contained HTML file (inline CSS and SVG, the chart data inline as JSON; no script,
/// font or image is loaded from anywhere). Charts: reference price, best other bid and ask, our resting bid and ask,
/// halts shaded — for the recorded run and, with --set, the what-if run — net inventory, and the recorded run's P&amp;L.
/// </summary>
internal static class HtmlReport
{
    /// <summary>Points per line at most; longer sessions are thinned evenly (halt shading always uses every cycle).</summary>
    public const int MaxPoints = 2400;

    private const int Width = 1100;
    private const int Height = 320;
    private const int Left = 90;
    private const int Right = 20;
    private const int Top = 30;
    private const int Bottom = 40;

    private sealed record Line(string Name, string Color, IReadOnlyList<decimal?> Values, bool Dashed = false);

    public static string Render(string file, ChartSeries charts, IReadOnlyDictionary<string, string>? sets, RunStats? recorded, RunStats? whatIf, PnlSummary? pnl = null)
    {
        var whatIfRun = sets is not null && charts.WhatIfBid.Count == charts.Count;
        var stride = Math.Max(1, (int)Math.Ceiling(charts.Count / (double)MaxPoints));
        var index = Enumerable.Range(0, charts.Count).Where(i => i % stride == 0 || i == charts.Count - 1).ToList();
        var t0 = charts.Count == 0 ? DateTimeOffset.UnixEpoch : charts.Time[0];
        var t1 = charts.Count == 0 ? t0 : charts.Time[^1];

        var priceLines = new List<IReadOnlyList<decimal?>> { charts.Reference, charts.OtherBid, charts.OtherAsk, charts.RecordedBid, charts.RecordedAsk };
        if (whatIfRun)
        {
            priceLines.AddRange([charts.WhatIfBid, charts.WhatIfAsk]);
        }

        var (pMin, pMax) = Range(priceLines);
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html>");
        sb.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.Append("<title>mm-bot replay: ").Append(E(Path.GetFileName(file))).AppendLine("</title>");
        sb.AppendLine("""
            <style>
            body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fff}
            h1{font-size:20px} h2{font-size:16px;margin-top:28px}
            table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            td:first-child,th:first-child{text-align:left}
            svg{background:#fcfcfc;border:1px solid #ddd} .legend span{display:inline-block;margin-right:14px;font-size:12px}
            .legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px}
            text{font-size:11px;fill:#444}
            </style></head><body>
            """);
        sb.Append("<h1>Replay of ").Append(E(file)).AppendLine("</h1>");
        sb.Append("<p>").Append(charts.Count).Append(" cycles, ").Append(E(ReplayText.Time(t0)))
            .Append(" to ").Append(E(ReplayText.Time(t1))).Append(" (").Append(E(ReplayText.Human(t1 - t0))).AppendLine(").");
        if (sets is not null)
        {
            sb.Append(" What-if settings: <code>").Append(E(string.Join(" ", sets.Select(kv => $"{kv.Key}={kv.Value}")))).Append("</code>.");
        }

        sb.AppendLine("</p>");
        if (recorded is not null && whatIf is not null)
        {
            Summary(sb, recorded, whatIf, t1 - t0);
        }

        sb.AppendLine("<h2>Recorded run</h2>");
        Chart(sb, "recorded", charts, index, t0, t1, pMin, pMax, charts.RecordedHalt,
        [
            new("reference price", "#888", charts.Reference),
            new("best other bid", "#7fbf7f", charts.OtherBid, true),
            new("best other ask", "#e09090", charts.OtherAsk, true),
            new("our bid", "#1a7f1a", charts.RecordedBid),
            new("our ask", "#c02020", charts.RecordedAsk),
        ]);
        if (whatIfRun)
        {
            sb.AppendLine("<h2>What-if run</h2>");
            Chart(sb, "what-if", charts, index, t0, t1, pMin, pMax, charts.WhatIfHalt,
            [
                new("reference price", "#888", charts.WhatIfReference),
                new("best other bid", "#7fbf7f", charts.OtherBid, true),
                new("best other ask", "#e09090", charts.OtherAsk, true),
                new("our bid (what-if)", "#1a4fbf", charts.WhatIfBid),
                new("our ask (what-if)", "#bf6a1a", charts.WhatIfAsk),
            ]);
        }

        sb.AppendLine("<h2>Net inventory</h2>");
        var inventoryLines = new List<Line> { new("recorded", "#333", charts.RecordedInventory) };
        if (whatIfRun)
        {
            inventoryLines.Add(new("what-if (recorded balances: what-if orders are not filled)", "#1a4fbf", charts.WhatIfInventory, true));
        }

        var (iMin, iMax) = Range(inventoryLines.Select(l => l.Values));
        Chart(sb, "inventory", charts, index, t0, t1, iMin, iMax, charts.RecordedHalt, inventoryLines);
        sb.AppendLine("<h2>P&amp;L (quote currency, average cost)</h2>");
        if (pnl is not null)
        {
            sb.Append("<p id=\"pnl-summary\">").Append(E(pnl.Text("recorded").Replace("\n", " ", StringComparison.Ordinal).Trim())).AppendLine("</p>");
        }

        var pnlLines = new List<Line>
        {
            new("total (realized + unrealized at the reference)", "#6a1ab0", charts.RecordedPnlTotal),
            new("realized", "#0a8a8a", charts.RecordedPnlRealized, true),
        };
        var (qMin, qMax) = Range(pnlLines.Select(l => l.Values));
        Chart(sb, "pnl", charts, index, t0, t1, qMin, qMax, charts.RecordedHalt, pnlLines);
        sb.AppendLine("<p>Shaded: cycles under a halt (hover for the reason). Our bid and ask are the orders resting after each decision.</p>");

        sb.Append("<script type=\"application/json\" id=\"chart-data\">").Append(Data(charts, index, whatIfRun)).AppendLine("</script>");
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static void Summary(StringBuilder sb, RunStats recorded, RunStats whatIf, TimeSpan duration)
    {
        sb.AppendLine("<table><tr><th></th><th>recorded</th><th>what-if</th></tr>");
        void Row(string label, string r, string w) =>
            sb.Append("<tr><td>").Append(E(label)).Append("</td><td>").Append(E(r)).Append("</td><td>").Append(E(w)).AppendLine("</td></tr>");
        static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        static string Pct(TimeSpan part, TimeSpan whole) => TimeShare.Percent(part, whole) ?? "-";
        static string Bps(decimal? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";
        Row("quotes placed", N(recorded.QuotesPlaced), N(whatIf.QuotesPlaced));
        foreach (var category in recorded.CancelsByCategory.Keys)
        {
            Row("cancels " + category, N(recorded.CancelsByCategory[category]), N(whatIf.CancelsByCategory.GetValueOrDefault(category)));
        }

        var rh = recorded.HaltsByReason;
        var wh = whatIf.HaltsByReason;
        foreach (var reason in rh.Keys.Union(wh.Keys).Order(StringComparer.Ordinal))
        {
            Row("halted cycles: " + reason, N(rh.GetValueOrDefault(reason)?.Cycles ?? 0), N(wh.GetValueOrDefault(reason)?.Cycles ?? 0));
        }

        Row("time quoted, bid", Pct(recorded.BidQuoted, duration), Pct(whatIf.BidQuoted, duration));
        Row("time quoted, ask", Pct(recorded.AskQuoted, duration), Pct(whatIf.AskQuoted, duration));
        Row("average quoted spread (bps)", Bps(recorded.AverageSpreadBps), Bps(whatIf.AverageSpreadBps));
        sb.AppendLine("</table>");
    }

    private static void Chart(
        StringBuilder sb, string id, ChartSeries charts, List<int> index, DateTimeOffset t0, DateTimeOffset t1,
        decimal min, decimal max, IReadOnlyList<string?> halts, IReadOnlyList<Line> lines)
    {
        var span = Math.Max(1.0, (t1 - t0).TotalMilliseconds);
        double X(DateTimeOffset t) => Left + ((t - t0).TotalMilliseconds / span * (Width - Left - Right));
        var lo = (double)min;
        var hi = (double)max;
        if (hi <= lo)
        {
            hi = lo + 1;
        }

        double Y(decimal v) => Top + ((hi - (double)v) / (hi - lo) * (Height - Top - Bottom));

        sb.Append("<div class=\"legend\">");
        foreach (var line in lines)
        {
            sb.Append("<span><i style=\"background:").Append(line.Color).Append("\"></i>").Append(E(line.Name)).Append("</span>");
        }

        sb.Append("<span><i style=\"background:#f4c7c7;height:10px\"></i>halted</span></div>");
        sb.Append(CultureInfo.InvariantCulture, $"<svg id=\"chart-{id}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");

        // Halts: every run of consecutive halted cycles, until the next cycle.
        for (var i = 0; i < halts.Count; i++)
        {
            if (halts[i] is not { } reason)
            {
                continue;
            }

            var j = i;
            while (j + 1 < halts.Count && halts[j + 1] is not null)
            {
                j++;
            }

            var x0 = X(charts.Time[i]);
            var x1 = j + 1 < charts.Count ? X(charts.Time[j + 1]) : X(charts.Time[j]) + 2;
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"halt\" x=\"{x0:0.#}\" y=\"{Top}\" width=\"{Math.Max(1, x1 - x0):0.#}\" height=\"{Height - Top - Bottom}\" fill=\"#f4c7c7\"><title>{E(reason)} ({j - i + 1} cycles)</title></rect>");
            i = j;
        }

        // Axes and grid.
        for (var k = 0; k <= 4; k++)
        {
            var v = lo + ((hi - lo) * k / 4);
            var y = Top + ((hi - v) / (hi - lo) * (Height - Top - Bottom));
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#e4e4e4\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{E(Label((decimal)v, hi - lo))}</text>");
        }

        for (var k = 0; k <= 4; k++)
        {
            var t = t0 + ((t1 - t0) * k / 4);
            var x = X(t);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#eee\"/>");
            var text = k == 0 ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : t.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"{(k == 0 ? "start" : k == 4 ? "end" : "middle")}\">{text} UTC</text>");
        }

        foreach (var line in lines)
        {
            var path = new StringBuilder();
            var pen = false;
            foreach (var i in index)
            {
                if (line.Values[i] is not { } v)
                {
                    pen = false;
                    continue;
                }

                path.Append(pen ? 'L' : 'M').Append(X(charts.Time[i]).ToString("0.#", CultureInfo.InvariantCulture))
                    .Append(',').Append(Y(v).ToString("0.#", CultureInfo.InvariantCulture));
                pen = true;
            }

            if (path.Length > 0)
            {
                sb.Append("<path class=\"series\" data-name=\"").Append(E(line.Name)).Append("\" fill=\"none\" stroke=\"").Append(line.Color)
                    .Append("\" stroke-width=\"1.3\"").Append(line.Dashed ? " stroke-dasharray=\"4 3\"" : "").Append(" d=\"").Append(path).Append("\"/>");
            }
        }

        sb.AppendLine("</svg>");
    }

    private static string Label(decimal v, double range)
    {
        var decimals = range >= 100 ? 0 : range >= 1 ? 2 : range >= 0.01 ? 4 : 8;
        return decimal.Round(v, decimals).ToString("0." + new string('#', Math.Max(1, decimals)), CultureInfo.InvariantCulture);
    }

    private static (decimal Min, decimal Max) Range(IEnumerable<IReadOnlyList<decimal?>> series)
    {
        decimal? min = null, max = null;
        foreach (var values in series)
        {
            foreach (var v in values)
            {
                if (v is { } x)
                {
                    min = min is { } m && m <= x ? m : x;
                    max = max is { } n && n >= x ? n : x;
                }
            }
        }

        if (min is not { } lo || max is not { } hi)
        {
            return (0, 1);
        }

        var pad = hi > lo ? (hi - lo) * 0.05m : Math.Max(Math.Abs(hi) * 0.001m, 1m);
        return (lo - pad, hi + pad);
    }

    private static string Data(ChartSeries charts, List<int> index, bool whatIfRun)
    {
        JsonArray Numbers(IReadOnlyList<decimal?> values) => new([.. index.Select(i => values[i] is { } v ? JsonValue.Create(RecordingJson.Render(v)) : null)]);
        JsonArray Texts(IReadOnlyList<string?> values) => new([.. index.Select(i => values[i] is { } v ? JsonValue.Create(v) : null)]);
        var data = new JsonObject
        {
            ["schema"] = "mm-bot.replay-report-data/1",
            ["cycles"] = charts.Count,
            ["stride"] = index.Count > 1 ? index[1] - index[0] : 1,
            ["time"] = new JsonArray([.. index.Select(i => JsonValue.Create(ReplayText.Time(charts.Time[i])))]),
            ["reference"] = Numbers(charts.Reference),
            ["best_other_bid"] = Numbers(charts.OtherBid),
            ["best_other_ask"] = Numbers(charts.OtherAsk),
            ["recorded_bid"] = Numbers(charts.RecordedBid),
            ["recorded_ask"] = Numbers(charts.RecordedAsk),
            ["recorded_halt"] = Texts(charts.RecordedHalt),
            ["recorded_inventory"] = Numbers(charts.RecordedInventory),
            ["recorded_pnl_total"] = Numbers(charts.RecordedPnlTotal),
            ["recorded_pnl_realized"] = Numbers(charts.RecordedPnlRealized),
        };
        if (whatIfRun)
        {
            data["what_if_reference"] = Numbers(charts.WhatIfReference);
            data["what_if_bid"] = Numbers(charts.WhatIfBid);
            data["what_if_ask"] = Numbers(charts.WhatIfAsk);
            data["what_if_halt"] = Texts(charts.WhatIfHalt);
            data["what_if_inventory"] = Numbers(charts.WhatIfInventory);
        }

        // The default encoder escapes '<', so the JSON cannot end the script element.
        return data.ToJsonString(new JsonSerializerOptions());
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
