using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// The P&amp;L and markouts of a run, from its decisions' <see cref="Decision.Pnl"/> and <see cref="Decision.Markouts"/>
/// (docs/recording-schema.md, "P&amp;L and markouts"): the last report (the run's P&amp;L as the bot saw it at the end),
/// the largest drawdown within the run, and the markouts taken during the run, averaged per horizon.
/// </summary>
public sealed class PnlSummary
{
    private readonly Dictionary<int, (decimal Sum, long Count)> _markouts = [];

    public PnlReport? First { get; private set; }

    public PnlReport? Last { get; private set; }

    public decimal MaxDrawdown { get; private set; }

    public long Fills { get; private set; }

    public decimal FilledSize { get; private set; }

    public long Decisions { get; private set; }

    public void Observe(Decision decision)
    {
        Decisions++;
        if (decision.Pnl is { } p)
        {
            First ??= p;
            Last = p;
            MaxDrawdown = Math.Max(MaxDrawdown, p.Drawdown ?? 0m);
        }

        foreach (var fill in decision.Fills)
        {
            Fills++;
            FilledSize += fill.Size;
        }

        foreach (var m in decision.Markouts)
        {
            var (sum, count) = _markouts.GetValueOrDefault(m.HorizonSeconds);
            _markouts[m.HorizonSeconds] = (sum + m.Bps, count + 1);
        }
    }

    /// <summary>The mean markout (bps) taken during the run at a horizon (0 = spread captured), or null.</summary>
    public decimal? Average(int horizon) => _markouts.TryGetValue(horizon, out var v) && v.Count > 0 ? v.Sum / v.Count : null;

    public long Count(int horizon) => _markouts.TryGetValue(horizon, out var v) ? v.Count : 0;

    public static readonly int[] Horizons = [0, 1, 10, 60];

    public JsonObject Json()
    {
        static JsonNode? D(decimal? v) => v is { } x ? JsonValue.Create(RecordingJson.Render(decimal.Round(x, 8))) : null;
        var markouts = new JsonObject();
        foreach (var h in Horizons)
        {
            markouts[h == 0 ? "spread_capture" : $"{h}s"] = new JsonObject { ["count"] = Count(h), ["average_bps"] = D(Average(h)) };
        }

        return new JsonObject
        {
            ["recorded"] = Last is not null,
            ["position"] = D(Last?.Position),
            ["average_cost"] = D(Last?.AverageCost),
            ["realized"] = D(Last?.Realized),
            ["unrealized"] = D(Last?.Unrealized),
            ["total"] = D(Last?.Total),
            ["total_change"] = D(Last?.Total is { } t && First?.Total is { } f ? t - f : null),
            ["fees"] = D(Last?.Fees),
            ["max_drawdown"] = D(Last is null ? null : MaxDrawdown),
            ["fills"] = Fills,
            ["filled_size"] = RecordingJson.Render(FilledSize),
            ["markouts"] = markouts,
        };
    }

    /// <summary>Lines for the text output (quote currency; bps).</summary>
    public string Text(string label)
    {
        var sb = new StringBuilder();
        if (Last is not { } p)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{label} P&L: none in the decisions (a mm-bot.cycle/2 recording: upgrade it with --upgrade)");
            return sb.ToString();
        }

        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{label} P&L (quote currency, average cost): realized {N(p.Realized)}, unrealized {N(p.Unrealized)}, total {N(p.Total)}"
            + $" (change in the run {N(p.Total is { } t && First?.Total is { } f ? t - f : null)}), fees {N(p.Fees)}, max drawdown in the run {N(MaxDrawdown)}");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"  position {N(p.Position)} at average cost {N(p.AverageCost)}, marked at {N(p.Mark)}; {Fills} fills (size {RecordingJson.Render(FilledSize)})");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"  markouts in the run (mean bps, + = earned): spread captured {B(0)}, 1s {B(1)}, 10s {B(10)}, 60s {B(60)}");
        return sb.ToString();

        string B(int h) => Average(h) is { } v ? $"{decimal.Round(v, 2).ToString("0.00", CultureInfo.InvariantCulture)} (n={Count(h)})" : "-";
    }

    internal static string N(decimal? v) => v is { } x ? decimal.Round(x, 4).ToString("0.####", CultureInfo.InvariantCulture) : "-";
}
