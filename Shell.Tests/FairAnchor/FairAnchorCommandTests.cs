using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MarketMaker.Shell.FairAnchor;

namespace MarketMaker.Shell.Tests.FairAnchor;

public sealed partial class FairAnchorCommandTests
{
    private const string Key = "strails-secret-for-command-test";

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex Listening();

    /// <summary>A thread-safe in-memory writer that can be read while the command is running.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly StringBuilder text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (text)
            {
                text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (text)
            {
                text.Append(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (text)
            {
                text.Append(value).Append('\n');
            }
        }

        public override string ToString()
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }

    [Fact]
    public async Task Config_errors_are_listed_one_per_line_with_exit_code_2()
    {
        var env = new Dictionary<string, string>
        {
            ["FAIR_ANCHOR_TIMEOUT_MS"] = "-1",
            ["FAIR_ANCHOR_RATE_APR"] = "x",
            ["FAIR_ANCHOR_STRAILS_API_URL"] = "not a url",
            ["FAIR_ANCHOR_STRAILS_API_KEY"] = Key,
        };
        var stdout = new LockedWriter();
        var stderr = new LockedWriter();

        var code = await FairAnchorCommand.RunAsync(env, stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Equal(
            "FAIR_ANCHOR_API_BASE_URL is required\n"
            + "FAIR_ANCHOR_TIMEOUT_MS must be > 0\n"
            + "FAIR_ANCHOR_RATE_APR must be a finite decimal number, got \"x\"\n"
            + "FAIR_ANCHOR_STRAILS_API_URL must be an absolute http:// or https:// URL\n",
            stderr.ToString());
        Assert.Equal(string.Empty, stdout.ToString());
    }

    [Fact]
    public async Task The_command_serves_until_cancelled_and_never_logs_the_api_key()
    {
        await using var markets = await FakeJsonServer.StartAsync();
        markets.Set("/v1/book", 200, SpotPayloads.EmptyBook());
        markets.Set("/v1/trades", 200, SpotPayloads.NoTrades());
        var env = new Dictionary<string, string>
        {
            ["FAIR_ANCHOR_LISTEN_ADDR"] = "127.0.0.1:0",
            ["FAIR_ANCHOR_API_BASE_URL"] = markets.Url.AbsoluteUri,
            ["FAIR_ANCHOR_STRAILS_API_URL"] = markets.Url.AbsoluteUri,
            ["FAIR_ANCHOR_STRAILS_API_KEY"] = Key,
        };
        var stdout = new LockedWriter();
        var stderr = new LockedWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var run = FairAnchorCommand.RunAsync(env, stdout, stderr, cts.Token);
        Uri? url = null;
        for (var i = 0; i < 200 && url is null && !run.IsCompleted; i++)
        {
            var m = Listening().Match(stdout.ToString());
            if (m.Success)
            {
                url = new Uri(m.Groups[1].Value);
            }
            else
            {
                await Task.Delay(25);
            }
        }

        Assert.NotNull(url);
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(url, "healthz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("empty spot book and no trades", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await cts.CancelAsync();
        Assert.Equal(0, await run);
        var log = stdout.ToString();
        Assert.Contains("strails_api_key=set", log, StringComparison.Ordinal);
        Assert.Contains("strails orderbook returned 404", log, StringComparison.Ordinal);
        Assert.Contains("stopping", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, log, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public async Task An_occupied_port_is_exit_code_1_with_a_message()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;
        var env = new Dictionary<string, string>
        {
            ["FAIR_ANCHOR_LISTEN_ADDR"] = $"127.0.0.1:{port}",
            ["FAIR_ANCHOR_API_BASE_URL"] = "http://127.0.0.1:9",
        };
        var stderr = new LockedWriter();

        var code = await FairAnchorCommand.RunAsync(env, new LockedWriter(), stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.StartsWith($"fair-anchor: cannot listen on 127.0.0.1:{port}:", stderr.ToString(), StringComparison.Ordinal);
    }
}
