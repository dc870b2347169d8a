namespace MarketMaker.PaperExchange.Signatures;

/// <summary>
/// Session keys registered for owners (the chain's <c>registerSessionKey</c>): a signer other than the owner
/// may sign orders for the owner only when registered here. Thread-safe.
/// </summary>
public sealed class SessionKeyRegistry
{
    private readonly object _gate = new();
    private readonly HashSet<(string Owner, string Signer)> _keys = [];

    public void Register(string owner, string signer)
    {
        lock (_gate)
        {
            _keys.Add((owner.ToLowerInvariant(), signer.ToLowerInvariant()));
        }
    }

    public void Deregister(string owner, string signer)
    {
        lock (_gate)
        {
            _keys.Remove((owner.ToLowerInvariant(), signer.ToLowerInvariant()));
        }
    }

    /// <summary>The owner itself, or a registered session key of the owner.</summary>
    public bool IsAuthorized(string owner, string signer)
    {
        var o = owner.ToLowerInvariant();
        var s = signer.ToLowerInvariant();
        if (o == s)
        {
            return true;
        }

        lock (_gate)
        {
            return _keys.Contains((o, s));
        }
    }
}
