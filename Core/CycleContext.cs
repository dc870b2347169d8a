using System.Collections.Immutable;

namespace MarketMaker.Core;

/// <summary>Values derived once from the inputs of one decision and shared by its steps.</summary>
internal sealed class CycleContext
{
    public CycleContext(Snapshot snapshot, BotState state, BotConfig config)
    {
        Snapshot = snapshot;
        State = state;
        Config = config;
        Now = snapshot.Now;
        managedPrefix = config.ManagedPrefix;
        Market = snapshot.Market;
        var data = snapshot.MarketData.Value ?? MarketData.Empty;
        Data = data;
        LiveAll = snapshot.Orders.Value?.Items ?? [];
        Managed = LiveAll.Where(o => IsManaged(o.OrderId)).ToImmutableArray();
        var owner = config.OwnerAddress;
        bool Other(BookOrder o) => !string.Equals(o.OwnerAddress, owner, StringComparison.OrdinalIgnoreCase);
        BestOtherBid = data.Bids.Where(Other).Select(o => (decimal?)o.Price).Max();
        BestOtherAsk = data.Asks.Where(Other).Select(o => (decimal?)o.Price).Min();
        Balances = snapshot.Balances.Value;
        Inventory = Balances?.BaseTotal ?? 0m;

        // Spot inventory is the whole USDC balance, so limits and skew are measured from a target (behaviour.md §4,
        // docs/decision-core.md "Target inventory"): the configured one, else the base balance seen first (persisted).
        // Futures: the position itself, target 0.
        TargetInventory = Market.IsSpot ? config.TargetBaseInventory ?? state.Persisted.TargetBaseInventory ?? Balances?.BaseTotal ?? 0m : 0m;
        InventoryDeviation = Inventory - TargetInventory;

        decimal Notional(LiveOrder o) => o.Remaining * o.Price;
        var foreign = LiveAll.Where(o => !IsManaged(o.OrderId)).ToImmutableArray();
        if (Market.IsSpot)
        {
            var reservedQuoteByOthers = foreign.Where(o => o.Side == Side.Buy).Sum(Notional);
            var reservedBaseByOthers = foreign.Where(o => o.Side == Side.Sell).Sum(o => o.Remaining);
            QuoteCapacity = (Balances?.QuoteTotal ?? 0m) - reservedQuoteByOthers;
            BaseCapacity = (Balances?.BaseTotal ?? 0m) - reservedBaseByOthers;
        }
        else
        {
            // Cash-margined future: both sides are sized from cash; orders that are not ours hold margin.
            QuoteCapacity = (Balances?.QuoteTotal ?? 0m) - foreign.Sum(Notional);
            BaseCapacity = Balances?.BaseTotal ?? 0m;
        }

        MarketDataFetchedAt = Freshness.Older(snapshot.MarketData.FetchedAt, snapshot.Orders.FetchedAt);
        MarketDataStale = IsStale(MarketDataFetchedAt, config.StaleMarketDataTimeoutSeconds);
        BalancesStale = IsStale(snapshot.Balances.FetchedAt, config.StaleBalanceTimeoutSeconds);
    }

    public Snapshot Snapshot { get; }
    public BotState State { get; }
    public BotConfig Config { get; }
    public DateTimeOffset Now { get; }
    public MarketSpec Market { get; }
    public MarketData Data { get; }
    public ImmutableArray<LiveOrder> LiveAll { get; }
    public ImmutableArray<LiveOrder> Managed { get; }
    public decimal? BestOtherBid { get; }
    public decimal? BestOtherAsk { get; }
    public Balances? Balances { get; }
    public decimal Inventory { get; }

    /// <summary>What inventory limits and skew are measured from: spot the target base inventory, futures 0.</summary>
    public decimal TargetInventory { get; }

    /// <summary>Inventory − target: what the inventory caps, halts and skew apply to.</summary>
    public decimal InventoryDeviation { get; }

    /// <summary>Quote (spot) or cash (future) usable for our quotes: total less what orders that are not ours reserve.</summary>
    public decimal QuoteCapacity { get; }

    /// <summary>Base usable for our asks (spot): total less what sells that are not ours reserve.</summary>
    public decimal BaseCapacity { get; }

    /// <summary>When the market data (book and order list together) was fetched: the older of the two (<see cref="Freshness.Older"/>).</summary>
    public DateTimeOffset? MarketDataFetchedAt { get; }

    public bool MarketDataStale { get; }
    public bool BalancesStale { get; }

    private readonly string managedPrefix;

    public bool IsManaged(string orderId) => orderId.StartsWith(managedPrefix, StringComparison.Ordinal);

    public bool IsProtected(string orderId) =>
        Config.ProtectedOrderIdPrefixes.Any(p => p.Length > 0 && orderId.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    public bool IsStale(DateTimeOffset? fetchedAt, int timeoutSeconds) => Freshness.IsStale(Now, fetchedAt, timeoutSeconds);

    public decimal? AgeSeconds(DateTimeOffset? at) => at is { } t ? Num.Seconds(Now - t) : null;

    /// <summary>Effective inventory limits with MM_MAX_NET_INVENTORY applied (reference-bot.md §2).</summary>
    public (decimal MaxLong, decimal MaxShort) EffectiveLimits() => Config.EffectiveInventoryLimits();
}
