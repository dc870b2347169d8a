using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Matching;
using MarketMaker.PaperExchange.Participants;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>Other participants: the seeder and the seeded, deterministic taker flow.</summary>
public sealed class PaperParticipantTests
{
    private static FakeTimeProvider Clock() => new(DateTimeOffset.FromUnixTimeSeconds(1_790_000_000));

    private static PaperExchangeOptions Options(FakeTimeProvider clock, int seed) => PaperHosts.Options(null, clock) with
    {
        Seed = seed,
        TakerFlow = new TakerFlowOptions { FairPrice = 1600m, VolatilityBps = 20m, CrossBps = 50m, MinSize = 1m, MaxSize = 50m },
    };

    private static async Task<List<(string, string, string)>> Run(int seed, int steps)
    {
        var clock = Clock();
        await using var host = await PaperExchangeHost.StartAsync(Options(clock, seed));
        var orders = new List<(string, string, string)>();
        for (var i = 0; i < steps; i++)
        {
            var o = await host.Taker!.StepAsync();
            orders.Add((o.Side, o.LimitPrice, o.DesiredAmount));
            clock.Advance(TimeSpan.FromSeconds(2));
        }

        return orders;
    }

    [Fact]
    public async Task Taker_flow_is_deterministic_for_a_seed_and_a_clock()
    {
        var a = await Run(7, 12);
        var b = await Run(7, 12);
        var c = await Run(8, 12);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Contains(a, o => o.Item1 == "buy");
        Assert.Contains(a, o => o.Item1 == "sell");
    }

    [Fact]
    public async Task Taker_orders_cross_resting_quotes_around_fair_and_trade_against_them()
    {
        var clock = Clock();
        await using var host = await PaperExchangeHost.StartAsync(Options(clock, 3) with { TakerFlow = new TakerFlowOptions { FairPrice = 1600m, VolatilityBps = 0m, CrossBps = 50m, MinSize = 10m, MaxSize = 10m } });
        const string bot = "0xb07b07b07b07b07b07b07b07b07b07b07b07b07b";
        var ask = await host.Seeder.PlaceTraderOrderAsync("USDCcNGN-SPOT", "sell", 1601m, 100m, bot, "10");
        var bid = await host.Seeder.PlaceTraderOrderAsync("USDCcNGN-SPOT", "buy", 1599m, 100m, bot, "10");
        Assert.Equal(("buy", "0.000624609618988132", "160100"), (ask.Side, ask.LimitPrice, ask.DesiredAmount));
        Assert.Equal(("sell", "0.000625390869293308", "159900"), (bid.Side, bid.LimitPrice, bid.DesiredAmount));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var taker = await host.Taker!.StepAsync();
        Assert.Equal(host.Taker.Options.OwnerAddress, taker.OwnerAddress);
        var fill = (await host.Matcher.RunTickAsync()).Single(o => o.Market == "USDCcNGN-SPOT").Fill;
        Assert.NotNull(fill);
        Assert.Equal(taker.OrderId, fill!.Trade.TakerOrderId);
        Assert.Contains(fill.Trade.MakerOrderId, new[] { ask.OrderId, bid.OrderId });

        // The next step cancels what is left of the previous taker order.
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.Taker.StepAsync();
        var previous = await host.Store.GetOrderAsync(taker.OrderId, default);
        Assert.Contains(previous!.Status, new[] { "cancelled", "filled" });
        Assert.Equal(2, host.Taker.PlacedCount);
    }

    [Fact]
    public async Task Enabled_taker_flow_places_orders_on_its_interval()
    {
        await using var host = await PaperExchangeHost.StartAsync(PaperHosts.Options(null, TimeProvider.System) with
        {
            TakerFlow = new TakerFlowOptions { Enabled = true, Interval = TimeSpan.FromMilliseconds(20) },
        });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.Taker!.PlacedCount < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "taker flow did not place 3 orders in 10 s");
            await Task.Delay(10);
        }

        Assert.True(host.Taker.IsRunning);
    }

    [Fact]
    public async Task Seeder_places_futures_in_lots_and_reports_api_rejections()
    {
        await using var host = await PaperExchangeHost.StartAsync(PaperHosts.Options(null, Clock()));
        var order = await host.Seeder.PlaceTraderOrderAsync("USDCcNGN-SEP16-2026", "buy", 1391.4m, 0.0057m);
        Assert.Equal(("buy", "1392", "5"), (order.Side, order.LimitPrice, order.DesiredAmount));
        var e = await Assert.ThrowsAsync<SeedOrderRejectedException>(() =>
            host.Seeder.PlaceAsync(new SeedOrder { Market = "USDCcNGN-SPOT", Side = "buy", LimitPrice = "0.0006", DesiredAmount = "1.5" }));
        Assert.Equal((400, "desired_amount must align to amount step 1"), (e.Status, e.Error));
        Assert.Equal(MatchOutcomeKind.NoCandidate, (await host.Matcher.RunTickAsync())[0].Kind);
    }
}
