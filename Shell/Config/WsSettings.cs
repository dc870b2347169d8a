using System.Globalization;
using MarketMaker.Core.Config;
using V = MarketMaker.Shell.Config.ShellVariables;

namespace MarketMaker.Shell.Config;

/// <summary>The markets-service WebSocket client's settings (MM_WS_*).</summary>
public sealed record WsSettings
{
    public const string Path = "/v1/ws";

    public static WsSettings Disabled { get; } = new() { Enabled = false, Url = "" };

    public required bool Enabled { get; init; }

    /// <summary>ws:// or wss:// URL of <c>GET /v1/ws</c>.</summary>
    public required string Url { get; init; }

    public string AuthDomain { get; init; } = MarketMaker.Protocol.Markets.WsAuth.DefaultDomain;

    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxFrameBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The default URL: the API base with ws:// (http) or wss:// (https) and <c>/v1/ws</c> appended.</summary>
    public static string Derive(string apiBaseUrl)
    {
        var b = apiBaseUrl.TrimEnd('/');
        return b.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + b[8..] + Path
            : b.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + b[7..] + Path
            : b + Path;
    }

    public static WsSettings Read(ConfigReader r, string apiBaseUrl)
    {
        var enabled = r.Bool(V.WsEnabled, true);
        var url = r.Raw(V.WsUrl) ?? Derive(apiBaseUrl);
        if (r.IsSet(V.WsUrl) && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss") || uri.Host.Length == 0))
        {
            r.Invalid(V.WsUrl, "an absolute ws:// or wss:// URL");
        }

        var domain = r.Text(V.WsAuthDomain, MarketMaker.Protocol.Markets.WsAuth.DefaultDomain).Trim();
        if (domain.Length == 0 || domain.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            r.Invalid(V.WsAuthDomain, "a host name (no spaces or '/')");
        }

        var min = r.Int(V.WsMinIntervalMs, 100);
        r.Check(min >= 0, V.WsMinIntervalMs, ">= 0", min);
        var debounce = r.Int(V.WsDebounceMs, 5);
        r.Check(debounce >= 0, V.WsDebounceMs, ">= 0", debounce);
        var reconnectMax = r.Int(V.WsReconnectMaxMs, 30000);
        r.Check(reconnectMax >= 250, V.WsReconnectMaxMs, ">= 250", reconnectMax);
        var maxFrame = r.Int(V.WsMaxFrameBytes, 4 * 1024 * 1024);
        r.Check(maxFrame >= 65536, V.WsMaxFrameBytes, ">= 65536", maxFrame);
        return new WsSettings
        {
            Enabled = enabled,
            Url = url,
            AuthDomain = domain,
            MinInterval = TimeSpan.FromMilliseconds(Math.Max(0, min)),
            Debounce = TimeSpan.FromMilliseconds(Math.Max(0, debounce)),
            ReconnectMax = TimeSpan.FromMilliseconds(Math.Max(250, reconnectMax)),
            MaxFrameBytes = Math.Max(65536, maxFrame),
        };
    }

    public IEnumerable<string> Describe() =>
    [
        $"{V.WsEnabled} = {(Enabled ? "true" : "false")}",
        $"{V.WsUrl} = {(Url.Length == 0 ? "(unset)" : ConfigText.RedactUrl(Url, hidePath: false))}",
        $"{V.WsAuthDomain} = {AuthDomain}",
        $"{V.WsMinIntervalMs} = {((long)MinInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
        $"{V.WsDebounceMs} = {((long)Debounce.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
        $"{V.WsReconnectMaxMs} = {((long)ReconnectMax.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
        $"{V.WsMaxFrameBytes} = {MaxFrameBytes.ToString(CultureInfo.InvariantCulture)}",
    ];
}
