using System.Globalization;
using MarketMaker.Core;
using MarketMaker.Shell.Observability;

namespace MarketMaker.Shell.Tests.Observability;

/// <summary>mm_bot_quote_price{side} and mm_bot_risk_limit{limit}: what the alerts and the dashboard compare against.</summary>
public sealed class LimitMetricsTests
{
    [Fact]
    public async Task Quote_prices_are_the_level_0_targets_and_0_for_a_side_without_one()
    {
        var metrics = new BotMetrics();
        var decision = Samples.Decision() with
        {
            Targets = [new TargetQuote(Side.Buy, 1, 1490m, 100m), new TargetQuote(Side.Buy, 0, 1496.25m, 100m)],
        };
        metrics.Update(Samples.Snapshot(), decision, new BotConfig());
        var text = await metrics.ExportTextAsync();
        Assert.Equal(1496.25, Value(text, "mm_bot_quote_price{side=\"buy\"}"));
        Assert.Equal(0, Value(text, "mm_bot_quote_price{side=\"sell\"}"));

        metrics.Update(Samples.Snapshot(), Samples.Decision(), new BotConfig());
        text = await metrics.ExportTextAsync();
        Assert.Equal(1503.75, Value(text, "mm_bot_quote_price{side=\"sell\"}"));
    }

    [Fact]
    public async Task Risk_limits_are_the_configuration_in_force_with_the_net_inventory_cap_applied()
    {
        var metrics = new BotMetrics();
        var before = await metrics.ExportTextAsync();
        Assert.Equal(30, Value(before, "mm_bot_risk_limit{limit=\"max_cancels_per_minute\"}"));

        var config = new BotConfig
        {
            MaxCancelsPerMinute = 12,
            MaxLongInventory = 1000m,
            MaxShortInventory = -1000m,
            MaxNetInventory = 400m,
            MaxNotionalPerSide = 250000m,
            MaxQuoteAgeSeconds = 90,
            MaxAnchorDeviationBps = 75m,
        };
        metrics.Update(Samples.Snapshot(), Samples.Decision(), config);
        var text = await metrics.ExportTextAsync();
        Assert.Equal(12, Value(text, "mm_bot_risk_limit{limit=\"max_cancels_per_minute\"}"));
        Assert.Equal(400, Value(text, "mm_bot_risk_limit{limit=\"max_long_inventory\"}"));
        Assert.Equal(-400, Value(text, "mm_bot_risk_limit{limit=\"max_short_inventory\"}"));
        Assert.Equal(250000, Value(text, "mm_bot_risk_limit{limit=\"max_notional_per_side\"}"));
        Assert.Equal(90, Value(text, "mm_bot_risk_limit{limit=\"max_quote_age_seconds\"}"));
        Assert.Equal(75, Value(text, "mm_bot_risk_limit{limit=\"max_anchor_deviation_bps\"}"));

        // The core caps the inventory itself (Risk.cs): measured from 0.
        Assert.Equal(0, Value(text, "mm_bot_target_inventory"));
    }

    private static double? Value(string text, string series) =>
        text.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => (double?)double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();
}
