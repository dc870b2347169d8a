namespace MarketMaker.Protocol;

/// <summary>
/// Base of every typed error the protocol library raises for bad input: it names where the value came
/// from (<see cref="SourceName"/>) and which field was wrong (<see cref="Field"/>). Messages never contain
/// secrets (keys, URLs with credentials).
/// </summary>
public class ProtocolException : Exception
{
    public ProtocolException(string sourceName, string field, string message, Exception? inner = null)
        : base($"{sourceName}: {field}: {message}", inner)
    {
        SourceName = sourceName;
        Field = field;
        Detail = message;
    }

    /// <summary>Where the bad value came from (a parser, a contract call, an RPC endpoint's configured name).</summary>
    public string SourceName { get; }

    /// <summary>The field (or path, e.g. <c>balances[2].balance</c>) that was wrong.</summary>
    public string Field { get; }

    /// <summary>The message without the source and field prefix.</summary>
    public string Detail { get; }
}

/// <summary>Text that is not the expected hex, address or number format.</summary>
public sealed class ProtocolFormatException(string field, string message, string sourceName = "input")
    : ProtocolException(sourceName, field, message);
