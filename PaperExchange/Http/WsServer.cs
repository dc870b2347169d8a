using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MarketMaker.PaperExchange.Events;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Signatures;
using MarketMaker.PaperExchange.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MarketMaker.PaperExchange.Http;

/// <summary>
/// <c>GET /v1/ws</c>: the markets-service WebSocket API (markets-service-ws.md §1–§5) on the exchange's own events
/// (<see cref="MarketEventHub"/>). Text JSON frames only (binary ignored), a 64 KiB inbound limit (1009), ops in
/// arrival order, no subscribe ack, snapshot + updates above the snapshot's global seq, resume by <c>since_seq</c>,
/// per-subscription overflow → <c>stream_reset</c>, outbound queue full → close 1013 <c>slow consumer</c>.
/// Faults (target <c>ws</c>): drop_connection, delay (per frame), drop_events, slow_consumer, refuse_auth.
/// </summary>
internal sealed class WsServer
{
    public const int InboundLimit = 65536;
    public const int SnapshotBookDepth = 50;
    public const int SnapshotTrades = 50;
    public const int SnapshotOrders = 200;

    private readonly PaperExchangeHost _host;
    private readonly Presenter _presenter;
    private readonly ILogger _log;
    private readonly CancellationToken _stopping;

    public WsServer(PaperExchangeHost host, Presenter presenter, ILogger log, CancellationToken stopping)
    {
        _host = host;
        _presenter = presenter;
        _log = log;
        _stopping = stopping;
    }

    /// <summary>Connections open now (tests).</summary>
    public int Open => _open;

    private int _open;

    public async Task HandleAsync(HttpContext http, string? _)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync("WebSocket protocol violation: Connection header does not contain Upgrade\n");
            return;
        }

        var origin = http.Request.Headers.Origin.FirstOrDefault();
        if (!string.IsNullOrEmpty(origin) && (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || !string.Equals(o.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (_host.Faults.Peek(FaultTargets.Ws) is { Kind: FaultKind.DropConnection })
        {
            _host.Faults.Take(FaultTargets.Ws);
            http.Abort();
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _open);
        try
        {
            await new Connection(this, socket, http.RequestAborted).RunAsync();
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>The envelope of §3: fields in order, each omitted when empty or zero.</summary>
    internal static string Frame(string type, string? channel = null, string? market = null, long seq = 0, string? data = null, string? code = null, string? message = null)
    {
        var w = new GoJsonWriter().StartObject().Prop("type", type).PropOmitEmpty("channel", channel).PropOmitEmpty("market", market).PropOmitZero("seq", seq);
        if (data is not null)
        {
            w.Name("data").RawJson(data);
        }

        return w.PropOmitEmpty("code", code).PropOmitEmpty("message", message).EndObject().ToString();
    }

    /// <summary>One client op, decoded like Go's encoding/json into a flat struct (case-insensitive keys, null = absent).</summary>
    private sealed class Op
    {
        public string? OpName;
        public string? Channel;
        public string? Market;
        public long SinceSeq;
        public string? Address;
        public string? Signature;
        public string? Nonce;
        public long IssuedAt;
        public long Expiry;

        public static Op? Parse(byte[] bytes)
        {
            try
            {
                using var doc = JsonDocument.Parse(bytes);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var op = new Op();
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    var v = p.Value;
                    if (v.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    switch (p.Name.ToLowerInvariant())
                    {
                        case "op": op.OpName = Str(v); break;
                        case "channel": op.Channel = Str(v); break;
                        case "market": op.Market = Str(v); break;
                        case "address": op.Address = Str(v); break;
                        case "signature": op.Signature = Str(v); break;
                        case "nonce": op.Nonce = Str(v); break;
                        case "since_seq": op.SinceSeq = Int(v); break;
                        case "issued_at": op.IssuedAt = Int(v); break;
                        case "expiry": op.Expiry = Int(v); break;
                    }
                }

                return op;
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                return null;
            }
        }

        private static string Str(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException();

        private static long Int(JsonElement v) => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : throw new FormatException();
    }

    private sealed class Sub
    {
        public required string Channel { get; init; }
        public required string RawMarket { get; init; }
        public required HubSubscription Hub { get; init; }
    }

    private sealed class Connection
    {
        private readonly WsServer _server;
        private readonly WebSocket _socket;
        private readonly CancellationTokenSource _cts;
        private readonly Channel<string> _outbound;
        private readonly Dictionary<string, Sub> _subs = new(StringComparer.Ordinal);
        private readonly object _gate = new();
        private string? _owner;
        private WebSocketCloseStatus? _closeStatus;
        private string _closeReason = "";
        private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Connection(WsServer server, WebSocket socket, CancellationToken aborted)
        {
            _server = server;
            _socket = socket;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(aborted, server._stopping);
            _outbound = Channel.CreateBounded<string>(new BoundedChannelOptions(Math.Max(1, server._host.Options.WsOutboundQueue)) { SingleReader = true });
        }

        private PaperExchangeHost Host => _server._host;

        public async Task RunAsync()
        {
            var writer = Task.Run(WriteLoopAsync);
            var watchdog = Task.Run(WatchdogAsync);
            try
            {
                await ReadLoopAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
            {
            }
            finally
            {
                RequestClose(null, "");
                _readerDone.TrySetResult();
                await Task.WhenAny(writer, Task.Delay(3000));
                await _cts.CancelAsync();
                try
                {
                    await Task.WhenAll(writer, watchdog);
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
                {
                }

                lock (_gate)
                {
                    foreach (var s in _subs.Values)
                    {
                        Host.Events.Unsubscribe(s.Hub);
                    }

                    _subs.Clear();
                }

                _cts.Dispose();
            }
        }

        /// <summary>The drop_connection fault cuts every open connection (abruptly: no close frame, like a restart).</summary>
        private async Task WatchdogAsync()
        {
            while (!_cts.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(50, _cts.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (Host.Faults.Peek(FaultTargets.Ws) is { Kind: FaultKind.DropConnection })
                {
                    Host.Faults.Take(FaultTargets.Ws);
                    _socket.Abort();
                    await _cts.CancelAsync();
                    return;
                }
            }
        }

        private async Task ReadLoopAsync()
        {
            var buffer = new byte[InboundLimit + 1];
            while (!_cts.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        RequestClose(WebSocketCloseStatus.MessageTooBig, "read limited at 65537 bytes");
                        return;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _cts.Token);
                    length += result.Count;
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        RequestClose(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, _socket.CloseStatusDescription ?? "");
                        return;
                    }
                }
                while (!result.EndOfMessage);

                if (length > InboundLimit)
                {
                    RequestClose(WebSocketCloseStatus.MessageTooBig, "read limited at 65537 bytes");
                    return;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    continue;
                }

                await HandleAsync(buffer.AsSpan(0, length).ToArray());
            }
        }

        private async Task HandleAsync(byte[] bytes)
        {
            var op = Op.Parse(bytes);
            if (op is null)
            {
                Send(Frame("error", code: "bad_json", message: "invalid frame"));
                return;
            }

            switch ((op.OpName ?? "").Trim().ToLowerInvariant())
            {
                case "ping":
                    Send(Frame("pong"));
                    break;
                case "auth":
                    Auth(op);
                    break;
                case "subscribe":
                    await SubscribeAsync(op);
                    break;
                case "unsubscribe":
                    Unsubscribe(op);
                    break;
                default:
                    Send(Frame("error", code: "bad_op", message: "unknown op"));
                    break;
            }
        }

        private void Auth(Op op)
        {
            if (Host.Faults.Peek(FaultTargets.Ws) is { Kind: FaultKind.RefuseAuth } && Host.Faults.Take(FaultTargets.Ws) is { } refuse)
            {
                Send(Frame("error", code: "auth_failed", message: refuse.Message ?? "signature does not match address"));
                return;
            }

            var o = Host.Options;
            var owner = WsAuthVerifier.Verify(op.Address, op.Signature, op.Nonce, op.IssuedAt, op.Expiry, Host.Clock.GetUtcNow().ToUnixTimeSeconds(), o.WsAuthDomain, o.WsAuthMaxTtlSeconds, out var error);
            if (owner is null)
            {
                Send(Frame("error", code: "auth_failed", message: error));
                return;
            }

            _owner = owner;
            Send(Frame("ack", message: "authenticated"));
        }

        /// <summary>§3.1: exact symbol (aliases and disabled ones too), else <c>asset:sub_id</c> split at the first ':'.</summary>
        private MarketDefinition? Resolve(string trimmed)
        {
            if (Host.Markets.BySymbol(trimmed) is { } bySymbol)
            {
                return bySymbol;
            }

            var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? Host.Markets.ByAsset(trimmed[..colon].ToLowerInvariant(), trimmed[(colon + 1)..]) : null;
        }

        private async Task SubscribeAsync(Op op)
        {
            var channel = (op.Channel ?? "").Trim().ToLowerInvariant();
            var raw = op.Market ?? "";
            var trimmed = raw.Trim();
            if (channel is not (WsChannels.Book or WsChannels.Trades or WsChannels.Orders))
            {
                Send(Frame("error", channel, raw, code: "bad_channel", message: "unknown channel"));
                return;
            }

            MarketDefinition? market = null;
            if (channel == WsChannels.Orders)
            {
                if (_owner is null)
                {
                    Send(Frame("error", channel, raw, code: "auth_required", message: "authenticate before subscribing to orders"));
                    return;
                }

                if (trimmed.Length > 0 && (market = Resolve(trimmed)) is null)
                {
                    Send(Frame("error", channel, raw, code: "unknown_market", message: "no such market"));
                    return;
                }
            }
            else if ((market = Resolve(trimmed)) is null)
            {
                Send(Frame("error", channel, raw, code: "unknown_market", message: "no such market"));
                return;
            }

            var key = channel + "|" + trimmed;
            var filter = new EventFilter(channel, market is null ? null : MarketEventHub.MarketKey(market.AssetAddress, market.SubId), channel == WsChannels.Orders ? _owner : null);
            Sub sub;
            lock (_gate)
            {
                if (_subs.ContainsKey(key))
                {
                    return;
                }

                sub = new Sub { Channel = channel, RawMarket = raw, Hub = Host.Events.Subscribe(filter) };
                _subs[key] = sub;
            }

            long boundary;
            if (op.SinceSeq > 0)
            {
                var oldest = Host.Events.OldestSeq;
                if (oldest > 0 && op.SinceSeq < oldest - 1)
                {
                    Send(Frame("error", channel, raw, code: "resume_too_old", message: "snapshot follows"));
                }
                else
                {
                    boundary = op.SinceSeq;
                    foreach (var e in Host.Events.Since(filter, op.SinceSeq))
                    {
                        Send(Frame("update", channel, raw, e.Seq, e.Payload));
                        boundary = e.Seq;
                    }

                    _ = ForwardAsync(key, sub, boundary);
                    return;
                }
            }

            {
                boundary = Host.Events.CurrentSeq;
                string data;
                try
                {
                    data = await SnapshotAsync(channel, market, _cts.Token);
                }
                catch (StoreException)
                {
                    lock (_gate)
                    {
                        _subs.Remove(key);
                    }

                    Host.Events.Unsubscribe(sub.Hub);
                    Send(Frame("error", channel, raw, code: "snapshot_failed", message: "could not load snapshot"));
                    return;
                }

                Send(Frame("snapshot", channel, market is null ? null : raw, boundary, data));
                _ = ForwardAsync(key, sub, boundary);
            }
        }

        private async Task<string> SnapshotAsync(string channel, MarketDefinition? m, CancellationToken ct)
        {
            var store = Host.Store;
            var w = new GoJsonWriter();
            switch (channel)
            {
                case WsChannels.Book:
                    var bids = m!.IsActive ? await store.GetBookSideAsync(m.AssetAddress, m.SubId, "buy", SnapshotBookDepth, ct) : [];
                    var asks = m.IsActive ? await store.GetBookSideAsync(m.AssetAddress, m.SubId, "sell", SnapshotBookDepth, ct) : [];
                    var last = m.IsActive ? await store.GetLastTradeTimeAsync(m.AssetAddress, m.SubId, ct) : null;
                    w.StartObject().Name("market_presentation");
                    _server._presenter.Market(w, m, last);
                    w.Name("bids").StartArray();
                    foreach (var o in bids)
                    {
                        _server._presenter.Order(w, o);
                    }

                    w.EndArray().Name("asks").StartArray();
                    foreach (var o in asks)
                    {
                        _server._presenter.Order(w, o);
                    }

                    return w.EndArray().EndObject().ToString();
                case WsChannels.Trades:
                    var trades = m!.IsActive ? await store.GetTradesAsync(m.AssetAddress, m.SubId, null, SnapshotTrades, ct) : [];
                    w.StartArray();
                    foreach (var t in trades)
                    {
                        _server._presenter.Trade(w, t);
                    }

                    return w.EndArray().ToString();
                default:
                    var mine = await store.GetOrdersByOwnerAsync(_owner!, ct);
                    w.StartArray();
                    foreach (var o in mine.Where(o => o.Status is OrderStatus.Active or OrderStatus.Matching)
                        .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal).Take(SnapshotOrders))
                    {
                        _server._presenter.Order(w, o);
                    }

                    return w.EndArray().ToString();
            }
        }

        /// <summary>Relays a subscription's events above the boundary; an overflow ends it with <c>stream_reset</c>.</summary>
        private async Task ForwardAsync(string key, Sub sub, long boundary)
        {
            try
            {
                await foreach (var e in sub.Hub.Buffer.Reader.ReadAllAsync(_cts.Token))
                {
                    if (e.Seq > boundary)
                    {
                        Send(Frame("update", sub.Channel, sub.RawMarket, e.Seq, e.Payload));
                        boundary = e.Seq;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            bool current;
            lock (_gate)
            {
                current = _subs.TryGetValue(key, out var s) && ReferenceEquals(s, sub);
                if (current)
                {
                    _subs.Remove(key);
                }
            }

            if (current && sub.Hub.Overflowed)
            {
                Send(Frame("error", sub.Channel, sub.RawMarket, code: "stream_reset", message: "resubscribe with since_seq"));
            }
        }

        private void Unsubscribe(Op op)
        {
            var key = (op.Channel ?? "").Trim().ToLowerInvariant() + "|" + (op.Market ?? "").Trim();
            Sub? sub;
            lock (_gate)
            {
                if (_subs.Remove(key, out sub))
                {
                    Host.Events.Unsubscribe(sub.Hub);
                }
            }

            if (sub is not null)
            {
                Send(Frame("ack", op.Channel, op.Market, message: "unsubscribed"));
            }
        }

        /// <summary>Queues a frame; a full queue (or the slow_consumer fault) closes the connection with 1013.</summary>
        private void Send(string frame)
        {
            if (Host.Faults.Peek(FaultTargets.Ws) is { Kind: FaultKind.SlowConsumer } && Host.Faults.Take(FaultTargets.Ws) is not null)
            {
                RequestClose((WebSocketCloseStatus)1013, "slow consumer");
                return;
            }

            if (!_outbound.Writer.TryWrite(frame))
            {
                RequestClose((WebSocketCloseStatus)1013, "slow consumer");
            }
        }

        private void RequestClose(WebSocketCloseStatus? status, string reason)
        {
            lock (_gate)
            {
                if (_closeStatus is null && status is not null)
                {
                    _closeStatus = status;
                    _closeReason = reason;
                }
            }

            _outbound.Writer.TryComplete();
        }

        private async Task WriteLoopAsync()
        {
            try
            {
                await foreach (var frame in _outbound.Reader.ReadAllAsync(_cts.Token))
                {
                    if (_closeStatus is not null)
                    {
                        break;
                    }

                    if (Host.Faults.Peek(FaultTargets.Ws) is { Kind: FaultKind.Delay } && Host.Faults.Take(FaultTargets.Ws) is { } delay)
                    {
                        await Task.Delay(delay.Delay, _cts.Token);
                    }

                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    try
                    {
                        await _socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, timeout.Token);
                    }
                    catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException && !_cts.IsCancellationRequested)
                    {
                        RequestClose(WebSocketCloseStatus.InternalServerError, "write failed");
                        break;
                    }
                }

                if (_closeStatus is { } status && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    await _socket.CloseOutputAsync(status, _closeReason, timeout.Token);

                    // Give the client a moment to answer the close, so it sees the code and reason.
                    await Task.WhenAny(_readerDone.Task, Task.Delay(2000));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
            {
            }
            finally
            {
                // Whatever ended the writer ends the connection (the reader is cancelled: an abrupt end if no close frame went out).
                await _cts.CancelAsync();
            }
        }
    }
}
