using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Ledger;
using MarketMaker.PaperExchange.Wire;
using MarketMaker.Protocol.Abi;
using Nethereum.ABI;

namespace MarketMaker.PaperExchange.Rpc;

/// <summary>
/// The chain as the bot reads it, over Ethereum JSON-RPC (external-sources.md): <c>eth_call</c> of
/// SubAccounts.getAccountBalances / getBalance / ownerOf, the NGN/USD aggregator (latestRoundData, decimals,
/// latestAnswer, description) and Matching.subAccounts(); plus eth_chainId, eth_blockNumber, net_version,
/// eth_getCode. Addresses without code answer <c>"0x"</c>; unknown methods -32601.
/// </summary>
public sealed class ChainRpc
{
    public const string GetAccountBalances = "c7569701";
    public const string GetBalance = "0806e640";
    public const string OwnerOf = "6352211e";
    public const string LatestRoundData = "feaf968c";
    public const string DecimalsSelector = "313ce567";
    public const string LatestAnswer = "50d25bcd";
    public const string Description = "7284e416";
    public const string SubAccountsSelector = "779e5012";

    private static readonly TimeSpan BlockTime = TimeSpan.FromSeconds(2);

    private readonly long _chainId;
    private readonly DeploymentAddresses _addresses;
    private readonly BalanceLedger _ledger;
    private readonly OracleFeed _oracle;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _genesis;

    public ChainRpc(long chainId, DeploymentAddresses addresses, BalanceLedger ledger, OracleFeed oracle, TimeProvider clock)
    {
        _chainId = chainId;
        _addresses = addresses;
        _ledger = ledger;
        _oracle = oracle;
        _clock = clock;
        _genesis = clock.GetUtcNow();
    }

    /// <summary>A JSON-RPC error object.</summary>
    public sealed class RpcException(int code, string message, string? data = null) : Exception(message)
    {
        public int Code { get; } = code;

        public string? RevertData { get; } = data;
    }

    /// <summary>Handles one HTTP body (a request or a batch) and returns the response body.</summary>
    public string Handle(ReadOnlySpan<byte> body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            return Response(null, w => w.Null(), new RpcException(-32700, "parse error")) + "\n";
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (root.GetArrayLength() == 0)
                {
                    return Response(null, w => w.Null(), new RpcException(-32600, "empty batch")) + "\n";
                }

                return "[" + string.Join(",", root.EnumerateArray().Select(HandleOne)) + "]\n";
            }

            return HandleOne(root) + "\n";
        }
    }

    private string HandleOne(JsonElement request)
    {
        JsonElement? id = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("id", out var idValue) ? idValue : null;
        try
        {
            if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("method", out var m) || m.ValueKind != JsonValueKind.String)
            {
                throw new RpcException(-32600, "invalid request");
            }

            var parameters = request.TryGetProperty("params", out var p) ? p : default;
            var method = m.GetString()!;
            return method switch
            {
                "eth_chainId" => Response(id, w => w.String(Quantity(_chainId)), null),
                "net_version" => Response(id, w => w.String(_chainId.ToString(CultureInfo.InvariantCulture)), null),
                "eth_blockNumber" => Response(id, w => w.String(Quantity(BlockNumber())), null),
                "web3_clientVersion" => Response(id, w => w.String("mm-paper-exchange/1"), null),
                "eth_getCode" => Response(id, w => w.String(HasCode(Param(parameters, 0).GetString() ?? "") ? "0x6080604052" : "0x"), null),
                "eth_call" => EthCallResponse(id, parameters),
                _ => throw new RpcException(-32601, $"the method {method} does not exist/is not available"),
            };
        }
        catch (RpcException e)
        {
            return Response(id, w => w.Null(), e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
        {
            return Response(id, w => w.Null(), new RpcException(-32602, $"invalid params: {e.Message}"));
        }
    }

    private string EthCallResponse(JsonElement? id, JsonElement parameters)
    {
        var call = Param(parameters, 0);
        if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("to", out var toValue) || toValue.ValueKind != JsonValueKind.String)
        {
            throw new RpcException(-32602, "invalid params: eth_call needs {to, data}");
        }

        var data = call.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()!
            : call.TryGetProperty("input", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : "0x";
        var result = EthCall(toValue.GetString()!, data);
        return Response(id, w => w.String(result), null);
    }

    /// <summary>Executes a call; the 0x result hex, or throws <see cref="RpcException"/> (revert code 3).</summary>
    public string EthCall(string to, string dataHex)
    {
        var target = to.ToLowerInvariant();
        if (!HasCode(target))
        {
            return "0x";
        }

        if (!GoText.TryDecodeHex(dataHex, out var data, out var hexError))
        {
            throw new RpcException(-32602, $"invalid params: data: {hexError}");
        }

        if (data.Length < 4)
        {
            throw Revert(null);
        }

        var selector = Convert.ToHexString(data, 0, 4).ToLowerInvariant();
        var args = data.AsSpan(4);
        if (target == _addresses.SubAccounts)
        {
            switch (selector)
            {
                case GetAccountBalances:
                    return Protocol.Hex.Encode(EncodeBalances(_ledger.GetBalances(Arg(args, 0))));
                case GetBalance:
                    var account = Arg(args, 0);
                    var asset = ArgAddress(args, 1);
                    return Protocol.Hex.Encode(AbiCodec.EncodeInt256(_ledger.GetBalance(account, asset, Arg(args, 2))));
                case OwnerOf:
                    return _ledger.HasAccount(Arg(args, 0)) ? Protocol.Hex.Encode(AbiCodec.EncodeAddress(_addresses.Matching)) : throw Revert("ERC721: invalid token ID");
            }
        }
        else if (target == _addresses.OracleFeed)
        {
            switch (selector)
            {
                case LatestRoundData:
                    var r = _oracle.LatestRound();
                    return Protocol.Hex.Encode(AbiCodec.Concat(AbiCodec.EncodeUInt256(r.RoundId), AbiCodec.EncodeInt256(r.Answer), AbiCodec.EncodeUInt256(r.StartedAt), AbiCodec.EncodeUInt256(r.UpdatedAt), AbiCodec.EncodeUInt256(r.AnsweredInRound)));
                case DecimalsSelector:
                    return Protocol.Hex.Encode(AbiCodec.EncodeUInt256(_oracle.Decimals));
                case LatestAnswer:
                    return Protocol.Hex.Encode(AbiCodec.EncodeInt256(_oracle.Answer));
                case Description:
                    return Protocol.Hex.Encode(EncodeString("NGN / USD"));
            }
        }
        else if (target == _addresses.Matching && selector == SubAccountsSelector)
        {
            return Protocol.Hex.Encode(AbiCodec.EncodeAddress(_addresses.SubAccounts));
        }

        throw Revert(null);
    }

    /// <summary>ABI encoding of <c>(address asset, uint256 subId, int256 balance)[]</c> as a single return value.</summary>
    public static byte[] EncodeBalances(IReadOnlyList<AssetBalance> balances)
    {
        var words = new List<byte[]> { AbiCodec.EncodeUInt256(32), AbiCodec.EncodeUInt256(balances.Count) };
        foreach (var b in balances)
        {
            words.Add(AbiCodec.EncodeAddress(b.Asset));
            words.Add(AbiCodec.EncodeUInt256(b.SubId));
            words.Add(AbiCodec.EncodeInt256(b.Balance));
        }

        return AbiCodec.Concat([.. words]);
    }

    /// <summary>A single <c>string</c> return value (offset, length, padded UTF-8), by Nethereum.ABI.</summary>
    private static byte[] EncodeString(string text) => new ABIEncode().GetABIEncoded(new ABIValue("string", text));

    private static RpcException Revert(string? reason)
    {
        if (reason is null)
        {
            return new RpcException(3, "execution reverted", "0x");
        }

        var data = AbiCodec.Concat(Convert.FromHexString("08c379a0"), EncodeString(reason));
        return new RpcException(3, $"execution reverted: {reason}", Protocol.Hex.Encode(data));
    }

    private bool HasCode(string address)
    {
        var a = address.ToLowerInvariant();
        return a == _addresses.SubAccounts || a == _addresses.OracleFeed || a == _addresses.Matching;
    }

    private long BlockNumber() => 1 + (long)((_clock.GetUtcNow() - _genesis) / BlockTime);

    // A call argument: a short or non-canonical word reverts, as Solidity's ABI decoder does.
    private static BigInteger Arg(ReadOnlySpan<byte> args, int index)
    {
        try
        {
            return AbiCodec.DecodeUInt256(args, index, "arg");
        }
        catch (AbiDecodeException)
        {
            throw Revert(null);
        }
    }

    private static string ArgAddress(ReadOnlySpan<byte> args, int index)
    {
        try
        {
            return AbiCodec.DecodeAddress(args, index, "arg");
        }
        catch (AbiDecodeException)
        {
            throw Revert(null);
        }
    }

    private static JsonElement Param(JsonElement parameters, int index) =>
        parameters.ValueKind == JsonValueKind.Array && parameters.GetArrayLength() > index
            ? parameters[index]
            : throw new RpcException(-32602, $"invalid params: missing value for required argument {index}");

    private static string Quantity(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private static string Response(JsonElement? id, Action<GoJsonWriter> result, RpcException? error)
    {
        var w = new GoJsonWriter().StartObject().Prop("jsonrpc", "2.0").Name("id");
        if (id is { } i)
        {
            w.Element(i);
        }
        else
        {
            w.Null();
        }

        if (error is null)
        {
            result(w.Name("result"));
        }
        else
        {
            w.Name("error").StartObject().Prop("code", error.Code).Prop("message", error.Message);
            if (error.RevertData is not null)
            {
                w.Prop("data", error.RevertData);
            }

            w.EndObject();
        }

        return w.EndObject().ToString();
    }
}
