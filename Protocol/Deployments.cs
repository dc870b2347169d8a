using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace MarketMaker.Protocol;

/// <summary>
/// The contract addresses the bot needs for one chain, lower-cased. <see cref="Sources"/> says where each of
/// Matching, TradeModule and SubAccounts came from (an env variable, a file path, or the built-in table), for logs.
/// The asset fields come from the built-in table only and are null for chains without one.
/// </summary>
public sealed record DeploymentAddresses(
    long ChainId,
    string Matching,
    string TradeModule,
    string SubAccounts,
    string? Cash,
    string? WrappedCngnBase,
    string? Sep16FutureAsset,
    string? Sep16FutureSubId,
    ImmutableSortedDictionary<string, string> Sources);

/// <summary>One problem resolving the deployment: the file or variable, the key, and what is wrong.</summary>
public sealed record DeploymentError(string Source, string Key, string Message)
{
    public override string ToString() => $"{Source}: {Key}: {Message}";
}

/// <summary>All problems of a failed resolution, one per line in <see cref="Exception.Message"/>.</summary>
public sealed class DeploymentException(ImmutableArray<DeploymentError> errors)
    : Exception("cannot resolve contract addresses:\n" + string.Join("\n", errors.Select(e => "  " + e)))
{
    public ImmutableArray<DeploymentError> Errors { get; } = errors;
}

/// <summary>
/// Resolves Matching, TradeModule and SubAccounts (behaviour.md §9, markets-service-api.md §7.2). For each address,
/// first match wins:
/// <list type="number">
/// <item>the env override (<c>MM_MATCHING_ADDRESS</c>, <c>MM_TRADE_MODULE_ADDRESS</c>, <c>MM_SUBACCOUNTS_ADDRESS</c>) when non-blank;</item>
/// <item>the deployment file when it exists: <c>&lt;MM_MATCHING_REPO_PATH&gt;/deployments/&lt;chain&gt;/matching.json</c>
/// keys <c>matching</c>, <c>trade</c>; <c>&lt;MM_RISK_CORE_REPO_PATH&gt;/deployments/&lt;chain&gt;/core.json</c> key
/// <c>subAccounts</c>. An existing file that is not a JSON object, lacks the key, or holds a non-address there is an
/// error naming the file and the key (never a silent fallback);</item>
/// <item>the built-in table for 8453 (Base) and 84532 (Base Sepolia) when the file is absent.</item>
/// </list>
/// A file whose keys are all overridden is not read. Every problem is reported at once.
/// </summary>
public static class Deployments
{
    public const string MatchingEnv = "MM_MATCHING_ADDRESS";
    public const string TradeModuleEnv = "MM_TRADE_MODULE_ADDRESS";
    public const string SubAccountsEnv = "MM_SUBACCOUNTS_ADDRESS";

    /// <summary>Built-in addresses (markets-service-api.md §7.2), as published (checksummed).</summary>
    public static readonly ImmutableDictionary<long, BuiltIn> Defaults = new Dictionary<long, BuiltIn>
    {
        [8453] = new(
            Matching: "0x9E90A9cD13d859Bd6a08168082FB1F6F7405F191",
            Trade: "0x44813aD30b2fFC1bB2871Eed9b19F63c8196eD1c",
            SubAccounts: "0x7019244E25FA416e6Ca2ed2F3cA25277aef72843",
            Cash: "0x6B232A2155Bd0C9bf741dB4cf8E7e8A0176A6fc6",
            WrappedCngnBase: "0x9D806fD040a719D27a8E5E77dc5aE0ED1e089493",
            Sep16FutureAsset: "0xDd9c2Ddf97a2Dc9B9d348DcD0ef776aF5291A1F9",
            Sep16FutureSubId: "1789567201"),
        [84532] = new(
            Matching: "0x1599636347FD5bA1fBE21D58AfE0b8B9cbe283FF",
            Trade: "0x0AAE65AaA66Fe7f54486cDbD007956d3De611990",
            SubAccounts: "0xaaA53649Eb98eED1517cA216A95eB5ba9Eb84e27",
            Cash: "0x5AE072C6144E352Aa678417b0c4B530f325Dd26f",
            WrappedCngnBase: "0x1c08f30c204EE18EbBDc161c0f0864AFb826934b",
            Sep16FutureAsset: "0x813d8e6E9a752Cf42724a9feF92B980De5c95563",
            Sep16FutureSubId: "1789567201"),
    }.ToImmutableDictionary();

    /// <summary>Resolves from the real environment and file system.</summary>
    public static DeploymentAddresses Resolve(long chainId, string matchingRepoPath, string riskCoreRepoPath) =>
        Resolve(chainId, matchingRepoPath, riskCoreRepoPath, Environment.GetEnvironmentVariable, ReadFileOrNull);

    /// <summary>Resolves with the given environment and file reader; throws <see cref="DeploymentException"/> listing every problem.</summary>
    public static DeploymentAddresses Resolve(long chainId, string matchingRepoPath, string riskCoreRepoPath, Func<string, string?> env, Func<string, string?> readFile) =>
        TryResolve(chainId, matchingRepoPath, riskCoreRepoPath, env, readFile, out var addresses, out var errors)
            ? addresses!
            : throw new DeploymentException(errors);

    /// <summary>
    /// Resolves with the given environment (name → value or null) and file reader (path → text, or null when the
    /// file does not exist). On failure <paramref name="errors"/> lists every problem.
    /// </summary>
    public static bool TryResolve(
        long chainId,
        string matchingRepoPath,
        string riskCoreRepoPath,
        Func<string, string?> env,
        Func<string, string?> readFile,
        out DeploymentAddresses? addresses,
        out ImmutableArray<DeploymentError> errors)
    {
        var chain = chainId.ToString(CultureInfo.InvariantCulture);
        var matchingFile = Path.Combine(matchingRepoPath, "deployments", chain, "matching.json");
        var coreFile = Path.Combine(riskCoreRepoPath, "deployments", chain, "core.json");
        Defaults.TryGetValue(chainId, out var builtIn);
        var problems = ImmutableArray.CreateBuilder<DeploymentError>();
        var sources = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, FileState>(StringComparer.Ordinal);

        string? One(string name, string envName, string file, string key, string? fallback)
        {
            var overridden = env(envName)?.Trim();
            if (!string.IsNullOrEmpty(overridden))
            {
                if (!IsAddress(overridden))
                {
                    problems.Add(new DeploymentError(envName, key, $"\"{overridden}\" is not a 0x-prefixed 20-byte hex address"));
                    return null;
                }

                sources[name] = "env " + envName;
                return overridden.ToLowerInvariant();
            }

            if (!files.TryGetValue(file, out var state))
            {
                state = Load(file, readFile);
                files[file] = state;
                if (state.Error is not null)
                {
                    problems.Add(new DeploymentError(file, "(file)", state.Error));
                }
            }

            if (state.Error is not null)
            {
                return null;
            }

            if (state.Root is { } root)
            {
                if (!root.TryGetProperty(key, out var value))
                {
                    problems.Add(new DeploymentError(file, key, "key is missing"));
                    return null;
                }

                var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (text is null || !IsAddress(text))
                {
                    problems.Add(new DeploymentError(file, key, $"{value.GetRawText()} is not a 0x-prefixed 20-byte hex address string"));
                    return null;
                }

                sources[name] = file;
                return text.ToLowerInvariant();
            }

            if (fallback is null)
            {
                problems.Add(new DeploymentError(file, key, $"file not found and chain {chain} has no built-in addresses (set {envName} or provide the file)"));
                return null;
            }

            sources[name] = $"built-in {chain}";
            return fallback.ToLowerInvariant();
        }

        var matching = One("matching", MatchingEnv, matchingFile, "matching", builtIn?.Matching);
        var trade = One("trade", TradeModuleEnv, matchingFile, "trade", builtIn?.Trade);
        var subAccounts = One("subAccounts", SubAccountsEnv, coreFile, "subAccounts", builtIn?.SubAccounts);
        foreach (var state in files.Values)
        {
            state.Dispose();
        }

        if (problems.Count > 0 || matching is null || trade is null || subAccounts is null)
        {
            addresses = null;
            errors = problems.ToImmutable();
            return false;
        }

        addresses = new DeploymentAddresses(
            chainId,
            matching,
            trade,
            subAccounts,
            builtIn?.Cash.ToLowerInvariant(),
            builtIn?.WrappedCngnBase.ToLowerInvariant(),
            builtIn?.Sep16FutureAsset.ToLowerInvariant(),
            builtIn?.Sep16FutureSubId,
            sources.ToImmutable());
        errors = [];
        return true;
    }

    /// <summary>The file's text, or null when it does not exist. Other IO failures propagate as IOException/UnauthorizedAccessException.</summary>
    public static string? ReadFileOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    private static bool IsAddress(string text) =>
        text.Length == 42 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Skip(2).All(char.IsAsciiHexDigit);

    private static FileState Load(string file, Func<string, string?> readFile)
    {
        string? text;
        try
        {
            text = readFile(file);
        }
        catch (IOException ex)
        {
            return new FileState(null, null, $"cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            return new FileState(null, null, $"cannot be read: {ex.Message}");
        }

        if (text is null)
        {
            return new FileState(null, null, null);
        }

        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return new FileState(null, null, "is not a JSON object");
            }

            return new FileState(document, document.RootElement, null);
        }
        catch (JsonException ex)
        {
            return new FileState(null, null, $"is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>One chain's published addresses.</summary>
    public sealed record BuiltIn(
        string Matching,
        string Trade,
        string SubAccounts,
        string Cash,
        string WrappedCngnBase,
        string Sep16FutureAsset,
        string Sep16FutureSubId);

    private sealed record FileState(JsonDocument? Document, JsonElement? Root, string? Error) : IDisposable
    {
        public void Dispose() => Document?.Dispose();
    }
}
