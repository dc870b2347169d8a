using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using MarketMaker.Core;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Observability;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Integration;

/// <summary>A scenario assertion or wait that did not hold; the message says what was expected and what was seen.</summary>
public sealed class ScenarioFailedException(string message) : Exception(message);

/// <summary>A precondition (service, funding, isolation) that does not hold: nothing is traded.</summary>
public sealed class PreconditionFailedException(string check, string message) : Exception(message)
{
    public string Check { get; } = check;
}

/// <summary>One in-process bot: the production wiring and <see cref="CycleRunner"/>, driven cycle by cycle.</summary>
internal sealed class BotInstance : IAsyncDisposable
{
    private readonly BotWiring _wiring;
    private readonly BotConfig _config;

    public BotInstance(BotWiring wiring, CycleRunner runner, BotConfig config)
    {
        _wiring = wiring;
        _config = config;
        Runner = runner;
    }

    public CycleRunner Runner { get; }

    public BotMetrics Metrics { get; } = new();

    public List<CycleOutcome> Cycles { get; } = [];

    public List<string> ActionErrors { get; } = [];

    public DateTimeOffset LastCycleAt { get; private set; } = DateTimeOffset.MinValue;

    public CyclePorts Ports => _wiring.Ports;

    public decimal? Inventory => Cycles.LastOrDefault(c => c.Snapshot.Balances.FreshThisCycle)?.Snapshot.Balances.Value?.BaseTotal;

    public int PartialFills => Cycles.Sum(c => c.Decision.Fills.Count(f => f.Partial));

    public async Task<CycleOutcome> CycleAsync(CancellationToken ct)
    {
        // The reference harness's loop exits on the first RunCycle error; an exception here fails the scenario.
        var outcome = await Runner.RunOnceAsync(ct);
        LastCycleAt = DateTimeOffset.UtcNow;
        Metrics.Update(outcome.Snapshot, outcome.Decision, _config);
        Cycles.Add(outcome);
        foreach (var (cancel, result) in outcome.Cancels.Where(c => !c.Outcome.Ok))
        {
            ActionErrors.Add($"cancel {cancel.OrderId}: {result.Error}");
        }

        foreach (var (placement, result) in outcome.Placements.Where(p => !p.Outcome.Ok))
        {
            ActionErrors.Add($"place {placement.OrderId}: {result.Error}");
        }

        return outcome;
    }

    /// <summary>The bot's live orders as the exchange (Postgres) has them now.</summary>
    public Task<ImmutableArray<LiveOrder>> LiveAsync(CancellationToken ct) => _wiring.Ports.Orders.FetchLiveAsync(ct);

    public async Task<string> MetricAsync(string name)
    {
        var text = await Metrics.ExportTextAsync();
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? "0" : line[(name.Length + 1)..].Trim();
    }

    public ValueTask DisposeAsync() => _wiring.DisposeAsync();
}

/// <summary>The taker: a real signed participant on the exchange, with its own key and subaccount.</summary>
internal sealed class TakerClient(MarketsOrderGateway gateway, ILiveOrderSource orders, IBalanceSource balances, string ownerAddress, string subaccountId)
{
    private long _lastNonce;

    public string OwnerAddress { get; } = ownerAddress;

    public string SubaccountId { get; } = subaccountId;

    public ILiveOrderSource Orders { get; } = orders;

    public IBalanceSource Balances { get; } = balances;

    public async Task<string> PlaceAsync(string scenario, string symbol, Side side, decimal price, decimal size, CancellationToken ct)
    {
        var micros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var nonce = Math.Max(micros, _lastNonce + 1);
        _lastNonce = nonce;
        var id = $"integration-taker:{scenario}:{symbol}:{nonce.ToString(CultureInfo.InvariantCulture)}";
        var result = await gateway.PlaceAsync(new PlaceAction(side, 0, price, size, nonce, id), ct);
        return result.Ok ? id : throw new ScenarioFailedException($"the taker's {side.Wire()} {size}@{price} was rejected: {result.Error}");
    }

    public Task<ActionOutcome> CancelAsync(LiveOrder order, CancellationToken ct) => gateway.CancelAsync(HarnessParts.CleanupCancel(order), ct);
}

/// <summary>Everything a scenario needs: the bot's settings, the exchange clients, the taker, the clock.</summary>
internal sealed class Harness
{
    public required Settings Settings { get; init; }

    public required IntegrationSettings Int { get; init; }

    public required DeploymentAddresses Addresses { get; init; }

    public required MarketInfo Market { get; init; }

    public required MarketsClient Markets { get; init; }

    public required HttpClient Http { get; init; }

    public required TakerClient Taker { get; init; }

    public required ILoggerFactory Logs { get; init; }

    public WiringOverrides? BotOverrides { get; init; }

    public string Symbol => Market.Spec.Symbol;

    public TimeSpan BotInterval => TimeSpan.FromMilliseconds(Math.Max(1, Settings.Bot.PollIntervalMs));

    /// <summary>A bot process starting: fresh wiring, the state file loaded again (a restart).</summary>
    public BotInstance StartBot()
    {
        var wiring = BotWiring.Build(Settings, Market, Addresses, Markets, Http, TimeProvider.System, BotOverrides);
        var runner = new CycleRunner(Settings.Bot, Market.Spec, wiring.Ports, wiring.Timeouts, TimeProvider.System, Logs.CreateLogger("mm-bot"));
        return new BotInstance(wiring, runner, Settings.Bot);
    }

    public async Task<MarketData> MarketDataAsync(CancellationToken ct) =>
        await new MarketsDataSource(Markets, Market.Spec).FetchAsync(ct);

    /// <summary>
    /// Polls <paramref name="probe"/> every MM_INT_POLL_INTERVAL_MS until it gives a value, running a bot cycle every
    /// MM_POLL_INTERVAL_MS meanwhile (the bot "runs" while we wait). Fails with <paramref name="what"/> on timeout.
    /// </summary>
    public async Task<T> WaitAsync<T>(string what, BotInstance? bot, Func<CancellationToken, Task<(T? Value, string Seen)>> probe, CancellationToken ct)
        where T : class
    {
        var seen = "nothing yet";
        try
        {
            while (true)
            {
                if (bot is not null && DateTimeOffset.UtcNow - bot.LastCycleAt >= BotInterval)
                {
                    await bot.CycleAsync(ct);
                }

                var (value, s) = await probe(ct);
                seen = s;
                if (value is not null)
                {
                    return value;
                }

                await Task.Delay(bot is null ? Int.PollInterval : Min(Int.PollInterval, BotInterval), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var errors = bot is null || bot.ActionErrors.Count == 0 ? "" : "; bot action errors: " + string.Join("; ", bot.ActionErrors.TakeLast(3));
            var last = bot?.Cycles.LastOrDefault() is { } c ? "; bot's last decision: " + DescribeDecision(c) : "";
            throw new ScenarioFailedException($"timed out waiting for {what}; last seen: {seen}{errors}{last}");
        }
    }

    /// <summary>
    /// Runs the cycles of a (re)started bot until its startup reconciliation: the bot defers it while inputs are missing
    /// or one of its orders is held by the matcher ("matching"). Returns every cycle up to and including that one.
    /// </summary>
    public async Task<List<CycleOutcome>> UntilReconciledAsync(BotInstance bot, CancellationToken ct)
    {
        var cycles = new List<CycleOutcome>();
        try
        {
            while (true)
            {
                var o = await bot.CycleAsync(ct);
                cycles.Add(o);
                if (o.Decision.Reconciliation is not null)
                {
                    return cycles;
                }

                await Task.Delay(BotInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var last = cycles.LastOrDefault()?.Decision;
            throw new ScenarioFailedException($"the bot made no startup reconciliation in {cycles.Count} cycles (last: {last?.SyncSkipped ?? "no cycle"}; {(cycles.LastOrDefault() is { } c ? DescribeDecision(c) : "")})");
        }
    }

    /// <summary>Reference, halt and suppressions of one cycle: why the bot is (not) quoting.</summary>
    public static string DescribeDecision(CycleOutcome c)
    {
        var d = c.Decision;
        var parts = new List<string>
        {
            $"reference {d.ReferencePrice?.ToString(CultureInfo.InvariantCulture) ?? "none"} ({d.ReferenceSource.Wire()})",
            $"targets [{string.Join(", ", d.Targets.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Side.Wire()} {t.Size}@{t.Price}")))}]",
        };
        if (d.Halt is { } halt)
        {
            parts.Add($"halt {halt.Reason} ({halt.Detail})");
        }

        parts.AddRange(d.Suppressions.Select(x => $"{x.Side.Wire()} suppressed: {x.Reason} {x.Detail}"));
        parts.AddRange(c.SourceErrors.Select(e => "source error " + e));
        return string.Join(", ", parts);
    }

    /// <summary>Waits for exactly one bid and one ask of the bot (optionally with an extra condition).</summary>
    public Task<Quotes> WaitForQuotesAsync(BotInstance bot, CancellationToken ct, Func<Quotes, bool>? also = null, string? alsoText = null) =>
        WaitAsync<Quotes>(
            "exactly one bid and one ask of the bot" + (alsoText is null ? "" : " " + alsoText),
            bot,
            async c =>
            {
                var live = await bot.LiveAsync(c);
                var q = Quotes.From(live);
                var ok = q.Bids.Length == 1 && q.Asks.Length == 1 && (also is null || also(q));
                return (ok ? q : null, q.Describe());
            },
            ct);

    /// <summary>
    /// ensureCleanMarket: cancel the bot's and the taker's orders (reason integration_cleanup), wait until both have none,
    /// then require an empty book.
    /// </summary>
    public async Task EnsureCleanMarketAsync(CancellationToken ct)
    {
        var botWiring = BotWiring.Build(Settings, Market, Addresses, Markets, Http, TimeProvider.System, BotOverrides);
        await using (botWiring)
        {
            await WaitAsync<string>(
                "the bot and the taker to have no open orders (cancelled with reason integration_cleanup)",
                null,
                async c =>
                {
                    var mine = await botWiring.Ports.Orders.FetchLiveAsync(c);
                    var taker = await Taker.Orders.FetchLiveAsync(c);
                    var failures = new List<string>();
                    async Task CancelAll(ImmutableArray<LiveOrder> orders, Func<LiveOrder, Task<ActionOutcome>> cancel)
                    {
                        foreach (var o in orders.Where(o => !o.Matching))
                        {
                            var r = await cancel(o);
                            if (!r.Ok)
                            {
                                failures.Add($"cancel {o.OrderId}: {r.Error}");
                            }
                        }
                    }

                    await CancelAll(mine, o => botWiring.Ports.Gateway.CancelAsync(HarnessParts.CleanupCancel(o), c));
                    await CancelAll(taker, o => Taker.CancelAsync(o, c));

                    var seen = $"bot orders [{string.Join(", ", mine.Select(o => o.OrderId))}], taker orders [{string.Join(", ", taker.Select(o => o.OrderId))}]";
                    return (mine.IsEmpty && taker.IsEmpty ? "clean" : null, failures.Count == 0 ? seen : seen + "; " + string.Join("; ", failures));
                },
                ct);
        }

        var data = await MarketDataAsync(ct);
        if (!data.Bids.IsEmpty || !data.Asks.IsEmpty)
        {
            var foreign = data.Bids.Concat(data.Asks).Take(5).Select(o => $"{o.OrderId} ({o.Side.Wire()} {o.RemainingSize}@{o.Price} owner {o.OwnerAddress})");
            throw new PreconditionFailedException(
                "market_isolated",
                string.Create(CultureInfo.InvariantCulture, $"market book is not empty after cleanup; bids={data.Bids.Length} asks={data.Asks.Length}; use an isolated environment or empty market first (resting orders of other owners: {string.Join(", ", foreign)})"));
        }
    }

    /// <summary>Places an order of the bot's own identity (stale or duplicate quotes a previous run might have left).</summary>
    public async Task<string> SeedBotOrderAsync(BotInstance bot, Side side, decimal price, decimal size, long nonce, CancellationToken ct)
    {
        var id = Nonces.OrderId(Symbol, side, nonce);
        var result = await bot.Ports.Gateway.PlaceAsync(new PlaceAction(side, 0, price, size, nonce, id), ct);
        return result.Ok ? id : throw new ScenarioFailedException($"seeding {id} ({side.Wire()} {size}@{price}) was rejected: {result.Error}");
    }

    /// <summary>A price rounded to the market tick (at most 2 decimals, so both views of the spot market accept it).</summary>
    public decimal Round(decimal price)
    {
        var p = Math.Round(price, 2, MidpointRounding.AwayFromZero);
        var tick = Market.Spec.TickSize;
        return tick > 0.01m ? Math.Round(p / tick, MidpointRounding.AwayFromZero) * tick : p;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>The bot's open orders split by side (best first).</summary>
internal sealed record Quotes(ImmutableArray<LiveOrder> Bids, ImmutableArray<LiveOrder> Asks)
{
    public LiveOrder Bid => Bids[0];

    public LiveOrder Ask => Asks[0];

    public ImmutableArray<string> Ids => [.. Bids.Concat(Asks).Select(o => o.OrderId)];

    public bool NoDuplicateSides => Bids.Length <= 1 && Asks.Length <= 1;

    public static Quotes From(ImmutableArray<LiveOrder> live) =>
        new([.. live.Where(o => o.Side == Side.Buy).OrderByDescending(o => o.Price)], [.. live.Where(o => o.Side == Side.Sell).OrderBy(o => o.Price)]);

    public string Describe() =>
        Bids.IsEmpty && Asks.IsEmpty
            ? "no open orders"
            : string.Join(", ", Bids.Concat(Asks).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.OrderId} {o.Side.Wire()} {o.Remaining}/{o.Size}@{o.Price}")));

    public static JsonObject Json(LiveOrder o) => new()
    {
        ["order_id"] = o.OrderId,
        ["side"] = o.Side.Wire(),
        ["price"] = o.Price,
        ["size"] = o.Size,
        ["remaining"] = o.Remaining,
    };
}

/// <summary>Building blocks shared by the command and the scenarios.</summary>
internal static class HarnessParts
{
    /// <summary>The cleanup cancel of reference-bot.md §10 (reason integration_cleanup).</summary>
    public static CancelAction CleanupCancel(LiveOrder order) => new(order.OrderId, order.Nonce, order.Side, "integration_cleanup", "integration_cleanup");

    public static OrderIdentity TakerIdentity(Settings s, IntegrationSettings i, MarketInfo market, DeploymentAddresses addresses) =>
        BotWiring.Identity(s, market, addresses, i.TakerSignerKey, i.TakerOwnerAddress, i.TakerSignerAddress, i.TakerSubaccountId, i.TakerRecipientId, "integration-taker");
}
