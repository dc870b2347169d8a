using System.Globalization;
using System.Numerics;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Cycle;

namespace MarketMaker.Shell.Adapters;

/// <summary>Who we are on the exchange and where our orders go.</summary>
public sealed record OrderIdentity(
    EthKey SignerKey,
    string OwnerAddress,
    string SignerAddress,
    string SubaccountId,
    string RecipientId,
    string AssetAddress,
    string SubId,
    string TradeModule,
    MatchingDomain Domain,
    string WorstFee,
    int OrderExpirySeconds,
    string ServiceName);

/// <summary>
/// Turns the core's placements and cancels into signed markets-service requests (behaviour.md §9):
/// trader view → engine values, TradeData (canonical scales), EIP-712 Action / Cancel signatures.
/// </summary>
public sealed class MarketsOrderGateway : IOrderGateway
{
    public static readonly TimeSpan CancelExpiry = TimeSpan.FromSeconds(120);
    private readonly MarketsClient _client;
    private readonly MarketSpec _market;
    private readonly OrderIdentity _id;
    private readonly TimeProvider _time;

    public MarketsOrderGateway(MarketsClient client, MarketSpec market, OrderIdentity identity, TimeProvider time)
    {
        _client = client;
        _market = market;
        _id = identity;
        _time = time;
    }

    /// <summary>The signed body for one placement (public for tests and the integration harness).</summary>
    public PlaceOrderRequest BuildOrder(PlaceAction placement)
    {
        var values = OrderUnits.ToEngine(_market, placement.Side, placement.Price, placement.Size);
        var worstFee = Fixed18.ToScaledUnsigned(decimal.Parse(_id.WorstFee, NumberStyles.Number, CultureInfo.InvariantCulture), "MM_WORST_FEE");
        var trade = new TradeData(_id.AssetAddress, BigInteger.Parse(_id.SubId, CultureInfo.InvariantCulture), values.SignedLimitPrice, values.SignedDesiredAmount, worstFee, BigInteger.Parse(_id.RecipientId, CultureInfo.InvariantCulture), values.IsBid);
        var expiry = _time.GetUtcNow().ToUnixTimeSeconds() + (_id.OrderExpirySeconds > 0 ? _id.OrderExpirySeconds : 3600);
        var nonce = Nonces.Wire(placement.Nonce);
        var action = MatchingAction.ForTrade(BigInteger.Parse(_id.SubaccountId, CultureInfo.InvariantCulture), placement.Nonce, _id.TradeModule, trade, expiry, _id.OwnerAddress, _id.SignerAddress);
        var signature = Eip712.SignAction(_id.SignerKey, _id.Domain, action);
        return new PlaceOrderRequest
        {
            OrderId = placement.OrderId,
            OwnerAddress = _id.OwnerAddress,
            SignerAddress = _id.SignerAddress,
            SubaccountId = _id.SubaccountId,
            RecipientId = _id.RecipientId,
            Nonce = nonce,
            Side = values.SideWire,
            AssetAddress = _id.AssetAddress,
            SubId = _id.SubId,
            DesiredAmount = values.DesiredAmount,
            LimitPrice = values.LimitPrice,
            WorstFee = _id.WorstFee,
            Expiry = expiry,
            ActionJson = new ActionJson
            {
                SubaccountId = _id.SubaccountId,
                Nonce = nonce,
                Module = _id.TradeModule,
                Data = action.DataHex,
                Expiry = expiry.ToString(CultureInfo.InvariantCulture),
                Owner = _id.OwnerAddress,
                Signer = _id.SignerAddress,
            },
            Signature = signature,
        };
    }

    public CancelOrderRequest BuildCancel(CancelAction cancel)
    {
        var expiry = (_time.GetUtcNow() + CancelExpiry).ToUnixTimeSeconds();
        var signed = new MatchingCancel(_id.OwnerAddress, _id.SignerAddress, cancel.Nonce, expiry);
        return new CancelOrderRequest
        {
            OwnerAddress = _id.OwnerAddress,
            SignerAddress = _id.SignerAddress,
            Nonce = Nonces.Wire(cancel.Nonce),
            Expiry = expiry.ToString(CultureInfo.InvariantCulture),
            Signature = Eip712.SignCancel(_id.SignerKey, _id.Domain, signed),
            Reason = CancelReasons.Reason(_id.ServiceName, cancel.Reason),
            Service = CancelReasons.Service(_id.ServiceName),
        };
    }

    public async Task<ActionOutcome> PlaceAsync(PlaceAction placement, CancellationToken ct)
    {
        try
        {
            await _client.PlaceOrderAsync(BuildOrder(placement), ct);
            return ActionOutcome.Success;
        }
        catch (MarketsApiException ex)
        {
            return new ActionOutcome(false, ex.Message, ex.Status);
        }
        catch (Exception ex) when (ex is OrderUnitsException or Fixed18Exception or ArgumentException or FormatException)
        {
            return new ActionOutcome(false, $"order {placement.OrderId} not built: {ex.Message}", Local: true);
        }
    }

    public async Task<ActionOutcome> CancelAsync(CancelAction cancel, CancellationToken ct)
    {
        try
        {
            await _client.CancelOrderAsync(BuildCancel(cancel), ct);
            return ActionOutcome.Success;
        }
        catch (MarketsApiException ex)
        {
            return new ActionOutcome(false, ex.Message, ex.Status);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return new ActionOutcome(false, $"cancel {cancel.OrderId} not built: {ex.Message}", Local: true);
        }
    }
}
