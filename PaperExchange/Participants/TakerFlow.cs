using System.Globalization;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Orders;
using MarketMaker.PaperExchange.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MarketMaker.PaperExchange.Participants;

/// <summary>
/// Settings of the simulated taker: every <see cref="Interval"/> it moves a fair price by a random step of at
/// most <see cref="VolatilityBps"/>, picks a side, and sends an order priced <see cref="CrossBps"/> through the
/// fair price (buy above, sell below) so it crosses quotes around it. Prices and sizes are in the trader view
/// (spot: cNGN per USDC and USDC; futures: price and contracts).
/// </summary>
public sealed record TakerFlowOptions
{
    /// <summary>Start the flow with the exchange (otherwise start it via <see cref="TakerFlow.Start"/> or step it).</summary>
    public bool Enabled { get; init; }

    public string Market { get; init; } = MarketDefinition.SpotSymbol;

    public decimal FairPrice { get; init; } = 1600m;

    public decimal VolatilityBps { get; init; } = 5m;

    public decimal CrossBps { get; init; } = 50m;

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public decimal MinSize { get; init; } = 1m;

    public decimal MaxSize { get; init; } = 10m;

    /// <summary>Expiry of each taker order; the previous one is also cancelled before the next is sent.</summary>
    public TimeSpan OrderLifetime { get; init; } = TimeSpan.FromSeconds(10);

    public string OwnerAddress { get; init; } = "0x7a4e000000000000000000000000000000007a4e";

    public string SubaccountId { get; init; } = "900001";
}

/// <summary>
/// The other side of the market: seeded random market-crossing orders around a moving fair price, owned by a
/// distinct taker address. Deterministic for a given seed and clock.
/// </summary>
public sealed class TakerFlow : IAsyncDisposable
{
    private readonly OrderService _orders;
    private readonly OrderSeeder _seeder;
    private readonly MarketDefinition _market;
    private readonly string _tradeModule;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly Random _random;
    private readonly SemaphoreSlim _stepLock = new(1, 1);
    private CancellationTokenSource? _cts;
    private Task? _loop;
    private readonly object _fairLock = new();
    private decimal _fair;
    private OrderRow? _last;
    private int _placed;

    public TakerFlow(TakerFlowOptions options, OrderService orders, OrderSeeder seeder, MarketRegistry markets, string tradeModule, TimeProvider clock, int seed, ILogger? log = null)
    {
        Options = options;
        _orders = orders;
        _seeder = seeder;
        _market = markets.BySymbol(options.Market) is { IsActive: true } m
            ? m
            : throw new ArgumentException($"TakerFlow.Market \"{options.Market}\" is not an enabled market");
        _tradeModule = tradeModule;
        _clock = clock;
        _log = log ?? NullLogger.Instance;
        _random = new Random(seed);
        _fair = options.FairPrice;
    }

    public TakerFlowOptions Options { get; }

    /// <summary>The current fair price (trader view). Setting it moves the flow's centre at once.</summary>
    public decimal FairPrice
    {
        get
        {
            lock (_fairLock)
            {
                return _fair;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            lock (_fairLock)
            {
                _fair = value;
            }
        }
    }

    public int PlacedCount => Volatile.Read(ref _placed);

    public OrderRow? LastOrder => Volatile.Read(ref _last);

    public bool IsRunning => _loop is { IsCompleted: false };

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        _cts = new CancellationTokenSource();
        var ct = _cts.Token;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(Options.Interval, _clock);
            try
            {
                while (await timer.WaitForNextTickAsync(ct))
                {
                    try
                    {
                        await StepAsync(ct);
                    }
                    catch (Exception e) when (e is StoreException or SeedOrderRejectedException)
                    {
                        _log.LogWarning("taker flow: {Error}", e.Message);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync()
    {
        if (_cts is null)
        {
            return;
        }

        await _cts.CancelAsync();
        try
        {
            await (_loop ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
        }

        _cts.Dispose();
        _cts = null;
        _loop = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stepLock.Dispose();
    }

    /// <summary>
    /// One step: cancel the previous taker order if it still rests, move the fair price, send one crossing order.
    /// Returns the order placed.
    /// </summary>
    public async Task<OrderRow> StepAsync(CancellationToken ct = default)
    {
        await _stepLock.WaitAsync(ct);
        try
        {
            if (_last is { } previous)
            {
                await _orders.CancelUncheckedAsync(previous.OwnerAddress, previous.Nonce, "", ct);
            }

            var move = ((decimal)_random.NextDouble() * 2m - 1m) * Options.VolatilityBps / 10_000m;
            var fair = FairPrice * (1m + move);
            FairPrice = fair;
            var buy = _random.Next(2) == 0;
            var cross = Options.CrossBps / 10_000m;
            var price = Math.Round(buy ? fair * (1m + cross) : fair * (1m - cross), 6, MidpointRounding.AwayFromZero);
            var size = Math.Round(Options.MinSize + (decimal)_random.NextDouble() * (Options.MaxSize - Options.MinSize), 3, MidpointRounding.ToZero);
            var (side, limit, amount) = InternalOrders.FromTraderView(_market, buy ? "buy" : "sell", price, Math.Max(size, Options.MinSize));
            var nonce = _seeder.NextNonce();
            var request = InternalOrders.EngineOrder(
                _market,
                _tradeModule,
                Options.OwnerAddress,
                Options.SubaccountId,
                nonce,
                $"taker:{_market.Symbol}:{(buy ? "buy" : "sell")}:{nonce}",
                side,
                limit,
                amount,
                _clock.GetUtcNow().Add(Options.OrderLifetime).ToUnixTimeSeconds() + 1);
            var result = await _orders.CreateAsync(request, verifySignature: false, ct);
            if (!result.Ok)
            {
                throw new SeedOrderRejectedException(result.Status, result.Error!);
            }

            Volatile.Write(ref _last, result.Order);
            Interlocked.Increment(ref _placed);
            _log.LogDebug("taker flow: {Side} {Amount} @ {Price} (fair {Fair})", side, amount, limit, fair.ToString(CultureInfo.InvariantCulture));
            return result.Order!;
        }
        finally
        {
            _stepLock.Release();
        }
    }
}
