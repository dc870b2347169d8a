using System.Collections.Immutable;
using MarketMaker.Core;
using Prometheus;

namespace MarketMaker.Shell.Observability;

/// <summary>
/// The P&amp;L metrics (docs/decision-core.md, "P&amp;L and markouts"), set from each decision's
/// <see cref="Decision.Pnl"/> and <see cref="Decision.Markouts"/>. Amounts are in the market's quote currency,
/// volumes in base units, markouts and spread capture in bps. Called under <see cref="BotMetrics"/>' lock.
/// </summary>
internal sealed class PnlMetrics
{
    /// <summary>The series names exposed (the histogram <c>mm_bot_markout_bps</c> as its _bucket, _sum and _count).</summary>
    public static readonly ImmutableArray<string> Names =
    [
        "mm_bot_pnl_realized", "mm_bot_pnl_unrealized", "mm_bot_pnl_total", "mm_bot_drawdown",
        "mm_bot_fill_volume_total", "mm_bot_markout_bps_bucket", "mm_bot_markout_bps_sum", "mm_bot_markout_bps_count",
        "mm_bot_spread_capture_bps",
    ];

    /// <summary>Histogram buckets of <c>mm_bot_markout_bps</c>, in bps.</summary>
    public static readonly double[] MarkoutBuckets = [-100, -50, -25, -10, -5, -2, 0, 2, 5, 10, 25, 50, 100];

    private readonly Gauge realized;
    private readonly Gauge unrealized;
    private readonly Gauge total;
    private readonly Gauge drawdown;
    private readonly Gauge spreadCapture;
    private readonly Counter volume;
    private readonly Histogram markouts;

    public PnlMetrics(MetricFactory factory)
    {
        realized = factory.CreateGauge("mm_bot_pnl_realized", "realized P&L (average cost, net of fees) in the quote currency");
        unrealized = factory.CreateGauge("mm_bot_pnl_unrealized", "unrealized P&L of the position marked at the reference price, quote currency");
        total = factory.CreateGauge("mm_bot_pnl_total", "realized + unrealized P&L, quote currency");
        drawdown = factory.CreateGauge("mm_bot_drawdown", "total P&L below its peak (peak-to-trough drawdown now), quote currency");
        spreadCapture = factory.CreateGauge("mm_bot_spread_capture_bps", "average spread captured per fill against the reference at the fill, bps");
        volume = factory.CreateCounter("mm_bot_fill_volume_total", "filled size in base units, by side", ["side"]);
        markouts = factory.CreateHistogram(
            "mm_bot_markout_bps",
            "reference move after a fill in bps of the fill price, positive = earned, by horizon",
            ["horizon"],
            new HistogramConfiguration { Buckets = MarkoutBuckets });
        volume.WithLabels("buy");
        volume.WithLabels("sell");
        foreach (var h in PnlAccounting.Horizons)
        {
            markouts.WithLabels($"{h}s");
        }
    }

    public void Update(Decision decision)
    {
        if (decision.Pnl is { } p)
        {
            realized.Set((double)p.Realized);
            unrealized.Set((double)(p.Unrealized ?? 0m));
            total.Set((double)(p.Total ?? p.Realized));
            drawdown.Set((double)(p.Drawdown ?? 0m));
            spreadCapture.Set((double)(p.SpreadCaptureBps ?? 0m));
        }

        foreach (var fill in decision.Fills)
        {
            volume.WithLabels(fill.Side.Wire()).Inc((double)fill.Size);
        }

        foreach (var m in decision.Markouts)
        {
            if (m.HorizonSeconds > 0)
            {
                markouts.WithLabels($"{m.HorizonSeconds}s").Observe((double)m.Bps);
            }
        }
    }
}
