using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Matching;
using MarketMaker.PaperExchange.Storage;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>
/// The store fails between the matcher's acquire (the pair is set to <c>matching</c>) and its release: the pair must
/// not stay reserved forever (out of the book, uncancellable). This was the cause of the flaky
/// <c>DatabaseOutageTests</c>: the bot's own pair, reserved by the tick that ran as the database went down, never
/// came back, so the bot (which leaves a <c>matching</c> order alone) never quoted again.
/// </summary>
public sealed class PaperMatcherReleaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private PaperExchangeHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await PaperExchangeHost.StartAsync(PaperHosts.Options(null, _clock) with
        {
            ExecutorLatency = Latency,
            Funding = [AccountFunding.Spot(10, usdc: 1000m, cngn: 2_000_000m), AccountFunding.Spot(20, usdc: 1000m, cngn: 2_000_000m)],
        });
        _http = new HttpClient { BaseAddress = new Uri(_host.ApiUrl) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_pair_whose_release_failed_is_released_on_the_next_tick_and_then_matches()
    {
        var expiry = _clock.GetUtcNow().ToUnixTimeSeconds() + 3600;
        await Place(Bodies.SpotOrder("1", "sell", "0.000625", "160000", orderId: "maker:1", expiry: expiry, owner: "0x1000000000000000000000000000000000000001", subaccount: "10"));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await Place(Bodies.SpotOrder("1", "buy", "0.000630", "160000", orderId: "taker:1", expiry: expiry, owner: "0x2000000000000000000000000000000000000002", subaccount: "20"));

        // The tick reserves the pair, then waits for the executor: the database goes down meanwhile.
        var tick = _host.Matcher.RunTickAsync();
        await Until(async () => (await _host.Store.GetOrderAsync("maker:1", default))?.Status == OrderStatus.Matching, "the pair reserved");
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Database, FaultKind.Unavailable));
        var failed = await Drive(tick);
        Assert.Contains(failed, o => o.Market == "USDCcNGN-SPOT" && o.Kind == MatchOutcomeKind.StoreError);
        await _host.Faults.ClearAllAsync();
        Assert.Equal(["maker:1", "taker:1"], _host.Matcher.Unreleased("USDCcNGN-SPOT").Order(StringComparer.Ordinal));
        Assert.Equal(OrderStatus.Matching, (await _host.Store.GetOrderAsync("taker:1", default))!.Status);

        // Database back: the next tick releases the stuck pair first, then matches it as usual.
        var next = await Drive(_host.Matcher.RunTickAsync());
        Assert.Contains(next, o => o.Market == "USDCcNGN-SPOT" && o.Kind == MatchOutcomeKind.Filled);
        Assert.Empty(_host.Matcher.Unreleased("USDCcNGN-SPOT"));
        Assert.Equal(OrderStatus.Filled, (await _host.Store.GetOrderAsync("maker:1", default))!.Status);
    }

    [Fact]
    public async Task A_release_that_keeps_failing_is_retried_every_tick_and_nothing_new_is_reserved_meanwhile()
    {
        var expiry = _clock.GetUtcNow().ToUnixTimeSeconds() + 3600;
        await Place(Bodies.SpotOrder("2", "sell", "0.000625", "160000", orderId: "maker:2", expiry: expiry, owner: "0x1000000000000000000000000000000000000001", subaccount: "10"));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await Place(Bodies.SpotOrder("2", "buy", "0.000630", "160000", orderId: "taker:2", expiry: expiry, owner: "0x2000000000000000000000000000000000000002", subaccount: "20"));
        var tick = _host.Matcher.RunTickAsync();
        await Until(async () => (await _host.Store.GetOrderAsync("maker:2", default))?.Status == OrderStatus.Matching, "the pair reserved");
        await _host.Faults.SetAsync(new FaultRule(FaultTargets.Database, FaultKind.Unavailable));
        await Drive(tick);

        // Still down: the retry fails, the pair stays remembered.
        var again = await _host.Matcher.RunTickAsync();
        Assert.Contains(again, o => o.Market == "USDCcNGN-SPOT" && o.Kind == MatchOutcomeKind.StoreError);
        Assert.Equal(2, _host.Matcher.Unreleased("USDCcNGN-SPOT").Count);

        await _host.Faults.ClearAllAsync();
        await Drive(_host.Matcher.RunTickAsync());
        Assert.Empty(_host.Matcher.Unreleased("USDCcNGN-SPOT"));
        Assert.NotEqual(OrderStatus.Matching, (await _host.Store.GetOrderAsync("taker:2", default))!.Status);
    }

    private async Task Place(System.Text.Json.Nodes.JsonObject body)
    {
        var r = await _http.PostJsonAsync("/v1/orders", body);
        Assert.True(r.Status == 201, r.Body);
    }

    /// <summary>Advances the fake clock until the tick (waiting for the executor latency) completes.</summary>
    private async Task<IReadOnlyList<MatchOutcome>> Drive(Task<IReadOnlyList<MatchOutcome>> tick)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!tick.IsCompleted && DateTime.UtcNow < until)
        {
            _clock.Advance(Latency);
            await Task.WhenAny(tick, Task.Delay(10));
        }

        return await tick.WaitAsync(TimeSpan.FromSeconds(1));
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting for " + what);
            await Task.Delay(5);
        }
    }
}
