using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.FairAnchor;

/// <summary>
/// The fair-anchor HTTP server (Kestrel) on the configured endpoint. Start it on port 0 to get a free port;
/// <see cref="Url"/> is the bound address. Owns its HTTP client(s) and stops the server on dispose.
/// </summary>
public sealed class FairAnchorHost : IAsyncDisposable
{
    private const long MaxResponseBytes = 4 * 1024 * 1024;

    private readonly WebApplication app;
    private readonly HttpClient http;
    private int disposed;

    private FairAnchorHost(WebApplication app, HttpClient http, Uri url, FairAnchorService service)
    {
        this.app = app;
        this.http = http;
        Url = url;
        Service = service;
    }

    /// <summary>The bound base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    public FairAnchorService Service { get; }

    /// <summary>
    /// Builds the readers from <paramref name="config"/> (markets-service, and StablesRail when configured), binds the
    /// listener and starts serving. <paramref name="spotReader"/> replaces the built-in markets-service reader.
    /// Throws <see cref="IOException"/> when the address cannot be bound.
    /// </summary>
    public static async Task<FairAnchorHost> StartAsync(
        FairAnchorConfig config,
        TimeProvider time,
        Action<string> log,
        CancellationToken ct = default,
        ISpotMarketReader? spotReader = null,
        bool ownSignals = false)
    {
        var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = config.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            // Each call has its own deadline on the injected clock; this is only a backstop on the real clock.
            Timeout = config.Timeout + TimeSpan.FromSeconds(5),
            MaxResponseContentBufferSize = MaxResponseBytes,
        };

        try
        {
            var markets = spotReader ?? new MarketsServiceSpotReader(http, config.ApiBaseUrl, config.Timeout, time);
            IStrailsOrderbookReader? strails = config.StrailsConfigured
                ? new StrailsOrderbookReader(http, config.StrailsApiUrl!, config.StrailsApiKey, config.StrailsPair, config.Timeout, time)
                : null;
            var service = new FairAnchorService(config, markets, strails, time, log);

            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                k.Listen(config.Listen.Address, config.Listen.Port);
            });

            // `mm-bot fair-anchor`: the application's lifetime owns SIGINT/SIGTERM; embedded (tests), it owns none.
            builder.Logging.ClearProviders();
            if (ownSignals)
            {
                builder.Services.AddSingleton<IHostLifetime, Hosting.SignalLifetime>();
            }
            else
            {
                builder.Services.AddSingleton<IHostLifetime, PaperExchange.Http.PassiveLifetime>();
            }

            var app = builder.Build();
            app.Run(service.HandleAsync);
            try
            {
                await app.StartAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            var url = new Uri(addresses.First().TrimEnd('/') + "/");
            return new FairAnchorHost(app, http, url, service);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public Task StopAsync(CancellationToken ct) => app.StopAsync(ct);

    /// <summary>Completes when the application is asked to stop (a signal, with <c>ownSignals</c>) or <paramref name="ct"/> is cancelled.</summary>
    public Task StoppingAsync(CancellationToken ct)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        return stopping.Task.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
            http.Dispose();
        }
    }
}
