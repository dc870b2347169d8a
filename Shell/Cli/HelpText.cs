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
        ("integration", "mm-bot integration", "run the live integration scenarios against a real stack, or --paper on one machine (see --help)"),
        ("replay", "mm-bot replay FILE [--set NAME=VALUE ...] [--json] [--report OUT.html]", "replay a recorded session through the decision core; what-if with --set"),
        ("decide", "mm-bot decide [FILE] < input.json", "read one decide input (snapshot, state, config) and print the decision JSON"),
        ("history", "mm-bot history [--limit N] [--json] [--recording FILE] ...", "this bot's fills from the exchange with realized P&L and recorded markouts (docs/pnl.md)"),
        ("reset-drawdown", "mm-bot reset-drawdown [--state-file PATH]", "with the bot stopped: clear a latched \"drawdown limit exceeded\" halt (docs/pnl.md)"),
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
        sb.AppendLine("Stale-data halts are on by default; a timeout of 0 turns that check off. The start-up line \"protections\"");
        sb.AppendLine("lists which protections are on and which are off. Spot inventory limits and skew are measured from");
        sb.AppendLine("MM_TARGET_BASE_INVENTORY; one instance per owner+subaccount+market quotes, others stand by (PostgreSQL lock).");
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

    /// <summary><c>mm-bot fair-anchor --help</c>.</summary>
    public static string FairAnchor() =>
        """
        Usage: mm-bot fair-anchor

        Serves GET /price?market=<symbol> and GET /healthz: the futures fair value from the spot market of a
        markets-service, fair = spot x exp(r x T) + carry_abs + spot x carry_bps / 10000 (T in years of 365 days).
        Fails closed: /healthz 503 and /price 502 when no spot price can be produced.

        Variables:
          FAIR_ANCHOR_LISTEN_ADDR                  listen address [default: :$PORT, else :8090]
          FAIR_ANCHOR_API_BASE_URL                 markets-service base URL (required)
          FAIR_ANCHOR_TIMEOUT_MS                   timeout of one upstream request in ms [default: 1500]
          FAIR_ANCHOR_CACHE_MS                     one upstream read serves all requests for this long, 0..1000 [default: 1000]
          FAIR_ANCHOR_SPOT_SYMBOL                  spot market [default: USDCcNGN-SPOT]
          FAIR_ANCHOR_FUTURES_SYMBOL               futures market served by default [default: USDCcNGN-APR30-2026]
          FAIR_ANCHOR_EXPIRY_UTC                   futures expiry, RFC 3339 [default: 2026-04-30T00:00:00Z]
          FAIR_ANCHOR_RATE_APR                     carry rate per year [default: 0]
          FAIR_ANCHOR_CARRY_ABS                    absolute carry added [default: 0]
          FAIR_ANCHOR_CARRY_BPS                    carry in bps of spot [default: 0]
          FAIR_ANCHOR_MAX_SPOT_AGE_SECONDS         oldest last trade usable as spot, 0 = any [default: 300]
          FAIR_ANCHOR_ALLOW_ANY_MARKET             serve any market symbol [default: false]
          FAIR_ANCHOR_GUARDED_FALLBACK_ENABLED     serve a fixed spot when nothing else works (degraded) [default: false]
          FAIR_ANCHOR_GUARDED_FALLBACK_SPOT_PRICE  that spot price (> 0 when enabled) [default: 0]
          FAIR_ANCHOR_STRAILS_API_URL              StablesRail API (optional spot source) [default: (off)]
          FAIR_ANCHOR_STRAILS_API_KEY              StablesRail API key (secret) [default: (none)]
          FAIR_ANCHOR_STRAILS_PAIR                 StablesRail pair [default: CNGN-USDC]

        """;
}
