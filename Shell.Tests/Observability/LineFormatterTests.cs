using System.Text.Json;
using MarketMaker.Shell.Bot;
using MarketMaker.Shell.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Observability;

/// <summary>The console logger's line formatter, in text and JSON, through the logging API as the processes use it.</summary>
public sealed class LineFormatterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 1, 2, 3, 456, TimeSpan.Zero);

    private static string Log(LogFormat format, Action<ILogger> write)
    {
        var output = new StringWriter();
        using (var factory = LoggerFactory.Create(b => b.AddLines(output, LogLevel.Information, format, new FakeTimeProvider(At))))
        {
            write(factory.CreateLogger("mm-bot"));
        }

        return output.ToString();
    }

    [Fact]
    public void Text_lines_have_time_level_category_message_and_the_exception_reduced_to_type_and_message()
    {
        var text = Log(LogFormat.Text, log =>
        {
            log.LogInformation("starting market={Market}", "USDCcNGN-SPOT");
            log.LogWarning(new InvalidOperationException("boom"), "cycle failed: {Error}", "boom");
            log.LogDebug("not shown at INFO");
        });
        Assert.Equal(
            "2026-11-30T01:02:03.456Z INFO mm-bot: starting market=USDCcNGN-SPOT\n" +
            "2026-11-30T01:02:03.456Z WARN mm-bot: cycle failed: boom error=\"InvalidOperationException: boom\"\n",
            text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Json_lines_carry_the_named_fields_and_never_override_the_fixed_ones()
    {
        var text = Log(LogFormat.Json, log => log.LogError(new IOException("disk"), "state {Path} level={Level}", "/tmp/s.json", "x"));
        var line = JsonDocument.Parse(text.Trim()).RootElement;
        Assert.Equal("2026-11-30T01:02:03.456Z", line.GetProperty("time").GetString());
        Assert.Equal("ERROR", line.GetProperty("level").GetString());
        Assert.Equal("mm-bot", line.GetProperty("category").GetString());
        Assert.Equal("state /tmp/s.json level=x", line.GetProperty("msg").GetString());
        Assert.Equal("/tmp/s.json", line.GetProperty("Path").GetString());
        Assert.Equal("x", line.GetProperty("Level").GetString());
        Assert.Equal("IOException: disk", line.GetProperty("error").GetString());
        Assert.False(line.TryGetProperty("{OriginalFormat}", out _));
    }

    [Fact]
    public void Framework_categories_log_from_warn_up_only()
    {
        var output = new StringWriter();
        using (var factory = LoggerFactory.Create(b => b.AddLines(output, LogLevel.Debug, LogFormat.Text, new FakeTimeProvider(At))))
        {
            factory.CreateLogger("Microsoft.Hosting.Lifetime").LogInformation("Application started");
            factory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").LogWarning("overloaded");
            factory.CreateLogger("mm-bot").LogDebug("config x");
        }

        Assert.Equal(
            "2026-11-30T01:02:03.456Z WARN Microsoft.AspNetCore.Server.Kestrel: overloaded\n2026-11-30T01:02:03.456Z DEBUG mm-bot: config x\n",
            output.ToString().ReplaceLineEndings("\n"));
    }
}
