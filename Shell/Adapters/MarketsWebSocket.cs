using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Observability;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Adapters;

/// <summary>
/// The order ids this process placed or asked to cancel, so that the WebSocket feed can tell our own book events
/// and our own cancels (no reason to wake) from another participant's changes and from fills. Bounded; thread-safe.
/// </summary>
public sealed class OwnOrders
{
    private const int Limit = 4096;
    private readonly object _gate = new();
    private readonly HashSet<string> _placed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cancelling = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Placed(string orderId) => Add(_placed, orderId);

    public void Cancelling(string orderId) => Add(_cancelling, orderId);

    public bool IsOurs(string orderId)
    {
        lock (_gate)
        {
            return _placed.Contains(orderId) || _cancelling.Contains(orderId);
        }
    }

    public bool WeCancelled(string orderId)
    {
        lock (_gate)
        {
            return _cancelling.Contains(orderId);
        }
    }

    private void Add(HashSet<string> set, string id)
    {
        lock (_gate)
        {
            if (set.Add(id))
            {
                _order.Enqueue(id);
                while (_order.Count > Limit)
                {
                    var old = _order.Dequeue();
                    _placed.Remove(old);
                    _cancelling.Remove(old);
                }
            }
        }
    }
}

/// <summary>Notes every order id we place or cancel in <see cref="OwnOrders"/> before the request goes out.</summary>
public sealed class TrackingOrderGateway(IOrderGateway inner, OwnOrders own) : IOrderGateway
{
    public Task<ActionOutcome> PlaceAsync(PlaceAction placement, CancellationToken ct)
    {
        own.Placed(placement.OrderId);
        return inner.PlaceAsync(placement, ct);
    }

    public Task<ActionOutcome> CancelAsync(CancelAction cancel, CancellationToken ct)
    {
        own.Cancelling(cancel.OrderId);
        return inner.CancelAsync(cancel, ct);
    }
}

/// <summary>What one server frame means for the client.</summary>
public enum WsFrameAction
{
    None,
    Dropped,
    Authenticated,
    AuthRefused,
    Resubscribe,
    ResubscribeFresh,
}

/// <summary>The result of <see cref="MarketsWebSocketFeed.HandleFrame"/>: what to do, and the wake reason if any.</summary>
public readonly record struct WsFrameResult(WsFrameAction Action, string? Wake = null, string? Channel = null, string? Detail = null)
{
    public static WsFrameResult Nothing => new(WsFrameAction.None);

    public static WsFrameResult Drop(string reason, string detail) => new(WsFrameAction.Dropped, null, reason, detail);
}

/// <summary>
/// The markets-service WebSocket (<c>GET /v1/ws</c>, markets-service-ws.md) as a source of wake-ups only: it subscribes
/// to <c>book</c> and <c>trades</c> of the market and, authenticated with the owner key (EIP-191, §5), to our
/// <c>orders</c>; a meaningful update calls <see cref="CycleWaker.Wake"/> — a filled_amount change or a final status of
/// one of our orders (not a cancel we asked for), a book change of another participant's order, a trade. The
/// matcher's <c>active</c>↔<c>matching</c> flapping, our own new orders and snapshots wake nothing. Nothing here
/// places or cancels an order: the cycle gathers from REST, Postgres and RPC as before.
/// Every close reconnects with capped exponential backoff and jitter and resumes with one <c>since_seq</c> cursor per
/// subscription; <c>stream_reset</c> resubscribes with the cursor; <c>resume_too_old</c> takes the snapshot that
/// follows; a 1013 <c>slow consumer</c> close resubscribes without cursors (fresh snapshots); a refused auth is one
/// WARN and polling only (the socket is closed, retried at the backoff cap). Malformed, oversized and unexpected
/// frames are counted (<c>mm_bot_ws_frames_dropped_total</c>) and dropped.
/// </summary>
public sealed class MarketsWebSocketFeed : IAsyncDisposable
{
    private static readonly string[] OurChannels = ["book", "trades", "orders"];

    private readonly WsSettings _settings;
    private readonly string _market;
    private readonly EthKey? _authKey;
    private readonly OwnOrders _own;
    private readonly Action<string> _wake;
    private readonly WsMetrics _metrics;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _ourFilled = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _send = new(1, 1);
    private Task? _run;
    private bool _authWarned;
    private bool _outageLogged;
    private bool _authenticated;

    public MarketsWebSocketFeed(WsSettings settings, string marketSymbol, EthKey? authKey, OwnOrders own, Action<string> wake, WsMetrics metrics, ILogger log, TimeProvider time)
    {
        _settings = settings;
        _market = marketSymbol;
        _authKey = authKey;
        _own = own;
        _wake = wake;
        _metrics = metrics;
        _log = log;
        _time = time;
    }

    /// <summary>Connections opened so far (tests).</summary>
    public int Connections { get; private set; }

    /// <summary>Subscribe ops sent so far, and how many of them carried since_seq (tests).</summary>
    public int Subscribes { get; private set; }

    public int Resumes { get; private set; }

    public void Start() => _run ??= Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _metrics.SetConnected(false);
        _stop.Dispose();
        _send.Dispose();
    }

    /// <summary>The reconnect delay after <paramref name="failures"/> consecutive failures: min·2^n capped, times a jitter in [0.5, 1).</summary>
    public static TimeSpan Backoff(int failures, TimeSpan min, TimeSpan max, double jitter)
    {
        var exp = Math.Min(30, Math.Max(0, failures));
        var ms = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exp));
        return TimeSpan.FromMilliseconds(ms * (0.5 + (0.5 * Math.Clamp(jitter, 0, 1))));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var refused = false;
            var healthy = false;
            var freshNext = false;
            string why;
            using var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
            socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(10);
            try
            {
                using (var connect = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    connect.CancelAfter(TimeSpan.FromSeconds(5));
                    await socket.ConnectAsync(new Uri(_settings.Url), connect.Token);
                }

                Connections++;
                _authenticated = false;
                await OpenAsync(socket, ct);
                if (_authKey is null)
                {
                    Up();
                }

                var (reason, sawFrames, wasRefused) = await ReceiveLoopAsync(socket, ct);
                healthy = sawFrames;
                refused = wasRefused;
                why = reason;
                freshNext = socket.CloseStatus == (WebSocketCloseStatus)1013;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or InvalidOperationException or UriFormatException)
            {
                why = ex is OperationCanceledException ? "connect timed out" : ex.Message;
            }

            _metrics.SetConnected(false);
            if (freshNext)
            {
                // After a slow-consumer close, resume replays would only overflow again: take fresh snapshots.
                _cursors.Clear();
            }

            failures = healthy && !refused ? 0 : failures + 1;
            var delay = refused
                ? _settings.ReconnectMax
                : Backoff(failures, _settings.ReconnectMin, _settings.ReconnectMax, Random.Shared.NextDouble());
            if (!refused && !_outageLogged)
            {
                _outageLogged = true;
                _log.LogWarning("websocket disconnected ({Reason}); polling every interval continues, reconnecting with backoff (first retry in {Delay} ms)", why, (long)delay.TotalMilliseconds);
            }
            else
            {
                _log.LogDebug("websocket down ({Reason}); retry in {Delay} ms", why, (long)delay.TotalMilliseconds);
            }

            try
            {
                await Task.Delay(delay, _time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            _metrics.Reconnect();
        }
    }

    private void Up()
    {
        _metrics.SetConnected(true);
        if (_outageLogged || Connections > 1)
        {
            _log.LogInformation("websocket connected again; resuming {Cursors}", string.Join(",", _cursors.Select(c => $"{c.Key}@{c.Value}")));
        }
        else
        {
            _log.LogInformation("websocket connected url={Url} channels=book,trades{Orders}", ConfigText.RedactUrl(_settings.Url, hidePath: false), _authKey is null ? "" : ",orders");
        }

        _outageLogged = false;
    }

    /// <summary>Auth (pipelined: ops run in arrival order on the server), then the subscriptions with their cursors.</summary>
    private async Task OpenAsync(ClientWebSocket socket, CancellationToken ct)
    {
        if (_authKey is { } key)
        {
            var nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
            var a = WsAuth.Sign(key, _settings.AuthDomain, _time.GetUtcNow(), nonce);
            await SendAsync(socket, w =>
            {
                w.WriteString("op", "auth");
                w.WriteString("address", a.Address);
                w.WriteString("signature", a.Signature);
                w.WriteString("nonce", a.Nonce);
                w.WriteNumber("issued_at", a.IssuedAt);
                w.WriteNumber("expiry", a.Expiry);
            }, ct);
        }

        foreach (var channel in OurChannels)
        {
            if (channel == "orders" && _authKey is null)
            {
                continue;
            }

            await SubscribeAsync(socket, channel, resume: true, ct);
        }
    }

    private async Task SubscribeAsync(ClientWebSocket socket, string channel, bool resume, CancellationToken ct)
    {
        var since = resume && _cursors.TryGetValue(channel, out var c) ? c : 0;
        Subscribes++;
        if (since > 0)
        {
            Resumes++;
        }

        await SendAsync(socket, w =>
        {
            w.WriteString("op", "subscribe");
            w.WriteString("channel", channel);
            w.WriteString("market", _market);
            if (since > 0)
            {
                w.WriteNumber("since_seq", since);
            }
        }, ct);
    }

    private async Task SendAsync(ClientWebSocket socket, Action<Utf8JsonWriter> body, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        await _send.WaitAsync(ct);
        try
        {
            await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, true, ct);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Receives until the socket closes; always one receive pending (pings are answered only then).</summary>
    private async Task<(string Reason, bool SawFrames, bool Refused)> ReceiveLoopAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var sawFrames = false;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var length = 0;
                var oversized = false;
                ValueWebSocketReceiveResult r;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= _settings.MaxFrameBytes)
                        {
                            oversized = true;
                            length = 0;
                        }
                        else
                        {
                            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_settings.MaxFrameBytes, buffer.Length * 2));
                            buffer.AsSpan(0, length).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }
                    }

                    r = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        var status = socket.CloseStatus;
                        try
                        {
                            using var t = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                            await socket.CloseOutputAsync(status ?? WebSocketCloseStatus.NormalClosure, "", t.Token);
                        }
                        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
                        {
                        }

                        return ($"closed by the server: {(int?)status} {socket.CloseStatusDescription}".TrimEnd(), sawFrames, false);
                    }

                    length += r.Count;
                }
                while (!r.EndOfMessage);

                if (oversized || length > _settings.MaxFrameBytes)
                {
                    Dropped("oversized", $"a frame over {_settings.MaxFrameBytes} bytes");
                    continue;
                }

                if (r.MessageType != WebSocketMessageType.Text)
                {
                    Dropped("unexpected", "a binary frame");
                    continue;
                }

                sawFrames = true;
                var result = HandleFrame(buffer.AsSpan(0, length));
                switch (result.Action)
                {
                    case WsFrameAction.Dropped:
                        Dropped(result.Channel!, result.Detail ?? "");
                        break;
                    case WsFrameAction.Authenticated:
                        if (_authWarned)
                        {
                            _log.LogInformation("websocket auth accepted again; orders channel on");
                        }

                        _authWarned = false;
                        _authenticated = true;
                        Up();
                        break;
                    case WsFrameAction.AuthRefused:
                        if (!_authWarned)
                        {
                            _authWarned = true;
                            _log.LogWarning(
                                "websocket auth refused by the markets-service ({Message}); the bot polls only (every MM_POLL_INTERVAL_MS) and retries the socket every {Retry} ms. Check {Domain} and the owner key",
                                result.Detail, (long)_settings.ReconnectMax.TotalMilliseconds, ShellVariables.WsAuthDomain);
                        }

                        try
                        {
                            using var t = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                            await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "auth refused", t.Token);
                        }
                        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
                        {
                        }

                        return ("auth refused", sawFrames, true);
                    case WsFrameAction.Resubscribe:
                    case WsFrameAction.ResubscribeFresh:
                        _log.LogInformation("websocket {Channel}: {Detail}; resubscribing", result.Channel, result.Detail);
                        if (result.Action == WsFrameAction.ResubscribeFresh)
                        {
                            _cursors.Remove(result.Channel!);
                        }

                        await SubscribeAsync(socket, result.Channel!, resume: true, ct);
                        break;
                }

                if (result.Wake is { } wake)
                {
                    _wake(wake);
                }
            }

            return ($"socket {socket.State}", sawFrames, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Dropped(string reason, string detail)
    {
        _metrics.Dropped(reason);
        _log.LogDebug("websocket frame dropped ({Reason}): {Detail}", reason, detail);
    }

    /// <summary>
    /// Reads one server frame (markets-service-ws.md §3): updates the cursors and our orders' filled amounts, and says
    /// whether it wakes a cycle. Never throws for any input.
    /// </summary>
    public WsFrameResult HandleFrame(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryString(root, "type", out var type))
            {
                return WsFrameResult.Drop("malformed", "not an object with a type");
            }

            TryString(root, "channel", out var channel);
            TryString(root, "market", out var market);
            long seq = 0;
            if (root.TryGetProperty("seq", out var seqElement) && !seqElement.TryGetInt64(out seq))
            {
                return WsFrameResult.Drop("malformed", "seq is not an integer");
            }

            switch (type)
            {
                case "snapshot":
                case "update":
                    if (Array.IndexOf(OurChannels, channel) < 0 || (market is not null && market != _market) || (market is null && channel != "orders"))
                    {
                        return WsFrameResult.Drop("unexpected", $"{type} for {channel}/{market}");
                    }

                    if (!root.TryGetProperty("data", out var data))
                    {
                        return WsFrameResult.Drop("malformed", $"{type} without data");
                    }

                    var result = type == "snapshot" ? Snapshot(channel!, data) : Update(channel!, data);
                    if (result.Action != WsFrameAction.Dropped)
                    {
                        _cursors[channel!] = type == "snapshot" ? seq : Math.Max(seq, _cursors.GetValueOrDefault(channel!));
                        _metrics.Event(channel!);
                    }

                    return result;
                case "ack":
                    TryString(root, "message", out var ack);
                    return ack == "authenticated" ? new WsFrameResult(WsFrameAction.Authenticated) : WsFrameResult.Nothing;
                case "pong":
                    return WsFrameResult.Nothing;
                case "error":
                    TryString(root, "code", out var code);
                    TryString(root, "message", out var message);
                    return code switch
                    {
                        "auth_failed" => new WsFrameResult(WsFrameAction.AuthRefused, Detail: message),
                        "auth_required" when _authKey is not null && !_authenticated => WsFrameResult.Nothing,
                        "stream_reset" when Array.IndexOf(OurChannels, channel) >= 0 => new WsFrameResult(WsFrameAction.Resubscribe, Channel: channel, Detail: "stream_reset"),
                        "snapshot_failed" when Array.IndexOf(OurChannels, channel) >= 0 => new WsFrameResult(WsFrameAction.ResubscribeFresh, Channel: channel, Detail: "snapshot_failed"),
                        "resume_too_old" => WsFrameResult.Nothing,
                        _ => WsFrameResult.Drop("unexpected", $"error {code}: {message}"),
                    };
                default:
                    return WsFrameResult.Drop("unexpected", $"type {type}");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return WsFrameResult.Drop("malformed", e.Message);
        }
    }

    private WsFrameResult Snapshot(string channel, JsonElement data)
    {
        switch (channel)
        {
            case "book":
                return data.ValueKind == JsonValueKind.Object && data.TryGetProperty("bids", out var b) && b.ValueKind == JsonValueKind.Array
                    && data.TryGetProperty("asks", out var a) && a.ValueKind == JsonValueKind.Array
                    ? WsFrameResult.Nothing
                    : WsFrameResult.Drop("malformed", "book snapshot without bids/asks");
            case "trades":
                return data.ValueKind == JsonValueKind.Array ? WsFrameResult.Nothing : WsFrameResult.Drop("malformed", "trades snapshot is not an array");
            default:
                if (data.ValueKind != JsonValueKind.Array)
                {
                    return WsFrameResult.Drop("malformed", "orders snapshot is not an array");
                }

                // Our live orders as the service sees them now; what changed meanwhile the poll picks up.
                _ourFilled.Clear();
                foreach (var o in data.EnumerateArray())
                {
                    if (o.ValueKind == JsonValueKind.Object && TryString(o, "order_id", out var id) && TryString(o, "filled_amount", out var filled))
                    {
                        _ourFilled[id!] = filled!;
                    }
                }

                return WsFrameResult.Nothing;
        }
    }

    private WsFrameResult Update(string channel, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return WsFrameResult.Drop("malformed", $"{channel} update data is not an object");
        }

        switch (channel)
        {
            case "book":
                if (!TryString(data, "order_id", out var bookId) || !TryString(data, "order_open", out _))
                {
                    return WsFrameResult.Drop("malformed", "book update without order_id/order_open");
                }

                // Our own orders' book events are answered through the orders channel (or were made by us).
                return _own.IsOurs(bookId!) || _ourFilled.ContainsKey(bookId!) ? WsFrameResult.Nothing : new WsFrameResult(WsFrameAction.None, WakeReasons.Book);
            case "trades":
                return data.TryGetProperty("trade_id", out var tradeId) && tradeId.ValueKind == JsonValueKind.Number
                    ? new WsFrameResult(WsFrameAction.None, WakeReasons.Trades)
                    : WsFrameResult.Drop("malformed", "trade update without a numeric trade_id");
            default:
                if (!TryString(data, "order_id", out var id) || !TryString(data, "status", out var status) || !TryString(data, "filled_amount", out var filled))
                {
                    return WsFrameResult.Drop("malformed", "orders update without order_id/status/filled_amount");
                }

                var known = _ourFilled.TryGetValue(id!, out var before);
                if (status is "filled" or "cancelled" or "expired")
                {
                    _ourFilled.Remove(id!);
                    return status == "cancelled" && _own.WeCancelled(id!) && (!known || before == filled)
                        ? WsFrameResult.Nothing
                        : new WsFrameResult(WsFrameAction.None, WakeReasons.Orders);
                }

                if (status is not ("active" or "matching"))
                {
                    return WsFrameResult.Drop("unexpected", $"order status {status}");
                }

                _ourFilled[id!] = filled!;

                // active <-> matching with the same filled amount is the matcher's flapping: no change.
                return (known && before != filled) || (!known && filled != "0")
                    ? new WsFrameResult(WsFrameAction.None, WakeReasons.Orders)
                    : WsFrameResult.Nothing;
        }
    }

    private static bool TryString(JsonElement e, string name, out string? value)
    {
        if (e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String)
        {
            value = p.GetString();
            return true;
        }

        value = null;
        return false;
    }
}
