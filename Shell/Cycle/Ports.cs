using System.Collections.Immutable;
using MarketMaker.Core;

namespace MarketMaker.Shell.Cycle;

/// <summary>Book and recent trades of the market, trader view (markets-service HTTP API).</summary>
public interface IMarketDataSource
{
    Task<MarketData> FetchAsync(CancellationToken ct);
}

/// <summary>Live orders of our owner+subaccount in the market, and final rows by order id (Postgres active_orders).</summary>
public interface ILiveOrderSource
{
    Task<ImmutableArray<LiveOrder>> FetchLiveAsync(CancellationToken ct);

    /// <summary>The final row of an order that left the live set; null while the order is still live.</summary>
    Task<FinalStatus?> FetchFinalAsync(string orderId, CancellationToken ct);
}

/// <summary>Subaccount balances mapped to the market's base and quote (JSON-RPC eth_call).</summary>
public interface IBalanceSource
{
    Task<Balances> FetchAsync(CancellationToken ct);
}

/// <summary>An anchor price (fixed, http, oracle_carry, or the spot external bootstrap anchor).</summary>
public interface IAnchorSource
{
    string Name { get; }

    Task<AnchorReading> FetchAsync(CancellationToken ct);
}

/// <summary>
/// What happened to one order action on the exchange. <paramref name="Local"/>: refused before anything was sent
/// (the order could not be built). <paramref name="Withheld"/>: deliberately not sent this cycle.
/// </summary>
public sealed record ActionOutcome(bool Ok, string? Error, int? Status = null, bool Local = false, bool Withheld = false)
{
    public static readonly ActionOutcome Success = new(true, null);

    /// <summary>For the settle step: accepted; rejected (an answer of 4xx, or refused locally); withheld; else unknown.</summary>
    public SendResult Result =>
        Ok ? SendResult.Accepted
        : Withheld ? SendResult.Withheld
        : Local || Status is >= 400 and < 500 ? SendResult.Rejected
        : SendResult.Unknown;
}

/// <summary>Sends signed orders and cancels to the exchange.</summary>
public interface IOrderGateway
{
    Task<ActionOutcome> PlaceAsync(PlaceAction placement, CancellationToken ct);

    Task<ActionOutcome> CancelAsync(CancelAction cancel, CancellationToken ct);
}

/// <summary>The state file.</summary>
public interface IStateStore
{
    PersistedState Load();

    void Save(PersistedState state);
}

/// <summary>Appends one line per cycle for replay (optional).</summary>
public interface ICycleRecorder
{
    void Record(Snapshot snapshot, BotState before, BotConfig config, Decision decision);
}

/// <summary>The kill-switch file.</summary>
public interface IKillSwitch
{
    bool IsPresent();
}
