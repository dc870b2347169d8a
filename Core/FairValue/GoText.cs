using System.Globalization;
using System.Text;

namespace MarketMaker.Core.FairValue;

/// <summary>
/// Renders values the way the reference fair-anchor (Go) renders them in its error strings, so that our messages
/// match reference-bot.md §9 byte for byte: <c>%q</c> strings, <c>%v</c> floats and <c>time.Duration</c> strings.
/// </summary>
public static class GoText
{
    /// <summary>Go <c>%q</c>: a double-quoted string with backslash escapes for quotes, backslashes and control characters.</summary>
    public static string Quote(string? value)
    {
        var sb = new StringBuilder((value?.Length ?? 0) + 2);
        sb.Append('"');
        foreach (var c in value ?? string.Empty)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\a':
                    sb.Append("\\a");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\v':
                    sb.Append("\\v");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>
    /// Go <c>%v</c> of a float64 (shortest <c>%g</c>): plain digits when the decimal exponent is in [−4, 6),
    /// otherwise <c>d.ddde±XX</c>. Uses the decimal's own significant digits.
    /// </summary>
    public static string Float(decimal value)
    {
        if (value == 0m)
        {
            return "0";
        }

        var negative = value < 0m;
        var text = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var intPart = point < 0 ? text : text[..point];
        var fracPart = point < 0 ? string.Empty : text[(point + 1)..];
        var all = (intPart + fracPart).TrimStart('0');
        var leadingZerosRemoved = intPart.Length + fracPart.Length - all.Length;
        var digits = all.TrimEnd('0');

        // Position of the decimal point relative to the first significant digit.
        var dp = intPart.Length - leadingZerosRemoved;
        var exp = dp - 1;
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (exp < -4 || exp >= 6)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            sb.Append('e').Append(exp < 0 ? '-' : '+');
            sb.Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        if (dp <= 0)
        {
            sb.Append("0.").Append('0', -dp).Append(digits);
        }
        else if (digits.Length <= dp)
        {
            sb.Append(digits).Append('0', dp - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, dp).Append('.').Append(digits, dp, digits.Length - dp);
        }

        return sb.ToString();
    }

    /// <summary>Go <c>d.Round(time.Second).String()</c>: half away from zero, e.g. <c>0s</c>, <c>45s</c>, <c>5m0s</c>, <c>2h3m4s</c>.</summary>
    public static string DurationSeconds(TimeSpan duration)
    {
        var ticks = duration.Ticks;
        var negative = ticks < 0;
        var abs = negative ? -(decimal)ticks : ticks;
        var seconds = (long)decimal.Floor((abs + (TimeSpan.TicksPerSecond / 2)) / TimeSpan.TicksPerSecond);
        if (seconds == 0)
        {
            return "0s";
        }

        var h = seconds / 3600;
        var m = seconds % 3600 / 60;
        var s = seconds % 60;
        var sign = negative ? "-" : string.Empty;
        var inv = CultureInfo.InvariantCulture;
        return h > 0
            ? string.Create(inv, $"{sign}{h}h{m}m{s}s")
            : m > 0
                ? string.Create(inv, $"{sign}{m}m{s}s")
                : string.Create(inv, $"{sign}{s}s");
    }
}
