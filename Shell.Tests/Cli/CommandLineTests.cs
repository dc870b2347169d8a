using MarketMaker.Shell.Cli;

namespace MarketMaker.Shell.Tests.Cli;

public class CommandLineTests
{
    private static async Task<(int Code, string Out, string Err)> Invoke(params string[] args)
    {
        using var stdin = new StringReader("");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CommandLineRunner.InvokeAsync(MmBotCommandLine.Create(new Dictionary<string, string>(), stdin), args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Root_help_lists_the_commands()
    {
        var (code, stdout, _) = await Invoke("--help");
        Assert.Equal(0, code);
        Assert.Equal(HelpText.General(), stdout);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("fair-anchor")]
    public async Task Run_and_fair_anchor_help_print_the_catalogue_texts(string command)
    {
        var (code, stdout, _) = await Invoke(command, "--help");
        Assert.Equal(0, code);
        Assert.Equal(command == "run" ? HelpText.Run() : HelpText.FairAnchor(), stdout);
    }

    [Fact]
    public async Task Decide_help_is_generated_with_its_options()
    {
        var (code, stdout, _) = await Invoke("decide", "-h");
        Assert.Equal(0, code);
        Assert.Contains("decide [<FILE>] [options]", stdout, StringComparison.Ordinal);
        Assert.Contains("--indent", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_help_is_generated_with_its_options()
    {
        var (code, stdout, stderr) = await Invoke("replay", "--help");
        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains("replay <FILE> [options]", stdout, StringComparison.Ordinal);
        Assert.All(
            ["--set <NAME=VALUE>", "--json", "--report <OUT.html>", "--bench", "--no-progress", "--upgrade <OUT>"],
            o => Assert.Contains(o, stdout, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("paper", "--port <N>", "--seed <N>", "--exchange-only", "--database-url <URL>", "--no-taker")]
    [InlineData("integration", "--scenario <NAME>", "--report <PATH>", "--paper", "--database-url <URL>", "--verbose", "MM_INT_TAKER_OWNER_PRIVATE_KEY")]
    [InlineData("history", "--limit <N>", "--json", "--recording <FILE>", "--api <URL>", "--market <SYMBOL>", "--max-pages <N>")]
    [InlineData("reset-drawdown", "--state-file <PATH>")]
    public async Task Generated_help_lists_every_option(string command, params string[] options)
    {
        var (code, stdout, stderr) = await Invoke(command, "--help");
        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains($"{command} [options]", stdout, StringComparison.Ordinal);
        Assert.All(options, o => Assert.Contains(o, stdout, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bogus", "mm-bot", "bogus")]
    [InlineData("paper --frobnicate", "mm-bot paper", "--frobnicate")]
    [InlineData("paper --port 99999", "mm-bot paper", "--port")]
    [InlineData("integration --bogus", "mm-bot integration", "--bogus")]
    [InlineData("integration --database-url Host=127.0.0.1;Username=x", "mm-bot integration", "--database-url is only for --paper")]
    [InlineData("history --limit 0", "mm-bot history", "--limit")]
    [InlineData("history extra", "mm-bot history", "extra")]
    [InlineData("reset-drawdown --state-file", "mm-bot reset-drawdown", "--state-file")]
    [InlineData("run extra", "mm-bot run", "extra")]
    [InlineData("run --bogus", "mm-bot run", "--bogus")]
    [InlineData("fair-anchor --port", "mm-bot fair-anchor", "--port")]
    [InlineData("decide --frobnicate", "mm-bot decide", "--frobnicate")]
    [InlineData("decide a.json b.json", "mm-bot decide", "b.json")]
    [InlineData("replay", "mm-bot replay", "FILE")]
    [InlineData("replay --frob a.jsonl", "mm-bot replay", "unrecognized option \"--frob\"")]
    [InlineData("replay a.jsonl b.jsonl", "mm-bot replay", "b.jsonl")]
    [InlineData("replay a.jsonl --set MM_HALF_SPREAD_BPS", "mm-bot replay", "expected NAME=VALUE")]
    [InlineData("replay a.jsonl --upgrade", "mm-bot replay", "--upgrade")]
    [InlineData("replay a.jsonl --set MM_ORDER_SIZE=1 --bench", "mm-bot replay", "--bench")]
    public async Task A_bad_argument_is_one_line_naming_it_and_exit_2(string args, string prefix, string named)
    {
        var (code, stdout, stderr) = await Invoke(args.Split(' '));
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(prefix + ": ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }
}
