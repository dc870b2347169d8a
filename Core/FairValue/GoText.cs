using System.Globalization;
using System.Text;

namespace MarketMaker.Core.FairValue;

/// <summary>
/// Renders values the way the reference fair-anchor (Go) renders them in its error strings, so that our messages
/// match reference-bot.md §9 byte for byte: <c>%q</c> strings, <c>%v</c> floats and <c>time.Duration</c> strings.
/// </summary>
public static class GoText
{
    /// <summary>
    /// Go <c>%q</c> (<c>strconv.Quote</c>): double quotes; <c>\"</c>, <c>\\</c>, <c>\a \b \f \n \r \t \v</c>;
    /// other ASCII control characters as <c>\xNN</c>; any other non-printable rune as <c>\uNNNN</c> or <c>\UNNNNNNNN</c>;
    /// a lone surrogate (invalid UTF-16) as <c>\ufffd</c>. The one quoting helper of the solution.
    /// </summary>
    public static string Quote(string? value)
    {
        var text = value ?? string.Empty;
        var sb = new StringBuilder(text.Length + 2);
        sb.Append('"');
        var inv = CultureInfo.InvariantCulture;
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                sb.Append("\\ufffd");
                i += Math.Max(used, 1);
                continue;
            }

            i += used;
            var c = rune.Value;
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\a' => sb.Append("\\a"),
                '\b' => sb.Append("\\b"),
                '\f' => sb.Append("\\f"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                '\v' => sb.Append("\\v"),
                < 0x20 or 0x7f => sb.Append(inv, $"\\x{c:x2}"),
                _ when IsPrint(rune) => sb.Append(rune.ToString()),
                < 0x10000 => sb.Append(inv, $"\\u{c:x4}"),
                _ => sb.Append(inv, $"\\U{c:x8}"),
            };
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>Go's <c>strconv.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsPrint(Rune rune) =>
        rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };

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
        var abs = ticks < 0 ? -(decimal)ticks : ticks;
        var seconds = (long)decimal.Floor((abs + (TimeSpan.TicksPerSecond / 2)) / TimeSpan.TicksPerSecond);
        return WholeSeconds(ticks < 0 ? -seconds : seconds);
    }

    /// <summary>Go <c>d.Truncate(time.Second).String()</c>: toward zero, e.g. <c>0s</c>, <c>45s</c>, <c>2m5s</c>, <c>26h3m4s</c>.</summary>
    public static string DurationTruncated(TimeSpan duration) => WholeSeconds(duration.Ticks / TimeSpan.TicksPerSecond);

    /// <summary>Go's <c>time.Duration</c> text of a whole number of seconds.</summary>
    private static string WholeSeconds(long seconds)
    {
        if (seconds == 0)
        {
            return "0s";
        }

        var sign = seconds < 0 ? "-" : string.Empty;
        var abs = Math.Abs(seconds);
        var h = abs / 3600;
        var m = abs % 3600 / 60;
        var s = abs % 60;
        var inv = CultureInfo.InvariantCulture;
        return h > 0
            ? string.Create(inv, $"{sign}{h}h{m}m{s}s")
            : m > 0
                ? string.Create(inv, $"{sign}{m}m{s}s")
                : string.Create(inv, $"{sign}{s}s");
    }
}
