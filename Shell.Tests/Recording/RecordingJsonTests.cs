using System.Collections.Immutable;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Tests.Recording;

public sealed class RecordingJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private const string Us = "0x00000000000000000000000000000000000000aa";

    internal static Snapshot Snapshot(DateTimeOffset now, ImmutableArray<LiveOrder> live) => new(
        now,
        MarketSpec.For(MarketSpec.SpotSymbol, 0.000000000000000001m),
        Input<MarketData>.Fresh(new MarketData(
            [new BookOrder("o-b", "0xother", Side.Buy, 1595.123456789012345678m, 50m, T0)],
            [new BookOrder("o-a", "0xother", Side.Sell, 1605m, 50m, T0)],
            [new Trade(7, 1600.5m, 3m, Side.Buy, "t1", "o-a", T0)]), now),
        Input<LiveOrders>.Fresh(new LiveOrders(live), now),
        Input<Balances>.Fresh(new Balances(500m, 2_000_000m), now).Failed("rpc down"),
        Input<AnchorReading>.Missing,
        Input<AnchorReading>.Missing,
        false,
        ImmutableSortedDictionary<string, FinalStatus>.Empty.Add("mm:x:buy:2", new FinalStatus(FinalOrderStatus.Filled, 1.5m)));

    private static Decision Decide(out Snapshot snapshot, out BotState before, out BotConfig config)
    {
        config = new BotConfig { OwnerAddress = Us, SubaccountId = "10" };
        var d1 = Decider.Decide(Snapshot(T0, []), new BotState(), config);
        before = d1.NextState;
        snapshot = Snapshot(T0.AddSeconds(2), [new LiveOrder("mm:USDCcNGN-SPOT:buy:42", 42, Side.Buy, 1590m, 100m, 60m, false, T0)]);
        return Decider.Decide(snapshot, before, config);
    }

    [Fact]
    public void A_cycle_record_round_trips_to_identical_bytes()
    {
        var decision = Decide(out var snapshot, out var before, out var config);
        var record = new CycleRecord(CycleRecord.SchemaId, 2, snapshot, before, config, decision);
        var json = RecordingJson.Serialize(record);
        var back = RecordingJson.Deserialize<CycleRecord>(json, "record");
        Assert.Equal(json, RecordingJson.Serialize(back));
    }

    [Fact]
    public void Deciding_again_on_a_deserialised_record_gives_the_recorded_decision()
    {
        var decision = Decide(out var snapshot, out var before, out var config);
        var json = RecordingJson.Serialize(new CycleRecord(CycleRecord.SchemaId, 2, snapshot, before, config, decision));
        var back = RecordingJson.Deserialize<CycleRecord>(json, "record");
        var replayed = Decider.Decide(back.Snapshot, back.StateBefore, back.Config);
        Assert.Equal(RecordingJson.Serialize(decision), RecordingJson.Serialize(replayed));
    }

    [Fact]
    public void Decimals_are_written_as_strings_without_loss()
    {
        var decision = Decide(out var snapshot, out _, out _);
        var json = RecordingJson.Serialize(snapshot);
        Assert.Contains("\"1595.123456789012345678\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("E+", RecordingJson.Serialize(decision), StringComparison.Ordinal);
    }

    [Fact]
    public void Decimals_keep_their_scale_so_texts_built_from_them_replay_identically()
    {
        var balances = new Balances(940.000000m, 0.50m);
        var json = RecordingJson.Serialize(balances);
        Assert.Equal("{\"base_total\":\"940.000000\",\"quote_total\":\"0.50\"}", json);
        var back = RecordingJson.Deserialize<Balances>(json, "balances");
        Assert.Equal("940.000000", back.BaseTotal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(json, RecordingJson.Serialize(back));
    }

    [Fact]
    public void A_malformed_document_is_a_format_error_naming_what_was_read()
    {
        var ex = Assert.Throws<RecordingFormatException>(() => RecordingJson.Deserialize<DecideInput>("{\"schema\": 5}", "stdin"));
        Assert.StartsWith("stdin:", ex.Message, StringComparison.Ordinal);
        Assert.Throws<RecordingFormatException>(() => RecordingJson.Deserialize<DecideInput>("not json", "stdin"));
    }
}

public sealed class RecordingJsonMissingFieldTests
{
    [Fact]
    public void A_decide_input_without_a_snapshot_is_rejected()
    {
        var ex = Assert.Throws<RecordingFormatException>(() =>
            RecordingJson.Deserialize<DecideInput>("{\"schema\":\"mm-bot.decide-input/2\",\"state\":{},\"config\":{}}", "stdin"));
        Assert.Contains("snapshot", ex.Message, StringComparison.Ordinal);
    }
}
