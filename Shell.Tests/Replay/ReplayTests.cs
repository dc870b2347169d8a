using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;
using MarketMaker.Shell.Replay;
using Xunit.Abstractions;

namespace MarketMaker.Shell.Tests.Replay;

/// <summary>One synthetic recording shared by the tests that only read it.</summary>
public sealed class RecordedSessionFixture : IDisposable
{
    public const int Cycles = 1500;

    public RecordedSessionFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mm-replay-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        File = Path.Combine(Directory, "session.jsonl");
        SyntheticSession.Write(File, Cycles);
        Lines = System.IO.File.ReadAllLines(File);
    }

    public string Directory { get; }

    public string File { get; }

    public string[] Lines { get; }

    public CycleRecord Record(int index) => RecordingJson.Deserialize<CycleRecord>(Lines[index], "line");

    public string Copy(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(Directory, name);
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public sealed class ReplayTests(RecordedSessionFixture session, ITestOutputHelper output) : IClassFixture<RecordedSessionFixture>
{
    private static async Task<(int Code, string Out, string Err)> Replay(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ReplayCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static (int Code, string Out, string Err) Decide(string input, params string[] args)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = DecideCommand.Run(args, stdin, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void The_synthetic_session_exercises_placements_cancels_fills_and_halts()
    {
        var records = session.Lines.Select((_, i) => session.Record(i)).ToList();
        Assert.Contains(records, r => !r.Decision.Placements.IsEmpty);
        Assert.Contains(records, r => r.Decision.Cancels.Any(c => c.Category == CancelCategory.ReplaceDriven));
        Assert.Contains(records, r => !r.Decision.Fills.IsEmpty);
        Assert.Contains(records, r => r.Decision.Halt?.Reason == HaltReasons.BalancesStale);
        Assert.Contains(records, r => r.Decision.Halt?.Reason == HaltReasons.KillSwitchActive);
    }

    [Fact]
    public void Decide_prints_the_same_bytes_twice_and_the_core_decision()
    {
        var record = session.Record(420);
        var input = RecordingJson.Serialize(new DecideInput(DecideInput.SchemaId, record.Snapshot, record.StateBefore, record.Config), indented: true);

        var first = Decide(input);
        var second = Decide(input);
        Assert.Equal(0, first.Code);
        Assert.Equal("", first.Err);
        Assert.Equal(first.Out, second.Out);
        var direct = Decider.Decide(record.Snapshot, record.StateBefore, record.Config);
        Assert.Equal(RecordingJson.Serialize(direct) + "\n", first.Out);
        Assert.Equal(RecordingJson.Serialize(record.Decision) + "\n", first.Out);

        var indented = Decide(input, "--indent");
        Assert.Equal(RecordingJson.Serialize(direct, indented: true) + "\n", indented.Out);
    }

    [Fact]
    public void Decide_reads_a_file_argument_too()
    {
        var record = session.Record(10);
        var path = session.Copy("decide-input.json", [RecordingJson.Serialize(new DecideInput(DecideInput.SchemaId, record.Snapshot, record.StateBefore, record.Config))]);
        var result = Decide("", path);
        Assert.Equal(0, result.Code);
        Assert.Equal(RecordingJson.Serialize(record.Decision) + "\n", result.Out);
    }

    [Theory]
    [InlineData("", "empty input")]
    [InlineData("not json", "decide: stdin:")]
    [InlineData("{\"schema\":\"mm-bot.decide-input/9\",\"snapshot\":null,\"state\":{},\"config\":{}}", "this mm-bot reads \"mm-bot.decide-input/3\" and \"mm-bot.decide-input/2\"")]
    [InlineData("{\"schema\":\"mm-bot.decide-input/2\",\"state\":{},\"config\":{}}", "snapshot")]
    public void Decide_rejects_bad_input_with_exit_2(string input, string message)
    {
        var result = Decide(input);
        Assert.Equal(2, result.Code);
        Assert.Equal("", result.Out);
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_rejects_a_config_the_bot_would_refuse()
    {
        var record = session.Record(5);
        var bad = record.Config with { HalfSpreadBps = -1m };
        var result = Decide(RecordingJson.Serialize(new DecideInput(DecideInput.SchemaId, record.Snapshot, record.StateBefore, bad)));
        Assert.Equal(2, result.Code);
        Assert.Contains("MM_HALF_SPREAD_BPS must be >= 0", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_help_and_unknown_options()
    {
        var help = Decide("", "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("decide [<FILE>] [options]", help.Out, StringComparison.Ordinal);
        var bad = Decide("", "--frobnicate");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--frobnicate", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_of_a_recorded_session_is_identical()
    {
        var (code, stdout, stderr) = await Replay(session.File);
        Assert.True(code == 0, stdout + stderr);
        Assert.StartsWith($"identical: {RecordedSessionFixture.Cycles} cycles replayed", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);

        var json = await Replay(session.File, "--json");
        Assert.Equal(0, json.Code);
        var result = JsonNode.Parse(json.Out)!;
        Assert.Equal(ReplayCommand.ResultSchemaId, (string?)result["schema"]);
        Assert.True((bool)result["identical"]!);
        Assert.Equal(RecordedSessionFixture.Cycles, (long)result["cycles"]!);
        Assert.Null(result["first_difference"]);
        Assert.Equal("2026-11-24T12:00:00+00:00", (string?)result["from"]);
        Assert.Contains("\"from\": \"2026-11-24T12:00:00+00:00\"", json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reformatted_recording_replays_identical_through_the_complete_parse()
    {
        // Properties in reverse order and indented: not the recorder's bytes, the same values.
        static JsonNode Reverse(JsonNode node) => node switch
        {
            JsonObject o => new JsonObject(o.Reverse().Select(kv => KeyValuePair.Create(kv.Key, kv.Value is null ? null : (JsonNode?)Reverse(kv.Value.DeepClone())))),
            JsonArray a => new JsonArray([.. a.Select(v => v is null ? null : Reverse(v.DeepClone()))]),
            _ => node.DeepClone(),
        };
        var lines = session.Lines.Take(300).Select(l => Reverse(JsonNode.Parse(l)!).ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "  ");
        var (code, stdout, stderr) = await Replay(session.Copy("reformatted.jsonl", lines));
        Assert.True(code == 0, stdout + stderr);
        Assert.StartsWith("identical: 300 cycles", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_detects_a_tampered_decision_and_names_the_cycle_and_field()
    {
        var index = session.Lines.Select((l, i) => (l, i)).First(x => x.i > 200 && session.Record(x.i).Decision.Placements.Length > 0).i;
        var line = JsonNode.Parse(session.Lines[index])!;
        var recordedPrice = (string)line["decision"]!["placements"]![0]!["price"]!;
        line["decision"]!["placements"]![0]!["price"] = "1234.56";
        var lines = session.Lines.ToArray();
        lines[index] = line.ToJsonString();
        var path = session.Copy("tampered.jsonl", lines);

        var (code, stdout, _) = await Replay(path);
        Assert.Equal(1, code);
        Assert.Contains("different: 1 of", stdout, StringComparison.Ordinal);
        Assert.Contains($"line {index + 1}, cycle {index + 1}, field decision.placements[0].price", stdout, StringComparison.Ordinal);
        Assert.Contains("recorded: \"1234.56\"", stdout, StringComparison.Ordinal);
        Assert.Contains($"replayed: \"{recordedPrice}\"", stdout, StringComparison.Ordinal);

        var json = JsonNode.Parse((await Replay(path, "--json")).Out)!;
        Assert.False((bool)json["identical"]!);
        Assert.Equal("decision.placements[0].price", (string?)json["first_difference"]!["path"]);
        Assert.Equal(index + 1, (long)json["first_difference"]!["line"]!);
    }

    [Fact]
    public async Task A_tampered_seen_trade_id_in_next_state_is_a_difference_on_the_fast_path()
    {
        // Raw text edits keep the line in the recorder's form, so it takes the fast path (remembered id text).
        var lines = session.Lines.ToArray();
        var index = 700;
        var line = lines[index];
        var at = line.LastIndexOf("\"seen_trade_ids\":[", StringComparison.Ordinal) + 18;
        var end = line.IndexOfAny([',', ']'], at);
        var first = long.Parse(line.AsSpan(at, end - at), System.Globalization.CultureInfo.InvariantCulture);
        lines[index] = string.Concat(line.AsSpan(0, at), (first - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), line.AsSpan(end));
        var (code, stdout, _) = await Replay(session.Copy("seen.jsonl", lines));
        Assert.Equal(1, code);
        Assert.Contains($"line {index + 1}, cycle {index + 1}, field decision.next_state.fills.seen_trade_ids[0]", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_snapshot_is_read_as_tampered_on_the_fast_path()
    {
        var lines = session.Lines.ToArray();
        var index = 600;
        var now = session.Record(index).Snapshot.Now;
        var recorded = $"\"snapshot\":{{\"now\":\"{ReplayText.Time(now)}\"";
        Assert.Contains(recorded, lines[index], StringComparison.Ordinal);
        lines[index] = lines[index].Replace(recorded, $"\"snapshot\":{{\"now\":\"{ReplayText.Time(now.AddMilliseconds(1))}\"", StringComparison.Ordinal);
        var (code, stdout, _) = await Replay(session.Copy("now.jsonl", lines));
        Assert.Equal(1, code);
        Assert.Contains($"line {index + 1}, cycle {index + 1}, field decision.now", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_reports_a_removed_array_element_and_a_changed_halt()
    {
        var index = session.Lines.Select((l, i) => (l, i)).First(x => session.Record(x.i).Decision.Halt is not null).i;
        var line = JsonNode.Parse(session.Lines[index])!;
        line["decision"]!["halt"]!["reason"] = "operator pause active";
        var lines = session.Lines.ToArray();
        lines[index] = line.ToJsonString();
        var (code, stdout, _) = await Replay(session.Copy("halt.jsonl", lines));
        Assert.Equal(1, code);
        Assert.Contains("field decision.halt.reason", stdout, StringComparison.Ordinal);
        Assert.Contains("recorded: \"operator pause active\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_state_before_is_replayed_as_recorded_and_noted_as_a_gap()
    {
        var lines = session.Lines.ToArray();
        var line = JsonNode.Parse(lines[100])!;
        line["state_before"]!["current_halt_reason"] = "operator pause active";
        var decision = Decider.Decide(
            session.Record(100).Snapshot,
            RecordingJson.Deserialize<BotState>(line["state_before"]!.ToJsonString(), "state"),
            session.Record(100).Config);
        line["decision"] = JsonNode.Parse(RecordingJson.Serialize(decision));
        lines[100] = line.ToJsonString();
        var (code, stdout, _) = await Replay(session.Copy("gap.jsonl", lines));
        Assert.Equal(0, code);
        Assert.Contains("note: 2 cycles did not start from the previous decision's next_state (first at line 101)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_in_the_recording_is_not_a_gap()
    {
        var path = Path.Combine(session.Directory, "restart.jsonl");
        SyntheticSession.Write(path, 120);
        SyntheticSession.Write(path, 80, seed: 9, start: SyntheticSession.T0.AddHours(1));
        var (code, stdout, stderr) = await Replay(path);
        Assert.True(code == 0, stdout + stderr);
        Assert.StartsWith("identical: 200 cycles", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", stdout, StringComparison.Ordinal);

        var whatIf = await Replay(path, "--set", "MM_HALF_SPREAD_BPS=40", "--json");
        Assert.Equal(0, whatIf.Code);
        Assert.Equal(200, (long)JsonNode.Parse(whatIf.Out)!["what_if"]!["cycles"]!);
    }

    [Fact]
    public async Task What_if_with_a_wider_spread_quotes_wider()
    {
        var (code, stdout, stderr) = await Replay(session.File, "--set", "MM_HALF_SPREAD_BPS=60", "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        var result = JsonNode.Parse(stdout)!;
        Assert.Equal(ReplayCommand.WhatIfSchemaId, (string?)result["schema"]);
        Assert.Equal("60", (string?)result["sets"]!["MM_HALF_SPREAD_BPS"]);
        var recorded = result["recorded"]!;
        var whatIf = result["what_if"]!;
        var recordedSpread = decimal.Parse((string)recorded["average_quoted_spread_bps"]!, System.Globalization.CultureInfo.InvariantCulture);
        var whatIfSpread = decimal.Parse((string)whatIf["average_quoted_spread_bps"]!, System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"average quoted spread: recorded {recordedSpread} bps, what-if {whatIfSpread} bps");

        // 25 bps half spread is about 50 bps quoted; 60 bps about 120 (skew moves both sides alike).
        Assert.InRange(recordedSpread, 45m, 56m);
        Assert.InRange(whatIfSpread, 112m, 128m);
        Assert.Equal(RecordedSessionFixture.Cycles, (long)whatIf["cycles"]!);
        Assert.True((long)whatIf["quotes_placed"]! > 0);
        Assert.True((long)recorded["halts_by_reason"]!["kill switch active"]!["cycles"]! > 0);
        Assert.Equal(
            (long)recorded["halts_by_reason"]!["kill switch active"]!["episodes"]!,
            (long)whatIf["halts_by_reason"]!["kill switch active"]!["episodes"]!);
        Assert.True((long)result["fills"]!["recorded"]! > 0);

        // Wider quotes: the recorded fills of orders inside the what-if spread are at risk.
        Assert.True((long)result["fills"]!["at_risk"]! > 0);

        var text = await Replay(session.File, "--set", "MM_HALF_SPREAD_BPS=60");
        Assert.Equal(0, text.Code);
        Assert.Contains("what-if settings: MM_HALF_SPREAD_BPS=60", text.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"average quoted spread \(bps\)\s+\d+\.\d\d\s+\d+\.\d\d"), text.Out);
        Assert.Contains("recorded fills:", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_if_with_the_recorded_settings_quotes_like_the_recording()
    {
        var (code, stdout, stderr) = await Replay(session.File, "--set", "MM_HALF_SPREAD_BPS=25", "--json");
        Assert.True(code == 0, stderr);
        var result = JsonNode.Parse(stdout)!;
        var recorded = decimal.Parse((string)result["recorded"]!["average_quoted_spread_bps"]!, System.Globalization.CultureInfo.InvariantCulture);
        var whatIf = decimal.Parse((string)result["what_if"]!["average_quoted_spread_bps"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(whatIf - recorded, -1m, 1m);

        // Same settings, but the what-if orders are never filled, so a what-if order can rest a little behind the
        // recorded one (kept by the churn guard): only a few recorded fills are at risk, far fewer than with a wider spread.
        var fills = result["fills"]!;
        output.WriteLine($"fills: {fills.ToJsonString()}");
        var atRisk = (long)fills["at_risk"]!;
        Assert.True(atRisk * 5 < (long)fills["recorded"]!, fills.ToJsonString());
        var wider = JsonNode.Parse((await Replay(session.File, "--set", "MM_HALF_SPREAD_BPS=60", "--json")).Out)!["fills"]!;
        Assert.True((long)wider["at_risk"]! > 2 * atRisk, wider.ToJsonString());
    }

    [Fact]
    public async Task Operator_pause_as_a_what_if_halts_every_cycle_and_places_nothing()
    {
        var (code, stdout, stderr) = await Replay(session.File, "--set", "MM_OPERATOR_MODE=pause", "--json");
        Assert.True(code == 0, stderr);
        var whatIf = JsonNode.Parse(stdout)!["what_if"]!;
        Assert.Equal(0L, (long)whatIf["quotes_placed"]!);
        Assert.Equal(RecordedSessionFixture.Cycles, (long)whatIf["halted_cycles"]!);
        Assert.Equal("0", (string?)whatIf["bid_quoted_seconds"]);
    }

    [Theory]
    [InlineData("MM_HALF_SPRED_BPS=40", "MM_HALF_SPRED_BPS is not a strategy/risk variable")]
    [InlineData("MM_OWNER_PRIVATE_KEY=0x01", "MM_OWNER_PRIVATE_KEY is not a strategy/risk variable")]
    [InlineData("MM_HALF_SPREAD_BPS=wide", "MM_HALF_SPREAD_BPS must be a decimal number")]
    [InlineData("MM_HALF_SPREAD_BPS=-5", "MM_HALF_SPREAD_BPS must be >= 0: got \"-5\"")]
    [InlineData("MM_OPERATOR_MODE=sleepy", "MM_OPERATOR_MODE must be one of normal, pause")]
    [InlineData("MM_HALF_SPREAD_BPS", "expected NAME=VALUE")]
    public async Task A_bad_set_is_a_clear_error_with_exit_2(string set, string message)
    {
        var (code, stdout, stderr) = await Replay(session.File, "--set", set);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_problem_of_several_sets_is_reported()
    {
        var (code, _, stderr) = await Replay(session.File, "--set", "MM_ORDER_SIZE=0", "--set=MM_QUOTE_LEVELS=0");
        Assert.Equal(2, code);
        Assert.Contains("MM_ORDER_SIZE must be > 0", stderr, StringComparison.Ordinal);
        Assert.Contains("MM_QUOTE_LEVELS must be >= 1", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "Required argument 'FILE' missing")]
    [InlineData(new[] { "a.jsonl", "b.jsonl" }, "unrecognized argument \"b.jsonl\"")]
    [InlineData(new[] { "--frob", "a.jsonl" }, "unrecognized option \"--frob\"")]
    [InlineData(new[] { "a.jsonl", "--report" }, "Required argument missing for option: '--report'")]
    [InlineData(new[] { "a.jsonl", "--set", "MM_ORDER_SIZE=1", "--set", "MM_ORDER_SIZE=2" }, "--set MM_ORDER_SIZE is given more than once")]
    [InlineData(new[] { "a.jsonl", "--set", "MM_ORDER_SIZE=1", "--bench" }, "--bench measures the identity replay; use it without --set")]
    [InlineData(new[] { "a.jsonl", "--upgrade", "out.jsonl", "--report", "r.html" }, "--upgrade rewrites the recording; use it without --set, --bench or --report")]
    [InlineData(new[] { "/nonexistent/session.jsonl" }, "no such file")]
    public async Task Usage_errors_exit_2(string[] args, string message)
    {
        var (code, _, stderr) = await Replay(args);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_goes_to_stderr_every_n_cycles_and_never_into_json_stdout()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ReplayCommand.RunAsync([session.File, "--json", "--set", "MM_ORDER_SIZE=50"], stdout, stderr, 500, CancellationToken.None);
        Assert.Equal(0, code);
        Assert.Equal(
            ["replay: 500 cycles", "replay: 1000 cycles", "replay: 1500 cycles"],
            stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)]));
        Assert.Equal(RecordedSessionFixture.Cycles, (long)JsonNode.Parse(stdout.ToString())!["cycles"]!);

        using var quiet = new StringWriter();
        code = await ReplayCommand.RunAsync([session.File, "--no-progress"], new StringWriter(), quiet, 500, CancellationToken.None);
        Assert.Equal(0, code);
        Assert.Equal("", quiet.ToString());
    }

    [Fact]
    public async Task A_cancelled_replay_stops_with_exit_130()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ReplayCommand.RunAsync([session.File], stdout, stderr, cts.Token);
        Assert.Equal(ReplayCommand.ExitInterrupted, code);
        Assert.Equal("", stdout.ToString());
        Assert.Contains("replay: interrupted", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_usage()
    {
        var (code, stdout, stderr) = await Replay("--help");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("replay <FILE> [options]", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_line_or_another_schema_names_the_file_and_line()
    {
        var lines = session.Lines.Take(20).ToArray();
        lines[6] = lines[6][..40];
        var broken = session.Copy("broken.jsonl", lines);
        var (code, _, stderr) = await Replay(broken);
        Assert.Equal(2, code);
        Assert.Contains($"{broken}:7:", stderr, StringComparison.Ordinal);

        lines = session.Lines.Take(20).ToArray();
        lines[2] = lines[2].Replace("\"mm-bot.cycle/2\"", "\"mm-bot.cycle/9\"", StringComparison.Ordinal).Replace("\"mm-bot.cycle/3\"", "\"mm-bot.cycle/9\"", StringComparison.Ordinal);
        var future = session.Copy("future.jsonl", lines);
        (code, _, stderr) = await Replay(future);
        Assert.Equal(2, code);
        Assert.Contains($"{future}:3: schema \"mm-bot.cycle/9\"; this mm-bot reads \"mm-bot.cycle/3\" and \"mm-bot.cycle/2\"", stderr, StringComparison.Ordinal);

        var empty = session.Copy("empty.jsonl", ["", "  "]);
        (code, _, stderr) = await Replay(empty);
        Assert.Equal(2, code);
        Assert.Contains("no recorded cycles", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_html_report_is_self_contained_and_has_chart_data()
    {
        var report = Path.Combine(session.Directory, "report.html");
        var (code, _, stderr) = await Replay(session.File, "--set", "MM_HALF_SPREAD_BPS=60", "--report", report, "--json");
        Assert.True(code == 0, stderr);
        var html = File.ReadAllText(report);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*[""']?\s*(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg id=\"chart-recorded\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"chart-what-if\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"chart-inventory\"", html, StringComparison.Ordinal);
        Assert.Contains("data-name=\"our bid (what-if)\"", html, StringComparison.Ordinal);
        Assert.Contains("data-name=\"best other ask\"", html, StringComparison.Ordinal);
        Assert.Contains("<rect class=\"halt\"", html, StringComparison.Ordinal);
        Assert.Contains("kill switch active", html, StringComparison.Ordinal);

        var match = Regex.Match(html, "<script type=\"application/json\" id=\"chart-data\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(match.Success);
        var data = JsonNode.Parse(match.Groups[1].Value)!;
        Assert.Equal(RecordedSessionFixture.Cycles, (int)data["cycles"]!);
        var time = data["time"]!.AsArray();
        Assert.Equal(RecordedSessionFixture.Cycles, time.Count);
        foreach (var series in new[] { "reference", "best_other_bid", "best_other_ask", "recorded_bid", "recorded_ask", "recorded_inventory", "what_if_bid", "what_if_ask" })
        {
            var values = data[series]!.AsArray();
            Assert.Equal(time.Count, values.Count);
            Assert.Contains(values, v => v is not null);
        }

        Assert.Contains(data["what_if_halt"]!.AsArray(), v => (string?)v == "kill switch active");
    }

    [Fact]
    public async Task The_identity_report_charts_the_recorded_run()
    {
        var report = Path.Combine(session.Directory, "identity.html");
        var (code, _, _) = await Replay(session.File, "--report", report);
        Assert.Equal(0, code);
        var html = File.ReadAllText(report);
        Assert.Contains("<svg id=\"chart-recorded\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("chart-what-if", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Bench_measures_cycles_per_second_on_a_10k_cycle_recording()
    {
        var path = Path.Combine(session.Directory, "bench.jsonl");
        SyntheticSession.Write(path, 10_000, seed: 11);
        var (code, stdout, stderr) = await Replay(path, "--bench", "--no-progress");
        output.WriteLine(stdout);
        Assert.True(code == 0, stdout + stderr);
        Assert.StartsWith("identical: 10000 cycles", stdout, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"bench \(warm, 1 pass after \d+ warm-up passes?\): 10000 cycles in \d+\.\d{3} s: [\d,]+ cycles/s end to end"), stdout);
        Assert.Matches(new Regex(@"bench: 10000 cycles in \d+\.\d{3} s: [\d,]+ cycles/s end to end .* [\d,]+ cycles per CPU second .* [\d,]+ cycles/s deciding alone"), stdout);

        var json = JsonNode.Parse((await Replay(path, "--bench", "--json")).Out)!;
        Assert.True((double)json["bench"]!["cycles_per_second"]! > 0);
        Assert.Equal(10_000, (long)json["bench"]!["warm"]!["cycles"]!);
        Assert.Equal(1, (int)json["bench"]!["warm"]!["passes"]!);
        Assert.True((int)json["bench"]!["warm"]!["warm_up_passes"]! >= 1);
    }
}

public sealed class JsonDiffTests
{
    [Theory]
    [InlineData("{\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2],\"a\":1}", null)]
    [InlineData("{\"a\":\"1.5\"}", "{\"a\":\"1.50\"}", "d.a")]
    [InlineData("{\"a\":[{\"x\":null}]}", "{\"a\":[{\"x\":\"1\"}]}", "d.a[0].x")]
    [InlineData("{\"a\":[1,2]}", "{\"a\":[1]}", "d.a[1]")]
    [InlineData("{\"a\":1}", "{\"a\":1,\"b\":2}", "d.b")]
    [InlineData("{\"a\":true}", "{\"a\":false}", "d.a")]
    public void First_difference_path(string recorded, string replayed, string? path)
    {
        var d = JsonDiff.First(System.Text.Encoding.UTF8.GetBytes(recorded), System.Text.Encoding.UTF8.GetBytes(replayed), "d");
        Assert.Equal(path, d?.Path);
    }
}
