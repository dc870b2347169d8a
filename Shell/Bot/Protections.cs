using System.Globalization;
using MarketMaker.Core;
using MarketMaker.Shell.Config;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// The start-up line that says which protections are on and which are off (issue 11): stale-data halts, the
/// one-instance lock, refresh before expiry, the kill-switch file and the optional risk limits. A protection that is off
/// is named, so an operator sees at start what the bot will not guard against.
/// </summary>
public static class Protections
{
    public static (IReadOnlyList<string> On, IReadOnlyList<string> Off) Describe(Settings s, bool instanceLock)
    {
        var b = s.Bot;
        var on = new List<string>();
        var off = new List<string>();
        void Seconds(string name, int value)
        {
            if (value > 0)
            {
                on.Add($"{name}={value.ToString(CultureInfo.InvariantCulture)}s");
            }
            else
            {
                off.Add(name);
            }
        }

        Seconds("stale_market_data", b.StaleMarketDataTimeoutSeconds);
        Seconds("stale_balances", b.StaleBalanceTimeoutSeconds);
        var anchorInUse = b.AnchorSourceType != AnchorSourceType.None || (b.ExternalAnchor.Enabled && b.MarketSymbol == MarketSpec.SpotSymbol);
        if (anchorInUse)
        {
            Seconds("stale_anchor", b.StaleAnchorTimeoutSeconds);
        }

        (instanceLock ? on : off).Add("instance_lock");
        Seconds("refresh_before_expiry", b.OrderRefreshBeforeExpirySeconds);
        on.Add($"order_expiry={s.OrderExpirySeconds.ToString(CultureInfo.InvariantCulture)}s");
        (string.IsNullOrEmpty(s.KillSwitchFile) ? off : on).Add("kill_switch_file");
        Seconds("max_quote_age", b.MaxQuoteAgeSeconds);
        (b.MaxAnchorDeviationBps > 0 && anchorInUse ? on : off).Add("max_anchor_deviation");
        (b.MaxNotionalPerSide > 0 ? on : off).Add("max_notional_per_side");
        (b.MaxCancelsPerMinute > 0 ? on : off).Add("max_cancels_per_minute");
        Seconds("readiness_missing_quote", b.ReadinessMissingQuoteTimeoutSeconds);
        return (on, off);
    }

    /// <summary>One line: <c>protections on=a,b off=c,d</c>.</summary>
    public static string Line(Settings s, bool instanceLock)
    {
        var (on, off) = Describe(s, instanceLock);
        return $"on={string.Join(",", on)} off={(off.Count == 0 ? "none" : string.Join(",", off))}";
    }
}
