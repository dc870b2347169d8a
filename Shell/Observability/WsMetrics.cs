using MarketMaker.Shell.Cycle;
using Prometheus;

namespace MarketMaker.Shell.Observability;

/// <summary>
/// The WebSocket feed's metrics, in the bot's registry: <c>mm_bot_ws_connected</c> (1 while subscribed and, with a
/// key, authenticated), <c>mm_bot_ws_events_total{channel}</c> (snapshot and update frames received),
/// <c>mm_bot_ws_reconnects_total</c>, <c>mm_bot_ws_frames_dropped_total{reason}</c> (malformed, oversized, unexpected)
/// and <c>mm_bot_cycle_wakeups_total{reason}</c> (cycles started, by <see cref="WakeReasons"/>). Thread-safe.
/// </summary>
public sealed class WsMetrics
{
    public static readonly IReadOnlyList<string> Channels = ["book", "trades", "orders"];
    public static readonly IReadOnlyList<string> DropReasons = ["malformed", "oversized", "unexpected"];

    public static readonly IReadOnlyList<string> Names =
        ["mm_bot_ws_connected", "mm_bot_ws_events_total", "mm_bot_ws_reconnects_total", "mm_bot_ws_frames_dropped_total", "mm_bot_cycle_wakeups_total"];

    private readonly Gauge _connected;
    private readonly Counter _events;
    private readonly Counter _reconnects;
    private readonly Counter _dropped;
    private readonly Counter _wakeups;

    public WsMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _connected = factory.CreateGauge("mm_bot_ws_connected", "1 while the markets-service WebSocket is connected and subscribed (authenticated for orders)");
        _events = factory.CreateCounter("mm_bot_ws_events_total", "WebSocket snapshot and update frames received, by channel", ["channel"]);
        _reconnects = factory.CreateCounter("mm_bot_ws_reconnects_total", "WebSocket reconnect attempts");
        _dropped = factory.CreateCounter("mm_bot_ws_frames_dropped_total", "WebSocket frames dropped, by reason (malformed, oversized, unexpected)", ["reason"]);
        _wakeups = factory.CreateCounter("mm_bot_cycle_wakeups_total", "cycles started, by wake reason (poll or the WebSocket channel)", ["reason"]);
        _connected.Set(0);
        foreach (var c in Channels)
        {
            _events.WithLabels(c);
        }

        foreach (var r in DropReasons)
        {
            _dropped.WithLabels(r);
        }

        foreach (var r in WakeReasons.All)
        {
            _wakeups.WithLabels(r);
        }
    }

    public double Connected => _connected.Value;

    public double Reconnects => _reconnects.Value;

    public void SetConnected(bool connected) => _connected.Set(connected ? 1 : 0);

    public void Event(string channel) => _events.WithLabels(channel).Inc();

    public double Events(string channel) => _events.WithLabels(channel).Value;

    public void Reconnect() => _reconnects.Inc();

    public void Dropped(string reason) => _dropped.WithLabels(reason).Inc();

    public double DroppedFrames(string reason) => _dropped.WithLabels(reason).Value;

    public void Wakeup(string reason) => _wakeups.WithLabels(reason).Inc();

    public double Wakeups(string reason) => _wakeups.WithLabels(reason).Value;
}
