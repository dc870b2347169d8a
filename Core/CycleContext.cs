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
        var owner = config.OwnerAddress;
        var managed = ImmutableArray.CreateBuilder<LiveOrder>();
        var foreign = ImmutableArray.CreateBuilder<LiveOrder>();
        foreach (var o in LiveAll)
        {
            (IsManaged(o.OrderId) ? managed : foreign).Add(o);
        }

        Managed = managed.DrainToImmutable();
        decimal? bestBid = null, bestAsk = null;
        foreach (var o in data.Bids)
        {
            if (!string.Equals(o.OwnerAddress, owner, StringComparison.OrdinalIgnoreCase) && (bestBid is not { } b || o.Price > b))
            {
                bestBid = o.Price;
            }
        }

        foreach (var o in data.Asks)
        {
            if (!string.Equals(o.OwnerAddress, owner, StringComparison.OrdinalIgnoreCase) && (bestAsk is not { } a || o.Price < a))
            {
                bestAsk = o.Price;
            }
        }

        BestOtherBid = bestBid;
        BestOtherAsk = bestAsk;
        Balances = snapshot.Balances.Value;
        Inventory = Balances?.BaseTotal ?? 0m;

        // Spot inventory is the whole USDC balance, so limits and skew are measured from a target (behaviour.md §4,
        // docs/decision-core.md "Target inventory"): the configured one, else the base balance seen first (persisted).
        // Futures: the position itself, target 0.
        TargetInventory = Market.IsSpot ? config.TargetBaseInventory ?? state.Persisted.TargetBaseInventory ?? Balances?.BaseTotal ?? 0m : 0m;
        InventoryDeviation = Inventory - TargetInventory;

        decimal reservedQuote = 0m, reservedBase = 0m, notional = 0m;
        foreach (var o in foreign)
        {
            notional += o.Remaining * o.Price;
            if (o.Side == Side.Buy)
            {
                reservedQuote += o.Remaining * o.Price;
            }
            else
            {
                reservedBase += o.Remaining;
            }
        }

        if (Market.IsSpot)
        {
            QuoteCapacity = (Balances?.QuoteTotal ?? 0m) - reservedQuote;
            BaseCapacity = (Balances?.BaseTotal ?? 0m) - reservedBase;
        }
        else
        {
            // Cash-margined future: both sides are sized from cash; orders that are not ours hold margin.
            QuoteCapacity = (Balances?.QuoteTotal ?? 0m) - notional;
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
    private List<BookOrder>? referenceBids;
    private List<BookOrder>? referenceAsks;

    /// <summary>
    /// Other participants' bids that may make the reference (docs/hostile-input.md: positive price, at least the dust
    /// size), best first; ties keep the book's order. Derived once per decision.
    /// </summary>
    public List<BookOrder> ReferenceBids => referenceBids ??= ReferenceOrders(Data.Bids, descending: true);

    /// <summary>Other participants' asks that may make the reference, best (lowest) first; see <see cref="ReferenceBids"/>.</summary>
    public List<BookOrder> ReferenceAsks => referenceAsks ??= ReferenceOrders(Data.Asks, descending: false);

    public bool IsManaged(string orderId) => orderId.StartsWith(managedPrefix, StringComparison.Ordinal);

    public bool IsProtected(string orderId) =>
        Config.ProtectedOrderIdPrefixes.Any(p => p.Length > 0 && orderId.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    public bool IsStale(DateTimeOffset? fetchedAt, int timeoutSeconds) => Freshness.IsStale(Now, fetchedAt, timeoutSeconds);

    public decimal? AgeSeconds(DateTimeOffset? at) => at is { } t ? Num.Seconds(Now - t) : null;

    /// <summary>Effective inventory limits with MM_MAX_NET_INVENTORY applied (reference-bot.md §2).</summary>
    public (decimal MaxLong, decimal MaxShort) EffectiveLimits() => Config.EffectiveInventoryLimits();

    private List<BookOrder> ReferenceOrders(ImmutableArray<BookOrder> side, bool descending)
    {
        var owner = Config.OwnerAddress;
        var minSize = Config.EffectiveMinReferenceOrderSize();
        var orders = new List<BookOrder>(side.Length);
        foreach (var o in side)
        {
            if (string.Equals(o.OwnerAddress, owner, StringComparison.OrdinalIgnoreCase) || o.Price <= 0 || o.RemainingSize < minSize || o.RemainingSize <= 0)
            {
                continue;
            }

            // Insertion sort: stable (equal prices keep the book's order) and linear on a book that comes sorted.
            var i = orders.Count;
            while (i > 0 && (descending ? orders[i - 1].Price < o.Price : orders[i - 1].Price > o.Price))
            {
                i--;
            }

            orders.Insert(i, o);
        }

        return orders;
    }
}
