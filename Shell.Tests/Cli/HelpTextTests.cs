using MarketMaker.Core.Config;
using MarketMaker.Shell.Cli;
using MarketMaker.Shell.Config;

namespace MarketMaker.Shell.Tests.Cli;

public class HelpTextTests
{
    [Fact]
    public void General_help_lists_every_subcommand_with_a_line_each()
    {
        var text = HelpText.General();
        foreach (var command in new[] { "run", "paper", "integration", "replay", "decide", "fair-anchor" })
        {
            Assert.Contains(text.Split('\n'), line => line.StartsWith("  mm-bot " + command, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Run_help_lists_every_variable_with_its_default()
    {
        var lines = HelpText.Run().Split('\n');
        foreach (var v in ShellVariables.All.Concat(VariableCatalog.All))
        {
            var line = Assert.Single(lines, l => l.TrimStart().StartsWith(v.Name + " ", StringComparison.Ordinal));
            Assert.Contains($"[default: {v.Default}]", line, StringComparison.Ordinal);
            Assert.Contains(v.Description, line, StringComparison.Ordinal);
            Assert.Equal(v.Secret, line.EndsWith("(secret)", StringComparison.Ordinal));
        }
    }
}
