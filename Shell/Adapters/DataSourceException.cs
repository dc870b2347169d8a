namespace MarketMaker.Shell.Adapters;

/// <summary>What kind of failure a data source had.</summary>
public enum DataSourceErrorKind
{
    /// <summary>No answer within the adapter's timeout.</summary>
    Timeout,

    /// <summary>Could not connect, or the connection broke.</summary>
    Unavailable,

    /// <summary>The source answered with an error (e.g. an SQL error).</summary>
    Query,

    /// <summary>The source answered, but a value is unusable (wrong format, out of range, unknown status).</summary>
    Malformed,

    /// <summary>The adapter was given bad input; nothing was asked of the source.</summary>
    InvalidArgument,
}

/// <summary>
/// A failure of an external data source, naming the source (e.g. "postgres") and the field or column involved.
/// Messages never contain connection strings, passwords or keys.
/// </summary>
public sealed class DataSourceException(string source, string field, DataSourceErrorKind kind, string message, Exception? inner = null)
    : Exception($"{source}: {field}: {kind}: {message}", inner)
{
    public string DataSource { get; } = source;

    public string Field { get; } = field;

    public DataSourceErrorKind Kind { get; } = kind;

    public string Detail { get; } = message;
}
