namespace MarketMaker.PaperExchange.Rpc;

/// <summary>
/// The simulated Chainlink NGN/USD aggregator: a settable answer (USD per NGN × 10^decimals), updatedAt = the
/// exchange clock's now unless a fixed age is set (to simulate a stale feed). Thread-safe.
/// </summary>
public sealed class OracleFeed
{
    private readonly object _gate = new();
    private readonly TimeProvider _clock;
    private long _answer;
    private long _round = 1;
    private TimeSpan _age;

    public OracleFeed(long answer, byte decimals, TimeProvider clock)
    {
        _answer = answer;
        Decimals = decimals;
        _clock = clock;
    }

    public byte Decimals { get; }

    public long Answer
    {
        get
        {
            lock (_gate)
            {
                return _answer;
            }
        }
    }

    /// <summary>How old <c>updatedAt</c> reports the answer to be (0 = fresh, now).</summary>
    public TimeSpan Age
    {
        get
        {
            lock (_gate)
            {
                return _age;
            }
        }

        set
        {
            lock (_gate)
            {
                _age = value < TimeSpan.Zero ? TimeSpan.Zero : value;
            }
        }
    }

    /// <summary>Sets a new answer (a new round).</summary>
    public void SetAnswer(long answer)
    {
        lock (_gate)
        {
            _answer = answer;
            _round++;
        }
    }

    /// <summary>Sets the answer from a cNGN-per-USDC price: answer = 10^decimals / price, rounded.</summary>
    public void SetCngnPerUsdc(decimal cngnPerUsdc)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cngnPerUsdc);
        var scale = 1m;
        for (var i = 0; i < Decimals; i++)
        {
            scale *= 10m;
        }

        SetAnswer((long)Math.Round(scale / cngnPerUsdc, MidpointRounding.AwayFromZero));
    }

    /// <summary>(roundId, answer, startedAt, updatedAt, answeredInRound).</summary>
    public (long RoundId, long Answer, long StartedAt, long UpdatedAt, long AnsweredInRound) LatestRound()
    {
        lock (_gate)
        {
            var updated = _clock.GetUtcNow().Subtract(_age).ToUnixTimeSeconds();
            return (_round, _answer, updated, updated, _round);
        }
    }
}
