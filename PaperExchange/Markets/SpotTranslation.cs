using Fractions;
using MarketMaker.PaperExchange.Numerics;
using MarketMaker.PaperExchange.Orders;

namespace MarketMaker.PaperExchange.Markets;

/// <summary>The engine view of a spot order derived from its trader-view ui_intent (§3.2), or the error.</summary>
public sealed record SpotTranslationResult(string Side, string LimitPrice, string DesiredAmount, string? Error);

/// <summary>A spot order/trade re-derived for reading (§3.4): the <c>spot_contract</c> object.</summary>
public sealed record SpotContract(
    string UiSide,
    string UiPrice,
    string UiSize,
    string EngineSide,
    string EnginePrice,
    string EngineAmount,
    string UsdcDelta,
    string CngnDelta);

/// <summary>USDC/cNGN spot translations between the trader view and the engine view (markets-service-api.md §3).</summary>
public static class SpotTranslation
{
    private static readonly Fraction Tolerance = Rational.Pow10(-18);

    /// <summary>validateOrTranslateSpotUIIntent: engine side = inverted ui side, price = 1/ui price (18 dp half-up), amount = size × price (18 dp).</summary>
    public static SpotTranslationResult Translate(string orderEntrySpec, UiIntent? intent, string side, string limitPrice, string desiredAmount)
    {
        static SpotTranslationResult Fail(string e) => new("", "", "", e);
        if (intent is null)
        {
            return Fail("ui_intent is required when order_entry_spec is provided");
        }

        if (orderEntrySpec != MarketDefinition.SpotOrderEntrySpec)
        {
            return Fail($"order_entry_spec must be \"{MarketDefinition.SpotOrderEntrySpec}\" for spot ui_intent");
        }

        var uiSide = intent.Side.Trim().ToLowerInvariant();
        if (uiSide is not ("buy" or "sell"))
        {
            return Fail("ui_intent.side must be 'buy' or 'sell'");
        }

        if (!Rational.TryParseRat(intent.Price.Trim(), out var uiPrice) || uiPrice.Sign <= 0)
        {
            return Fail("ui_intent.price must be greater than zero");
        }

        if (!Rational.TryParseRat(intent.Size.Trim(), out var uiSize) || uiSize.Sign <= 0)
        {
            return Fail("ui_intent.size must be greater than zero");
        }

        var engineSide = uiSide == "buy" ? "sell" : "buy";
        var enginePrice = (Fraction.One / uiPrice).ToFixed(18);
        var engineAmount = (uiSize * uiPrice).ToFixed(18);
        if (side.Length > 0 && side != engineSide)
        {
            return Fail("side does not match ui_intent translation");
        }

        if (limitPrice.Length > 0 && !Close(limitPrice, enginePrice))
        {
            return Fail("limit_price does not match ui_intent translation");
        }

        if (desiredAmount.Length > 0 && !Close(desiredAmount, engineAmount))
        {
            return Fail("desired_amount does not match ui_intent translation");
        }

        return new SpotTranslationResult(engineSide, enginePrice, engineAmount, null);
    }

    private static bool Close(string given, string derived) =>
        Rational.TryParseRat(given.Trim(), out var g) && Rational.TryParseRat(derived, out var d) && Fraction.Abs(g - d) <= Tolerance;

    /// <summary>
    /// The spot_contract of an engine (side, price, amount): ui side inverted, ui price = 1/price and ui size =
    /// amount × price, both 6 dp half-up (trailing zeros trimmed); balance delta signed from the trader's view.
    /// </summary>
    public static SpotContract Present(string engineSide, string enginePrice, string engineAmount)
    {
        var uiSide = engineSide == "buy" ? "sell" : "buy";
        Rational.TryParseRat(enginePrice, out var price);
        Rational.TryParseRat(engineAmount, out var amount);
        var uiPrice = price.Sign > 0 ? (Fraction.One / price).ToTrimmed(6) : "0";
        var uiSize = (amount * price).ToTrimmed(6);
        var cngn = amount.ToTrimmed(6);
        var buy = uiSide == "buy";
        return new SpotContract(
            uiSide,
            uiPrice,
            uiSize,
            engineSide,
            enginePrice,
            engineAmount,
            (buy ? "+" : "-") + uiSize,
            (buy ? "-" : "+") + cngn);
    }
}
