using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Tests.Chain;

/// <summary>A misbehaving JSON-RPC node on 127.0.0.1: each path answers one way.</summary>
public sealed class FakeRpcServer : IAsyncLifetime
{
    public const string RevertData = "0x08c379a00000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000b6e6f7420616c6c6f7765640000000000000000000000000000000000000000";

    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1");

    public HttpClient Http { get; } = new() { Timeout = Timeout.InfiniteTimeSpan };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Http.Dispose();
    }

    public JsonRpcClient Client(string path, TimeSpan? timeout = null) => new(Http, new Uri(BaseUrl, path), "test-rpc", timeout ?? TimeSpan.FromSeconds(5));

    private static async Task HandleAsync(HttpContext context)
    {
        using var request = await JsonDocument.ParseAsync(context.Request.Body);
        var id = request.RootElement.GetProperty("id").GetInt64();
        var path = context.Request.Path.Value ?? "";
        context.Response.ContentType = "application/json";
        static string Result(long id, string hex) => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"" + hex + "\"}";
        static string W(string hexDigits) => hexDigits.PadLeft(64, '0');
        string? body = path switch
        {
            "/revert" => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":3,\"message\":\"execution reverted: not allowed\",\"data\":\"" + RevertData + "\"}}",
            "/malformed" => "{\"jsonrpc\":\"2.0\",\"id\":",
            "/not-hex" => Result(id, "0xzz12"),
            "/number-result" => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":42}",
            "/no-result" => "{\"jsonrpc\":\"2.0\",\"id\":" + id + "}",
            "/wrong-id" => Result(id + 1, "0x"),
            "/empty" => Result(id, "0x"),
            "/three-words" => Result(id, "0x" + W("1") + W("1") + W("1")),
            "/array-cut-short" => Result(id, "0x" + W("20") + W("1f") + W("1") + W("2") + W("3")),
            "/dirty-address" => Result(id, "0x" + W("20") + W("1") + new string('f', 64) + W("0") + W("0")),
            "/error-500" => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32000,\"message\":\"header not found\"}}",
            _ => null,
        };

        if (path.EndsWith("/http-500", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 500;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("internal server error");
            return;
        }

        if (path == "/error-500")
        {
            context.Response.StatusCode = 500;
        }

        if (path == "/hang")
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        await context.Response.WriteAsync(body ?? "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,\"message\":\"unknown path\"}}");
    }
}

/// <summary>Every way a node can misbehave gives an <see cref="RpcException"/> of the right kind naming source and field.</summary>
public sealed class JsonRpcClientErrorTests(FakeRpcServer server) : IClassFixture<FakeRpcServer>
{
    private const string Contract = "0x7019244e25fa416e6ca2ed2f3ca25277aef72843";

    [Fact]
    public async Task Revert_is_a_json_rpc_error_with_code_message_and_revert_data()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("revert").GetAccountBalancesAsync(Contract, 9));
        Assert.Equal(RpcErrorKind.JsonRpcError, e.Kind);
        Assert.Equal("test-rpc", e.SourceName);
        Assert.Equal("error", e.Field);
        Assert.Equal("eth_call getAccountBalances(uint256)", e.Method);
        Assert.Equal(3, e.Code);
        Assert.Equal("execution reverted: not allowed", e.RpcMessage);
        Assert.Equal(FakeRpcServer.RevertData, e.RevertData);
    }

    [Fact]
    public async Task Json_rpc_error_with_http_500_is_still_reported_as_the_json_rpc_error()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("error-500").EthCallAsync(Contract, new byte[4]));
        Assert.Equal(RpcErrorKind.JsonRpcError, e.Kind);
        Assert.Equal(-32000, e.Code);
    }

    [Fact]
    public async Task Malformed_json_is_a_malformed_response()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("malformed").EthCallAsync(Contract, new byte[4]));
        Assert.Equal(RpcErrorKind.MalformedResponse, e.Kind);
        Assert.Equal("body", e.Field);
        Assert.Equal("test-rpc", e.SourceName);
    }

    [Theory]
    [InlineData("not-hex")]
    [InlineData("number-result")]
    [InlineData("no-result")]
    public async Task A_result_that_is_not_hex_is_a_malformed_response_naming_result(string path)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client(path).LatestRoundDataAsync(Contract));
        Assert.Equal(RpcErrorKind.MalformedResponse, e.Kind);
        Assert.Equal("result", e.Field);
        Assert.Equal("eth_call latestRoundData()", e.Method);
    }

    [Fact]
    public async Task A_response_with_another_id_is_malformed()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("wrong-id").EthCallAsync(Contract, new byte[4]));
        Assert.Equal(RpcErrorKind.MalformedResponse, e.Kind);
        Assert.Equal("id", e.Field);
    }

    [Fact]
    public async Task Http_500_is_a_transport_error_without_the_url_secret()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("v2/secret-api-key-123/http-500").EthCallAsync(Contract, new byte[4]));
        Assert.Equal(RpcErrorKind.Transport, e.Kind);
        Assert.Equal("http", e.Field);
        Assert.Contains("500", e.Message);
        Assert.DoesNotContain("secret-api-key-123", e.ToString());
    }

    [Fact]
    public async Task A_hanging_node_is_a_timeout_error()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("hang", TimeSpan.FromMilliseconds(300)).DecimalsAsync(Contract));
        Assert.Equal(RpcErrorKind.Timeout, e.Kind);
        Assert.Equal("test-rpc", e.SourceName);
        Assert.Equal("eth_call decimals()", e.Method);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Cancelling_the_callers_token_is_a_cancellation_not_a_timeout()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.Client("hang").EthCallAsync(Contract, new byte[4], cancellationToken: cts.Token));
    }

    [Fact]
    public async Task A_closed_port_is_a_transport_error()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var client = new JsonRpcClient(http, new Uri($"http://127.0.0.1:{port}/key-in-path"), "closed-rpc", TimeSpan.FromSeconds(5));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.EthCallAsync(Contract, new byte[4]));
        Assert.Equal(RpcErrorKind.Transport, e.Kind);
        Assert.Equal("closed-rpc", e.SourceName);
        Assert.DoesNotContain("key-in-path", e.Message);
    }

    [Fact]
    public async Task An_empty_result_is_a_short_result_for_every_read()
    {
        var client = server.Client("empty");
        Assert.Empty(await client.EthCallAsync(Contract, new byte[4]));
        Assert.Equal(RpcErrorKind.ShortResult, (await Assert.ThrowsAsync<RpcException>(() => client.GetAccountBalancesAsync(Contract, 1))).Kind);
        Assert.Equal(RpcErrorKind.ShortResult, (await Assert.ThrowsAsync<RpcException>(() => client.LatestRoundDataAsync(Contract))).Kind);
        Assert.Equal(RpcErrorKind.ShortResult, (await Assert.ThrowsAsync<RpcException>(() => client.DecimalsAsync(Contract))).Kind);
        Assert.Equal(RpcErrorKind.ShortResult, (await Assert.ThrowsAsync<RpcException>(() => client.OwnerOfAsync(Contract, 1))).Kind);
    }

    [Fact]
    public async Task A_result_shorter_than_the_return_type_is_a_short_result()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("three-words").LatestRoundDataAsync(Contract));
        Assert.Equal(RpcErrorKind.ShortResult, e.Kind);
        Assert.Equal("result", e.Field);
        Assert.Contains("160 bytes", e.Message);

        // Word 0 (the array offset) is 1: not a word boundary.
        var balances = await Assert.ThrowsAsync<RpcException>(() => server.Client("three-words").GetAccountBalancesAsync(Contract, 1));
        Assert.Equal(RpcErrorKind.MalformedResponse, balances.Kind);
        Assert.Equal("balances.offset", balances.Field);
    }

    [Fact]
    public async Task A_balances_array_longer_than_the_result_is_a_short_result()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("array-cut-short").GetAccountBalancesAsync(Contract, 1));
        Assert.Equal(RpcErrorKind.ShortResult, e.Kind);
        Assert.Equal("balances", e.Field);
    }

    [Fact]
    public async Task A_balances_array_with_a_dirty_address_word_is_malformed_naming_the_element()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client("dirty-address").GetAccountBalancesAsync(Contract, 1));
        Assert.Equal(RpcErrorKind.MalformedResponse, e.Kind);
        Assert.Equal("balances[0].asset", e.Field);
        Assert.Equal("test-rpc", e.SourceName);
    }

    [Fact]
    public void Decoders_name_the_element_and_field_of_bad_balance_words()
    {
        var data = AbiCodec.Concat(
            AbiCodec.EncodeUInt256(32),
            AbiCodec.EncodeUInt256(2),
            AbiCodec.EncodeAddress(Contract),
            AbiCodec.EncodeUInt256(0),
            AbiCodec.EncodeInt256(-1),
            AbiCodec.EncodeUInt256(BigIntegerWithDirtyAddress()),
            AbiCodec.EncodeUInt256(0),
            AbiCodec.EncodeInt256(1));
        var e = Assert.Throws<AbiDecodeException>(() => ChainReads.DecodeAccountBalances(data));
        Assert.Equal("balances[1].asset", e.Field);
        Assert.Equal(AbiErrorKind.Malformed, e.Kind);
    }

    private static System.Numerics.BigInteger BigIntegerWithDirtyAddress() => System.Numerics.BigInteger.One << 200;
}
