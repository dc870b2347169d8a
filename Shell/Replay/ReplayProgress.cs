using System.Diagnostics;
using System.Globalization;

namespace MarketMaker.Shell.Replay;

/// <summary>Progress on stderr: a line rewritten in place on a terminal, else one line every <paramref name="every"/> cycles.</summary>
internal sealed class ReplayProgress(TextWriter stderr, bool enabled, int every)
{
    private readonly bool _terminal = enabled && ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
    private long _lastTick = Stopwatch.GetTimestamp();
    private bool _drawn;

    public void Tick(long cycles, double fraction)
    {
        if (!enabled)
        {
            return;
        }

        if (_terminal)
        {
            if ((cycles & 255) != 0 || Stopwatch.GetElapsedTime(_lastTick) < TimeSpan.FromMilliseconds(250))
            {
                return;
            }

            _lastTick = Stopwatch.GetTimestamp();
            stderr.Write($"\rreplay: {cycles.ToString("N0", CultureInfo.InvariantCulture)} cycles ({(fraction * 100).ToString("0", CultureInfo.InvariantCulture)}%)   ");
            stderr.Flush();
            _drawn = true;
        }
        else if (every > 0 && cycles % every == 0)
        {
            stderr.WriteLine($"replay: {cycles.ToString(CultureInfo.InvariantCulture)} cycles ({(fraction * 100).ToString("0", CultureInfo.InvariantCulture)}% of the file)");
        }
    }

    public void Clear()
    {
        if (_drawn)
        {
            stderr.Write("\r".PadRight(48) + "\r");
            stderr.Flush();
            _drawn = false;
        }
    }
}
