namespace MarketMaker.PaperExchange.Faults;

/// <summary>What a fault does to a request (or a dependency).</summary>
public enum FaultKind
{
    /// <summary>Answer with <see cref="FaultRule.StatusCode"/> (default 500) and a <c>{"error":…}</c> body.</summary>
    HttpError,

    /// <summary>Wait <see cref="FaultRule.Delay"/>, then answer normally.</summary>
    Delay,

    /// <summary>Never answer (until the client gives up or the exchange stops): a timeout for the client.</summary>
    Hang,

    /// <summary>200 with a truncated, unparsable JSON body.</summary>
    MalformedBody,

    /// <summary>Abort the TCP connection without a response.</summary>
    DropConnection,

    /// <summary>JSON-RPC only: HTTP 200 with a JSON-RPC error object (code -32000).</summary>
    RpcError,

    /// <summary><see cref="FaultTargets.Database"/>: the store throws; with Postgres, connections to the database are refused for every client.</summary>
    Unavailable,

    /// <summary><see cref="FaultTargets.Executor"/>: every match fails at execution; both orders are released and retried next tick.</summary>
    Failure,

    /// <summary><see cref="FaultTargets.Ws"/>: live events are silently not delivered (<see cref="FaultRule.Count"/> events, or all until cleared).</summary>
    DropEvents,

    /// <summary><see cref="FaultTargets.Ws"/>: the next frame queued on a connection closes it with 1013 <c>slow consumer</c>.</summary>
    SlowConsumer,

    /// <summary><see cref="FaultTargets.Ws"/>: <c>auth</c> ops get <c>auth_failed</c> (<see cref="FaultRule.Message"/>, default <c>signature does not match address</c>).</summary>
    RefuseAuth,
}

/// <summary>Fault targets: one per endpoint, the JSON-RPC endpoint, and the dependencies.</summary>
public static class FaultTargets
{
    public const string Healthz = "healthz";
    public const string Markets = "markets";
    public const string Book = "book";
    public const string Trades = "trades";
    public const string OrderStatus = "order_status";
    public const string CreateOrder = "create_order";
    public const string CancelOrder = "cancel_order";
    public const string DebugMarkets = "debug_markets";
    public const string Rpc = "rpc";
    public const string Database = "database";
    public const string Executor = "executor";

    /// <summary>The WebSocket API (<c>GET /v1/ws</c>): drop_connection, delay (per frame), drop_events, slow_consumer, refuse_auth.</summary>
    public const string Ws = "ws";

    public static IReadOnlyList<string> All { get; } = [Healthz, Markets, Book, Trades, OrderStatus, CreateOrder, CancelOrder, DebugMarkets, Rpc, Database, Executor, Ws];

    public static bool IsHttp(string target) => target is not (Database or Executor or Ws);
}

/// <summary>
/// One active fault. <see cref="Count"/> limits it to the next N requests (null = until cleared).
/// </summary>
public sealed record FaultRule(string Target, FaultKind Kind)
{
    public int StatusCode { get; init; } = 500;

    public TimeSpan Delay { get; init; }

    public int? Count { get; init; }

    public string? Message { get; init; }
}

/// <summary>
/// Run-time switchable faults (C# API here; HTTP at <c>POST/DELETE/GET /admin/faults</c>). One rule per target;
/// setting a target replaces its rule. Thread-safe.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly Dictionary<string, FaultRule> _rules = new(StringComparer.Ordinal);
    private readonly Func<bool, CancellationToken, Task>? _databaseSwitch;

    /// <param name="databaseSwitch">Makes the real database unreachable (true) or reachable (false); null for the memory store.</param>
    public FaultInjector(Func<bool, CancellationToken, Task>? databaseSwitch = null)
    {
        _databaseSwitch = databaseSwitch;
    }

    public IReadOnlyList<FaultRule> Active
    {
        get
        {
            lock (_gate)
            {
                return [.. _rules.Values.OrderBy(r => r.Target, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>True while the database fault is on: every store operation throws.</summary>
    public bool DatabaseUnavailable
    {
        get
        {
            lock (_gate)
            {
                return _rules.ContainsKey(FaultTargets.Database);
            }
        }
    }

    /// <summary>Sets a fault. A database fault also blocks the real database (Postgres) so the bot's own reads fail.</summary>
    public async Task SetAsync(FaultRule rule, CancellationToken ct = default)
    {
        Validate(rule);
        bool wasDatabaseDown;
        lock (_gate)
        {
            wasDatabaseDown = _rules.ContainsKey(FaultTargets.Database);
            _rules[rule.Target] = rule;
        }

        if (rule.Target == FaultTargets.Database && !wasDatabaseDown && _databaseSwitch is not null)
        {
            await _databaseSwitch(true, ct);
        }
    }

    /// <summary>Clears one target's fault (restoring the database for <see cref="FaultTargets.Database"/>).</summary>
    public async Task ClearAsync(string target, CancellationToken ct = default)
    {
        bool removed;
        lock (_gate)
        {
            removed = _rules.Remove(target);
        }

        if (removed && target == FaultTargets.Database && _databaseSwitch is not null)
        {
            await _databaseSwitch(false, ct);
        }
    }

    public async Task ClearAllAsync(CancellationToken ct = default)
    {
        foreach (var target in FaultTargets.All)
        {
            await ClearAsync(target, ct);
        }
    }

    /// <summary>The fault in force for <paramref name="target"/>, without consuming its count.</summary>
    public FaultRule? Peek(string target)
    {
        lock (_gate)
        {
            return _rules.GetValueOrDefault(target);
        }
    }

    /// <summary>The fault for the next request to <paramref name="target"/>, consuming one of its count.</summary>
    public FaultRule? Take(string target)
    {
        lock (_gate)
        {
            if (!_rules.TryGetValue(target, out var rule))
            {
                return null;
            }

            if (rule.Count is { } n)
            {
                if (n <= 1)
                {
                    _rules.Remove(target);
                }
                else
                {
                    _rules[target] = rule with { Count = n - 1 };
                }
            }

            return rule;
        }
    }

    private static void Validate(FaultRule rule)
    {
        if (!FaultTargets.All.Contains(rule.Target))
        {
            throw new ArgumentException($"fault target \"{rule.Target}\" is unknown; use one of {string.Join(", ", FaultTargets.All)}");
        }

        var ok = rule.Target switch
        {
            FaultTargets.Database => rule.Kind == FaultKind.Unavailable,
            FaultTargets.Executor => rule.Kind == FaultKind.Failure,
            FaultTargets.Ws => rule.Kind is FaultKind.DropConnection or FaultKind.Delay or FaultKind.DropEvents or FaultKind.SlowConsumer or FaultKind.RefuseAuth,
            FaultTargets.Rpc => rule.Kind is not (FaultKind.Unavailable or FaultKind.Failure or FaultKind.DropEvents or FaultKind.SlowConsumer or FaultKind.RefuseAuth),
            _ => rule.Kind is not (FaultKind.Unavailable or FaultKind.Failure or FaultKind.RpcError or FaultKind.DropEvents or FaultKind.SlowConsumer or FaultKind.RefuseAuth),
        };
        if (!ok)
        {
            throw new ArgumentException($"fault kind {rule.Kind} does not apply to target \"{rule.Target}\"");
        }

        if (rule.Kind == FaultKind.HttpError && rule.StatusCode is < 400 or > 599)
        {
            throw new ArgumentException($"fault status {rule.StatusCode} must be between 400 and 599");
        }

        if (rule.Delay < TimeSpan.Zero)
        {
            throw new ArgumentException("fault delay must not be negative");
        }

        if (rule.Count is not null && rule.Target == FaultTargets.Database)
        {
            throw new ArgumentException("the database fault holds until cleared; count does not apply");
        }

        if (rule.Count is <= 0)
        {
            throw new ArgumentException("fault count must be positive");
        }
    }
}
