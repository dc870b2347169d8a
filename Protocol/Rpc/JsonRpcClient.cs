using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MarketMaker.Protocol.Rpc;

/// <summary>
/// A minimal Ethereum JSON-RPC client over HTTP POST. Every failure is an <see cref="RpcException"/> (transport,
/// timeout, JSON-RPC error, malformed response, short result); cancellation by the caller's token is an
/// <see cref="OperationCanceledException"/> as usual. The endpoint URL never appears in errors.
/// </summary>
public sealed class JsonRpcClient
{
    /// <summary>Largest response body accepted.</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private long _nextId;

    /// <param name="http">The HttpClient to use (its own Timeout should be longer than <paramref name="timeout"/> or infinite).</param>
    /// <param name="endpoint">The node's URL.</param>
    /// <param name="sourceName">How errors name this endpoint (e.g. "MM_RPC_URL"); the URL itself is never shown.</param>
    /// <param name="timeout">Per-call timeout; default 10 s.</param>
    public JsonRpcClient(HttpClient http, Uri endpoint, string sourceName, TimeSpan? timeout = null)
    {
        _http = http;
        _endpoint = endpoint;
        SourceName = sourceName;
        Timeout = timeout ?? TimeSpan.FromSeconds(10);
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "must be positive");
        }
    }

    public string SourceName { get; }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// <c>eth_call</c> of <paramref name="data"/> at <paramref name="to"/> on block <paramref name="block"/>; returns the
    /// result bytes, which may be empty (callers decide; <see cref="ChainReads"/> rejects empty results).
    /// <paramref name="function"/> only labels errors (e.g. "getAccountBalances(uint256)").
    /// </summary>
    public async Task<byte[]> EthCallAsync(string to, ReadOnlyMemory<byte> data, string? function = null, string block = "latest", CancellationToken cancellationToken = default)
    {
        var method = function is null ? "eth_call" : $"eth_call {function}";
        string target;
        try
        {
            target = Address.Normalize(to, "to", SourceName);
        }
        catch (ProtocolFormatException e)
        {
            throw new RpcException(RpcErrorKind.MalformedResponse, SourceName, method, "to", e.Detail);
        }

        var call = new JsonObject { ["to"] = target, ["data"] = Hex.Encode(data.Span) };
        var result = await CallAsync("eth_call", new JsonArray(call, block), method, cancellationToken).ConfigureAwait(false);
        return HexResult(result, method);
    }

    /// <summary><c>eth_getCode</c>: the code at an address ("0x" → empty array, which is not an error here).</summary>
    public async Task<byte[]> GetCodeAsync(string address, string block = "latest", CancellationToken cancellationToken = default)
    {
        var target = Address.Normalize(address, "address", SourceName);
        var result = await CallAsync("eth_getCode", new JsonArray(target, block), "eth_getCode", cancellationToken).ConfigureAwait(false);
        return HexResult(result, "eth_getCode");
    }

    /// <summary>
    /// Any JSON-RPC method; returns a clone of the <c>result</c> element (which may be JSON null).
    /// <paramref name="label"/> names the call in errors (defaults to the method).
    /// </summary>
    public async Task<JsonElement> CallAsync(string method, JsonArray parameters, string? label = null, CancellationToken cancellationToken = default)
    {
        label ??= method;
        var id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = method,
            ["params"] = parameters,
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        byte[] body;
        int status;
        string? reason;
        try
        {
            using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            reason = response.ReasonPhrase;
            body = await ReadLimitedAsync(response.Content, label, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            // Our timeout, or HttpClient.Timeout firing first.
            throw new RpcException(RpcErrorKind.Timeout, SourceName, label, "response", $"no answer within {Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms", e);
        }
        catch (HttpRequestException e)
        {
            throw new RpcException(RpcErrorKind.Transport, SourceName, label, "http", Redact(e.Message), e);
        }
        catch (IOException e)
        {
            throw new RpcException(RpcErrorKind.Transport, SourceName, label, "http", Redact(e.Message), e);
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            if (status is < 200 or > 299)
            {
                throw new RpcException(RpcErrorKind.Transport, SourceName, label, "http", $"HTTP {status} {reason}".TrimEnd());
            }

            throw new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "body", $"response is not JSON ({body.Length} bytes)");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw status is < 200 or > 299
                ? new RpcException(RpcErrorKind.Transport, SourceName, label, "http", $"HTTP {status} {reason}".TrimEnd())
                : new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "body", $"response is a JSON {root.ValueKind}, not an object");
        }

        // A JSON-RPC error object is reported as such even with a non-2xx status (some providers use 4xx/5xx).
        if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            throw RpcError(error, label);
        }

        if (status is < 200 or > 299)
        {
            throw new RpcException(RpcErrorKind.Transport, SourceName, label, "http", $"HTTP {status} {reason}".TrimEnd());
        }

        if (!root.TryGetProperty("id", out var responseId) || responseId.ValueKind != JsonValueKind.Number || !responseId.TryGetInt64(out var gotId) || gotId != id)
        {
            throw new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "id", $"response id does not match request id {id}");
        }

        if (!root.TryGetProperty("result", out var result))
        {
            throw new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "result", "response has neither result nor error");
        }

        return result;
    }

    private RpcException RpcError(JsonElement error, string label)
    {
        if (error.ValueKind != JsonValueKind.Object)
        {
            return new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "error", $"error is a JSON {error.ValueKind}, not an object");
        }

        long? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var cv) ? cv : null;
        var text = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        string? data = null;
        if (error.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            data = d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText();
        }

        var summary = $"code {code?.ToString(CultureInfo.InvariantCulture) ?? "?"}: {Clip(text ?? "(no message)")}";
        if (data is not null)
        {
            summary += $" (data {Clip(data)})";
        }

        return new RpcException(RpcErrorKind.JsonRpcError, SourceName, label, "error", summary, code: code, rpcMessage: text, revertData: data);
    }

    private byte[] HexResult(JsonElement result, string label)
    {
        if (result.ValueKind != JsonValueKind.String)
        {
            throw new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "result", $"result is a JSON {result.ValueKind}, not a hex string");
        }

        var text = result.GetString()!;
        if (!text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "result", "result is not 0x-prefixed hex");
        }

        return Hex.TryDecode(text, out var bytes, out var error)
            ? bytes
            : throw new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "result", $"result {error}");
    }

    private async Task<byte[]> ReadLimitedAsync(HttpContent content, string label, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new RpcException(RpcErrorKind.MalformedResponse, SourceName, label, "body", $"response is larger than {MaxResponseBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    // Transport messages can mention the request URI; the URL may carry an API key, so strip it.
    private string Redact(string message)
    {
        var text = message.Replace(_endpoint.OriginalString, "<endpoint>", StringComparison.OrdinalIgnoreCase)
            .Replace(_endpoint.AbsoluteUri, "<endpoint>", StringComparison.OrdinalIgnoreCase);
        if (_endpoint.PathAndQuery.Length > 1)
        {
            text = text.Replace(_endpoint.PathAndQuery, "/<redacted>", StringComparison.OrdinalIgnoreCase);
        }

        return Clip(text);
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
