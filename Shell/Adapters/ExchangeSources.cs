using System.Collections.Immutable;
using System.Numerics;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Rpc;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.State;

namespace MarketMaker.Shell.Adapters;

/// <summary>Book and recent trades from the markets-service, in the trader view.</summary>
public sealed class MarketsDataSource(MarketsClient client, MarketSpec market, int tradeLimit = 50) : IMarketDataSource
{
    public async Task<MarketData> FetchAsync(CancellationToken ct)
    {
        var book = client.GetBookAsync(market.Symbol, ct);
        var trades = client.GetTradesAsync(market.Symbol, tradeLimit, ct);
        await Task.WhenAll(book, trades);
        return TraderView.ToMarketData(market, await book, await trades);
    }
}

/// <summary>Our live orders and final rows from the markets-service Postgres (active_orders).</summary>
public sealed class PostgresLiveOrders(PostgresOrders orders, MarketSpec market, OrderScope scope) : ILiveOrderSource, INonceFloorSource
{
    public Task<long?> FetchHighestUsedNonceAsync(CancellationToken ct) => orders.GetHighestNonceAsync(scope.OwnerAddress, ct);

    public Task<ImmutableArray<LiveOrder>> FetchLiveAsync(CancellationToken ct) => orders.GetLiveOrdersAsync(market, scope, ct);

    public Task<FinalStatus?> FetchFinalAsync(string orderId, CancellationToken ct) => orders.GetFinalStatusAsync(market, orderId, ct);
}

/// <summary>The assets whose balances are the market's base and quote.</summary>
/// <param name="BaseAsset">Spot: the cash asset (USDC). Futures: the future asset (the position).</param>
/// <param name="BaseSubId">Sub id of the base asset (futures), or null to match any.</param>
/// <param name="QuoteAsset">Spot: the cNGN spot asset. Futures: the cash asset (margin).</param>
public sealed record BalanceAssets(string BaseAsset, BigInteger? BaseSubId, string QuoteAsset, BigInteger? QuoteSubId);

/// <summary>SubAccounts.getAccountBalances over JSON-RPC, mapped to base and quote. An empty or short result is an error.</summary>
public sealed class ChainBalances(JsonRpcClient rpc, string subAccounts, BigInteger subaccountId, BalanceAssets assets) : IBalanceSource
{
    public async Task<Balances> FetchAsync(CancellationToken ct)
    {
        var all = await rpc.GetAccountBalancesAsync(subAccounts, subaccountId, ct);
        return Map(all, assets);
    }

    public static Balances Map(ImmutableArray<AccountBalance> balances, BalanceAssets assets)
    {
        static bool Is(AccountBalance b, string asset, BigInteger? subId) =>
            string.Equals(b.Asset, asset, StringComparison.OrdinalIgnoreCase) && (subId is null || b.SubId == subId);

        var baseTotal = balances.Where(b => Is(b, assets.BaseAsset, assets.BaseSubId)).Sum(b => b.Balance);
        var quoteTotal = balances.Where(b => Is(b, assets.QuoteAsset, assets.QuoteSubId)).Sum(b => b.Balance);
        return new Balances(baseTotal, quoteTotal);
    }
}

/// <summary>The kill switch is the presence of a file (checked at startup and every cycle).</summary>
public sealed class KillSwitchFile(string? path) : IKillSwitch
{
    public bool IsPresent() => !string.IsNullOrWhiteSpace(path) && (File.Exists(path) || Directory.Exists(path));
}

/// <summary>The state file (atomic 0600 writes; a corrupt file is a startup error naming it).</summary>
public sealed class StateFileStore(string path) : IStateStore
{
    public PersistedState Load() => StateFile.Load(path);

    public void Save(PersistedState state) => StateFile.Save(path, state);
}
