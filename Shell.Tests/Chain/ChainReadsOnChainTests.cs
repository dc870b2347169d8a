using System.Globalization;
using System.Numerics;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Rpc;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Chain;

public sealed class MockChainFixture : AnvilFixture
{
    public string SubAccounts { get; private set; } = "";

    protected override async Task OnStartedAsync() => SubAccounts = await DeployAsync("MockSubAccounts");

    public Task AddBalanceAsync(BigInteger accountId, string asset, BigInteger subId, BigInteger balance) =>
        TransactAsync(SubAccounts, AbiArg.Call(
            "addBalance(uint256,address,uint256,int256)",
            new AbiArg.Word(AbiCodec.EncodeUInt256(accountId)),
            new AbiArg.Word(AbiCodec.EncodeAddress(asset)),
            new AbiArg.Word(AbiCodec.EncodeUInt256(subId)),
            new AbiArg.Word(AbiCodec.EncodeInt256(balance))));

    public Task SetOwnerAsync(BigInteger accountId, string owner) =>
        TransactAsync(SubAccounts, AbiArg.Call("setOwner(uint256,address)", new AbiArg.Word(AbiCodec.EncodeUInt256(accountId)), new AbiArg.Word(AbiCodec.EncodeAddress(owner))));

    /// <summary>A fresh aggregator per test, so tests do not share its state.</summary>
    public async Task<string> AggregatorAsync(byte decimals, BigInteger roundId, BigInteger answer, BigInteger startedAt, BigInteger updatedAt, BigInteger answeredInRound)
    {
        var aggregator = await DeployAsync("MockAggregator");
        await TransactAsync(aggregator, AbiArg.Call("setDecimals(uint8)", new AbiArg.Word(AbiCodec.EncodeUInt256(decimals))));
        await TransactAsync(aggregator, AbiArg.Call(
            "setRoundData(uint80,int256,uint256,uint256,uint80)",
            new AbiArg.Word(AbiCodec.EncodeUInt256(roundId)),
            new AbiArg.Word(AbiCodec.EncodeInt256(answer)),
            new AbiArg.Word(AbiCodec.EncodeUInt256(startedAt)),
            new AbiArg.Word(AbiCodec.EncodeUInt256(updatedAt)),
            new AbiArg.Word(AbiCodec.EncodeUInt256(answeredInRound))));
        return aggregator;
    }
}

/// <summary>JsonRpcClient + ChainReads decoders against contracts on a real EVM.</summary>
public sealed class ChainReadsOnChainTests(MockChainFixture chain) : IClassFixture<MockChainFixture>
{
    private const string Cash = "0x6b232a2155bd0c9bf741db4cf8e7e8a0176a6fc6";
    private const string Cngn = "0x46c85152bfe9f96829aa94755d9f915f9b10ef5f";
    private const string Future = "0xdd9c2ddf97a2dc9b9d348dcd0ef776af5291a1f9";

    [Fact]
    public async Task Account_balances_of_several_assets_decode_exactly_including_a_negative_one()
    {
        var account = new BigInteger(9);
        var expected = new (string Asset, BigInteger SubId, string Balance)[]
        {
            (Cash, 0, "12345.678901234567890123"),
            (Cngn, 0, "160000"),
            (Future, 1789567201, "-0.001"),
            (Future, AbiCodec.UInt256Max, "-98765.000000000000000001"),
        };
        foreach (var (asset, subId, balance) in expected)
        {
            await chain.AddBalanceAsync(account, asset, subId, Fixed18.Parse(balance, "balance"));
        }

        var balances = await chain.Rpc.GetAccountBalancesAsync(chain.SubAccounts, account);

        Assert.Equal(expected.Length, balances.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Asset, balances[i].Asset);
            Assert.Equal(expected[i].SubId, balances[i].SubId);
            Assert.Equal(Fixed18.Parse(expected[i].Balance, "b"), balances[i].RawBalance);
            Assert.Equal(decimal.Parse(expected[i].Balance, CultureInfo.InvariantCulture), balances[i].Balance);
        }
    }

    [Fact]
    public async Task An_account_with_no_balances_is_an_empty_list_not_an_error()
    {
        Assert.Empty(await chain.Rpc.GetAccountBalancesAsync(chain.SubAccounts, 424242));
    }

    [Fact]
    public async Task A_balance_decimal_cannot_hold_exactly_is_a_malformed_result_naming_the_element()
    {
        await chain.AddBalanceAsync(77, Cash, 0, AbiCodec.Int256Max);
        var e = await Assert.ThrowsAsync<RpcException>(() => chain.Rpc.GetAccountBalancesAsync(chain.SubAccounts, 77));
        Assert.Equal(RpcErrorKind.MalformedResponse, e.Kind);
        Assert.Equal("balances[0].balance", e.Field);
        Assert.Equal("anvil", e.SourceName);
    }

    [Fact]
    public async Task OwnerOf_decodes_the_address()
    {
        await chain.SetOwnerAsync(5, "0x9e90a9cd13d859bd6a08168082fb1f6f7405f191");
        Assert.Equal("0x9e90a9cd13d859bd6a08168082fb1f6f7405f191", await chain.Rpc.OwnerOfAsync(chain.SubAccounts, 5));
    }

    [Fact]
    public async Task Round_data_and_decimals_decode_from_the_aggregator()
    {
        // Chainlink round ids are phaseId << 64 | aggregator round: wider than 64 bits.
        var roundId = (BigInteger.One << 64) + 10941;
        var aggregator = await chain.AggregatorAsync(8, roundId, 64935, 1786000000, 1786000123, roundId);

        var round = await chain.Rpc.LatestRoundDataAsync(aggregator);
        Assert.Equal(new RoundData(roundId, 64935, 1786000000, 1786000123, roundId), round);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1786000123), round.UpdatedAtTime);
        Assert.Equal(8, await chain.Rpc.DecimalsAsync(aggregator));
    }

    [Fact]
    public async Task A_negative_answer_decodes_as_negative()
    {
        var aggregator = await chain.AggregatorAsync(18, 1, -5, 0, 1, 1);
        Assert.Equal(-5, (await chain.Rpc.LatestRoundDataAsync(aggregator)).Answer);
        Assert.Equal(18, await chain.Rpc.DecimalsAsync(aggregator));
    }

    [Fact]
    public async Task Calling_an_address_with_no_code_is_a_short_result_error_never_zero()
    {
        const string NoCode = "0x00000000000000000000000000000000deadbeef";
        Assert.Empty(await chain.Rpc.GetCodeAsync(NoCode));

        var balances = await Assert.ThrowsAsync<RpcException>(() => chain.Rpc.GetAccountBalancesAsync(NoCode, 9));
        Assert.Equal(RpcErrorKind.ShortResult, balances.Kind);
        Assert.Equal("result", balances.Field);
        Assert.Equal("anvil", balances.SourceName);
        Assert.Contains("getAccountBalances", balances.Method);

        Assert.Equal(RpcErrorKind.ShortResult, (await Assert.ThrowsAsync<RpcException>(() => chain.Rpc.LatestRoundDataAsync(NoCode))).Kind);
        Assert.Equal(RpcErrorKind.ShortResult, (await Assert.ThrowsAsync<RpcException>(() => chain.Rpc.DecimalsAsync(NoCode))).Kind);
    }

    [Fact]
    public async Task Calling_a_contract_without_the_function_is_a_json_rpc_error()
    {
        Assert.NotEmpty(await chain.Rpc.GetCodeAsync(chain.SubAccounts));
        var e = await Assert.ThrowsAsync<RpcException>(() => chain.Rpc.LatestRoundDataAsync(chain.SubAccounts));
        Assert.Equal(RpcErrorKind.JsonRpcError, e.Kind);
        Assert.NotNull(e.Code);
    }
}
