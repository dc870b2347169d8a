using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MarketMaker.Shell.Tests.FairAnchor;

/// <summary>A request as the fake server saw it.</summary>
public sealed record RecordedRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A tiny real HTTP server on 127.0.0.1 (Kestrel, free port) answering configured paths with fixed JSON bodies,
/// optionally after a delay; unknown paths get chi's plain-text 404. Records every request.
/// </summary>
public sealed class FakeJsonServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (int Status, string Body, TimeSpan Delay)> routes = new();
    private readonly WebApplication app;

    private FakeJsonServer(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<FakeJsonServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeJsonServer? self = null;
        app.Run(async ctx => await self!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new FakeJsonServer(app, new Uri(address.TrimEnd('/') + "/"));
        return self;
    }

    public void Set(string path, int status, string body, TimeSpan delay = default) => routes[path] = (status, body, delay);

    public void Reset()
    {
        routes.Clear();
        Requests.Clear();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Requests.Enqueue(new RecordedRequest(ctx.Request.Path.Value ?? string.Empty, ctx.Request.QueryString.Value ?? string.Empty, headers));
        if (!routes.TryGetValue(ctx.Request.Path.Value ?? string.Empty, out var route))
        {
            ctx.Response.StatusCode = 404;
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await ctx.Response.WriteAsync("404 page not found\n");
            return;
        }

        if (route.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(route.Delay, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        ctx.Response.StatusCode = route.Status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(route.Body + "\n");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
