using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Matching;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.Shell.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>
/// The matcher (markets-service-api.md §6) driven tick by tick on a fake clock, against both stores:
/// price-time priority, maker price, partial fills, one fill per tick, matching state, expiry, trade rows,
/// ledger settlement and the JSON-RPC balances the bot reads.
/// </summary>
public abstract class PaperMatcherTests : IAsyncLifetime
{
    private const string Maker = "0x1000000000000000000000000000000000000001";
    private const string Taker = "0x2000000000000000000000000000000000000002";
    private static readonly BigInteger E18 = BigInteger.Pow(10, 18);

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    internal PaperExchangeHost Host { get; private set; } = null!;

    internal HttpClient Http { get; private set; } = null!;

    protected abstract Task<string?> DatabaseAsync();

    protected virtual TimeSpan ExecutorLatency => TimeSpan.Zero;

    public async Task InitializeAsync()
    {
        var options = PaperHosts.Options(await DatabaseAsync(), Clock) with
        {
            ExecutorLatency = ExecutorLatency,
            Funding =
            [
                AccountFunding.Spot(10, usdc: 1000m, cngn: 2_000_000m),
                AccountFunding.Spot(20, usdc: 1000m, cngn: 2_000_000m),
            ],
        };
        Host = await PaperExchangeHost.StartAsync(options);
        Http = new HttpClient { BaseAddress = new Uri(Host.ApiUrl) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    private long Now => Clock.GetUtcNow().ToUnixTimeSeconds();

    private async Task<JsonElement> Place(JsonObject body)
    {
        var r = await Http.PostJsonAsync("/v1/orders", body);
        Assert.True(r.Status == 201, r.Body);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        return r.Json.GetProperty("order");
    }

    private JsonObject MakerSpot(string nonce, string side, string price, string amount) =>
        Bodies.SpotOrder(nonce, side, price, amount, orderId: $"maker:{nonce}", expiry: Now + 3600, owner: Maker, subaccount: "10");

    private JsonObject TakerSpot(string nonce, string side, string price, string amount) =>
        Bodies.SpotOrder(nonce, side, price, amount, orderId: $"taker:{nonce}", expiry: Now + 3600, owner: Taker, subaccount: "20");

    private async Task<JsonElement> Status(string id) => (await Http.GetAsync2("/v1/orders/" + Uri.EscapeDataString(id))).Json;

    [Fact]
    public async Task Crossing_orders_fill_at_the_maker_price_and_write_a_trade_row()
    {
        await Place(MakerSpot("1", "sell", "0.000625", "160000"));
        await Place(TakerSpot("1", "buy", "0.000630", "160000"));

        var outcome = Assert.Single(await Host.Matcher.RunTickAsync(), o => o.Market == "USDCcNGN-SPOT");
        Assert.Equal(MatchOutcomeKind.Filled, outcome.Kind);
        var trade = outcome.Fill!.Trade;
        Assert.Equal(("0.000625", "160000", "buy", "taker:1", "maker:1"), (trade.Price, trade.Size, trade.AggressorSide, trade.TakerOrderId, trade.MakerOrderId));
        Assert.Equal("filled", (await Status("maker:1")).GetProperty("status").GetString());
        Assert.Equal("filled", (await Status("taker:1")).GetProperty("status").GetString());

        var trades = await Http.GetAsync2("/v1/trades?symbol=USDCcNGN-SPOT");
        var t = Assert.Single(trades.Json.GetProperty("trades").EnumerateArray());
        Assert.Equal(trade.TradeId, t.GetProperty("trade_id").GetInt64());
        Assert.Contains(
            "\"price\":\"0.000625\",\"size\":\"160000\",\"aggressor_side\":\"buy\",\"taker_order_id\":\"taker:1\",\"maker_order_id\":\"maker:1\"",
            trades.Body,
            StringComparison.Ordinal);
        Assert.EndsWith(
            "\"contract_type\":\"spot\",\"settlement_type\":\"spot\",\"market\":\"USDCcNGN-SPOT\",\"spot_contract\":{\"spec\":\"usdc_cngn_spot_v1\",\"ui_intent\":{\"side\":\"sell\",\"price\":\"1600\",\"size\":\"100\"},\"engine_order\":{\"side\":\"buy\",\"price\":\"0.000625\",\"amount\":\"160000\"},\"balance_delta\":{\"usdc\":\"-100\",\"cngn\":\"+160000\"}}}]}\n",
            trades.Body);
        Assert.Contains(",\"stats_24h\":{\"change\":\"0.000000\",\"high\":\"0.000625\",\"last\":\"0.000625\",\"low\":\"0.000625\",\"volume\":\"160000\"},", trades.Body, StringComparison.Ordinal);
        var markets = await Http.GetAsync2("/v1/markets");
        var spot = markets.Json.EnumerateArray().Single(m => m.GetProperty("market").GetString() == "USDCcNGN-SPOT");
        Assert.Equal(trade.CreatedAt.ToUnixTimeSeconds(), spot.GetProperty("last_trade_timestamp").GetInt64());
    }

    [Fact]
    public async Task Fill_settles_the_ledger_and_rpc_returns_the_new_balances_abi_encoded()
    {
        await Place(MakerSpot("2", "sell", "0.000625", "160000"));
        await Place(TakerSpot("2", "buy", "0.000625", "160000"));
        await Host.Matcher.RunTickAsync();

        var cash = Host.Addresses.Cash;
        var cngn = Bodies.Spot;
        var buyer = await BalancesOverRpc(20);
        Assert.Equal([(cash, BigInteger.Zero, 900 * E18), (cngn, BigInteger.Zero, 2_160_000 * E18)], buyer);
        var seller = await BalancesOverRpc(10);
        Assert.Equal([(cash, BigInteger.Zero, 1100 * E18), (cngn, BigInteger.Zero, 1_840_000 * E18)], seller);
        Assert.Empty(await BalancesOverRpc(77));
    }

    private async Task<List<(string, BigInteger, BigInteger)>> BalancesOverRpc(int subaccount)
    {
        var data = "0xc7569701" + Bodies.Word(subaccount);
        var request = $"{{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_call\",\"params\":[{{\"to\":\"{Host.Addresses.SubAccounts}\",\"data\":\"{data}\"}},\"latest\"]}}";
        var r = await Http.PostJsonAsync("/rpc", request);
        Assert.Equal(200, r.Status);
        Assert.Equal(7, r.Json.GetProperty("id").GetInt32());
        return AbiDecode.Balances(r.Json.GetProperty("result").GetString()!);
    }

    [Fact]
    public async Task Partial_fill_leaves_the_remainder_active_on_the_book()
    {
        await Place(MakerSpot("3", "sell", "0.000625", "160000"));
        await Place(TakerSpot("3", "buy", "0.000625", "40000"));
        await Host.Matcher.RunTickAsync();

        var maker = await Status("maker:3");
        Assert.Equal(("active", "40000", "120000"), (maker.GetProperty("status").GetString(), maker.GetProperty("filled_amount").GetString(), maker.GetProperty("remaining_amount").GetString()));
        var book = await Http.GetAsync2("/v1/book");
        var ask = Assert.Single(book.Json.GetProperty("asks").EnumerateArray());
        Assert.Equal("160000", ask.GetProperty("desired_amount").GetString());
        Assert.Equal("40000", ask.GetProperty("filled_amount").GetString());

        await Place(TakerSpot("4", "buy", "0.000700", "200000"));
        var fill = (await Host.Matcher.RunTickAsync()).Single(o => o.Kind == MatchOutcomeKind.Filled).Fill!;
        Assert.Equal(("120000", "0.000625"), (fill.Trade.Size, fill.Trade.Price));
        Assert.Equal("filled", (await Status("maker:3")).GetProperty("status").GetString());
        var taker = await Status("taker:4");
        Assert.Equal(("active", "80000"), (taker.GetProperty("status").GetString(), taker.GetProperty("remaining_amount").GetString()));
    }

    [Fact]
    public async Task At_most_one_fill_per_market_per_tick_in_price_priority()
    {
        await Place(MakerSpot("10", "sell", "0.000627", "1000"));
        await Place(MakerSpot("11", "sell", "0.000625", "1000"));
        await Place(MakerSpot("12", "sell", "0.000626", "1000"));
        await Place(TakerSpot("10", "buy", "0.000630", "5000"));

        var prices = new List<string>();
        for (var tick = 0; tick < 4; tick++)
        {
            var outcome = (await Host.Matcher.RunTickAsync()).Single(o => o.Market == "USDCcNGN-SPOT");
            if (outcome.Fill is { } f)
            {
                prices.Add(f.Trade.Price);
            }

            var trades = (await Http.GetAsync2("/v1/trades")).Json.GetProperty("trades").GetArrayLength();
            Assert.Equal(Math.Min(tick + 1, 3), trades);
        }

        Assert.Equal(["0.000625", "0.000626", "0.000627"], prices);
        var taker = await Status("taker:10");
        Assert.Equal(("active", "2000"), (taker.GetProperty("status").GetString(), taker.GetProperty("remaining_amount").GetString()));
    }

    [Fact]
    public async Task Non_crossing_pair_is_released_back_to_active()
    {
        await Place(MakerSpot("20", "sell", "0.000700", "1000"));
        await Place(TakerSpot("20", "buy", "0.000600", "1000"));
        var outcome = (await Host.Matcher.RunTickAsync()).Single(o => o.Market == "USDCcNGN-SPOT");
        Assert.Equal((MatchOutcomeKind.Released, "not crossed"), (outcome.Kind, outcome.Reason));
        Assert.Equal("active", (await Status("maker:20")).GetProperty("status").GetString());
        Assert.Equal("active", (await Status("taker:20")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Tick_sweeps_expired_orders()
    {
        await Place(Bodies.SpotOrder("30", "sell", orderId: "short", expiry: Now + 2, owner: Maker));
        Clock.Advance(TimeSpan.FromSeconds(2));
        var outcome = (await Host.Matcher.RunTickAsync()).Single(o => o.Market == "USDCcNGN-SPOT");
        Assert.Equal(MatchOutcomeKind.NoCandidate, outcome.Kind);
        Assert.Equal("expired", (await Status("short")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Taker_is_the_later_order_and_ties_go_to_the_greater_order_id()
    {
        // Same created_at: bid "z" is the taker, so the trade prints at the ask (maker) price.
        var bid = MakerSpot("40", "buy", "0.000700", "100");
        bid["order_id"] = "z-bid";
        var ask = TakerSpot("40", "sell", "0.000600", "100");
        ask["order_id"] = "a-ask";
        Assert.Equal(201, (await Http.PostJsonAsync("/v1/orders", bid)).Status);
        Assert.Equal(201, (await Http.PostJsonAsync("/v1/orders", ask)).Status);
        var trade = (await Host.Matcher.RunTickAsync()).Single(o => o.Fill is not null).Fill!.Trade;
        Assert.Equal(("z-bid", "a-ask", "0.0006", "buy"), (trade.TakerOrderId, trade.MakerOrderId, trade.Price, trade.AggressorSide));

        // The later order is the taker whatever its id: the ask arrives second and trades at the bid's price.
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        var bid2 = MakerSpot("41", "buy", "0.000700", "100");
        bid2["order_id"] = "z-bid-2";
        await Place(bid2);
        var ask2 = TakerSpot("41", "sell", "0.000600", "100");
        ask2["order_id"] = "a-ask-2";
        await Place(ask2);
        trade = (await Host.Matcher.RunTickAsync()).Single(o => o.Fill is not null).Fill!.Trade;
        Assert.Equal(("a-ask-2", "z-bid-2", "0.0007", "sell"), (trade.TakerOrderId, trade.MakerOrderId, trade.Price, trade.AggressorSide));
    }

    [Fact]
    public async Task Same_owner_on_both_sides_still_matches()
    {
        await Place(MakerSpot("50", "sell", "0.000625", "100"));
        await Place(MakerSpot("51", "buy", "0.000625", "100"));
        Assert.Contains(await Host.Matcher.RunTickAsync(), o => o.Kind == MatchOutcomeKind.Filled);
    }

    [Fact]
    public async Task Orders_signed_at_different_scales_are_accepted_but_never_matched()
    {
        var scaled = TakerSpot("60", "buy", "0.000625", "100");
        scaled.Action()["data"] = Bodies.Data(Bodies.Spot, 0, Bodies.E18("0.000625") * 10, Bodies.E18("100"), true, 20);
        await Place(MakerSpot("60", "sell", "0.000625", "100"));
        await Place(scaled);
        var outcome = (await Host.Matcher.RunTickAsync()).Single(o => o.Market == "USDCcNGN-SPOT");
        Assert.Equal(MatchOutcomeKind.Released, outcome.Kind);
        Assert.Equal("price or amount scale differs between taker and maker", outcome.Reason);
        Assert.Empty((await Http.GetAsync2("/v1/trades")).Json.GetProperty("trades").EnumerateArray());
    }

    [Fact]
    public async Task Executor_failure_releases_the_pair_and_the_next_tick_fills_it()
    {
        await Place(MakerSpot("70", "sell", "0.000625", "100"));
        await Place(TakerSpot("70", "buy", "0.000625", "100"));
        await Host.Faults.SetAsync(new FaultRule(FaultTargets.Executor, FaultKind.Failure) { Count = 1, Message = "execution reverted: TM_InsufficientMargin" });
        var first = (await Host.Matcher.RunTickAsync()).Single(o => o.Market == "USDCcNGN-SPOT");
        Assert.Equal((MatchOutcomeKind.Released, "execution reverted: TM_InsufficientMargin"), (first.Kind, first.Reason));
        Assert.Equal("active", (await Status("maker:70")).GetProperty("status").GetString());
        var second = (await Host.Matcher.RunTickAsync()).Single(o => o.Market == "USDCcNGN-SPOT");
        Assert.Equal(MatchOutcomeKind.Filled, second.Kind);
    }

    [Fact]
    public async Task Futures_fill_moves_position_in_lots_and_cash_by_notional()
    {
        await Place(Bodies.FutureOrder("80", "sell", "1391", "0.005", orderId: "f-maker", expiry: Now + 3600, owner: Maker, subaccount: "10"));
        await Place(Bodies.FutureOrder("80", "buy", "1400", "0.002", orderId: "f-taker", expiry: Now + 3600, owner: Taker, subaccount: "20"));
        var fill = (await Host.Matcher.RunTickAsync()).Single(o => o.Market == "USDCcNGN-SEP16-2026").Fill!;
        Assert.Equal(("1391", "2", "buy"), (fill.Trade.Price, fill.Trade.Size, fill.Trade.AggressorSide));
        var subId = BigInteger.Parse(Bodies.FutureSubId, CultureInfo.InvariantCulture);
        Assert.Equal(2 * BigInteger.Pow(10, 15), Host.Ledger.GetBalance(20, Bodies.Future, subId));
        Assert.Equal(-2 * BigInteger.Pow(10, 15), Host.Ledger.GetBalance(10, Bodies.Future, subId));
        Assert.Equal(1000 * E18 - 2_782 * BigInteger.Pow(10, 15), Host.Ledger.GetBalance(20, Host.Addresses.Cash, 0));
        Assert.Equal(1000 * E18 + 2_782 * BigInteger.Pow(10, 15), Host.Ledger.GetBalance(10, Host.Addresses.Cash, 0));
        var maker = await Status("f-maker");
        Assert.Equal(("active", "3"), (maker.GetProperty("status").GetString(), maker.GetProperty("remaining_amount").GetString()));
    }

    [Fact]
    public async Task Trades_page_newest_first_with_a_before_cursor()
    {
        for (var i = 0; i < 3; i++)
        {
            await Place(MakerSpot($"9{i}", "sell", "0.00062" + i, "100"));
            await Place(TakerSpot($"9{i}", "buy", "0.000630", "100"));
            await Host.Matcher.RunTickAsync();
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var page = await Http.GetAsync2("/v1/trades?limit=2");
        var trades = page.Json.GetProperty("trades").EnumerateArray().ToList();
        Assert.Equal(["0.000622", "0.000621"], trades.Select(t => t.GetProperty("price").GetString()!));
        var cursor = page.Json.GetProperty("next_before_trade_id").GetInt64();
        Assert.Equal(trades[1].GetProperty("trade_id").GetInt64(), cursor);
        Assert.Contains("\"stats_24h\":{\"change\":\"0.000002\",\"high\":\"0.000622\",\"last\":\"0.000622\",\"low\":\"0.00062\",\"volume\":\"300\"}", page.Body, StringComparison.Ordinal);

        var rest = await Http.GetAsync2($"/v1/trades?limit=2&before_trade_id={cursor}");
        Assert.Equal("0.00062", Assert.Single(rest.Json.GetProperty("trades").EnumerateArray()).GetProperty("price").GetString());
        Assert.False(rest.Json.TryGetProperty("next_before_trade_id", out _));

        Clock.Advance(TimeSpan.FromHours(25));
        Assert.Contains("\"stats_24h\":{}", (await Http.GetAsync2("/v1/trades")).Body, StringComparison.Ordinal);
    }
}

public sealed class MemoryPaperMatcherTests : PaperMatcherTests
{
    protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPaperMatcherTests(TestPostgres postgres) : PaperMatcherTests
{
    protected override async Task<string?> DatabaseAsync() => await postgres.CreateDatabaseAsync("paper");
}
