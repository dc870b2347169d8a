using System.Collections.Immutable;
using System.Numerics;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Signing;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace MarketMaker.Protocol.Rpc;

/// <summary>One entry of <c>SubAccounts.getAccountBalances</c>: the raw 1e18 balance and its exact decimal value.</summary>
public sealed record AccountBalance(string Asset, BigInteger SubId, BigInteger RawBalance, decimal Balance);

/// <summary>Chainlink <c>latestRoundData()</c>. <see cref="Answer"/> is signed and scaled by 10^decimals.</summary>
public sealed record RoundData(BigInteger RoundId, BigInteger Answer, BigInteger StartedAt, BigInteger UpdatedAt, BigInteger AnsweredInRound)
{
    /// <summary><see cref="UpdatedAt"/> (unix seconds) as a time; null when it is beyond what DateTimeOffset holds.</summary>
    public DateTimeOffset? UpdatedAtTime =>
        UpdatedAt <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds((long)UpdatedAt) : null;
}

/// <summary>
/// Typed contract reads over <see cref="JsonRpcClient.EthCallAsync"/>, with strict decoders. An empty ("0x") or short
/// result is an <see cref="RpcException"/> of kind <see cref="RpcErrorKind.ShortResult"/>, never a zero; a result that does
/// not decode is <see cref="RpcErrorKind.MalformedResponse"/>. Errors name the source, the function and the field.
/// </summary>
public static class ChainReads
{
    public const string GetAccountBalancesSignature = "getAccountBalances(uint256)";
    public const string OwnerOfSignature = "ownerOf(uint256)";
    public const string LatestRoundDataSignature = "latestRoundData()";
    public const string DecimalsSignature = "decimals()";

    public static readonly ImmutableArray<byte> GetAccountBalancesSelector = [0xc7, 0x56, 0x97, 0x01];
    public static readonly ImmutableArray<byte> OwnerOfSelector = [0x63, 0x52, 0x21, 0x1e];
    public static readonly ImmutableArray<byte> LatestRoundDataSelector = [0xfe, 0xaf, 0x96, 0x8c];
    public static readonly ImmutableArray<byte> DecimalsSelector = [0x31, 0x3c, 0xe5, 0x67];

    /// <summary>Largest number of balances accepted in one answer (an account holds a handful of assets).</summary>
    public const int MaxBalances = 10_000;

    public static byte[] EncodeGetAccountBalances(BigInteger accountId) =>
        AbiCodec.Concat([.. GetAccountBalancesSelector], AbiCodec.EncodeUInt256(accountId, "accountId"));

    public static byte[] EncodeOwnerOf(BigInteger accountId) =>
        AbiCodec.Concat([.. OwnerOfSelector], AbiCodec.EncodeUInt256(accountId, "accountId"));

    /// <summary>
    /// Decodes <c>(address asset, uint256 subId, int256 balance)[]</c>: offset word, length word at the offset, then
    /// 3 words per element. Throws <see cref="AbiDecodeException"/> (kind Short when data is missing).
    /// </summary>
    public static ImmutableArray<AccountBalance> DecodeAccountBalances(ReadOnlySpan<byte> result)
    {
        if (result.Length < 64)
        {
            throw new AbiDecodeException("result", $"getAccountBalances returns at least 64 bytes (offset, length), got {result.Length}", AbiErrorKind.Short);
        }

        var offset = AbiCodec.DecodeUInt256(result, 0, "balances.offset");
        if (offset % 32 != 0 || offset > result.Length - 32)
        {
            throw new AbiDecodeException("balances.offset", $"array offset {offset} is not a word boundary inside the {result.Length}-byte result");
        }

        var start = (int)offset / 32;
        var length = AbiCodec.DecodeUInt256(result, start, "balances.length");
        var available = (result.Length / 32) - start - 1;
        if (length > MaxBalances)
        {
            throw new AbiDecodeException("balances.length", $"array length {length} exceeds the limit {MaxBalances}");
        }

        if (length * 3 > available)
        {
            throw new AbiDecodeException("balances", $"array of {length} elements needs {length * 3} words after the length, got {available}", AbiErrorKind.Short);
        }

        // Nethereum.ABI decodes the tuple array; the words are then held to their canonical form (Nethereum's
        // decoder would take an address word with dirty upper bytes), with the field of the first bad one named.
        List<BalanceTuple> decoded;
        try
        {
            decoded = OutputDecoder.DecodeFunctionOutput<BalancesOutput>(Hex.Encode(result[..((start + 1 + ((int)length * 3)) * 32)])).Balances;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            throw new AbiDecodeException("balances", "is not an encoded (address,uint256,int256)[] array");
        }

        var items = ImmutableArray.CreateBuilder<AccountBalance>((int)length);
        for (var i = 0; i < (int)length; i++)
        {
            var word = start + 1 + (3 * i);
            var asset = AbiCodec.DecodeAddress(result, word, $"balances[{i}].asset");
            var subId = AbiCodec.DecodeUInt256(result, word + 1, $"balances[{i}].subId");
            var raw = AbiCodec.DecodeInt256(result, word + 2, $"balances[{i}].balance");
            var element = i < decoded.Count ? decoded[i] : null;
            if (element is null || !string.Equals(element.Asset, asset, StringComparison.OrdinalIgnoreCase) || element.SubId != subId || element.Balance != raw)
            {
                throw new AbiDecodeException($"balances[{i}]", "element does not decode to its words");
            }

            decimal value;
            try
            {
                value = Fixed18.ToDecimal(raw, $"balances[{i}].balance");
            }
            catch (Fixed18Exception e)
            {
                throw new AbiDecodeException(e.Field, e.Detail);
            }

            items.Add(new AccountBalance(asset, subId, raw, value));
        }

        return items.MoveToImmutable();
    }

    /// <summary>Decodes the 5 words of <c>latestRoundData()</c> (roundId and answeredInRound are uint80, answer int256).</summary>
    public static RoundData DecodeLatestRoundData(ReadOnlySpan<byte> result)
    {
        if (result.Length < 160)
        {
            throw new AbiDecodeException("result", $"latestRoundData returns 160 bytes (5 words), got {result.Length}", AbiErrorKind.Short);
        }

        return new RoundData(
            AbiCodec.DecodeUInt(result, 0, 80, "roundId"),
            AbiCodec.DecodeInt256(result, 1, "answer"),
            AbiCodec.DecodeUInt256(result, 2, "startedAt"),
            AbiCodec.DecodeUInt256(result, 3, "updatedAt"),
            AbiCodec.DecodeUInt(result, 4, 80, "answeredInRound"));
    }

    /// <summary>Decodes <c>decimals()</c> (uint8).</summary>
    public static byte DecodeDecimals(ReadOnlySpan<byte> result)
    {
        if (result.Length < 32)
        {
            throw new AbiDecodeException("result", $"decimals returns 32 bytes, got {result.Length}", AbiErrorKind.Short);
        }

        return (byte)AbiCodec.DecodeUInt(result, 0, 8, "decimals");
    }

    public static string DecodeOwnerOf(ReadOnlySpan<byte> result)
    {
        if (result.Length < 32)
        {
            throw new AbiDecodeException("result", $"ownerOf returns 32 bytes, got {result.Length}", AbiErrorKind.Short);
        }

        return AbiCodec.DecodeAddress(result, 0, "owner");
    }

    /// <summary><c>SubAccounts.getAccountBalances(accountId)</c> at <paramref name="subAccounts"/>.</summary>
    public static Task<ImmutableArray<AccountBalance>> GetAccountBalancesAsync(this JsonRpcClient rpc, string subAccounts, BigInteger accountId, CancellationToken cancellationToken = default) =>
        CallAsync(rpc, subAccounts, EncodeGetAccountBalances(accountId), GetAccountBalancesSignature, static r => DecodeAccountBalances(r), cancellationToken);

    /// <summary><c>SubAccounts.ownerOf(accountId)</c>.</summary>
    public static Task<string> OwnerOfAsync(this JsonRpcClient rpc, string subAccounts, BigInteger accountId, CancellationToken cancellationToken = default) =>
        CallAsync(rpc, subAccounts, EncodeOwnerOf(accountId), OwnerOfSignature, static r => DecodeOwnerOf(r), cancellationToken);

    /// <summary>Chainlink <c>latestRoundData()</c> at <paramref name="aggregator"/>.</summary>
    public static Task<RoundData> LatestRoundDataAsync(this JsonRpcClient rpc, string aggregator, CancellationToken cancellationToken = default) =>
        CallAsync(rpc, aggregator, [.. LatestRoundDataSelector], LatestRoundDataSignature, static r => DecodeLatestRoundData(r), cancellationToken);

    /// <summary>Chainlink <c>decimals()</c> at <paramref name="aggregator"/>.</summary>
    public static Task<byte> DecimalsAsync(this JsonRpcClient rpc, string aggregator, CancellationToken cancellationToken = default) =>
        CallAsync(rpc, aggregator, [.. DecimalsSelector], DecimalsSignature, static r => DecodeDecimals(r), cancellationToken);

    private static readonly FunctionCallDecoder OutputDecoder = new();

    private delegate T Decoder<out T>(ReadOnlySpan<byte> result);

    private static async Task<T> CallAsync<T>(JsonRpcClient rpc, string to, byte[] data, string function, Decoder<T> decode, CancellationToken cancellationToken)
    {
        var method = $"eth_call {function}";
        var result = await rpc.EthCallAsync(to, data, function, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Length == 0)
        {
            throw new RpcException(RpcErrorKind.ShortResult, rpc.SourceName, method, "result", $"empty result (\"0x\"): no contract at {Address.Normalize(to, "to")} or it does not implement {function}");
        }

        try
        {
            return decode(result);
        }
        catch (AbiDecodeException e)
        {
            var kind = e.Kind == AbiErrorKind.Short ? RpcErrorKind.ShortResult : RpcErrorKind.MalformedResponse;
            throw new RpcException(kind, rpc.SourceName, method, e.Field, e.Detail, e);
        }
    }

    /// <summary>The <c>getAccountBalances</c> output as Nethereum.ABI's DTO decoder reads it.</summary>
    [FunctionOutput]
    public sealed class BalancesOutput : IFunctionOutputDTO
    {
        [Parameter("tuple[]", "balances", 1)]
        public List<BalanceTuple> Balances { get; set; } = [];
    }

    public sealed class BalanceTuple
    {
        [Parameter("address", "asset", 1)]
        public string Asset { get; set; } = "";

        [Parameter("uint256", "subId", 2)]
        public BigInteger SubId { get; set; }

        [Parameter("int256", "balance", 3)]
        public BigInteger Balance { get; set; }
    }
}
