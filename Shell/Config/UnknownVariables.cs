using MarketMaker.Core.Config;

namespace MarketMaker.Shell.Config;

/// <summary>
/// An <c>MM_*</c> variable the bot does not know is most likely a misspelling (<c>MM_HALF_SPRED_BPS</c>) whose value
/// is silently not applied: it is warned about once at start-up, naming the closest known variable.
/// <c>MM_INT_*</c> (integration harness) and <c>MM_TEST_*</c> (test suites) belong to other commands.
/// </summary>
public static class UnknownVariables
{
    private static readonly string[] OtherCommands = ["MM_INT_", "MM_TEST_"];

    public static IEnumerable<string> Known =>
        VariableCatalog.All.Select(v => v.Name).Concat(ShellVariables.All.Select(v => v.Name));

    public static IReadOnlyList<string> Warnings(IReadOnlyDictionary<string, string> env)
    {
        var known = Known.ToHashSet(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach (var name in env.Keys.Order(StringComparer.Ordinal))
        {
            if (!name.StartsWith("MM_", StringComparison.Ordinal) || known.Contains(name)
                || OtherCommands.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            var closest = VariableCatalog.Closest(name, known);
            warnings.Add(closest is null
                ? $"unknown variable {name} is ignored (see `mm-bot run --help`)"
                : $"unknown variable {name} is ignored; did you mean {closest}?");
        }

        return warnings;
    }
}
