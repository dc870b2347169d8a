using System.Text;

namespace MarketMaker.Protocol.Markets;

/// <summary>
/// The <c>reason</c> and <c>service</c> tokens of a cancel body (reference-bot.md §7): lower-case, spaces to '_',
/// any character outside [a-z0-9_.-] to '_', leading and trailing '_', '.', '-' trimmed; empty tokens become
/// <c>unknown_service</c> / <c>unspecified</c>. The reason sent is <c>bot.&lt;service&gt;.&lt;reason&gt;</c>.
/// </summary>
public static class CancelReasons
{
    public const string UnknownService = "unknown_service";
    public const string Unspecified = "unspecified";

    /// <summary>The normalized service token.</summary>
    public static string Service(string? service) => Token(service, UnknownService);

    /// <summary><c>bot.&lt;service&gt;.&lt;reason&gt;</c> with both tokens normalized.</summary>
    public static string Reason(string? service, string? reason) => $"bot.{Service(service)}.{Token(reason, Unspecified)}";

    /// <summary>Normalizes one token; <paramref name="fallback"/> when nothing is left.</summary>
    public static string Token(string? text, string fallback)
    {
        var builder = new StringBuilder();
        foreach (var c in (text ?? "").ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-' ? c : '_');
        }

        var token = builder.ToString().Trim('_', '.', '-');
        return token.Length == 0 ? fallback : token;
    }
}
