using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Tests.Exchange;

/// <summary>One request as the server received it: the raw request target (path + query as sent) and the body text.</summary>
public sealed record RecordedRequest(string Method, string RawTarget, string? ContentType, string Body);

/// <summary>
/// A real HTTP server (Kestrel) on 127.0.0.1 and a free port that records every request and answers with whatever
/// the current test sets in <see cref="Handler"/>. Shared per test class; tests of a class run one at a time.
/// </summary>
public sealed class RecordingExchange : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers a request; the default is a plain-text 404 like the exchange's router.</summary>
    public Func<HttpContext, Task> Handler { get; set; } = DefaultHandler;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
            Requests.Enqueue(new RecordedRequest(context.Request.Method, target, context.Request.ContentType, body));
            await Handler(context);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri(address);
        if (BaseUrl.Host != "127.0.0.1")
        {
            throw new InvalidOperationException($"test server bound to {address}, expected 127.0.0.1");
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
    }

    /// <summary>Forget earlier requests and answer every request with <paramref name="status"/> and <paramref name="body"/>.</summary>
    public void Answer(int status, string body, string contentType = "application/json")
    {
        Requests.Clear();
        Handler = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body, context.RequestAborted);
        };
    }

    /// <summary>Forget earlier requests and answer with a custom handler.</summary>
    public void AnswerWith(Func<HttpContext, Task> handler)
    {
        Requests.Clear();
        Handler = handler;
    }

    private static async Task DefaultHandler(HttpContext context)
    {
        context.Response.StatusCode = 404;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("404 page not found\n");
    }
}
