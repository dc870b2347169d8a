using MarketMaker.Core;

namespace MarketMaker.Core.Tests;

public class FreshnessTests
{
    private static readonly DateTimeOffset T = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Older_is_the_earlier_of_two_fetch_times()
    {
        Assert.Equal(T, Freshness.Older(T, T.AddSeconds(3)));
        Assert.Equal(T, Freshness.Older(T.AddSeconds(3), T));
    }

    [Fact]
    public void Older_is_never_fetched_while_either_input_was_never_fetched()
    {
        Assert.Null(Freshness.Older(null, T));
        Assert.Null(Freshness.Older(T, null));
        Assert.Null(Freshness.Older(null, null));
    }
}
