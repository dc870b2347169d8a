using System.Net;
using MarketMaker.Shell.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MarketMaker.Shell.Tests.Observability;

/// <summary>The bot's <see cref="HealthEndpoints"/> alone in a web application of their own.</summary>
public sealed class HealthServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private HealthServer(WebApplication app, IPEndPoint bound)
    {
        this.app = app;
        BoundEndpoint = bound;
    }

    public IPEndPoint BoundEndpoint { get; }

    public static async Task<HealthServer> StartAsync(IPEndPoint endpoint, BotMetrics metrics, ReadinessHolder readiness, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        HealthEndpoints.Listen(builder, endpoint);
        builder.Services.AddSingleton<IHostLifetime, PaperExchange.Http.PassiveLifetime>();
        var app = builder.Build();
        HealthEndpoints.Map(app, metrics, readiness);
        try
        {
            return new HealthServer(app, await HealthEndpoints.StartAsync(app, endpoint, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
