using MarketMaker.Core.FairValue;

namespace MarketMaker.Shell.FairAnchor;

/// <summary>
/// Reads the spot market of the markets-service in the trader view (cNGN per USDC). Implementations never throw:
/// every failure is a <see cref="Fetched{T}.Failed"/> with a message naming the endpoint and the problem.
/// </summary>
public interface ISpotMarketReader
{
    /// <summary>Best bid and best ask of the spot book in the trader view.</summary>
    Task<Fetched<SpotBookTop>> GetSpotBookTopAsync(string spotSymbol, CancellationToken ct);

    /// <summary>The latest spot trade (trader-view price), or Ok(null) when the market has no trades.</summary>
    Task<Fetched<SpotTradeSample?>> GetLatestSpotTradeAsync(string spotSymbol, CancellationToken ct);
}

/// <summary>Reads the StablesRail FX orderbook. Never throws.</summary>
public interface IStrailsOrderbookReader
{
    Task<Fetched<StrailsBook>> GetOrderbookAsync(CancellationToken ct);
}
