using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.Cycle;
using MarketMaker.Shell.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MarketMaker.Shell.Tests.Ws;

/// <summary>
/// The bot's WebSocket adapter alone: which frames wake a cycle (not the matcher's flapping), what is dropped and
/// counted, the backoff, and — against a scripted WebSocket server on loopback — oversized and binary frames,
/// resume with since_seq after a close, and fresh snapshots after a 1013 slow-consumer close.
/// </summary>
public sealed class MarketsWebSocketFeedTests
{
    private const string Market = "USDCcNGN-SPOT";
    private readonly List<string> _wakes = [];
    private readonly OwnOrders _own = new();
    private readonly BotMetrics _metrics = new();

    private MarketsWebSocketFeed Feed(WsSettings? settings = null, Action<string>? wake = null) =>
        new(settings ?? new WsSettings { Enabled = true, Url = "ws://127.0.0.1:1/v1/ws" }, Market, EthKey.Parse("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), _own, wake ?? _wakes.Add, _metrics.Ws, NullLogger.Instance, TimeProvider.System);

    private static byte[] F(string json) => Encoding.UTF8.GetBytes(json);

    private static string Order(string id, string status, string filled) =>
        $$$"""{"type":"update","channel":"orders","market":"{{{Market}}}","seq":{{{Random.Shared.Next(1, 1_000_000)}}},"data":{"side":"sell","status":"{{{status}}}","order_id":"{{{id}}}","limit_price":"0.000625","price_ticks":"625000000000000","filled_amount":"{{{filled}}}","desired_amount":"160000"}}""";

    private static string Book(string id, string open) =>
        $$$"""{"type":"update","channel":"book","market":"{{{Market}}}","seq":90212,"data":{"side":"sell","order_id":"{{{id}}}","order_open":"{{{open}}}","size_delta":"{{{open}}}","limit_price":"0.000625","price_ticks":"625000000000000"}}""";

    [Fact]
    public void The_matchers_active_matching_flapping_wakes_nothing_but_a_fill_or_a_final_status_does()
    {
        var feed = Feed();
        var snapshot = $$$"""{"type":"snapshot","channel":"orders","market":"{{{Market}}}","seq":100,"data":[{"order_id":"mm:a","filled_amount":"0","status":"active"}]}""";
        Assert.Equal(WsFrameAction.None, feed.HandleFrame(F(snapshot)).Action);
        for (var i = 0; i < 16; i++)
        {
            Assert.Null(feed.HandleFrame(F(Order("mm:a", i % 2 == 0 ? "matching" : "active", "0"))).Wake);
        }

        Assert.Equal(WakeReasons.Orders, feed.HandleFrame(F(Order("mm:a", "active", "40000"))).Wake);
        Assert.Null(feed.HandleFrame(F(Order("mm:a", "matching", "40000"))).Wake);
        Assert.Equal(WakeReasons.Orders, feed.HandleFrame(F(Order("mm:a", "filled", "160000"))).Wake);
        Assert.Equal(20, _metrics.Ws.Events("orders"));
    }

    [Fact]
    public void Our_own_new_orders_and_cancels_wake_nothing_but_another_participants_changes_do()
    {
        var feed = Feed();
        _own.Placed("mm:new");
        _own.Cancelling("mm:old");
        Assert.Null(feed.HandleFrame(F(Book("mm:new", "160000"))).Wake);
        Assert.Null(feed.HandleFrame(F(Order("mm:new", "active", "0"))).Wake);
        Assert.Null(feed.HandleFrame(F(Book("mm:old", "0"))).Wake);
        Assert.Null(feed.HandleFrame(F(Order("mm:old", "cancelled", "0"))).Wake);

        // Someone else's order, a cancel we did not ask for (e.g. an expiry sweep), a trade.
        Assert.Equal(WakeReasons.Book, feed.HandleFrame(F(Book("taker-77", "5000"))).Wake);
        Assert.Equal(WakeReasons.Orders, feed.HandleFrame(F(Order("mm:new", "expired", "0"))).Wake);
        var trade = $$$"""{"type":"update","channel":"trades","market":"{{{Market}}}","seq":90230,"data":{"size":"40000","price":"0.000625","trade_id":346,"created_at":"2026-07-23T12:00:03.52+00:00","aggressor_side":"buy","maker_order_id":"x","taker_order_id":"y"}}""";
        Assert.Equal(WakeReasons.Trades, feed.HandleFrame(F(trade)).Wake);
    }

    [Theory]
    [InlineData("not json", "malformed")]
    [InlineData("[1,2]", "malformed")]
    [InlineData("{\"channel\":\"book\"}", "malformed")]
    [InlineData("{\"type\":\"update\",\"channel\":\"book\",\"market\":\"USDCcNGN-SPOT\",\"seq\":\"5\",\"data\":{}}", "malformed")]
    [InlineData("{\"type\":\"update\",\"channel\":\"book\",\"market\":\"USDCcNGN-SPOT\",\"seq\":5}", "malformed")]
    [InlineData("{\"type\":\"update\",\"channel\":\"book\",\"market\":\"USDCcNGN-SPOT\",\"seq\":5,\"data\":{\"side\":\"buy\"}}", "malformed")]
    [InlineData("{\"type\":\"update\",\"channel\":\"orders\",\"market\":\"USDCcNGN-SPOT\",\"seq\":5,\"data\":[]}", "malformed")]
    [InlineData("{\"type\":\"snapshot\",\"channel\":\"book\",\"market\":\"USDCcNGN-SPOT\",\"seq\":5,\"data\":[]}", "malformed")]
    [InlineData("{\"type\":\"update\",\"channel\":\"book\",\"market\":\"USDCcNGN-SEP16-2026\",\"seq\":5,\"data\":{}}", "unexpected")]
    [InlineData("{\"type\":\"update\",\"channel\":\"ticker\",\"market\":\"USDCcNGN-SPOT\",\"seq\":5,\"data\":{}}", "unexpected")]
    [InlineData("{\"type\":\"heartbeat\"}", "unexpected")]
    [InlineData("{\"type\":\"error\",\"code\":\"bad_json\",\"message\":\"invalid frame\"}", "unexpected")]
    [InlineData("{\"type\":\"update\",\"channel\":\"orders\",\"market\":\"USDCcNGN-SPOT\",\"seq\":5,\"data\":{\"order_id\":\"a\",\"status\":\"weird\",\"filled_amount\":\"1\"}}", "unexpected")]
    public void Malformed_and_unexpected_frames_are_counted_and_dropped_and_wake_nothing(string frame, string reason)
    {
        var result = Feed().HandleFrame(F(frame));
        Assert.Equal(WsFrameAction.Dropped, result.Action);
        Assert.Equal(reason, result.Channel);
        Assert.Null(result.Wake);
    }

    [Fact]
    public void Stream_reset_resubscribes_and_a_refused_auth_is_reported()
    {
        var feed = Feed();
        var reset = feed.HandleFrame(F("""{"type":"error","channel":"book","market":"USDCcNGN-SPOT","code":"stream_reset","message":"resubscribe with since_seq"}"""));
        Assert.Equal((WsFrameAction.Resubscribe, "book"), (reset.Action, reset.Channel));
        var failed = feed.HandleFrame(F("""{"type":"error","code":"auth_failed","message":"auth expired"}"""));
        Assert.Equal((WsFrameAction.AuthRefused, "auth expired"), (failed.Action, failed.Detail));
        Assert.Equal(WsFrameAction.None, feed.HandleFrame(F("""{"type":"error","channel":"orders","market":"USDCcNGN-SPOT","code":"auth_required","message":"authenticate before subscribing to orders"}""")).Action);
        Assert.Equal(WsFrameAction.Authenticated, feed.HandleFrame(F("""{"type":"ack","message":"authenticated"}""")).Action);
        Assert.Equal(WsFrameAction.None, feed.HandleFrame(F("""{"type":"error","channel":"book","market":"USDCcNGN-SPOT","code":"resume_too_old","message":"snapshot follows"}""")).Action);
    }

    [Fact]
    public void The_backoff_doubles_from_the_minimum_up_to_the_cap_with_jitter()
    {
        var min = TimeSpan.FromMilliseconds(250);
        var max = TimeSpan.FromSeconds(30);
        Assert.Equal(TimeSpan.FromMilliseconds(250), MarketsWebSocketFeed.Backoff(0, min, max, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(125), MarketsWebSocketFeed.Backoff(0, min, max, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(2000), MarketsWebSocketFeed.Backoff(3, min, max, 1));
        Assert.Equal(max, MarketsWebSocketFeed.Backoff(20, min, max, 1));
        Assert.Equal(max, MarketsWebSocketFeed.Backoff(int.MaxValue, min, max, 1));
        Assert.InRange(MarketsWebSocketFeed.Backoff(20, min, max, 0.3), max / 2, max);
    }

    [Fact]
    public async Task Against_a_scripted_server_bad_frames_are_dropped_the_socket_resumes_and_a_slow_consumer_close_takes_fresh_snapshots()
    {
        var received = new ConcurrentQueue<(int Connection, JsonElement Op)>();
        var connection = 0;
        await using var server = await ScriptedServer.StartAsync(async (socket, ct) =>
        {
            var n = Interlocked.Increment(ref connection);
            var reader = Task.Run(async () =>
            {
                var buffer = new byte[65536];
                while (socket.State == WebSocketState.Open)
                {
                    var r = await socket.ReceiveAsync(buffer, ct);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    received.Enqueue((n, JsonDocument.Parse(buffer.AsMemory(0, r.Count)).RootElement.Clone()));
                }
            });
            async Task Send(string text) => await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);
            await Send("""{"type":"ack","message":"authenticated"}""");
            if (n == 1)
            {
                await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, ct);
                await Send("garbage{");
                await Send("{\"type\":\"update\",\"channel\":\"trades\",\"market\":\"USDCcNGN-SPOT\",\"seq\":1,\"data\":{\"pad\":\"" + new string('x', 70_000) + "\"}}");
                await Send($$$"""{"type":"update","channel":"trades","market":"{{{Market}}}","seq":4242,"data":{"size":"1","price":"0.000625","trade_id":7,"created_at":"2026-07-23T12:00:03.52+00:00","aggressor_side":"buy","maker_order_id":"x","taker_order_id":"y"}}""");
                await Task.Delay(300, ct);
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "going away", ct);
            }
            else if (n == 2)
            {
                await Task.Delay(300, ct);
                await socket.CloseOutputAsync((WebSocketCloseStatus)1013, "slow consumer", ct);
            }
            else
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            await reader.WaitAsync(TimeSpan.FromSeconds(5), ct);
        });

        var wakes = new ConcurrentQueue<string>();
        var feed = Feed(new WsSettings { Enabled = true, Url = server.Url, MaxFrameBytes = 65536, ReconnectMin = TimeSpan.FromMilliseconds(20), ReconnectMax = TimeSpan.FromMilliseconds(100) }, wakes.Enqueue);
        await using (feed)
        {
            feed.Start();
            await Until(() => received.Count(r => r.Connection == 3 && Op(r.Op) == "subscribe") == 3, "three subscribes on the third connection");
            await Until(() => _metrics.Ws.Connected == 1, "connected again");
        }

        Assert.Equal(1, _metrics.Ws.DroppedFrames("oversized"));
        Assert.Equal(1, _metrics.Ws.DroppedFrames("malformed"));
        Assert.Equal(1, _metrics.Ws.DroppedFrames("unexpected"));
        Assert.Equal([WakeReasons.Trades], wakes);
        Assert.True(_metrics.Ws.Reconnects >= 2);

        // Every connection authenticates first, then subscribes to book, trades and orders of the market.
        foreach (var c in new[] { 1, 2, 3 })
        {
            var ops = received.Where(r => r.Connection == c).Select(r => r.Op).ToList();
            Assert.Equal(["auth", "subscribe", "subscribe", "subscribe"], ops.Select(Op));
            Assert.Equal("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", ops[0].GetProperty("address").GetString());
            Assert.Equal(["book", "trades", "orders"], ops.Skip(1).Select(o => o.GetProperty("channel").GetString()));
            Assert.All(ops.Skip(1), o => Assert.Equal(Market, o.GetProperty("market").GetString()));
        }

        // After a plain close: resume trades from its cursor. After 1013: fresh snapshots (no since_seq anywhere).
        long? Since(int c, string channel) => received.Where(r => r.Connection == c && Op(r.Op) == "subscribe" && r.Op.GetProperty("channel").GetString() == channel)
            .Select(r => r.Op.TryGetProperty("since_seq", out var s) ? s.GetInt64() : (long?)null).Single();
        Assert.Null(Since(1, "trades"));
        Assert.Equal(4242, Since(2, "trades"));
        Assert.Null(Since(2, "book"));
        Assert.Null(Since(3, "trades"));
        Assert.Equal(0, _metrics.Ws.Connected);
    }

    private static string? Op(JsonElement e) => e.GetProperty("op").GetString();

    private static async Task Until(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new Xunit.Sdk.XunitException("timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }

    /// <summary>A WebSocket server on 127.0.0.1 that runs a script per connection.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly CancellationTokenSource _stop = new();

        private ScriptedServer(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public static async Task<ScriptedServer> StartAsync(Func<WebSocket, CancellationToken, Task> script)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            ScriptedServer? self = null;
            app.UseWebSockets();
            app.Run(async http =>
            {
                using var socket = await http.WebSockets.AcceptWebSocketAsync();
                try
                {
                    await script(socket, self!._stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException)
                {
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            self = new ScriptedServer(app, address.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/ws");
            return self;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _app.StopAsync();
            await _app.DisposeAsync();
            _stop.Dispose();
        }
    }
}
