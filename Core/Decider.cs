namespace MarketMaker.Core;

/// <summary>The one entry point of the core: (snapshot, state, config) → decision.</summary>
public static class Decider
{
    public static Decision Decide(Snapshot snapshot, BotState state, BotConfig config) =>
        throw new NotImplementedException("decision core under construction");
}
