using System.Globalization;
using System.Text.Json;
using MarketMaker.Shell.Config;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// One line per log event on a text writer: <c>2026-11-30T01:02:03.456Z INFO category: message</c>, or with
/// <c>MM_LOG_FORMAT=json</c> one JSON object (<c>time</c>, <c>level</c>, <c>category</c>, <c>msg</c>, the message's
/// named fields, and <c>error</c>). Exceptions are reduced to their type and message: no stack trace, and nothing
/// the exception carries beyond its message (our adapters never put a secret in a message).
/// </summary>
public sealed class LineLoggerProvider(TextWriter output, LogLevel minimum, LogFormat format, TimeProvider time) : ILoggerProvider
{
    private readonly TextWriter _output = TextWriter.Synchronized(output);
    private readonly LogLevel _minimum = minimum;
    private readonly LogFormat _format = format;
    private readonly TimeProvider _time = time;

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose() => _output.Flush();

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

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

            var now = provider._time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var message = formatter(state, exception);
            var error = exception is null ? null : $"{exception.GetType().Name}: {exception.Message}";
            string line;
            if (provider._format == LogFormat.Json)
            {
                using var buffer = new MemoryStream();
                using (var json = new Utf8JsonWriter(buffer))
                {
                    json.WriteStartObject();
                    json.WriteString("time", now);
                    json.WriteString("level", Level(logLevel));
                    json.WriteString("category", category);
                    json.WriteString("msg", message);
                    if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
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

                line = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            }
            else
            {
                line = error is null ? $"{now} {Level(logLevel)} {category}: {message}" : $"{now} {Level(logLevel)} {category}: {message} error=\"{error}\"";
            }

            provider._output.WriteLine(line);
            provider._output.Flush();
        }
    }
}
