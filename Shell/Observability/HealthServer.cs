using System.Net;
using System.Text.Json;
using MarketMaker.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MarketMaker.Shell.Observability;

/// <summary>The readiness the cycle runner last decided; read by /readyz from another thread.</summary>
public sealed class ReadinessHolder
{
    private volatile Readiness current;

    /// <summary>Starts not ready ("starting") until the first decision says otherwise.</summary>
    public ReadinessHolder(Readiness? initial = null) => current = initial ?? new Readiness(false, "starting");

    public Readiness Current => current;

    public void Set(Readiness readiness) => current = readiness;
}

/// <summary>
/// Kestrel on MM_METRICS_ADDR serving <c>/healthz</c> (always 200 while running), <c>/readyz</c> (200 ready or
/// 503 with the reason) and <c>/metrics</c> (Prometheus text of <see cref="BotMetrics"/>).
/// </summary>
public sealed class HealthServer : IAsyncDisposable
{
    private const string MetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly WebApplication app;

    private HealthServer(WebApplication app, IPEndPoint bound)
    {
        this.app = app;
        BoundEndpoint = bound;
    }

    /// <summary>The address actually listened on (the real port when port 0 was asked for).</summary>
    public IPEndPoint BoundEndpoint { get; }

    public static async Task<HealthServer> StartAsync(
        IPEndPoint endpoint, BotMetrics metrics, ReadinessHolder readiness, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(endpoint);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(context => HandleAsync(context, metrics, readiness));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {endpoint} (MM_METRICS_ADDR): {e.Message}", e);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var port = address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.Port : endpoint.Port;
        return new HealthServer(app, new IPEndPoint(endpoint.Address, port));
    }

    public async Task StopAsync() => await app.StopAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context, BotMetrics metrics, ReadinessHolder readiness)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        switch (request.Path.Value)
        {
            case "/healthz":
                await WriteJsonAsync(response, StatusCodes.Status200OK, new Dictionary<string, string> { ["status"] = "ok" }).ConfigureAwait(false);
                break;
            case "/readyz":
                var current = readiness.Current;
                if (current.Ready)
                {
                    await WriteJsonAsync(response, StatusCodes.Status200OK, new Dictionary<string, string> { ["status"] = "ready" }).ConfigureAwait(false);
                }
                else
                {
                    await WriteJsonAsync(
                        response,
                        StatusCodes.Status503ServiceUnavailable,
                        new Dictionary<string, string> { ["status"] = "not_ready", ["reason"] = current.Reason }).ConfigureAwait(false);
                }

                break;
            case "/metrics":
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = MetricsContentType;
                await metrics.WriteTextAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private static async Task WriteJsonAsync(HttpResponse response, int status, Dictionary<string, string> body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(JsonSerializer.Serialize(body)).ConfigureAwait(false);
    }
}
