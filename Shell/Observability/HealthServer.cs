using System.Net;
using System.Text.Json;
using MarketMaker.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace MarketMaker.Shell.Observability;

/// <summary>The readiness the cycle runner last decided; read by /readyz from another thread.</summary>
public sealed class ReadinessHolder
{
    private volatile Readiness current;

    /// <summary>Starts not ready ("starting") until the first decision says otherwise.</summary>
    public ReadinessHolder(Readiness? initial = null) => current = initial ?? new Readiness.NotReady("starting");

    public Readiness Current => current;

    public void Set(Readiness readiness) => current = readiness;
}

/// <summary>
/// The bot's HTTP side on MM_METRICS_ADDR, as endpoints of the bot's <see cref="WebApplication"/>: <c>/healthz</c>
/// (always 200 while running), <c>/readyz</c> (200 ready or 503 with the reason) and <c>/metrics</c>
/// (prometheus-net's ASP.NET Core exporter over <see cref="BotMetrics.Registry"/>, Prometheus text format 0.0.4).
/// </summary>
public static class HealthEndpoints
{
    /// <summary>Kestrel on <paramref name="endpoint"/> (no Server header) with routing.</summary>
    public static void Listen(WebApplicationBuilder builder, IPEndPoint endpoint)
    {
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(endpoint);
        });
        builder.Services.AddRoutingCore();
    }

    public static void Map(IEndpointRouteBuilder app, BotMetrics metrics, ReadinessHolder readiness)
    {
        string[] get = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/healthz", get, (HttpContext c) => WriteJsonAsync(c.Response, StatusCodes.Status200OK, new() { ["status"] = "ok" }));
        app.MapMethods("/readyz", get, (HttpContext c) => readiness.Current is { Ready: false } current
            ? WriteJsonAsync(c.Response, StatusCodes.Status503ServiceUnavailable, new() { ["status"] = "not_ready", ["reason"] = current.Reason })
            : WriteJsonAsync(c.Response, StatusCodes.Status200OK, new() { ["status"] = "ready" }));

        // The text format only: OpenMetrics (which a Prometheus server asks for) would rename and reshape the series.
        app.MapMetrics(s =>
        {
            s.Registry = metrics.Registry;
            s.EnableOpenMetrics = false;
        }).WithMetadata(new HttpMethodMetadata(get));
    }

    /// <summary>Starts <paramref name="app"/>; a listener that cannot bind is an <see cref="IOException"/> naming MM_METRICS_ADDR.</summary>
    public static async Task<IPEndPoint> StartAsync(WebApplication app, IPEndPoint endpoint, CancellationToken ct)
    {
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new IOException($"cannot listen on {endpoint} (MM_METRICS_ADDR): {e.Message}", e);
        }

        return Bound(app, endpoint);
    }

    /// <summary>The address actually listened on (the real port when port 0 was asked for).</summary>
    public static IPEndPoint Bound(WebApplication app, IPEndPoint endpoint)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var port = address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.Port : endpoint.Port;
        return new IPEndPoint(endpoint.Address, port);
    }

    private static async Task WriteJsonAsync(HttpResponse response, int status, Dictionary<string, string> body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(JsonSerializer.Serialize(body)).ConfigureAwait(false);
    }
}
