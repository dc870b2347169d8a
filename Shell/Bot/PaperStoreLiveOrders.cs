using System.Collections.Immutable;
using MarketMaker.Core;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.Protocol.Markets;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Cycle;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// Live orders read straight from the paper exchange's in-memory store (the same rows the Postgres adapter reads
/// from <c>active_orders</c> in production), so <c>mm-bot paper</c> needs no database installed.
/// </summary>
public sealed class PaperStoreLiveOrders(IExchangeStore store, MarketInfo market, string ownerAddress, string subaccountId) : ILiveOrderSource
{
    private const string Source = "paper-store";

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

            var side = EngineSide(row);
            var price = Number(row.LimitPrice, "limit_price", row.OrderId);
            var desired = Number(row.DesiredAmount, "desired_amount", row.OrderId);
            var filled = Number(row.FilledAmount, "filled_amount", row.OrderId);
            var original = OrderUnits.ToTrader(market.Spec, side, price, desired);
            var remaining = OrderUnits.ToTrader(market.Spec, side, price, desired - filled);
            live.Add(new LiveOrder(row.OrderId, row.Nonce, original.Side, original.Price, original.Size, remaining.Size, row.Status == OrderStatus.Matching, row.CreatedAt));
        }

        return live.ToImmutable();
    }

    public async Task<FinalStatus?> FetchFinalAsync(string orderId, CancellationToken ct)
    {
        var row = await Guard(() => store.GetOrderAsync(orderId, ct));
        if (row is null)
        {
            return new FinalStatus(FinalOrderStatus.NotFound, 0m);
        }

        FinalOrderStatus? final = row.Status switch
        {
            OrderStatus.Filled => FinalOrderStatus.Filled,
            OrderStatus.Cancelled => FinalOrderStatus.Cancelled,
            OrderStatus.Expired => FinalOrderStatus.Expired,
            _ => null,
        };
        if (final is not { } status)
        {
            return null;
        }

        var filled = Number(row.FilledAmount, "filled_amount", row.OrderId);
        return new FinalStatus(status, OrderUnits.ToTrader(market.Spec, EngineSide(row), Number(row.LimitPrice, "limit_price", row.OrderId), filled).Size);
    }

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

    private static Side EngineSide(OrderRow row) => row.Side switch
    {
        "buy" => Side.Buy,
        "sell" => Side.Sell,
        _ => throw new DataSourceException(Source, "active_orders.side", DataSourceErrorKind.Malformed, $"order {row.OrderId}: side \"{row.Side}\""),
    };

    private static decimal Number(string text, string column, string orderId) =>
        WireDecimal.TryParse(text, out var value)
            ? value
            : throw new DataSourceException(Source, "active_orders." + column, DataSourceErrorKind.Malformed, $"order {orderId}: not a plain decimal: \"{text}\"");
}
