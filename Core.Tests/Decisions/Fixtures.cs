using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>Fixed times, addresses and markets shared by the decision tests.</summary>
internal static class F
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    public const string Us = "0x00000000000000000000000000000000000000aa";
    public const string Other = "0x00000000000000000000000000000000000000bb";
    public const string SpotSymbol = MarketSpec.SpotSymbol;
    public const string FutureSymbol = "USDCcNGN-APR30-2026";

    public static readonly MarketSpec Spot = MarketSpec.For(SpotSymbol, 0.01m);
    public static readonly MarketSpec Future = MarketSpec.For(FutureSymbol, 0.01m);

    /// <summary>Default strategy for examples: no skew so targets are easy to read (bid 1596, ask 1604 around 1600).</summary>
    // Inventory measured from zero (MM_TARGET_BASE_INVENTORY=0) unless a test says otherwise: the scenes give absolute balances.
    public static readonly BotConfig Config = new() { OwnerAddress = Us, InventorySkewBps = 0m, TargetBaseInventory = 0m };

    public static BotConfig FutureConfig => Config with { MarketSymbol = FutureSymbol };

    /// <summary>A running bot whose fill tracker has already seen the market once.</summary>
    public static readonly BotState Running = new() { Phase = BotPhase.Running, Fills = new FillTracker { Primed = true } };

    public static readonly BotState Startup = new();

    public static string Id(string market, Side side, long nonce) => $"mm:{market}:{side.Wire()}:{nonce}";

    public static LiveOrder Own(Side side, decimal price, decimal size = 100m, long nonce = 1000, DateTimeOffset? created = null, decimal? remaining = null, string market = SpotSymbol, bool matching = false) =>
        new(Id(market, side, nonce), nonce, side, price, size, remaining ?? size, matching, created ?? T0.AddMinutes(-1));

    public static LiveOrder Foreign(string id, Side side, decimal price, decimal size = 100m, long nonce = 7) =>
        new(id, nonce, side, price, size, size, false, T0.AddMinutes(-1));

    public static BookOrder Book(Side side, decimal price, decimal size = 50m, string owner = Other, string? id = null) =>
        new(id ?? $"o-{side.Wire()}-{price.ToString(CultureInfo.InvariantCulture)}", owner, side, price, size, T0.AddMinutes(-5));

    public static Trade Trade(long id, decimal price, DateTimeOffset at, string maker = "m", string taker = "t", decimal size = 10m, Side aggressor = Side.Buy) =>
        new(id, price, size, aggressor, taker, maker, at);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Structural form of a decision for equality checks (records holding arrays compare by reference).</summary>
    public static string Canonical(Decision d) => JsonSerializer.Serialize(d, Json);

    /// <summary>The next snapshot after a decision was applied: its cancels gone, its placements live and in the book, every clock moved by <paramref name="dt"/>.</summary>
    public static Snapshot Applied(Snapshot s, Decision d, TimeSpan dt)
    {
        var canceled = d.Cancels.Select(c => c.OrderId).ToHashSet(StringComparer.Ordinal);
        var placed = d.Placements.Select(p => new LiveOrder(p.OrderId, p.Nonce, p.Side, p.Price, p.Size, p.Size, false, s.Now)).ToList();
        var live = (s.Orders.Value?.Items ?? []).Where(o => !canceled.Contains(o.OrderId)).Concat(placed).ToImmutableArray();
        var data = s.MarketData.Value ?? MarketData.Empty;
        var bids = data.Bids.Where(b => !canceled.Contains(b.OrderId))
            .Concat(placed.Where(p => p.Side == Side.Buy).Select(p => new BookOrder(p.OrderId, F.Us, p.Side, p.Price, p.Remaining, p.CreatedAt)))
            .OrderByDescending(b => b.Price).ToImmutableArray();
        var asks = data.Asks.Where(b => !canceled.Contains(b.OrderId))
            .Concat(placed.Where(p => p.Side == Side.Sell).Select(p => new BookOrder(p.OrderId, F.Us, p.Side, p.Price, p.Remaining, p.CreatedAt)))
            .OrderBy(b => b.Price).ToImmutableArray();
        DateTimeOffset? Shift(DateTimeOffset? t) => t?.Add(dt);
        Input<T> ShiftInput<T>(Input<T> i)
            where T : class => i with { FetchedAt = Shift(i.FetchedAt) };
        return s with
        {
            Now = s.Now + dt,
            MarketData = ShiftInput(s.MarketData) with
            {
                Value = s.MarketData.Value is null ? null : new MarketData(bids, asks, [.. data.Trades.Select(t => t with { CreatedAt = t.CreatedAt + dt })]),
            },
            Orders = ShiftInput(s.Orders) with { Value = new LiveOrders([.. live.Select(o => o with { CreatedAt = o.CreatedAt + dt })]) },
            Balances = ShiftInput(s.Balances),
            Anchor = ShiftInput(s.Anchor) with { Value = s.Anchor.Value is { } a ? a with { ObservedAt = a.ObservedAt + dt } : null },
            ExternalAnchor = ShiftInput(s.ExternalAnchor) with { Value = s.ExternalAnchor.Value is { } e ? e with { ObservedAt = e.ObservedAt + dt } : null },
        };
    }

    /// <summary>A generated input as JSON, so a shrunk counterexample can be read and turned into an example test.</summary>
    public static string Describe(Snapshot s, BotState state, BotConfig c) =>
        JsonSerializer.Serialize(new { Snapshot = s, State = state, Config = c }, Json);
}

/// <summary>A readable builder for one snapshot: other participants quote 1595 / 1605 by default.</summary>
internal sealed record Scene
{
    public DateTimeOffset Now { get; init; } = F.T0;
    public MarketSpec Market { get; init; } = F.Spot;
    public ImmutableArray<BookOrder> Bids { get; init; } = [F.Book(Side.Buy, 1595m)];
    public ImmutableArray<BookOrder> Asks { get; init; } = [F.Book(Side.Sell, 1605m)];
    public ImmutableArray<Trade> Trades { get; init; } = [];
    public ImmutableArray<LiveOrder> Live { get; init; } = [];
    public Balances Balances { get; init; } = new(500m, 2_000_000m);

    /// <summary>When market data, orders and balances were last fetched (null: now).</summary>
    public DateTimeOffset? MarketDataAt { get; init; }
    public DateTimeOffset? OrdersAt { get; init; }
    public DateTimeOffset? BalancesAt { get; init; }
    public bool OrdersFresh { get; init; } = true;
    public Input<AnchorReading> Anchor { get; init; } = Input<AnchorReading>.Missing;
    public Input<AnchorReading> External { get; init; } = Input<AnchorReading>.Missing;
    public bool Kill { get; init; }
    public ImmutableSortedDictionary<string, FinalStatus> Finals { get; init; } = ImmutableSortedDictionary<string, FinalStatus>.Empty;

    public static Scene Default => new();

    public static Scene FutureDefault => new() { Market = F.Future, Balances = new Balances(0m, 1_000_000m) };

    public static Scene EmptyBook => new() { Bids = [], Asks = [] };

    public Scene At(DateTimeOffset now) => this with { Now = now };

    public Scene WithLive(params LiveOrder[] orders) => this with { Live = [.. orders] };

    /// <summary>The same scene with our orders also resting in the public book (as the exchange would show them).</summary>
    public Scene WithOwnInBook() => this with
    {
        Bids = Bids.AddRange(Live.Where(o => o.Side == Side.Buy).Select(o => F.Book(Side.Buy, o.Price, o.Remaining, F.Us, o.OrderId)))
            .Sort((a, b) => b.Price.CompareTo(a.Price)),
        Asks = Asks.AddRange(Live.Where(o => o.Side == Side.Sell).Select(o => F.Book(Side.Sell, o.Price, o.Remaining, F.Us, o.OrderId)))
            .Sort((a, b) => a.Price.CompareTo(b.Price)),
    };

    public Scene WithFixedAnchor(decimal price, DateTimeOffset? fetchedAt = null) =>
        this with { Anchor = Input<AnchorReading>.Fresh(new AnchorReading(price, fetchedAt ?? Now), fetchedAt ?? Now) };

    public Scene WithExternal(decimal price, DateTimeOffset? observedAt = null, DateTimeOffset? fetchedAt = null) =>
        this with { External = Input<AnchorReading>.Fresh(new AnchorReading(price, observedAt ?? Now), fetchedAt ?? Now) };

    public Snapshot Build()
    {
        var md = Input<MarketData>.Fresh(new MarketData(Bids, Asks, Trades), MarketDataAt ?? Now);
        if (MarketDataAt is { } m && m != Now)
        {
            md = md.Failed("timeout");
        }

        var orders = new Input<LiveOrders>(new LiveOrders(Live), OrdersAt ?? Now, OrdersFresh && (OrdersAt is null || OrdersAt == Now));
        var balances = Input<Balances>.Fresh(Balances, BalancesAt ?? Now);
        if (BalancesAt is { } b && b != Now)
        {
            balances = balances.Failed("timeout");
        }

        return new Snapshot(Now, Market, md, orders, balances, Anchor, External, Kill, Finals);
    }

    public Decision Decide(BotConfig? config = null, BotState? state = null) =>
        Decider.Decide(Build(), state ?? F.Running, config ?? F.Config);
}
