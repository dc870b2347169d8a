namespace MarketMaker.Core.Tests.Decisions;

/// <summary>
/// The limits the properties check against, written from the specification's words (behaviour.md §4,
/// reference-bot.md §2 "Capacity" and "Effective inventory limits") and not from the core's code: each member quotes
/// the rule it states. A property that used the core's own helpers could not catch the core applying the wrong rule.
/// </summary>
internal static class SpecOracle
{
    /// <summary>
    /// reference-bot.md §2: MM_MAX_NET_INVENTORY, when set (&gt; 0), bounds the position on both sides and tightens the
    /// side limits, and a side limit of 0 then counts as "not set"; without a net limit the side limits apply as
    /// configured. So the long cap is the tightest of the limits that are set.
    /// </summary>
    public static decimal LongCap(BotConfig c)
    {
        var netSet = c.MaxNetInventory > 0;
        var caps = new List<decimal>();
        if (netSet)
        {
            caps.Add(c.MaxNetInventory);
        }

        if (!netSet || c.MaxLongInventory != 0)
        {
            caps.Add(c.MaxLongInventory);
        }

        return caps.Min();
    }

    /// <summary>The short floor, by the same rule: the highest (tightest) of −MM_MAX_NET_INVENTORY and the short limit that are set.</summary>
    public static decimal ShortFloor(BotConfig c)
    {
        var netSet = c.MaxNetInventory > 0;
        var floors = new List<decimal>();
        if (netSet)
        {
            floors.Add(-c.MaxNetInventory);
        }

        if (!netSet || c.MaxShortInventory != 0)
        {
            floors.Add(c.MaxShortInventory);
        }

        return floors.Max();
    }

    /// <summary>
    /// behaviour.md §4: "available = total − reserved", where the bot's own resting orders count as re-usable capacity
    /// for their side; so only the account's other orders hold anything. On spot a bid holds size × price of quote
    /// and an ask holds size of base; on a cash-margined future every order holds its notional of cash.
    /// </summary>
    public static (decimal Quote, decimal Base) Available(Case c)
    {
        var balances = c.Snapshot.Balances.Value!;
        var others = (c.Snapshot.Orders.Value?.Items ?? []).Where(o => !o.OrderId.StartsWith($"mm:{c.Config.MarketSymbol}:", StringComparison.Ordinal)).ToList();
        if (!c.Snapshot.Market.IsSpot)
        {
            return (balances.QuoteTotal - others.Sum(o => o.Remaining * o.Price), 0m);
        }

        return (balances.QuoteTotal - others.Where(o => o.Side == Side.Buy).Sum(o => o.Remaining * o.Price),
                balances.BaseTotal - others.Where(o => o.Side == Side.Sell).Sum(o => o.Remaining));
    }

    /// <summary>
    /// The most a side may quote in total, in size units (reference-bot.md §2 "Capacity"; the ladder's budget is taken at
    /// the best level's price): bids available quote / best bid price; spot asks available base; future asks available
    /// cash / best ask price.
    /// </summary>
    public static decimal SideBudget(Case c, Side side, decimal bestPrice)
    {
        var (quote, baseAvailable) = Available(c);
        return side == Side.Buy || !c.Snapshot.Market.IsSpot ? quote / bestPrice : baseAvailable;
    }

    /// <summary>
    /// The position inventory limits and skew are measured from (behaviour.md §4, docs/decision-core.md "Target
    /// inventory"): on spot MM_TARGET_BASE_INVENTORY, else the base balance first seen (persisted), else this one; a
    /// future's position is measured from 0.
    /// </summary>
    public static decimal Deviation(Case c)
    {
        var balances = c.Snapshot.Balances.Value!;
        var target = c.Snapshot.Market.IsSpot ? c.Config.TargetBaseInventory ?? c.State.Persisted.TargetBaseInventory ?? balances.BaseTotal : 0m;
        return balances.BaseTotal - target;
    }
}
