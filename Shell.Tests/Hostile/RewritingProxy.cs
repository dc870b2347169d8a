using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Tests.Hostile;

/// <summary>
/// A small HTTP proxy on 127.0.0.1 in front of the paper exchange, as an attacker with a rewriting proxy would be:
/// every request is forwarded; the answers of <c>GET /v1/book</c> and <c>GET /v1/trades</c> go through the current
/// rewrite (the upstream body in, the body to serve out). Only for tests.
/// </summary>
public sealed class RewritingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> SkippedHeaders = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection" };
    private readonly WebApplication _app;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Uri _upstream;
    private volatile Func<string, string>? _book;
    private volatile Func<string, string>? _trades;
    private long _rewritten;

    private RewritingProxy(WebApplication app, Uri upstream, Uri url)
    {
        _app = app;
        _upstream = upstream;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>How many answers were rewritten so far.</summary>
    public long Rewritten => Interlocked.Read(ref _rewritten);

    public void Rewrite(Func<string, string>? book, Func<string, string>? trades)
    {
        _book = book;
        _trades = trades;
    }

    public static async Task<RewritingProxy> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        RewritingProxy? proxy = null;
        app.Run(ctx => proxy!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Urls.First();
        proxy = new RewritingProxy(app, upstream, new Uri(address));
        return proxy;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var target = new Uri(_upstream, ctx.Request.Path.Value + ctx.Request.QueryString.Value);
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), target);
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            request.Content = new ByteArrayContent(buffer.ToArray());
            if (ctx.Request.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        foreach (var (name, value) in ctx.Request.Headers)
        {
            if (!SkippedHeaders.Contains(name) && !name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var rewrite = ctx.Request.Path.Value switch
        {
            "/v1/book" => _book,
            "/v1/trades" => _trades,
            _ => null,
        };
        if (rewrite is not null && response.IsSuccessStatusCode)
        {
            body = rewrite(body);
            Interlocked.Increment(ref _rewritten);
        }

        ctx.Response.StatusCode = (int)response.StatusCode;
        ctx.Response.ContentType = "application/json";
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
