using System.Numerics;
using System.Text.Json;
using MarketMaker.PaperExchange;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>The JSON-RPC chain (external-sources.md): balances, oracle, chain id, no-code addresses, errors.</summary>
public sealed class PaperRpcTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(1_790_000_000));
    private PaperExchangeHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await PaperExchangeHost.StartAsync(PaperHosts.Options(null, _clock) with
        {
            Funding = [AccountFunding.Spot(10, usdc: 250.5m, cngn: 400_000m), new AccountFunding(11, [new AssetBalance(Bodies.Future, 1789567201, -3 * BigInteger.Pow(10, 15))])],
        });
        _http = new HttpClient { BaseAddress = new Uri(_host.RpcUrl.Replace("/rpc", "", StringComparison.Ordinal)) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<JsonElement> Call(string method, string parameters = "[]")
    {
        var r = await _http.PostJsonAsync("/rpc", $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"{method}\",\"params\":{parameters}}}");
        Assert.Equal(200, r.Status);
        Assert.Equal("2.0", r.Json.GetProperty("jsonrpc").GetString());
        return r.Json;
    }

    private Task<JsonElement> EthCall(string to, string data) => Call("eth_call", $"[{{\"to\":\"{to}\",\"data\":\"{data}\"}},\"latest\"]");

    [Fact]
    public async Task Chain_id_and_block_number_are_hex_quantities()
    {
        Assert.Equal("0x2105", (await Call("eth_chainId")).GetProperty("result").GetString());
        Assert.Equal("8453", (await Call("net_version")).GetProperty("result").GetString());
        var before = Convert.ToInt64((await Call("eth_blockNumber")).GetProperty("result").GetString(), 16);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var after = Convert.ToInt64((await Call("eth_blockNumber")).GetProperty("result").GetString(), 16);
        Assert.Equal(before + 5, after);
    }

    [Fact]
    public async Task Get_account_balances_returns_the_abi_encoded_tuple_array()
    {
        var result = (await EthCall(_host.Addresses.SubAccounts, "0xc7569701" + Bodies.Word(10))).GetProperty("result").GetString()!;
        Assert.Equal(2 + 2 * 3, (result.Length - 2) / 64);
        var balances = AbiDecode.Balances(result);
        Assert.Equal(
            [(_host.Addresses.Cash, BigInteger.Zero, BigInteger.Parse("250500000000000000000")), (Bodies.Spot, BigInteger.Zero, 400_000 * BigInteger.Pow(10, 18))],
            balances);

        var negative = AbiDecode.Balances((await EthCall(_host.Addresses.SubAccounts, "0xc7569701" + Bodies.Word(11))).GetProperty("result").GetString()!);
        Assert.Equal([(Bodies.Future, new BigInteger(1789567201), -3 * BigInteger.Pow(10, 15))], negative);

        var empty = (await EthCall(_host.Addresses.SubAccounts, "0xc7569701" + Bodies.Word(999))).GetProperty("result").GetString();
        Assert.Equal("0x" + Bodies.Word(32) + Bodies.Word(0), empty);

        var one = (await EthCall(_host.Addresses.SubAccounts, "0x0806e640" + Bodies.Word(10) + Bodies.AddressWord(Bodies.Spot) + Bodies.Word(0))).GetProperty("result").GetString()!;
        Assert.Equal(400_000 * BigInteger.Pow(10, 18), AbiDecode.Int(AbiDecode.Hex(one), 0));

        var owner = (await EthCall(_host.Addresses.SubAccounts, "0x6352211e" + Bodies.Word(10))).GetProperty("result").GetString()!;
        Assert.Equal(_host.Addresses.Matching, AbiDecode.Address(AbiDecode.Hex(owner), 0));
    }

    [Fact]
    public async Task Oracle_answers_latest_round_data_and_decimals_with_updated_at_now()
    {
        var round = AbiDecode.Hex((await EthCall(_host.Addresses.OracleFeed, "0xfeaf968c")).GetProperty("result").GetString()!);
        Assert.Equal(160, round.Length);
        Assert.Equal(62_500, AbiDecode.Int(round, 1));
        Assert.Equal(1_790_000_000, AbiDecode.UInt(round, 3));
        var decimals = AbiDecode.Hex((await EthCall(_host.Addresses.OracleFeed, "0x313ce567")).GetProperty("result").GetString()!);
        Assert.Equal(8, AbiDecode.UInt(decimals, 0));

        _host.Oracle.SetCngnPerUsdc(1250m);
        _host.Oracle.Age = TimeSpan.FromMinutes(10);
        _clock.Advance(TimeSpan.FromSeconds(30));
        round = AbiDecode.Hex((await EthCall(_host.Addresses.OracleFeed, "0xfeaf968c")).GetProperty("result").GetString()!);
        Assert.Equal(80_000, AbiDecode.Int(round, 1));
        Assert.Equal(1_790_000_030 - 600, AbiDecode.UInt(round, 3));

        var admin = await _http.PostJsonAsync("/admin/oracle", "{\"answer\":61000,\"age_seconds\":0}");
        Assert.Equal(200, admin.Status);
        Assert.Equal(61_000, admin.Json.GetProperty("answer").GetInt64());
        Assert.Equal(1_790_000_030, admin.Json.GetProperty("updated_at").GetInt64());
    }

    [Fact]
    public async Task Address_without_code_returns_empty_result_not_an_error()
    {
        var r = await EthCall("0x0000000000000000000000000000000000001234", "0xfeaf968c");
        Assert.Equal("0x", r.GetProperty("result").GetString());
        Assert.False(r.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Unknown_method_unknown_selector_and_bad_json_are_json_rpc_errors()
    {
        Assert.Equal(-32601, (await Call("eth_sendRawTransaction", "[\"0x00\"]")).GetProperty("error").GetProperty("code").GetInt32());
        var revert = await EthCall(_host.Addresses.SubAccounts, "0xdeadbeef");
        Assert.Equal(3, revert.GetProperty("error").GetProperty("code").GetInt32());
        Assert.StartsWith("execution reverted", revert.GetProperty("error").GetProperty("message").GetString());
        var parse = await _http.PostJsonAsync("/rpc", "{not json");
        Assert.Equal(-32700, parse.Json.GetProperty("error").GetProperty("code").GetInt32());
        var batch = await _http.PostJsonAsync("/rpc", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}]");
        Assert.Equal("0x2105", batch.Json[0].GetProperty("result").GetString());
        Assert.Equal(-32601, batch.Json[1].GetProperty("error").GetProperty("code").GetInt32());
    }
}
