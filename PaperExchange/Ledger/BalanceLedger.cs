using System.Numerics;
using Fractions;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Numerics;

namespace MarketMaker.PaperExchange.Ledger;

/// <summary>
/// Subaccount balances as SubAccounts.getAccountBalances reports them: (asset, subId, int256 balance) in 1e18
/// fixed point, in first-credited order. Funded from options, moved by fills. Thread-safe.
/// </summary>
public sealed class BalanceLedger
{
    private readonly object _gate = new();
    private readonly Dictionary<BigInteger, List<(string Asset, BigInteger SubId)>> _assets = [];
    private readonly Dictionary<(BigInteger Account, string Asset, BigInteger SubId), BigInteger> _balances = [];

    public BalanceLedger(string cashAsset, IEnumerable<AccountFunding> funding)
    {
        CashAsset = cashAsset.ToLowerInvariant();
        foreach (var account in funding)
        {
            foreach (var b in account.Balances)
            {
                SetBalance(account.SubaccountId, b.Asset, b.SubId, b.Balance);
            }
        }
    }

    /// <summary>The cash (USDC) asset address, lower-case.</summary>
    public string CashAsset { get; }

    /// <summary>Raised after every change (fills, funding), outside the lock.</summary>
    public event Action<BigInteger>? Changed;

    public bool HasAccount(BigInteger subaccountId)
    {
        lock (_gate)
        {
            return _assets.ContainsKey(subaccountId);
        }
    }

    public IReadOnlyList<AssetBalance> GetBalances(BigInteger subaccountId)
    {
        lock (_gate)
        {
            return _assets.TryGetValue(subaccountId, out var list)
                ? [.. list.Select(k => new AssetBalance(k.Asset, k.SubId, _balances[(subaccountId, k.Asset, k.SubId)]))]
                : [];
        }
    }

    public BigInteger GetBalance(BigInteger subaccountId, string asset, BigInteger subId)
    {
        lock (_gate)
        {
            return _balances.GetValueOrDefault((subaccountId, asset.ToLowerInvariant(), subId));
        }
    }

    /// <summary>Sets one balance (wei, 1e18 scale); the asset is added to the account if new.</summary>
    public void SetBalance(BigInteger subaccountId, string asset, BigInteger subId, BigInteger balance)
    {
        lock (_gate)
        {
            Touch(subaccountId, asset.ToLowerInvariant(), subId);
            _balances[(subaccountId, asset.ToLowerInvariant(), subId)] = balance;
        }

        Changed?.Invoke(subaccountId);
    }

    /// <summary>Adds <paramref name="delta"/> (wei) to one balance.</summary>
    public void Adjust(BigInteger subaccountId, string asset, BigInteger subId, BigInteger delta)
    {
        lock (_gate)
        {
            AdjustLocked(subaccountId, asset.ToLowerInvariant(), subId, delta);
        }

        Changed?.Invoke(subaccountId);
    }

    /// <summary>
    /// Settles a fill: the engine buyer receives <c>fill × step</c> of the market asset and pays
    /// <c>amount × price</c> of cash; the seller the opposite (spot: cNGN vs USDC; futures: position vs cash).
    /// Returns the (asset, cash) wei deltas of the buyer.
    /// </summary>
    public (BigInteger AssetDelta, BigInteger CashDelta) ApplyFill(MarketDefinition market, BigInteger buyerAccount, BigInteger sellerAccount, BigInteger fillAtomic, string price)
    {
        if (!Rational.TryParseRat(price, out var p))
        {
            throw new ArgumentException($"fill price \"{price}\" is not a decimal", nameof(price));
        }

        var humanAmount = new Fraction(fillAtomic) * market.Step;
        var assetDelta = fillAtomic * market.CanonicalAmountScale;
        var cashDelta = (humanAmount * p * Rational.Pow10(18)).Floor();
        var subId = BigInteger.Parse(market.SubId, System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate)
        {
            AdjustLocked(buyerAccount, market.AssetAddress, subId, assetDelta);
            AdjustLocked(buyerAccount, CashAsset, 0, -cashDelta);
            AdjustLocked(sellerAccount, market.AssetAddress, subId, -assetDelta);
            AdjustLocked(sellerAccount, CashAsset, 0, cashDelta);
        }

        Changed?.Invoke(buyerAccount);
        if (sellerAccount != buyerAccount)
        {
            Changed?.Invoke(sellerAccount);
        }

        return (assetDelta, -cashDelta);
    }

    private void AdjustLocked(BigInteger account, string asset, BigInteger subId, BigInteger delta)
    {
        Touch(account, asset, subId);
        _balances[(account, asset, subId)] = _balances.GetValueOrDefault((account, asset, subId)) + delta;
    }

    private void Touch(BigInteger account, string asset, BigInteger subId)
    {
        if (!_assets.TryGetValue(account, out var list))
        {
            list = [];
            _assets[account] = list;
        }

        if (!list.Contains((asset, subId)))
        {
            list.Add((asset, subId));
        }
    }
}
