using System.Globalization;
using System.Numerics;
using Fractions;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Numerics;
using MarketMaker.PaperExchange.Orders;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.PaperExchange.Participants;

/// <summary>
/// Builds order requests for the exchange's own participants (seeded orders, taker flow): engine-native bodies
/// with action_json carrying correctly encoded TradeData at the canonical scales of §2, so the matcher's scale
/// checks pass against the bot's orders. The signature is a placeholder (internal orders skip verification).
/// </summary>
public static class InternalOrders
{
    /// <summary>65 zero bytes: internal participants are not verified.</summary>
    public static readonly string PlaceholderSignature = "0x" + new string('0', 130);

    public static CreateOrderRequest EngineOrder(
        MarketDefinition market,
        string tradeModule,
        string owner,
        string subaccountId,
        string nonce,
        string orderId,
        string side,
        string limitPrice,
        string desiredAmount,
        long expiry,
        string filledAmount = "0")
    {
        var ticks = Rational.TryParsePlainDecimal(limitPrice, out var p) && (p / market.Tick).IsInteger ? (p / market.Tick).ToBigInteger() : BigInteger.One;
        var atomic = Rational.TryParseRat(desiredAmount, out var a) && (a / market.Step).IsInteger ? (a / market.Step).ToBigInteger() : BigInteger.One;
        var data = new TradeData(
            market.AssetAddress,
            BigInteger.Parse(market.SubId, CultureInfo.InvariantCulture),
            ticks * market.CanonicalPriceScale,
            atomic * market.CanonicalAmountScale,
            BigInteger.Zero,
            PgNumeric.TryParse(subaccountId, out var sub) && sub.IsInteger ? sub.IntegerValue : BigInteger.Zero,
            side == "buy");
        var expiryText = expiry.ToString(CultureInfo.InvariantCulture);
        var owner_ = owner.ToLowerInvariant();
        var action = new GoJsonWriter().StartObject()
            .Prop("subaccount_id", subaccountId)
            .Prop("nonce", nonce)
            .Prop("module", tradeModule.ToLowerInvariant())
            .Prop("data", data.EncodeHex())
            .Prop("expiry", expiryText)
            .Prop("owner", owner_)
            .Prop("signer", owner_)
            .EndObject().ToString();
        return new CreateOrderRequest
        {
            OrderId = orderId,
            OwnerAddress = owner_,
            SignerAddress = owner_,
            SubaccountId = subaccountId,
            RecipientId = subaccountId,
            Nonce = nonce,
            Side = side,
            AssetAddress = market.AssetAddress,
            SubId = market.SubId,
            DesiredAmount = desiredAmount,
            FilledAmount = filledAmount,
            LimitPrice = limitPrice,
            WorstFee = "0",
            Expiry = expiry,
            ActionJson = action,
            Signature = PlaceholderSignature,
        };
    }

    /// <summary>
    /// Trader view → engine body values, as the bot translates (behaviour.md §9): spot inverts the side,
    /// price = 1/price at 18 dp half-up, amount = floor(size × price) whole cNGN (at least 1); futures keep the
    /// side, price rounded to the tick (buy up, sell down), size floored to the 0.001 step (at least one step).
    /// </summary>
    public static (string Side, string LimitPrice, string DesiredAmount) FromTraderView(MarketDefinition market, string traderSide, decimal price, decimal size)
    {
        if (price <= 0 || size <= 0)
        {
            throw new ArgumentException($"trader price ({price}) and size ({size}) must be positive");
        }

        var buy = traderSide.Trim().ToLowerInvariant() switch
        {
            "buy" => true,
            "sell" => false,
            _ => throw new ArgumentException($"trader side must be buy or sell, not \"{traderSide}\"", nameof(traderSide)),
        };
        var p = Fraction.FromDecimal(price);
        var s = Fraction.FromDecimal(size);
        if (market.IsSpot)
        {
            var enginePrice = Rational.TrimZeros((Fraction.One / p).ToFixed(18));
            var amount = BigInteger.Max((s * p).Floor(), BigInteger.One);
            return (buy ? "sell" : "buy", enginePrice, amount.ToString(CultureInfo.InvariantCulture));
        }

        var ticks = p / market.Tick;
        var tickCount = buy ? -(-ticks).Floor() : ticks.Floor();
        var lots = BigInteger.Max((s / market.Step).Floor(), BigInteger.One);
        (new Fraction(BigInteger.Max(tickCount, BigInteger.One)) * market.Tick).TryToExactDecimal(out var limit);
        (new Fraction(lots) * market.Step).TryToExactDecimal(out var qty);
        return (buy ? "buy" : "sell", limit, qty);
    }
}
