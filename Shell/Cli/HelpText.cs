using System.Text;
using MarketMaker.Core.Config;
using MarketMaker.Shell.Config;

namespace MarketMaker.Shell.Cli;

/// <summary>Help texts of the <c>mm-bot</c> command. Only defaults are shown, never a configured value.</summary>
public static class HelpText
{
    public static readonly IReadOnlyList<(string Name, string Usage, string Description)> Commands =
    [
        ("run", "mm-bot run", "quote the configured market on the markets-service (configuration from MM_* variables)"),
        ("paper", "mm-bot paper", "run the bot against the built-in paper exchange (no real funds)"),
        ("integration", "mm-bot integration", "run the live integration scenarios (MM_INT_SCENARIO) against a real stack"),
        ("replay", "mm-bot replay FILE [--set NAME=VALUE ...]", "replay a recorded session through the decision core and report differences"),
        ("decide", "mm-bot decide [FILE]", "read one snapshot JSON (file or stdin) and print the decision JSON"),
        ("fair-anchor", "mm-bot fair-anchor", "serve GET /price and /healthz: futures fair value from the spot market"),
    ];

    /// <summary><c>mm-bot --help</c>.</summary>
    public static string General()
    {
        var sb = new StringBuilder();
        sb.AppendLine("mm-bot - market maker for the Numo USDC/cNGN markets");
        sb.AppendLine();
        sb.AppendLine("Usage: mm-bot <command> [options]");
        sb.AppendLine();
        sb.AppendLine("Commands:");
        var width = Commands.Max(c => c.Usage.Length);
        foreach (var (_, usage, description) in Commands)
        {
            sb.Append("  ").Append(usage.PadRight(width)).Append("  ").AppendLine(description);
        }

        sb.AppendLine();
        sb.AppendLine("Run `mm-bot run --help` for every configuration variable with its default.");
        sb.AppendLine("Configuration problems are all reported at once and exit with code 2.");
        return sb.ToString();
    }

    /// <summary><c>mm-bot run --help</c>: every variable with its default and description, grouped.</summary>
    public static string Run()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage: mm-bot run");
        sb.AppendLine();
        sb.AppendLine("Quotes one market. All configuration comes from environment variables; a blank value means the default.");
        sb.AppendLine("Bools accept 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False. Numbers use '.' as decimal point.");
        sb.AppendLine("Secret values (keys, database URL, API key) are never printed.");
        var all = VariableCatalog.All.Concat(ShellVariables.All).ToList();
        var width = all.Max(v => v.Name.Length);
        var groups = all.GroupBy(v => v.Group).OrderBy(g => GroupRank(g.Key));
        foreach (var group in groups)
        {
            sb.AppendLine();
            sb.Append(group.Key).AppendLine(":");
            foreach (var v in group)
            {
                sb.Append("  ").Append(v.Name.PadRight(width)).Append("  ").Append(v.Description);
                sb.Append(" [default: ").Append(v.Default).Append(']');
                if (v.Secret)
                {
                    sb.Append(" (secret)");
                }

                sb.AppendLine();
            }
        }

        return sb.ToString();
    }

    private static int GroupRank(string group)
    {
        string[] order =
        [
            "Connections", "Identity and signing", "Market and quoting", "Risk limits and halts",
            "Order management and churn guards", "Operator control", "Anchor (non-spot markets)",
        ];
        var index = Array.IndexOf(order, group);
        return index < 0 ? order.Length + (group == "Files, logging and metrics" ? 1 : 0) : index;
    }
}
