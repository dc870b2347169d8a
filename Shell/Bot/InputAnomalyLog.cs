using MarketMaker.Core;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// Which refused inputs were already logged and counted: each (kind, subject) once, so a future-dated trade that
/// stays in the feed for a year is one log line and one count, not one per cycle. Bounded (oldest forgotten first).
/// </summary>
public sealed class InputAnomalyLog
{
    private const int Capacity = 4096;
    private readonly HashSet<(string, string)> _seen = [];
    private readonly Queue<(string, string)> _order = new();

    public IReadOnlyList<InputAnomaly> FirstSeen(IEnumerable<InputAnomaly> anomalies)
    {
        List<InputAnomaly>? fresh = null;
        foreach (var a in anomalies)
        {
            var key = (a.Kind, a.Subject);
            if (!_seen.Add(key))
            {
                continue;
            }

            _order.Enqueue(key);
            if (_order.Count > Capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            (fresh ??= []).Add(a);
        }

        return fresh ?? (IReadOnlyList<InputAnomaly>)[];
    }
}
