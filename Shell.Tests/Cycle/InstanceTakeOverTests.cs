using System.Globalization;
using MarketMaker.Core;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Cycle;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Cycle;

/// <summary>An instance gate that answers what the test says (standby until <see cref="Active"/> is set).</summary>
internal sealed class ScriptedGate : IInstanceGate
{
    public InstanceStatus Status { get; set; } = new(InstanceRole.Standby, InstanceStatus.AnotherHoldsTheLock);

    public string Describe => "scripted gate";

    public Task<InstanceStatus> CheckAsync(CancellationToken ct) => Task.FromResult(Status);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// The cycle of a standby that takes the lock over (docs/instances.md): it sends nothing while standby, and the cycle
/// in which it becomes active reconciles with the exchange's highest used nonce already read, so its first orders
/// never reuse a nonce of the instance it replaces (another host, its clock ahead of ours).
/// </summary>
public sealed class InstanceTakeOverTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_standby_that_takes_over_places_above_the_highest_nonce_the_previous_instance_used()
    {
        var time = new FakeTimeProvider(T0);
        var exchange = new FakeExchange(time);
        var orders = new FlooredOrders(exchange);
        var gate = new ScriptedGate();
        var config = new BotConfig { OwnerAddress = FakeExchange.Us, StaleMarketDataTimeoutSeconds = 30, StaleBalanceTimeoutSeconds = 30 };
        var ports = new CyclePorts(exchange, orders, exchange, null, null, exchange, exchange, exchange, Instance: gate);
        var runner = new CycleRunner(config, MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m), ports, SourceTimeouts.Default, time, new CapturingLogger());

        // The active instance (elsewhere) keeps using nonces from a clock one day ahead of ours.
        for (var i = 0; i < 4; i++)
        {
            orders.Highest = (Num.UnixMicros(time.GetUtcNow() + TimeSpan.FromDays(1)) * 2) + 7;
            var outcome = await runner.RunOnceAsync(CancellationToken.None);
            Assert.True(outcome.Standby);
            Assert.True(outcome.Decision.DryRun);
            Assert.NotEmpty(outcome.Decision.Placements);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(exchange.Log);
        orders.Highest = (Num.UnixMicros(time.GetUtcNow() + TimeSpan.FromDays(1)) * 2) + 9;
        gate.Status = InstanceStatus.Active;
        var first = await runner.RunOnceAsync(CancellationToken.None);
        Assert.False(first.Standby);
        Assert.NotNull(first.Decision.Reconciliation);
        time.Advance(TimeSpan.FromSeconds(1));
        await runner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(2, exchange.Live.Count);
        Assert.All(exchange.Live, o => Assert.True(o.Nonce > orders.Highest, $"nonce {o.Nonce} <= highest used {orders.Highest}"));
        Assert.True(exchange.Saved.NextNonceBase > orders.Highest);
    }
}
