using System.Collections.Immutable;
using MarketMaker.Core;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Cycle;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// Live orders read straight from the paper exchange's in-memory store (the same rows the Postgres adapter reads
/// from <c>active_orders</c> in production, mapped by the same <see cref="ActiveOrderRows"/>), so
/// <c>mm-bot paper</c> needs no database installed.
/// </summary>
public sealed class PaperStoreLiveOrders(IExchangeStore store, MarketInfo market, string ownerAddress, string subaccountId) : ILiveOrderSource, INonceFloorSource
{
    private const string Source = "paper-store";

    public async Task<long?> FetchHighestUsedNonceAsync(CancellationToken ct)
    {
        var rows = await Guard(() => store.GetOrdersByOwnerAsync(ownerAddress, ct));
        long? highest = null;
        foreach (var row in rows)
        {
            var nonce = NonceFloor.Parse(Source, row.Nonce);
            highest = highest is { } h && h >= nonce ? h : nonce;
        }

        return highest;
    }

    public async Task<ImmutableArray<LiveOrder>> FetchLiveAsync(CancellationToken ct)
    {
        var rows = await Guard(() => store.GetOrdersByOwnerAsync(ownerAddress, ct));
        var live = ImmutableArray.CreateBuilder<LiveOrder>();
        foreach (var row in rows)
        {
            if (row.Status is not (OrderStatus.Active or OrderStatus.Matching)
                || row.SubaccountId != subaccountId
                || !string.Equals(row.AssetAddress, market.AssetAddress, StringComparison.OrdinalIgnoreCase)
                || row.SubId != market.SubId)
            {
                continue;
            }

            live.Add(ActiveOrderRows.Live(
                Source, market.Spec, row.OrderId, row.Nonce, ActiveOrderRows.EngineSide(Source, row.OrderId, row.Side),
                Number(row, "limit_price", row.LimitPrice), Number(row, "desired_amount", row.DesiredAmount), Number(row, "filled_amount", row.FilledAmount),
                row.Status, row.CreatedAt, row.Expiry));
        }

        return live.ToImmutable();
    }

    public async Task<FinalStatus?> FetchFinalAsync(string orderId, CancellationToken ct)
    {
        var row = await Guard(() => store.GetOrderAsync(orderId, ct));
        return row is null
            ? new FinalStatus(FinalOrderStatus.NotFound, 0m)
            : ActiveOrderRows.Final(
                Source, market.Spec, row.OrderId, ActiveOrderRows.EngineSide(Source, row.OrderId, row.Side),
                Number(row, "limit_price", row.LimitPrice), Number(row, "filled_amount", row.FilledAmount), row.Status);
    }

    private static decimal Number(OrderRow row, string column, string text) => ActiveOrderRows.Number(Source, column, row.OrderId, text);

    private static async Task<T> Guard<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (StoreException ex)
        {
            throw new DataSourceException(Source, "active_orders", DataSourceErrorKind.Unavailable, ex.Message, ex);
        }
    }
}
