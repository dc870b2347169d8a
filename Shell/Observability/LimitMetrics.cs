using System.Collections.Immutable;
using MarketMaker.Core;
using Prometheus;

namespace MarketMaker.Shell.Observability;

/// <summary>
/// What the alerts and the dashboard compare the bot against: the prices of our level-0 quotes
/// (<c>mm_bot_quote_price{side}</c>, 0 when the side has no target) and the risk limits in force
/// (<c>mm_bot_risk_limit{limit}</c>, from the configuration, with MM_MAX_NET_INVENTORY applied as the core applies it)
/// and the inventory those inventory limits are measured from (<c>mm_bot_target_inventory</c>).
/// Set by <see cref="BotMetrics.Update"/>; not thread-safe on its own (BotMetrics holds its lock).
/// </summary>
internal sealed class LimitMetrics
{
    public const string QuotePriceName = "mm_bot_quote_price";
    public const string RiskLimitName = "mm_bot_risk_limit";
    public const string TargetInventoryName = "mm_bot_target_inventory";

    /// <summary>Each published limit and how it is read from the configuration. A limit of 0 is "off" except for the inventory limits.</summary>
    public static readonly ImmutableArray<(string Limit, Func<BotConfig, decimal> Read)> Limits =
    [
        ("max_cancels_per_minute", c => c.MaxCancelsPerMinute),
        ("max_long_inventory", c => c.EffectiveInventoryLimits().MaxLong),
        ("max_short_inventory", c => c.EffectiveInventoryLimits().MaxShort),
        ("max_notional_per_side", c => c.MaxNotionalPerSide),
        ("max_quote_age_seconds", c => c.MaxQuoteAgeSeconds),
        ("max_anchor_deviation_bps", c => c.MaxAnchorDeviationBps),
        ("max_drawdown", c => c.MaxDrawdown),
    ];

    private readonly Gauge quotePrice;
    private readonly Gauge riskLimit;
    private readonly Gauge targetInventory;

    public LimitMetrics(IMetricFactory factory)
    {
        quotePrice = factory.CreateGauge(QuotePriceName, "price of our level-0 target quote, by side; 0 when the side has none", ["side"]);
        riskLimit = factory.CreateGauge(RiskLimitName, "risk limit in force, by limit (configuration)", ["limit"]);
        targetInventory = factory.CreateGauge(TargetInventoryName, "base inventory the inventory limits are measured from (mm_bot_net_inventory - this is what they cap)");
        targetInventory.Set(0);
        quotePrice.WithLabels(Side.Buy.Wire()).Set(0);
        quotePrice.WithLabels(Side.Sell.Wire()).Set(0);
        foreach (var (limit, read) in Limits)
        {
            riskLimit.WithLabels(limit).Set((double)read(new BotConfig()));
        }
    }

    public void Update(Decision decision, BotConfig config)
    {
        targetInventory.Set((double)TargetInventory(decision, config));
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var target = decision.Targets.Where(t => t.Side == side).OrderBy(t => t.Level).FirstOrDefault();
            quotePrice.WithLabels(side.Wire()).Set((double)(target?.Price ?? 0m));
        }

        foreach (var (limit, read) in Limits)
        {
            riskLimit.WithLabels(limit).Set((double)read(config));
        }
    }

    /// <summary>
    /// The inventory the core's inventory caps and halts compare against: today the inventory itself (Risk.cs compares
    /// the net inventory with the limits), so the target is 0.
    /// </summary>
    private static decimal TargetInventory(Decision decision, BotConfig config) => 0m;
}
