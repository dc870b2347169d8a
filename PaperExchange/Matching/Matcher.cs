using System.Numerics;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Ledger;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Numerics;
using MarketMaker.PaperExchange.Orders;
using MarketMaker.PaperExchange.Storage;
using MarketMaker.PaperExchange.Wire;
using MarketMaker.Protocol.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MarketMaker.PaperExchange.Matching;

public enum MatchOutcomeKind
{
    /// <summary>A side was empty; nothing was reserved.</summary>
    NoCandidate,

    /// <summary>The pair was reserved and released without a fill (reason says why).</summary>
    Released,

    /// <summary>The pair filled; a trade was written.</summary>
    Filled,

    /// <summary>The store failed (database down); nothing changed.</summary>
    StoreError,
}

/// <summary>What one matcher tick did for one market.</summary>
public sealed record MatchOutcome(string Market, MatchOutcomeKind Kind, string? Reason, FinalizedFill? Fill);

/// <summary>
/// The markets-service matcher (markets-service-api.md §6): every tick, per enabled market, reserve the best bid
/// and ask (<c>matching</c>), run the §6.3 checks, "execute" (settle in the ledger after an optional latency),
/// finalize (fills + trade_fills) or release. At most one fill per market per tick; price-time priority; taker =
/// later created_at (tie: greater order_id); fill at the maker's price; no self-trade prevention. Deterministic
/// for a given clock.
/// </summary>
public sealed class Matcher : IAsyncDisposable
{
    private readonly IExchangeStore _store;
    private readonly MarketRegistry _markets;
    private readonly BalanceLedger _ledger;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _executorLatency;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _tickLock = new(1, 1);

    // Pairs reserved as `matching` whose release failed (the store went away between acquire and release). They
    // are released first on the next ticks; without this they would stay `matching` forever, out of the book and
    // uncancellable (the cause of a flaky database-outage test: the bot's own pair reserved just as the database
    // went down never came back).
    private readonly Dictionary<string, string[]> _unreleased = new(StringComparer.Ordinal);
    private CancellationTokenSource? _loopCts;
    private Task? _loop;
    private long _ticks;

    public Matcher(IExchangeStore store, MarketRegistry markets, BalanceLedger ledger, FaultInjector faults, TimeProvider clock, TimeSpan interval, TimeSpan executorLatency, ILogger? log = null)
    {
        _store = store;
        _markets = markets;
        _ledger = ledger;
        _faults = faults;
        _clock = clock;
        _interval = interval;
        _executorLatency = executorLatency;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>Ticks run so far (loop and manual).</summary>
    public long TickCount => Interlocked.Read(ref _ticks);

    /// <summary>Raised after every fill (outside any lock).</summary>
    public event Action<FinalizedFill>? Filled;

    public bool IsRunning => _loop is { IsCompleted: false };

    /// <summary>Starts the periodic loop on the exchange clock.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        _loopCts = new CancellationTokenSource();
        var ct = _loopCts.Token;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(_interval, _clock);
            try
            {
                while (await timer.WaitForNextTickAsync(ct))
                {
                    await RunTickAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync()
    {
        if (_loopCts is null)
        {
            return;
        }

        await _loopCts.CancelAsync();
        try
        {
            await (_loop ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
        }

        _loopCts.Dispose();
        _loopCts = null;
        _loop = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _tickLock.Dispose();
    }

    /// <summary>One tick over every enabled market, in symbol order. Ticks never overlap.</summary>
    public async Task<IReadOnlyList<MatchOutcome>> RunTickAsync(CancellationToken ct = default)
    {
        await _tickLock.WaitAsync(ct);
        try
        {
            Interlocked.Increment(ref _ticks);
            var outcomes = new List<MatchOutcome>();
            foreach (var market in _markets.Active)
            {
                outcomes.Add(await MatchMarketAsync(market, ct));
            }

            return outcomes;
        }
        finally
        {
            _tickLock.Release();
        }
    }

    /// <summary>Orders of <paramref name="market"/> still reserved after a failed release (tests, diagnostics).</summary>
    public IReadOnlyList<string> Unreleased(string market)
    {
        lock (_unreleased)
        {
            return _unreleased.TryGetValue(market, out var ids) ? ids : [];
        }
    }

    private async Task<MatchOutcome> MatchMarketAsync(MarketDefinition market, CancellationToken ct)
    {
        string[]? pending;
        lock (_unreleased)
        {
            _unreleased.TryGetValue(market.Symbol, out pending);
        }

        if (pending is not null)
        {
            try
            {
                await _store.ReleaseAsync(pending, ct);
            }
            catch (StoreException e)
            {
                _log.LogWarning("matcher {Market}: release of {Orders} still failing: {Error}", market.Symbol, string.Join(",", pending), e.Message);
                return new MatchOutcome(market.Symbol, MatchOutcomeKind.StoreError, e.Message, null);
            }

            lock (_unreleased)
            {
                _unreleased.Remove(market.Symbol);
            }

            _log.LogInformation("matcher {Market}: released {Orders} after an earlier failed release", market.Symbol, string.Join(",", pending));
        }

        MatchCandidate? candidate;
        var now = _clock.GetUtcNow();
        try
        {
            candidate = await _store.AcquireMatchCandidateAsync(market.AssetAddress, market.SubId, now.ToUnixTimeSeconds(), ct);
        }
        catch (StoreException e)
        {
            _log.LogWarning("matcher {Market}: acquire failed: {Error}", market.Symbol, e.Message);
            return new MatchOutcome(market.Symbol, MatchOutcomeKind.StoreError, e.Message, null);
        }

        if (candidate is null)
        {
            return new MatchOutcome(market.Symbol, MatchOutcomeKind.NoCandidate, null, null);
        }

        var (taker, maker) = TakerAndMaker(candidate.Bid, candidate.Ask);
        var plan = Plan(market, taker, maker, now.ToUnixTimeSeconds());
        if (plan.Reason is not null)
        {
            return await ReleaseAsync(market, candidate, plan.Reason, ct);
        }

        if (_executorLatency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(_executorLatency, _clock, ct);
            }
            catch (OperationCanceledException)
            {
                // Stopping mid-execution: never leave the pair reserved in the database.
                await ReleaseAsync(market, candidate, "matcher stopped", CancellationToken.None);
                throw;
            }
        }

        if (_faults.Take(FaultTargets.Executor) is { Kind: FaultKind.Failure } fault)
        {
            return await ReleaseAsync(market, candidate, fault.Message ?? "executor failure (injected fault)", ct);
        }

        FinalizedFill fill;
        try
        {
            fill = await _store.FinalizeMatchAsync(new FinalizeFill(taker.OrderId, maker.OrderId, plan.Fill, _clock.GetUtcNow()), ct);
        }
        catch (StoreException e)
        {
            return await ReleaseAsync(market, candidate, $"finalize failed: {e.Message}", ct);
        }

        var buyer = taker.IsBuy ? taker : maker;
        var seller = taker.IsBuy ? maker : taker;
        _ledger.ApplyFill(market, Account(buyer.SubaccountId), Account(seller.SubaccountId), plan.Fill, maker.LimitPrice);
        _log.LogInformation("matcher {Market}: trade {TradeId} {Size} @ {Price} taker {Taker} maker {Maker}", market.Symbol, fill.Trade.TradeId, fill.Trade.Size, fill.Trade.Price, taker.OrderId, maker.OrderId);
        Filled?.Invoke(fill);
        return new MatchOutcome(market.Symbol, MatchOutcomeKind.Filled, null, fill);
    }

    private async Task<MatchOutcome> ReleaseAsync(MarketDefinition market, MatchCandidate candidate, string reason, CancellationToken ct)
    {
        try
        {
            await _store.ReleaseAsync([candidate.Bid.OrderId, candidate.Ask.OrderId], ct);
        }
        catch (StoreException e)
        {
            lock (_unreleased)
            {
                _unreleased[market.Symbol] = [candidate.Bid.OrderId, candidate.Ask.OrderId];
            }

            _log.LogWarning("matcher {Market}: release failed, retried next tick: {Error}", market.Symbol, e.Message);
            return new MatchOutcome(market.Symbol, MatchOutcomeKind.StoreError, e.Message, null);
        }

        return new MatchOutcome(market.Symbol, MatchOutcomeKind.Released, reason, null);
    }

    /// <summary>The taker is the later order (created_at; tie → greater order_id).</summary>
    public static (OrderRow Taker, OrderRow Maker) TakerAndMaker(OrderRow bid, OrderRow ask)
    {
        var cmp = bid.CreatedAt.CompareTo(ask.CreatedAt);
        if (cmp == 0)
        {
            cmp = string.CompareOrdinal(bid.OrderId, ask.OrderId);
        }

        return cmp > 0 ? (bid, ask) : (ask, bid);
    }

    private readonly record struct FillPlan(BigInteger Fill, string? Reason);

    /// <summary>The §6.3 checks and normalizeAction; a reason means "release".</summary>
    private static FillPlan Plan(MarketDefinition market, OrderRow taker, OrderRow maker, long nowUnix)
    {
        static FillPlan No(string reason) => new(BigInteger.Zero, reason);
        if (taker.Expiry <= nowUnix || maker.Expiry <= nowUnix)
        {
            return No("expired");
        }

        var takerTicks = taker.Ticks;
        var makerTicks = maker.Ticks;
        var crossed = taker.IsBuy ? takerTicks >= makerTicks : takerTicks <= makerTicks;
        if (!crossed)
        {
            return No("not crossed");
        }

        if (!TryRemaining(taker, out var takerRemaining) || !TryRemaining(maker, out var makerRemaining))
        {
            return No("invalid amounts");
        }

        var fill = BigInteger.Min(takerRemaining, makerRemaining);
        if (fill.Sign <= 0)
        {
            return No("zero fill");
        }

        var units = ExecutionUnits(market, taker, maker, fill, takerRemaining, makerRemaining);
        if (units is not null)
        {
            return No(units);
        }

        var normalize = NormalizeActions(taker, maker);
        return normalize is not null ? No(normalize) : new FillPlan(fill, null);
    }

    private static bool TryRemaining(OrderRow row, out BigInteger remaining)
    {
        remaining = BigInteger.Zero;
        if (!PgNumeric.TryParse(row.DesiredAmount, out var desired) || !PgNumeric.TryParse(row.FilledAmount, out var filled) || !desired.IsInteger || !filled.IsInteger)
        {
            return false;
        }

        remaining = desired.IntegerValue - filled.IntegerValue;
        return true;
    }

    /// <summary>computeExecutionUnits: decoded data must match the rows; identical exact price/amount scales; limits honoured.</summary>
    private static string? ExecutionUnits(MarketDefinition market, OrderRow taker, OrderRow maker, BigInteger fill, BigInteger takerRemaining, BigInteger makerRemaining)
    {
        var decoded = new List<(OrderRow Row, TradeData Data)>();
        foreach (var row in new[] { taker, maker })
        {
            if (!OrderValidator.TryParseAction(row.ActionJson, out var action, out _) || !TradeDataText.TryDecode(action.Data, out var data, out var error))
            {
                return $"order {row.OrderId}: cannot decode action_json.data";
            }

            if (data!.Asset != row.AssetAddress || !PgNumeric.TryParse(row.SubId, out var sub) || !sub.IsInteger || data.SubId != sub.IntegerValue || data.IsBid != row.IsBuy)
            {
                return $"order {row.OrderId}: action data does not match the order";
            }

            decoded.Add((row, data));
        }

        BigInteger? priceScale = null;
        BigInteger? amountScale = null;
        foreach (var (row, data) in decoded)
        {
            var ticks = row.Ticks;
            if (ticks.Sign <= 0 || !(data.LimitPrice % ticks).IsZero || !PgNumeric.TryParse(row.DesiredAmount, out var desired) || !desired.IsInteger || desired.IntegerValue.Sign <= 0 || !(data.DesiredAmount % desired.IntegerValue).IsZero)
            {
                return $"order {row.OrderId}: signed data is not an exact multiple of the order";
            }

            var ps = data.LimitPrice / ticks;
            var @as = data.DesiredAmount / desired.IntegerValue;
            if ((priceScale is { } p && p != ps) || (amountScale is { } a && a != @as))
            {
                return "price or amount scale differs between taker and maker";
            }

            priceScale = ps;
            amountScale = @as;
        }

        var fillPrice = maker.Ticks * priceScale!.Value;
        var fillAmount = fill * amountScale!.Value;
        if (fillAmount > takerRemaining * amountScale.Value || fillAmount > makerRemaining * amountScale.Value)
        {
            return "fill exceeds remaining";
        }

        var buyData = decoded.First(d => d.Row.IsBuy).Data;
        var sellData = decoded.First(d => !d.Row.IsBuy).Data;
        if (buyData.LimitPrice < fillPrice || sellData.LimitPrice > fillPrice)
        {
            return "signed limit does not allow the fill price";
        }

        return null;
    }

    /// <summary>
    /// normalizeAction: required keys, subaccount_id/nonce byte-equal to the row's numeric text (so a body nonce
    /// like "010", stored as 10, never executes — as in production), addresses, equal modules.
    /// </summary>
    private static string? NormalizeActions(OrderRow taker, OrderRow maker)
    {
        string? module = null;
        foreach (var row in new[] { taker, maker })
        {
            if (!OrderValidator.TryParseAction(row.ActionJson, out var a, out _))
            {
                return $"order {row.OrderId}: action_json is not an object of strings";
            }

            if (a.SubaccountId != row.SubaccountId || a.Nonce != row.Nonce)
            {
                return $"order {row.OrderId}: action_json subaccount_id/nonce differ from the order";
            }

            if (!GoText.IsAddress(a.Module) || !GoText.IsAddress(a.Owner) || !GoText.IsAddress(a.Signer) || a.Expiry.Length == 0)
            {
                return $"order {row.OrderId}: action_json module/owner/signer/expiry invalid";
            }

            if (module is not null && !string.Equals(module, a.Module, StringComparison.OrdinalIgnoreCase))
            {
                return "taker and maker modules differ";
            }

            module = a.Module;
        }

        return null;
    }

    private static BigInteger Account(string subaccountId) =>
        PgNumeric.TryParse(subaccountId, out var n) && n.IsInteger ? n.IntegerValue : BigInteger.Zero;
}
