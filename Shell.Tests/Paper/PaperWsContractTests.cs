using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Events;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Signatures;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Signing;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>
/// The paper exchange's <c>GET /v1/ws</c> against markets-service-ws.md: frames byte for byte where the spec gives
/// them, payload keys and JSON types of §3.2–3.4, seq rules of §4, resume, auth (§5, the spec's test vector) and the
/// faults (drop_connection, delay, drop_events, slow_consumer, refuse_auth).
/// </summary>
public sealed class PaperWsContractTests
{
    private const string Spot = "USDCcNGN-SPOT";
    private static readonly EthKey Owner = EthKey.Parse("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private const string Other = "0x7a4e00000000000000000000000000000000beef";

    private static Task<PaperExchangeHost> Start(PaperExchangeOptions? o = null) =>
        PaperExchangeHost.StartAsync((o ?? new PaperExchangeOptions()) with { Port = 0, MatcherEnabled = false, TakerFlow = new() { Enabled = false } });

    [Fact]
    public async Task Transport_needs_the_upgrade_checks_the_origin_and_limits_client_messages_to_64_KiB()
    {
        await using var paper = await Start();
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.UpgradeRequired, (await http.GetAsync(paper.ApiUrl + "/v1/ws")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync(paper.ApiUrl + "/v1/ws", null)).StatusCode);

        using var foreign = new ClientWebSocket();
        foreign.Options.CollectHttpResponseDetails = true;
        foreign.Options.SetRequestHeader("Origin", "http://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(WsUri(paper), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.HttpStatusCode);

        await using var ws = await WsClient.ConnectAsync(paper);
        await ws.SendRawAsync(Encoding.UTF8.GetBytes("{\"op\":\"ping\",\"pad\":\"" + new string('x', 70_000) + "\"}"));
        var (status, reason) = await ws.ClosedAsync();
        Assert.Equal((WebSocketCloseStatus)1009, status);
        Assert.Equal("read limited at 65537 bytes", reason);
    }

    [Fact]
    public async Task Ops_and_their_errors_are_the_services_frames_byte_for_byte()
    {
        await using var paper = await Start();
        await using var ws = await WsClient.ConnectAsync(paper);
        async Task Expect(string send, string frame)
        {
            await ws.SendAsync(send);
            Assert.Equal(frame, await ws.NextTextAsync());
        }

        await Expect("""{"op":"ping"}""", """{"type":"pong"}""");
        await Expect("""{"OP":" PING "}""", """{"type":"pong"}""");
        await Expect("[1]", """{"type":"error","code":"bad_json","message":"invalid frame"}""");
        await Expect("""{"op":"subscribe","channel":"book","market":"USDCcNGN-SPOT","since_seq":"5"}""", """{"type":"error","code":"bad_json","message":"invalid frame"}""");
        await Expect("""{"op":"subscribe","channel":"book","market":"USDCcNGN-SPOT","since_seq":1.5}""", """{"type":"error","code":"bad_json","message":"invalid frame"}""");
        await Expect("""{"op":"dance"}""", """{"type":"error","code":"bad_op","message":"unknown op"}""");
        await Expect("""{"op":"subscribe","channel":"ticker","market":"USDCcNGN-SPOT"}""", """{"type":"error","channel":"ticker","market":"USDCcNGN-SPOT","code":"bad_channel","message":"unknown channel"}""");
        await Expect("""{"op":"subscribe","channel":"book","market":"USDC/cNGN"}""", """{"type":"error","channel":"book","market":"USDC/cNGN","code":"unknown_market","message":"no such market"}""");
        await Expect("""{"op":"subscribe","channel":"trades"}""", """{"type":"error","channel":"trades","code":"unknown_market","message":"no such market"}""");
        await Expect("""{"op":"subscribe","channel":"orders","market":"nope"}""", """{"type":"error","channel":"orders","market":"nope","code":"auth_required","message":"authenticate before subscribing to orders"}""");
        await Expect("""{"op":"auth","address":"0x12","signature":"0x","nonce":"n","issued_at":1,"expiry":2}""", """{"type":"error","code":"auth_failed","message":"address must be 0x + 40 hex"}""");

        // No ack for a subscribe: the snapshot is the answer; a second identical subscribe gives nothing at all.
        await ws.SendAsync($$"""{"op":"subscribe","channel":"book","market":" {{Spot}}"}""");
        var snapshot = await ws.NextAsync();
        Assert.Equal("snapshot", snapshot.GetProperty("type").GetString());
        Assert.Equal(" " + Spot, snapshot.GetProperty("market").GetString());
        await ws.SendAsync($$"""{"op":"subscribe","channel":"book","market":" {{Spot}}"}""");
        await Expect("""{"op":"ping"}""", """{"type":"pong"}""");

        // Unsubscribe acks the raw fields of a known key only; an unknown key gives no reply (the pong comes next).
        await ws.SendAsync("""{"op":"unsubscribe","channel":"trades","market":"USDCcNGN-SPOT"}""");
        await Expect("""{"op":"ping"}""", """{"type":"pong"}""");
        await Expect($$"""{"op":"unsubscribe","channel":"BOOK","market":" {{Spot}}"}""", $$"""{"type":"ack","channel":"BOOK","market":" {{Spot}}","message":"unsubscribed"}""");
    }

    [Fact]
    public async Task Snapshots_have_the_http_shapes_and_updates_the_trigger_payloads_with_a_global_seq()
    {
        await using var paper = await Start();
        var owner = Owner.Address.ToLowerInvariant();
        await paper.Seeder.PlaceTraderOrderAsync(Spot, "buy", 1590m, 100m, owner: Other, subaccountId: "77");
        await using var ws = await WsClient.ConnectAsync(paper);
        await ws.AuthAsync(Owner);
        var seqs = new Dictionary<string, long>();
        foreach (var channel in new[] { "book", "trades", "orders" })
        {
            await ws.SendAsync($$"""{"op":"subscribe","channel":"{{channel}}","market":"{{Spot}}"}""");
            var s = await ws.NextAsync();
            Assert.Equal(["type", "channel", "market", "seq", "data"], Keys(s));
            Assert.Equal("snapshot", s.GetProperty("type").GetString());
            Assert.Equal(channel, s.GetProperty("channel").GetString());
            seqs[channel] = s.GetProperty("seq").GetInt64();
            var data = s.GetProperty("data");
            if (channel == "book")
            {
                Assert.Equal(["market_presentation", "bids", "asks"], Keys(data));
                // Engine view: a trader-view USDC bid is an engine sell of cNGN.
                var resting = Assert.Single(data.GetProperty("bids").EnumerateArray().Concat(data.GetProperty("asks").EnumerateArray()));
                Assert.Equal("active", resting.GetProperty("status").GetString());
                Assert.True(resting.TryGetProperty("spot_contract", out _));
            }
            else
            {
                Assert.Equal(JsonValueKind.Array, data.ValueKind);
            }
        }

        Assert.Equal(paper.Events.CurrentSeq, seqs["book"]);

        // Our new ask: a book +open then an orders update (§4.4), strings everywhere.
        var ask = await paper.Seeder.PlaceTraderOrderAsync(Spot, "sell", 1610m, 100m, owner: owner, subaccountId: "10");
        // Each subscription has its own forwarder (§4.4), so the book and orders frames may arrive in either order.
        var two = new[] { await ws.NextAsync(), await ws.NextAsync() };
        var book = two.Single(f => f.GetProperty("channel").GetString() == "book");
        Assert.Equal(["type", "channel", "market", "seq", "data"], Keys(book));
        Assert.Equal(["side", "order_id", "order_open", "size_delta", "limit_price", "price_ticks"], Keys(book.GetProperty("data")));
        Assert.All(book.GetProperty("data").EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal(ask.DesiredAmount, book.GetProperty("data").GetProperty("order_open").GetString());
        Assert.Equal(ask.DesiredAmount, book.GetProperty("data").GetProperty("size_delta").GetString());
        var placed = two.Single(f => f.GetProperty("channel").GetString() == "orders");
        Assert.Equal(["side", "status", "order_id", "limit_price", "price_ticks", "filled_amount", "desired_amount"], Keys(placed.GetProperty("data")));
        Assert.Equal("active", placed.GetProperty("data").GetProperty("status").GetString());
        Assert.True(placed.GetProperty("seq").GetInt64() > book.GetProperty("seq").GetInt64());
        Assert.True(book.GetProperty("seq").GetInt64() > seqs["book"]);

        // Non-crossing tick: the matcher flips the best bid and ask to matching and back: orders events, no book event.
        await paper.Matcher.RunTickAsync();
        var flaps = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var f = await ws.NextAsync();
            Assert.Equal("orders", f.GetProperty("channel").GetString());
            flaps.Add(f.GetProperty("data").GetProperty("status").GetString()!);
        }

        Assert.Contains("matching", flaps);
        Assert.All(flaps, f => Assert.Contains(f, new[] { "matching", "active" }));

        // A taker buys 40 of our ask: book(taker) and book(maker) events reach the book channel, our orders update
        // shows filled_amount, and the fill has a numeric trade_id and a PostgreSQL-style +00:00 time.
        await paper.Seeder.PlaceTraderOrderAsync(Spot, "buy", 1611m, 40m, owner: Other, subaccountId: "77");
        var frames = new List<JsonElement>();
        await paper.Matcher.RunTickAsync();
        // One forwarder per subscription: the trades, orders and book frames of the fill arrive in any order across channels.
        static bool Is(JsonElement f, string channel) => f.GetProperty("channel").GetString() == channel;
        while (!frames.Any(f => Is(f, "trades"))
            || !frames.Any(f => Is(f, "orders") && f.GetProperty("data").GetProperty("filled_amount").GetString() != "0")
            || !frames.Any(f => Is(f, "book") && f.GetProperty("data").GetProperty("size_delta").GetString()!.StartsWith('-')))
        {
            frames.Add(await ws.NextAsync());
        }

        var ours = frames.Where(f => f.GetProperty("channel").GetString() == "orders").Select(f => f.GetProperty("data")).Last();
        Assert.Equal("active", ours.GetProperty("status").GetString());
        Assert.NotEqual("0", ours.GetProperty("filled_amount").GetString());
        var fill = frames.Single(f => f.GetProperty("channel").GetString() == "trades").GetProperty("data");
        Assert.Equal(["size", "price", "trade_id", "created_at", "aggressor_side", "maker_order_id", "taker_order_id"], Keys(fill));
        Assert.Equal(JsonValueKind.Number, fill.GetProperty("trade_id").ValueKind);
        Assert.EndsWith("+00:00", fill.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.Equal(ask.OrderId, fill.GetProperty("maker_order_id").GetString());
        var makerBook = frames.Last(f => f.GetProperty("channel").GetString() == "book").GetProperty("data");
        Assert.StartsWith("-", makerBook.GetProperty("size_delta").GetString(), StringComparison.Ordinal);
        // Each subscription has its own forwarder (markets-service-ws.md §4.4 "arrival order across subscriptions"):
        // frames are in seq order within a channel, not across channels.
        foreach (var channel in frames.GroupBy(f => f.GetProperty("channel").GetString()))
        {
            var ordered = channel.Select(f => f.GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(ordered.Order(), ordered);
        }
    }

    [Fact]
    public async Task Resume_replays_what_happened_since_the_cursor_and_a_too_old_cursor_gets_a_snapshot()
    {
        await using var paper = await Start(new PaperExchangeOptions { WsEventLogLimit = 4 });
        long cursor;
        await using (var first = await WsClient.ConnectAsync(paper))
        {
            await first.SendAsync($$"""{"op":"subscribe","channel":"book","market":"{{Spot}}"}""");
            cursor = (await first.NextAsync()).TryGetProperty("seq", out var s) ? s.GetInt64() : 0;
        }

        await paper.Seeder.PlaceTraderOrderAsync(Spot, "buy", 1590m, 10m, owner: Other, subaccountId: "77");
        await paper.Seeder.PlaceTraderOrderAsync(Spot, "buy", 1591m, 10m, owner: Other, subaccountId: "77");
        await using (var resumed = await WsClient.ConnectAsync(paper))
        {
            await resumed.SendAsync($$"""{"op":"subscribe","channel":"book","market":"{{Spot}}","since_seq":{{Math.Max(cursor, 0)}}}""");
            if (cursor == 0)
            {
                // An empty log at subscribe time: snapshot seq omitted (read as 0); since_seq 0 means a snapshot.
                Assert.Equal("snapshot", (await resumed.NextAsync()).GetProperty("type").GetString());
            }
            else
            {
                var a = await resumed.NextAsync();
                var b = await resumed.NextAsync();
                Assert.Equal(["update", "update"], new[] { a, b }.Select(f => f.GetProperty("type").GetString()));
                Assert.True(a.GetProperty("seq").GetInt64() < b.GetProperty("seq").GetInt64());
            }

            await resumed.SendAsync("""{"op":"ping"}""");
            Assert.Equal("""{"type":"pong"}""", await resumed.NextTextAsync());
        }

        // More events than the log keeps: a cursor below oldest − 1 is too old.
        for (var i = 0; i < 6; i++)
        {
            await paper.Seeder.PlaceTraderOrderAsync(Spot, "buy", 1580m + i, 10m, owner: Other, subaccountId: "77");
        }

        Assert.True(paper.Events.OldestSeq > 3);
        await using var old = await WsClient.ConnectAsync(paper);
        await old.SendAsync($$"""{"op":"subscribe","channel":"book","market":"{{Spot}}","since_seq":1}""");
        Assert.Equal($$"""{"type":"error","channel":"book","market":"{{Spot}}","code":"resume_too_old","message":"snapshot follows"}""", await old.NextTextAsync());
        Assert.Equal("snapshot", (await old.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public void Auth_matches_the_specs_test_vector_and_checks_in_order()
    {
        const string address = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
        const string signature = "0x821949307bfaa6b0a646f390c94d23ca93444537ab48266775489fc7cd5e1f7e1fae7eb64f8b3daff6b4f359823f0f99bd0dfe1dbb87524bcb99717eab7cafd41b";
        var message = WsAuth.Message("markets.numo.xyz", address, "testnonce123", 1700000000, 1700000300);
        Assert.Equal(196, Encoding.UTF8.GetByteCount(message));
        Assert.Equal("0x887467c0902bcf039b0ce3e9ef24710bced1efb8f4148ddcf090b3869fd8bf7b", Hex.Encode(WsAuth.Digest(message)));
        Assert.Equal(address, EthSigner.Recover(WsAuth.Digest(message), signature));
        Assert.Equal(address, EthSigner.Recover(WsAuth.Digest(message), EthSigner.Sign(Owner, WsAuth.Digest(message))));

        string? V(string? a = address, string? sig = signature, string? nonce = "testnonce123", long issued = 1700000000, long expiry = 1700000300, long now = 1700000100, string domain = "markets.numo.xyz", int ttl = 600) =>
            WsAuthVerifier.Verify(a, sig, nonce, issued, expiry, now, domain, ttl, out var error) ?? error;

        Assert.Equal(address, V());
        Assert.Equal(address, V(a: " 0X70997970C51812DC3A010C7D01B50E0D17DC79C8 "));
        Assert.Equal("auth validity window too long", V(ttl: 60));
        Assert.Equal("signature does not match address", V(domain: "evil.example"));
        Assert.Equal("signature does not match address", V(nonce: "other"));
        Assert.Equal("address must be 0x + 40 hex", V(a: "0x1234"));
        Assert.Equal("nonce required", V(nonce: ""));
        Assert.Equal("auth expired", V(now: 1700000300));
        Assert.Equal("auth issued in the future", V(issued: 1700000200, now: 1700000100 - 61, expiry: 1700000300));
        Assert.Equal("decode signature hex: encoding/hex: invalid byte: U+0058 'X'", V(sig: "0X" + signature[2..]));
        Assert.Equal("decode signature hex: encoding/hex: odd length hex string", V(sig: signature[..^1]));
        Assert.Equal("signature must be 65 bytes", V(sig: signature[..^2]));
        Assert.Equal("invalid recovery id", V(sig: signature[..^2] + "05"));
    }

    [Fact]
    public async Task Auth_over_the_socket_and_the_refuse_auth_fault()
    {
        await using var paper = await Start();
        await using var ws = await WsClient.ConnectAsync(paper);
        await ws.AuthAsync(Owner);
        await paper.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.RefuseAuth) { Count = 1 });
        var a = WsAuth.Sign(Owner, WsAuth.DefaultDomain, DateTimeOffset.UtcNow, "n2");
        await ws.SendAsync(JsonSerializer.Serialize(new { op = "auth", address = a.Address, signature = a.Signature, nonce = a.Nonce, issued_at = a.IssuedAt, expiry = a.Expiry }));
        Assert.Equal("""{"type":"error","code":"auth_failed","message":"signature does not match address"}""", await ws.NextTextAsync());

        // A failed auth does not undo the earlier success: orders still subscribe.
        await ws.SendAsync($$"""{"op":"subscribe","channel":"orders"}""");
        var snapshot = await ws.NextAsync();
        Assert.Equal(["type", "channel", "data"], Keys(snapshot.TryGetProperty("seq", out _) ? Without(snapshot, "seq") : snapshot));
    }

    [Fact]
    public async Task Faults_slow_consumer_close_delay_and_dropped_events()
    {
        await using var paper = await Start(new PaperExchangeOptions { WsOutboundQueue = 2 });
        await using (var ws = await WsClient.ConnectAsync(paper))
        {
            await paper.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.SlowConsumer) { Count = 1 });
            await ws.SendAsync("""{"op":"ping"}""");
            Assert.Equal(((WebSocketCloseStatus)1013, "slow consumer"), await ws.ClosedAsync());
        }

        // A real full queue: frames are delayed, more are queued than the queue holds.
        await using (var ws = await WsClient.ConnectAsync(paper))
        {
            await paper.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.Delay) { Delay = TimeSpan.FromMilliseconds(400) });
            for (var i = 0; i < 5; i++)
            {
                await ws.SendAsync("""{"op":"ping"}""");
            }

            Assert.Equal(((WebSocketCloseStatus)1013, "slow consumer"), await ws.ClosedAsync());
            await paper.Faults.ClearAsync(FaultTargets.Ws);
        }

        await using (var ws = await WsClient.ConnectAsync(paper))
        {
            await ws.SendAsync($$"""{"op":"subscribe","channel":"book","market":"{{Spot}}"}""");
            await ws.NextAsync();
            await paper.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.DropEvents) { Count = 1 });
            var dropped = await paper.Seeder.PlaceTraderOrderAsync(Spot, "buy", 1590m, 10m, owner: Other, subaccountId: "77");
            var delivered = await paper.Seeder.PlaceTraderOrderAsync(Spot, "buy", 1591m, 10m, owner: Other, subaccountId: "77");
            var next = await ws.NextAsync();
            Assert.Equal(delivered.OrderId, next.GetProperty("data").GetProperty("order_id").GetString());
            Assert.NotEqual(dropped.OrderId, delivered.OrderId);
            Assert.Equal(1, paper.Events.DroppedByFault);

            await paper.Faults.SetAsync(new FaultRule(FaultTargets.Ws, FaultKind.DropConnection) { Count = 1 });
            await ws.ClosedAsync();
        }
    }

    [Fact]
    public async Task A_subscription_that_falls_behind_is_dropped_by_the_hub()
    {
        var hub = new MarketEventHub(new FaultInjector(), new FakeTimeProvider(DateTimeOffset.UtcNow), subscriptionBuffer: 2);
        var sub = hub.Subscribe(new EventFilter("book", "k:0", null));
        var other = hub.Subscribe(new EventFilter("book", "x:0", null));
        for (var i = 0; i < 3; i++)
        {
            hub.Publish("book", "k:0", null, "{}");
        }

        Assert.True(sub.Overflowed);
        Assert.False(other.Overflowed);
        var kept = new List<long>();
        await foreach (var e in sub.Buffer.Reader.ReadAllAsync())
        {
            kept.Add(e.Seq);
        }

        Assert.Equal([1L, 2L], kept);
        Assert.Equal(3, hub.Since(new EventFilter("book", "k:0", null), 0).Count);
        Assert.Empty(hub.Since(new EventFilter("orders", "k:0", "0xabc"), 0));
    }

    private static JsonElement Without(JsonElement e, string name)
    {
        var dict = e.EnumerateObject().Where(p => p.Name != name).ToDictionary(p => p.Name, p => p.Value);
        return JsonSerializer.SerializeToElement(dict);
    }

    private static List<string> Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    private static Uri WsUri(PaperExchangeHost paper) => new(paper.ApiUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/ws");

    /// <summary>A minimal client for the contract: send text, read the next text frame, see the close.</summary>
    private sealed class WsClient : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();

        public static async Task<WsClient> ConnectAsync(PaperExchangeHost paper)
        {
            var c = new WsClient();
            await c._socket.ConnectAsync(WsUri(paper), CancellationToken.None);
            return c;
        }

        public Task SendAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

        public async Task SendRawAsync(byte[] bytes) => await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);

        public async Task AuthAsync(EthKey key)
        {
            var a = WsAuth.Sign(key, WsAuth.DefaultDomain, DateTimeOffset.UtcNow, "nonce-" + Guid.NewGuid().ToString("N"));
            await SendAsync(JsonSerializer.Serialize(new { op = "auth", address = a.Address, signature = a.Signature, nonce = a.Nonce, issued_at = a.IssuedAt, expiry = a.Expiry }));
            Assert.Equal("""{"type":"ack","message":"authenticated"}""", await NextTextAsync());
        }

        public async Task<string> NextTextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[1 << 20];
            var length = 0;
            ValueWebSocketReceiveResult r;
            do
            {
                r = await _socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                Assert.NotEqual(WebSocketMessageType.Close, r.MessageType);
                length += r.Count;
            }
            while (!r.EndOfMessage);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }

        public async Task<JsonElement> NextAsync() => JsonDocument.Parse(await NextTextAsync()).RootElement.Clone();

        /// <summary>Reads until the server closes; the close code and reason (null when the socket was cut without one).</summary>
        public async Task<(WebSocketCloseStatus? Status, string? Reason)> ClosedAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[1 << 16];
            try
            {
                while (true)
                {
                    var r = await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        return (_socket.CloseStatus, _socket.CloseStatusDescription);
                    }
                }
            }
            catch (WebSocketException)
            {
                return (null, null);
            }
        }

        public ValueTask DisposeAsync()
        {
            _socket.Abort();
            _socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
