using System.Globalization;

namespace MarketMaker.Core;

/// <summary>
/// The id of an order this bot places (behaviour.md §9): market, trader-view side and nonce. Its wire form
/// <c>mm:&lt;market&gt;:&lt;side&gt;:&lt;nonce&gt;</c> is written by <see cref="ToString"/> and read by <see cref="Read"/>, nowhere else.
/// Ids of orders that are not ours (manual, other tools) stay the exchange's text; <see cref="Read"/> says what such a text is.
/// </summary>
public readonly record struct OrderId(string Market, Side Side, long Nonce)
{
    private const string Prefix = "mm:";

    /// <summary>The wire form, e.g. <c>mm:USDCcNGN-SPOT:buy:1001</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Market}:{Side.Wire()}:{Nonce}");

    /// <summary>What an order id text from the exchange, Postgres or a recording is (the rules of reference-bot.md §4).</summary>
    public static OrderIdText Read(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return OrderIdText.Foreign.Value;
        }

        // mm:<market>:<side>:<nonce>: exactly three separators after the prefix's.
        var rest = text.AsSpan(Prefix.Length);
        var first = rest.IndexOf(':');
        var second = first < 0 ? -1 : rest[(first + 1)..].IndexOf(':');
        var third = second < 0 ? -1 : first + 1 + second;
        if (first < 0 || second < 0 || rest[(third + 1)..].Contains(':'))
        {
            return OrderIdText.Malformed.Value;
        }

        var market = rest[..first].ToString();
        var sideText = rest[(first + 1)..third];
        var nonceText = rest[(third + 1)..];
        Side side;
        if (sideText.SequenceEqual("buy"))
        {
            side = Side.Buy;
        }
        else if (sideText.SequenceEqual("sell"))
        {
            side = Side.Sell;
        }
        else
        {
            return new OrderIdText.InvalidSide(market);
        }

        return Nonces.TryParse(nonceText, out var nonce)
            ? new OrderIdText.Ours(new OrderId(market, side, nonce))
            : new OrderIdText.InvalidNonce(market);
    }

    /// <summary>The id when <paramref name="text"/> is one of ours, well formed.</summary>
    public static OrderId? TryRead(string text) => Read(text) is OrderIdText.Ours ours ? ours.Id : null;
}

/// <summary>What an order id text is: one of ours (parsed), or why not.</summary>
public abstract record OrderIdText
{
    private OrderIdText()
    {
    }

    /// <summary>Not in the <c>mm:</c> namespace: not placed by this bot.</summary>
    public sealed record Foreign : OrderIdText
    {
        public static readonly Foreign Value = new();
    }

    /// <summary>In the <c>mm:</c> namespace but not four colon-separated fields.</summary>
    public sealed record Malformed : OrderIdText
    {
        public static readonly Malformed Value = new();
    }

    /// <summary>Four fields, but the side is not <c>buy</c> or <c>sell</c>.</summary>
    public sealed record InvalidSide(string Market) : OrderIdText;

    /// <summary>Four fields, but the nonce is not a decimal integer nonce.</summary>
    public sealed record InvalidNonce(string Market) : OrderIdText;

    public sealed record Ours(OrderId Id) : OrderIdText;
}
