using System.Globalization;
using System.Numerics;
using MarketMaker.Core.FairValue;

namespace MarketMaker.Core.Config;

/// <summary>One configuration problem: the variable it concerns and a message naming it.</summary>
public sealed record ConfigError(string Variable, string Message)
{
    public override string ToString() => Message;
}

/// <summary>
/// Reads MM_* values with the rules of reference-bot.md §1 and collects every problem instead of stopping at
/// the first: values are trimmed, an empty value means the default, bools use Go's <c>strconv.ParseBool</c> set,
/// numbers are parsed with the invariant culture (decimals as <see cref="decimal"/>, never floating point).
/// A variable that failed to parse is not checked again, so each problem is reported once.
/// Values of sensitive variables are never echoed in messages.
/// </summary>
public sealed class ConfigReader
{
    private static readonly string[] TrueWords = ["1", "t", "T", "TRUE", "true", "True"];
    private static readonly string[] FalseWords = ["0", "f", "F", "FALSE", "false", "False"];
    private static readonly BigInteger Uint256Max = (BigInteger.One << 256) - 1;

    private readonly IReadOnlyDictionary<string, string> env;
    private readonly HashSet<string> sensitive;
    private readonly List<ConfigError> errors = [];
    private readonly HashSet<string> failed = new(StringComparer.Ordinal);

    public ConfigReader(IReadOnlyDictionary<string, string> env, IEnumerable<string>? sensitiveNames = null)
    {
        this.env = env;
        sensitive = new HashSet<string>(sensitiveNames ?? [], StringComparer.Ordinal);
    }

    public IReadOnlyList<ConfigError> Errors => errors;

    /// <summary>True when a problem was already reported for the variable.</summary>
    public bool HasFailed(string name) => failed.Contains(name);

    /// <summary>The trimmed value, or null when the variable is unset or blank.</summary>
    public string? Raw(string name) =>
        env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public bool IsSet(string name) => Raw(name) is not null;

    public string Text(string name, string @default) => Raw(name) ?? @default;

    public bool Bool(string name, bool @default)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            return @default;
        }

        if (TrueWords.Contains(raw, StringComparer.Ordinal))
        {
            return true;
        }

        if (FalseWords.Contains(raw, StringComparer.Ordinal))
        {
            return false;
        }

        Invalid(name, "a bool (1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False)");
        return @default;
    }

    public int Int(string name, int @default)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            return @default;
        }

        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Invalid(name, $"an integer between {int.MinValue} and {int.MaxValue}");
        return @default;
    }

    public long Long(string name, long @default)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            return @default;
        }

        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Invalid(name, "an integer");
        return @default;
    }

    public decimal Decimal(string name, decimal @default)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            return @default;
        }

        if (TryParseDecimal(raw, out var value))
        {
            return value;
        }

        Invalid(name, "a decimal number (e.g. 12.5 or 1e-3)");
        return @default;
    }

    /// <summary>A non-negative decimal integer that fits in uint256, in canonical form (no sign, no leading zeros).</summary>
    public string? Uint256(string name, string? @default)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            return @default;
        }

        if (TryParseUint256(raw, out var value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        Invalid(name, "a non-negative decimal integer (uint256)");
        return @default;
    }

    /// <summary>One of <paramref name="allowed"/>, compared after lower- or upper-casing the value.</summary>
    public string Choice(string name, string @default, IReadOnlyList<string> allowed, bool upperCase = false)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            return @default;
        }

        var normalised = upperCase ? raw.ToUpperInvariant() : raw.ToLowerInvariant();
        if (allowed.Contains(normalised, StringComparer.Ordinal))
        {
            return normalised;
        }

        Invalid(name, "one of " + string.Join(", ", allowed));
        return @default;
    }

    /// <summary>An Ethereum address (0x + 40 hex digits), lower-cased; null when unset.</summary>
    public string? Address(string name, string? @default = null)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            return @default?.ToLowerInvariant();
        }

        if (IsAddress(raw))
        {
            return raw.ToLowerInvariant();
        }

        Invalid(name, "an address (0x followed by 40 hex digits)");
        return @default?.ToLowerInvariant();
    }

    /// <summary>Reports "NAME must be RULE: got VALUE" for the value as given (nothing if the variable already failed).</summary>
    public void Invalid(string name, string rule) => Add(name, $"{name} must be {rule}{Got(name)}");

    /// <summary>
    /// Reports a range/relationship problem unless <paramref name="ok"/>. <paramref name="effective"/> is shown
    /// when the variable is unset (the default was used).
    /// </summary>
    public void Check(bool ok, string name, string rule, IFormattable effective)
    {
        if (ok)
        {
            return;
        }

        var got = IsSet(name) ? Got(name) : $": got {effective.ToString(null, CultureInfo.InvariantCulture)} (the default)";
        Add(name, $"{name} must be {rule}{got}");
    }

    /// <summary>Reports a problem with a complete message (nothing if the variable already failed).</summary>
    public void Add(string name, string message)
    {
        if (!failed.Add(name))
        {
            return;
        }

        errors.Add(new ConfigError(name, message));
    }

    private string Got(string name)
    {
        if (sensitive.Contains(name))
        {
            return " (value not shown)";
        }

        var raw = Raw(name);
        return raw is null ? "" : ": got " + Quote(raw);
    }

    /// <summary>A value quoted for a message (Go <c>%q</c>, <see cref="GoText.Quote"/>); values longer than 120 characters are cut.</summary>
    public static string Quote(string value)
    {
        const int max = 120;
        return GoText.Quote(value.Length > max ? value[..max] + "…" : value);
    }

    public static bool TryParseDecimal(string text, out decimal value) =>
        decimal.TryParse(
            text,
            NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture,
            out value);

    public static bool TryParseUint256(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (text.Length == 0 || text.Length > 78 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        value = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return value <= Uint256Max;
    }

    public static bool IsAddress(string text) =>
        text.Length == 42
        && (text.StartsWith("0x", StringComparison.Ordinal) || text.StartsWith("0X", StringComparison.Ordinal))
        && text.AsSpan(2).ToString().All(char.IsAsciiHexDigit);
}
