using System.Globalization;
using Npgsql;

namespace MarketMaker.Shell.Config;

/// <summary>A secret text (API key). It prints as "[redacted]"; <see cref="Reveal"/> is the only way to read it.</summary>
public sealed class Secret
{
    private readonly string value;

    public Secret(string value) => this.value = value;

    public string Reveal() => value;

    public override string ToString() => "[redacted]";
}

/// <summary>
/// The database connection, parsed from MM_DATABASE_URL / DATABASE_URL: either a URL
/// (<c>postgres://user:password@host:port/db?sslmode=require</c>) or an Npgsql connection string.
/// It prints with the password redacted; <see cref="ConnectionString"/> is the Npgsql form with the password.
/// </summary>
public sealed class DatabaseUrl
{
    private DatabaseUrl(NpgsqlConnectionStringBuilder builder)
    {
        ConnectionString = builder.ConnectionString;
        var redacted = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        if (!string.IsNullOrEmpty(redacted.Password))
        {
            redacted.Password = "***";
        }

        Redacted = redacted.ConnectionString;
    }

    /// <summary>Npgsql connection string, password included: pass it to Npgsql only, never print it.</summary>
    public string ConnectionString { get; }

    /// <summary>The connection string with the password replaced by ***.</summary>
    public string Redacted { get; }

    public override string ToString() => Redacted;

    /// <summary>Parses either form. The error text never contains the value.</summary>
    public static bool TryParse(string text, out DatabaseUrl? url, out string error)
    {
        url = null;
        try
        {
            var builder = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(text, out error)
                : FromKeyValue(text, out error);
            if (builder is null)
            {
                return false;
            }

            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                error = "must name a host";
                return false;
            }

            url = new DatabaseUrl(builder);
            error = "";
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or InvalidOperationException)
        {
            // The exception text may quote parts of the value, so it is not passed on.
            error = "must be a PostgreSQL URL (postgres://user:password@host:port/db) or an Npgsql connection string (Host=...;Username=...)";
            return false;
        }
    }

    private static NpgsqlConnectionStringBuilder? FromKeyValue(string text, out string error)
    {
        error = "";
        return new NpgsqlConnectionStringBuilder(text);
    }

    private static NpgsqlConnectionStringBuilder? FromUrl(string text, out string error)
    {
        error = "must be a PostgreSQL URL (postgres://user:password@host:port/db) or an Npgsql connection string (Host=...;Username=...)";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = Uri.UnescapeDataString(eq < 0 ? "" : pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = value.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw new FormatException("sslmode"),
                    };
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                default:
                    error = $"has an unsupported URL parameter '{ConfigText.Printable(key)}' (supported: sslmode, connect_timeout, application_name)";
                    return null;
            }
        }

        return builder;
    }
}

internal static class ConfigText
{
    /// <summary>A short, printable form of a name for messages.</summary>
    public static string Printable(string text)
    {
        var cut = text.Length > 40 ? text[..40] : text;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    /// <summary>
    /// A URL with anything that may be a credential removed: user info, the query, and (for RPC URLs, whose
    /// path often carries an API key) the path.
    /// </summary>
    public static string RedactUrl(string url, bool hidePath)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "(unparsable, not shown)";
        }

        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        var path = uri.AbsolutePath;
        if (hidePath && path.Length > 1)
        {
            path = "/…";
        }

        var query = uri.Query.Length > 0 ? "?…" : "";
        var user = uri.UserInfo.Length > 0 ? "***@" : "";
        return $"{uri.Scheme}://{user}{uri.Host}{port}{path}{query}";
    }
}
