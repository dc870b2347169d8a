namespace MarketMaker.Protocol.Rpc;

/// <summary>What went wrong with a JSON-RPC call.</summary>
public enum RpcErrorKind
{
    /// <summary>No usable HTTP exchange: connection refused/reset, DNS, TLS, or a non-2xx status without a JSON-RPC error body.</summary>
    Transport,

    /// <summary>No complete answer within the per-call timeout.</summary>
    Timeout,

    /// <summary>The node answered with a JSON-RPC error object (code, message and, for reverts, data).</summary>
    JsonRpcError,

    /// <summary>The answer is not a well-formed JSON-RPC response, or its result does not decode as the expected type.</summary>
    MalformedResponse,

    /// <summary>The result is empty ("0x", e.g. no contract at the address) or shorter than the return type needs.</summary>
    ShortResult,
}

/// <summary>
/// A failed JSON-RPC call, naming the configured source (never the URL, which may hold an API key), the method,
/// the field, and the kind. <see cref="Code"/>, <see cref="RpcMessage"/> and <see cref="RevertData"/> are set for
/// <see cref="RpcErrorKind.JsonRpcError"/>.
/// </summary>
public sealed class RpcException : ProtocolException
{
    public RpcException(RpcErrorKind kind, string sourceName, string method, string field, string message, Exception? inner = null, long? code = null, string? rpcMessage = null, string? revertData = null)
        : base(sourceName, field, $"{method}: {KindText(kind)}: {message}", inner)
    {
        Kind = kind;
        Method = method;
        Code = code;
        RpcMessage = rpcMessage;
        RevertData = revertData;
    }

    public RpcErrorKind Kind { get; }

    /// <summary>The JSON-RPC method, with the contract function for eth_call (e.g. "eth_call getAccountBalances(uint256)").</summary>
    public string Method { get; }

    public long? Code { get; }

    public string? RpcMessage { get; }

    /// <summary>The error's <c>data</c> (revert data hex for eth_call reverts), or its raw JSON when not a string.</summary>
    public string? RevertData { get; }

    private static string KindText(RpcErrorKind kind) => kind switch
    {
        RpcErrorKind.Transport => "transport error",
        RpcErrorKind.Timeout => "timed out",
        RpcErrorKind.JsonRpcError => "JSON-RPC error",
        RpcErrorKind.MalformedResponse => "malformed response",
        RpcErrorKind.ShortResult => "short result",
        _ => kind.ToString(),
    };
}
