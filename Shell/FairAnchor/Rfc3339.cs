using System.Globalization;
using System.Text.RegularExpressions;

namespace MarketMaker.Shell.FairAnchor;

/// <summary>RFC 3339 timestamps as Go reads and writes them (<c>time.RFC3339</c> / <c>time.RFC3339Nano</c>).</summary>
public static partial class Rfc3339
{
    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses <c>2026-04-30T00:00:00Z</c>, <c>2026-07-23T12:00:00.123456789Z</c>, <c>2026-04-30T01:00:00+01:00</c>.
    /// Fractions beyond 100 ns are truncated.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        var m = text is null ? null : Pattern().Match(text);
        if (m is null || !m.Success)
        {
            return false;
        }

        static int I(Group g) => int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture);
        try
        {
            var offset = TimeSpan.Zero;
            if (m.Groups[9].Success)
            {
                var hours = I(m.Groups[10]);
                var minutes = I(m.Groups[11]);
                if (hours > 23 || minutes > 59)
                {
                    return false;
                }

                offset = new TimeSpan(hours, minutes, 0);
                if (m.Groups[9].Value == "-")
                {
                    offset = -offset;
                }
            }

            var seconds = I(m.Groups[6]);
            if (seconds > 59)
            {
                return false;
            }

            var result = new DateTimeOffset(I(m.Groups[1]), I(m.Groups[2]), I(m.Groups[3]), I(m.Groups[4]), I(m.Groups[5]), seconds, offset);
            if (m.Groups[7].Success)
            {
                var fraction = m.Groups[7].Value.PadRight(7, '0')[..7];
                result = result.AddTicks(long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture));
            }

            value = result;
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Go <c>t.UTC().Format(time.RFC3339)</c>: whole seconds, <c>Z</c>.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Go <c>t.UTC().Format(time.RFC3339Nano)</c>: fraction without trailing zeros, omitted when zero.</summary>
    public static string FormatNano(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        var head = utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        return fraction == 0
            ? head + "Z"
            : head + "." + fraction.ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
    }
}
