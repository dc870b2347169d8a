using System.Globalization;
using System.Text;
using System.Text.Json;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>The text of <c>mm-bot replay</c>'s output: times, durations, the JSON layout and the what-if table.</summary>
internal static class ReplayText
{
    // Not for HTML: '+' in times and non-ASCII text stay readable.
    public static readonly JsonSerializerOptions PrettyJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Times in output as in recordings: ISO 8601 with offset, fraction only when there is one.</summary>
    public static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    public static string Human(TimeSpan span) =>
        span.TotalHours >= 1
            ? $"{(int)span.TotalHours}h{span.Minutes:00}m{span.Seconds:00}s"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";

    /// <summary>The what-if result as text: recorded vs what-if, one row per figure, and the recorded fills at risk.</summary>
    public static string WhatIf(ReplayCommand.Options options, long cycles, DateTimeOffset from, DateTimeOffset to, RunStats recorded, RunStats whatIf, FillsAtRisk fills)
    {
        var duration = to - from;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"what-if replay of {options.File}: {cycles} cycles, {Time(from)} .. {Time(to)} ({Human(duration)})");
        sb.AppendLine("what-if settings: " + string.Join(" ", options.Sets.Select(kv => $"{kv.Key}={kv.Value}")));
        sb.AppendLine();
        var rows = new List<(string Label, string Recorded, string WhatIf)>
        {
            ("quotes placed", N(recorded.QuotesPlaced), N(whatIf.QuotesPlaced)),
            ("cancels", N(recorded.Cancels), N(whatIf.Cancels)),
        };
        foreach (var category in recorded.CancelsByCategory.Keys.Union(whatIf.CancelsByCategory.Keys).Order(StringComparer.Ordinal))
        {
            rows.Add(($"  {category}", N(recorded.CancelsByCategory.GetValueOrDefault(category)), N(whatIf.CancelsByCategory.GetValueOrDefault(category))));
        }

        rows.Add(("halted cycles", N(recorded.HaltedCycles), N(whatIf.HaltedCycles)));
        var rh = recorded.HaltsByReason;
        var wh = whatIf.HaltsByReason;
        foreach (var reason in rh.Keys.Union(wh.Keys).Order(StringComparer.Ordinal))
        {
            static string H(HaltCount? h) => h is null ? "0" : $"{h.Cycles} ({h.Episodes}x)";
            rows.Add(($"  {reason}", H(rh.GetValueOrDefault(reason)), H(wh.GetValueOrDefault(reason))));
        }

        rows.Add(("time quoted, bid", Share(recorded.BidQuoted, duration), Share(whatIf.BidQuoted, duration)));
        rows.Add(("time quoted, ask", Share(recorded.AskQuoted, duration), Share(whatIf.AskQuoted, duration)));
        rows.Add(("time quoted, both sides", Share(recorded.BothQuoted, duration), Share(whatIf.BothQuoted, duration)));
        rows.Add(("average quoted spread (bps)", Bps(recorded.AverageSpreadBps), Bps(whatIf.AverageSpreadBps)));

        var width = Math.Max(28, rows.Max(r => r.Label.Length));
        var col = Math.Max(12, rows.Max(r => Math.Max(r.Recorded.Length, r.WhatIf.Length)));
        sb.Append("".PadRight(width)).Append("  ").Append("recorded".PadLeft(col)).Append("  ").AppendLine("what-if".PadLeft(col));
        foreach (var (label, r, w) in rows)
        {
            sb.Append(label.PadRight(width)).Append("  ").Append(r.PadLeft(col)).Append("  ").AppendLine(w.PadLeft(col));
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"recorded fills: {fills.RecordedFills} (size {RecordingJson.Render(fills.RecordedSize)}); at risk under the what-if settings: "
            + $"{fills.AtRisk} (size {RecordingJson.Render(fills.AtRiskSize)}; {fills.AtRiskBuy} buy, {fills.AtRiskSell} sell)");
        sb.AppendLine("  at risk = when the fill was observed, the what-if run had no order resting on that side at the filled order's price or better.");
        sb.AppendLine("  The what-if run sees the recorded market and balances; its own orders are never filled (docs/recording-schema.md).");
        return sb.ToString();

        static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        static string Bps(decimal? v) => v is { } x ? decimal.Round(x, 2).ToString("0.00", CultureInfo.InvariantCulture) : "-";
    }

    private static string Share(TimeSpan part, TimeSpan whole) =>
        TimeShare.Percent(part, whole) is { } percent ? $"{Human(part)} ({percent})" : Human(part);
}
