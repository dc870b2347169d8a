using System.Globalization;
using System.Text.Json;
using MarketMaker.Shell.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// The console logger's formatter: one line per log event, <c>2026-11-30T01:02:03.456Z INFO category: message</c>,
/// or with <c>MM_LOG_FORMAT=json</c> one JSON object (<c>time</c>, <c>level</c>, <c>category</c>, <c>msg</c>, the
/// message's named fields, and <c>error</c>). Exceptions are reduced to their type and message: no stack trace, and
/// nothing the exception carries beyond its message (our adapters never put a secret in a message).
/// </summary>
public sealed class LineFormatter(LogFormat format, TimeProvider time) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "mm-line";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var now = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var exception = logEntry.Exception;
        var message = logEntry.Formatter(logEntry.State, exception);
        var error = exception is null ? null : $"{exception.GetType().Name}: {exception.Message}";
        var level = Level(logEntry.LogLevel);
        if (format != LogFormat.Json)
        {
            textWriter.WriteLine(error is null ? $"{now} {level} {logEntry.Category}: {message}" : $"{now} {level} {logEntry.Category}: {message} error=\"{error}\"");
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", now);
            json.WriteString("level", level);
            json.WriteString("category", logEntry.Category);
            json.WriteString("msg", message);
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var (key, value) in fields)
                {
                    if (key is "{OriginalFormat}" or "time" or "level" or "category" or "msg" or "error")
                    {
                        continue;
                    }

                    json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                }
            }

            if (error is not null)
            {
                json.WriteString("error", error);
            }

            json.WriteEndObject();
        }

        textWriter.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };
}

/// <summary>How the processes log: the console logger with <see cref="LineFormatter"/>.</summary>
public static class LineLogging
{
    /// <summary>
    /// The console logger with the line formatter when <paramref name="stdout"/> is the process's standard output;
    /// for any other writer (tests, an embedding caller) the same formatter writing synchronously to it. The
    /// framework's own categories log from WARN up, as before.
    /// </summary>
    public static ILoggingBuilder AddLines(this ILoggingBuilder logging, TextWriter stdout, LogLevel minimum, LogFormat format, TimeProvider time)
    {
        var formatter = new LineFormatter(format, time);
        logging.ClearProviders().SetMinimumLevel(minimum).AddFilter("Microsoft", LogLevel.Warning);
        if (ReferenceEquals(stdout, Console.Out))
        {
            logging.Services.AddSingleton<ConsoleFormatter>(formatter);
            logging.AddConsole(o => o.FormatterName = LineFormatter.FormatterName);
        }
        else
        {
            logging.AddProvider(new LineLoggerProvider(stdout, minimum, format, time));
        }

        return logging;
    }
}

/// <summary><see cref="LineFormatter"/> writing synchronously to any text writer, one flushed line per event.</summary>
public sealed class LineLoggerProvider(TextWriter output, LogLevel minimum, LogFormat format, TimeProvider time) : ILoggerProvider
{
    private readonly TextWriter _output = TextWriter.Synchronized(output);
    private readonly LineFormatter _formatter = new(format, time);
    private readonly LogLevel _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose() => _output.Flush();

    private sealed class LineLogger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            using var line = new StringWriter(CultureInfo.InvariantCulture);
            provider._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), null, line);
            provider._output.Write(line.ToString());
            provider._output.Flush();
        }
    }
}
