using System.Numerics;
using Fractions;
using MarketMaker.PaperExchange.Numerics;

namespace MarketMaker.PaperExchange.Markets;

public enum InstrumentKind
{
    /// <summary><c>USDCcNGN-SPOT</c>: engine trades whole cNGN priced in USDC (markets-service-api.md §3).</summary>
    Spot,

    /// <summary>A dated cNGN deliverable FX future: tick 1, amounts in 0.001 lots.</summary>
    DeliverableFxFuture,
}

/// <summary>
/// One instrument of the markets-service registry (markets-service-api.md §7.1), in the engine view.
/// <see cref="TickSize"/> and <see cref="AmountStep"/> are the values the API validates with
/// (spot: tick 1e-18, step 1; futures: tick 1, step 0.001).
/// </summary>
public sealed record MarketDefinition
{
    public const string SpotSymbol = "USDCcNGN-SPOT";
    public const string SpotOrderEntrySpec = "usdc_cngn_spot_v1";

    public required string Symbol { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    public required InstrumentKind Kind { get; init; }

    /// <summary>Engine asset address. Empty means "not configured": the symbol resolves but the market is unusable.</summary>
    public string AssetAddress { get; init; } = "";

    public string SubId { get; init; } = "0";

    public required string TickSize { get; init; }

    public required string AmountStep { get; init; }

    /// <summary>Disabled instruments still resolve by symbol (then 400 unknown market) but are not listed, validated or matched.</summary>
    public bool Enabled { get; init; } = true;

    public long ExpiryTimestamp { get; init; }

    public long LastTradingTimestamp { get; init; }

    public string DisplayName { get; init; } = "";

    public string DisplayLabel { get; init; } = "cNGN per USDC";

    public string SettlementNote { get; init; } = "";

    public bool IsSpot => Kind == InstrumentKind.Spot;

    public string ContractType => IsSpot ? "spot" : "deliverable_fx_future";

    public string SettlementType => IsSpot ? "spot" : "physical_delivery";

    /// <summary>Usable: enabled and with an asset address.</summary>
    public bool IsActive => Enabled && AssetAddress.Length > 0;

    internal Fraction Tick => Rational.TryParsePlainDecimal(TickSize, out var t) && t.Sign > 0
        ? t
        : throw new InvalidOperationException($"market {Symbol}: tick_size \"{TickSize}\" is not a positive decimal");

    internal Fraction Step => Rational.TryParsePlainDecimal(AmountStep, out var s) && s.Sign > 0
        ? s
        : throw new InvalidOperationException($"market {Symbol}: amount step \"{AmountStep}\" is not a positive decimal");

    /// <summary>Canonical signed-price scale: data.limitPrice = ticks × this (tick × 1e18; spot 1, futures 1e18).</summary>
    internal BigInteger CanonicalPriceScale => RequireInteger(Tick * Rational.Pow10(18), "tick_size × 1e18");

    /// <summary>Canonical signed-amount scale: data.desiredAmount = atomic × this (step × 1e18; spot 1e18, futures 1e15).</summary>
    internal BigInteger CanonicalAmountScale => RequireInteger(Step * Rational.Pow10(18), "amount step × 1e18");

    private BigInteger RequireInteger(Fraction value, string what) =>
        value.IsInteger ? value.ToBigInteger() : throw new InvalidOperationException($"market {Symbol}: {what} is not an integer");

    /// <summary>The production spot instrument <c>USDCcNGN-SPOT</c> on the given WRAPPED_CNGN asset.</summary>
    public static MarketDefinition UsdcCngnSpot(string assetAddress) => new()
    {
        Symbol = SpotSymbol,
        Kind = InstrumentKind.Spot,
        AssetAddress = assetAddress.ToLowerInvariant(),
        SubId = "0",
        TickSize = "0.000000000000000001",
        AmountStep = "1",
        DisplayName = "USDC/cNGN Spot",
        DisplayLabel = "cNGN per USDC",
        SettlementNote = "Spot-style orderbook market on Base. Trades exchange WRAPPED_CNGN against internal USDC cash using the existing single quote-asset rail.",
    };

    /// <summary>A dated future of the registry (tick 1, step 0.001).</summary>
    public static MarketDefinition UsdcCngnFuture(string symbol, string alias, string displayName, string assetAddress, string subId, long expiry, long lastTrading, bool enabled = true) => new()
    {
        Symbol = symbol,
        Aliases = [alias],
        Kind = InstrumentKind.DeliverableFxFuture,
        AssetAddress = assetAddress.ToLowerInvariant(),
        SubId = subId,
        TickSize = "1",
        AmountStep = "0.001",
        Enabled = enabled,
        ExpiryTimestamp = expiry,
        LastTradingTimestamp = lastTrading,
        DisplayName = displayName,
        DisplayLabel = "cNGN per USDC",
        SettlementNote = "Deliverable USDC/cNGN future on Base. Physically settled at expiry.",
    };

    /// <summary>
    /// The default registry: spot and SEP16-2026 enabled (Base 8453 addresses); NOV30-2026 and MAY31-2027
    /// registered without deployment (they resolve by symbol and answer 400 unknown market, as in production).
    /// </summary>
    public static IReadOnlyList<MarketDefinition> DefaultRegistry(string spotAssetAddress, string sep16FutureAddress, string sep16FutureSubId) =>
    [
        UsdcCngnSpot(spotAssetAddress),
        UsdcCngnFuture("USDCcNGN-SEP16-2026", "USDC-cNGN-SEP16-2026", "USDC/cNGN Sep 16 2026 Future", sep16FutureAddress, sep16FutureSubId, 1789567201, 1789567200),
        UsdcCngnFuture("USDCcNGN-NOV30-2026", "USDC-cNGN-NOV30-2026", "USDC/cNGN Nov 30 2026 Future", "", "0", 1795996800, 1795910400, enabled: false),
        UsdcCngnFuture("USDCcNGN-MAY31-2027", "USDC-cNGN-MAY31-2027", "USDC/cNGN May 31 2027 Future", "", "0", 1811721600, 1811635200, enabled: false),
    ];
}
