namespace MarketMaker.PaperExchange.Markets;

/// <summary>Symbol, alias and (asset, sub_id) lookups with the markets-service resolution rules (§1.3).</summary>
public sealed class MarketRegistry
{
    private readonly Dictionary<string, MarketDefinition> _bySymbol = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MarketDefinition> _byAssetSub = new(StringComparer.Ordinal);

    public MarketRegistry(IEnumerable<MarketDefinition> markets)
    {
        All = [.. markets];
        foreach (var m in All)
        {
            _ = m.Tick;
            _ = m.Step;
            Add(m.Symbol, m);
            foreach (var alias in m.Aliases)
            {
                Add(alias, m);
            }

            if (m.IsActive && !_byAssetSub.TryAdd(Key(m.AssetAddress, m.SubId), m))
            {
                throw new ArgumentException($"markets: two enabled instruments share asset {m.AssetAddress} sub_id {m.SubId}");
            }
        }
    }

    public IReadOnlyList<MarketDefinition> All { get; }

    /// <summary>Enabled instruments with an asset, sorted by symbol (what /v1/markets lists and the matcher runs).</summary>
    public IReadOnlyList<MarketDefinition> Active => [.. All.Where(m => m.IsActive).OrderBy(m => m.Symbol, StringComparer.Ordinal)];

    public MarketDefinition? BySymbol(string symbol) => _bySymbol.GetValueOrDefault(symbol);

    public MarketDefinition? ByAsset(string assetAddress, string subId) => _byAssetSub.GetValueOrDefault(Key(assetAddress, subId));

    /// <summary>
    /// resolveMarket: exact symbol (including aliases and disabled instruments), else the lowercased
    /// asset|sub_id pair, else the spot market. Null only when even spot is not registered.
    /// </summary>
    public MarketDefinition? Resolve(string? symbol, string? assetAddress, string? subId)
    {
        if (!string.IsNullOrEmpty(symbol) && _bySymbol.TryGetValue(symbol, out var bySymbol))
        {
            return bySymbol;
        }

        if (!string.IsNullOrEmpty(assetAddress) && ByAsset(assetAddress, string.IsNullOrEmpty(subId) ? "0" : subId) is { } byAsset)
        {
            return byAsset;
        }

        return BySymbol(MarketDefinition.SpotSymbol);
    }

    private void Add(string symbol, MarketDefinition m)
    {
        if (!_bySymbol.TryAdd(symbol, m))
        {
            throw new ArgumentException($"markets: symbol or alias \"{symbol}\" is registered twice");
        }
    }

    private static string Key(string asset, string subId) => asset.ToLowerInvariant() + "|" + subId;
}
