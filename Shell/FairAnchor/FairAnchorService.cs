using System.Text.Encodings.Web;
using System.Text.Json;
using MarketMaker.Core.FairValue;
using Microsoft.AspNetCore.Http;

namespace MarketMaker.Shell.FairAnchor;

/// <summary>A status code and a JSON body (ending in a newline, like Go's json.Encoder).</summary>
public sealed record FairAnchorReply(int StatusCode, byte[] Body);

/// <summary>
/// The fair-anchor endpoints (reference-bot.md §9): <c>GET /price?market=</c> and <c>GET /healthz</c>.
/// Each request reads its sources afresh (in parallel), selects the spot with <see cref="SpotSelector"/> and prices
/// the future with <see cref="FairValueFormula"/>. Beyond the reference, every answer carries <c>spot_source</c>,
/// <c>spot_age_seconds</c> (null when unknown) and <c>degraded</c>, so a stale or fallback price is never silent.
/// Numbers are JSON numbers (decimals, trailing zeros removed).
/// </summary>
public sealed class FairAnchorService(
    FairAnchorConfig config,
    ISpotMarketReader markets,
    IStrailsOrderbookReader? strails,
    TimeProvider time,
    Action<string> log)
{
    public const string InvalidFairError = "computed invalid fair value";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();
    private readonly (Task<SpotSelection>? Task, DateTimeOffset At)[] _cache = new (Task<SpotSelection>?, DateTimeOffset)[2];
    private readonly Dictionary<string, string> _logged = new(StringComparer.Ordinal);

    /// <summary>
    /// The spot selection, from one upstream read shared by every request within <see cref="FairAnchorConfig.Cache"/>
    /// (at most 1 s): concurrent requests wait for the same read instead of each fetching (docs/hostile-input.md,
    /// rule 6). A read is not tied to one request's cancellation. Fail-closed answers are cached the same way.
    /// </summary>
    public Task<SpotSelection> ResolveSpotAsync(bool allowOwnBook, CancellationToken ct)
    {
        if (config.Cache <= TimeSpan.Zero)
        {
            return ReadSpotAsync(allowOwnBook, ct);
        }

        var slot = allowOwnBook ? 1 : 0;
        Task<SpotSelection> task;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var (cached, at) = _cache[slot];
            if (cached is null || now - at >= config.Cache || now < at || cached.IsFaulted || cached.IsCanceled)
            {
                cached = ReadSpotAsync(allowOwnBook, CancellationToken.None);
                _cache[slot] = (cached, now);
            }

            task = cached;
        }

        return task.WaitAsync(ct);
    }

    /// <summary>Logs a line for <paramref name="key"/> only when its text changed (a state change is one line, not one per request).</summary>
    private void LogChange(string key, string? message, bool announceRecovery = true)
    {
        lock (_gate)
        {
            if (message is null)
            {
                if (_logged.Remove(key) && announceRecovery)
                {
                    log($"{key}: available again");
                }

                return;
            }

            if (_logged.TryGetValue(key, out var last) && last == message)
            {
                return;
            }

            _logged[key] = message;
        }

        log(message);
    }

    private async Task<SpotSelection> ReadSpotAsync(bool allowOwnBook, CancellationToken ct)
    {
        var strailsTask = strails is null
            ? Task.FromResult(Fetched<StrailsBook>.Skipped)
            : Guard(() => strails.GetOrderbookAsync(ct), "strails orderbook");
        var bookTask = allowOwnBook
            ? Guard(() => markets.GetSpotBookTopAsync(config.SpotSymbol, ct), "book endpoint")
            : Task.FromResult(Fetched<SpotBookTop>.Skipped);
        var tradeTask = allowOwnBook
            ? Guard(() => markets.GetLatestSpotTradeAsync(config.SpotSymbol, ct), "trades endpoint")
            : Task.FromResult(Fetched<SpotTradeSample?>.Skipped);
        await Task.WhenAll(strailsTask, bookTask, tradeTask).ConfigureAwait(false);

        var selection = SpotSelector.Select(new SpotSelectionInputs(
            await strailsTask.ConfigureAwait(false),
            await bookTask.ConfigureAwait(false),
            await tradeTask.ConfigureAwait(false),
            time.GetUtcNow(),
            config.MaxSpotAge,
            config.GuardedFallbackPrice,
            allowOwnBook));
        LogChange($"spot notes ({(allowOwnBook ? "with" : "without")} own book)", selection.Notes.IsEmpty ? null : string.Join("; ", selection.Notes), announceRecovery: false);
        return selection;
    }

    /// <summary><c>GET /price?market=</c>.</summary>
    public async Task<FairAnchorReply> PriceAsync(string? requestedMarket, CancellationToken ct)
    {
        var market = string.IsNullOrWhiteSpace(requestedMarket) ? config.FuturesSymbol : requestedMarket.Trim();
        if (!config.AllowAnyMarket && market != config.FuturesSymbol && market != config.SpotSymbol)
        {
            return Error(StatusCodes.Status400BadRequest, $"unsupported market {GoText.Quote(market)}");
        }

        var isSpot = market == config.SpotSymbol;
        var selection = await ResolveSpotAsync(allowOwnBook: !isSpot, ct).ConfigureAwait(false);
        if (selection is not SpotSelection.Selected spot)
        {
            var error = ((SpotSelection.Unavailable)selection).Error;
            LogChange($"price {market}", $"price {market}: spot unavailable: {error}");
            return Error(StatusCodes.Status502BadGateway, error);
        }

        LogChange($"price {market}", null);

        var now = time.GetUtcNow();
        if (isSpot)
        {
            return Json(StatusCodes.Status200OK, w =>
            {
                w.WriteNumber("price", Normal(spot.Spot));
                w.WriteNumber("spot", Normal(spot.Spot));
                w.WriteNumber("fair", Normal(spot.Spot));
                w.WriteString("source", spot.Source.Wire());
                w.WriteString("market", market);
                w.WriteNumber("rate_apr", 0);
                w.WriteNumber("carry_abs", 0);
                w.WriteNumber("carry_bps", 0);
                w.WriteNumber("t_years", 0);
                w.WriteString("expiry_utc", string.Empty);
                w.WriteString("generated_at", Rfc3339.FormatNano(now));
                WriteSpotProvenance(w, spot);
            });
        }

        if (FairValueFormula.Compute(spot.Spot, config.FairParams, now) is not FairValueOutcome.Valid fair)
        {
            log($"price {market}: {InvalidFairError} from spot {spot.Spot}");
            return Error(StatusCodes.Status500InternalServerError, InvalidFairError);
        }

        return Json(StatusCodes.Status200OK, w =>
        {
            w.WriteNumber("price", Normal(fair.Fair));
            w.WriteNumber("spot", Normal(spot.Spot));
            w.WriteNumber("fair", Normal(fair.Fair));
            w.WriteString("source", spot.Source.Wire());
            w.WriteString("market", market);
            w.WriteNumber("rate_apr", Normal(config.RateApr));
            w.WriteNumber("carry_abs", Normal(config.CarryAbs));
            w.WriteNumber("carry_bps", Normal(config.CarryBps));
            w.WriteNumber("t_years", Normal(fair.Years));
            w.WriteString("expiry_utc", Rfc3339.Format(config.ExpiryUtc));
            w.WriteString("generated_at", Rfc3339.FormatNano(now));
            WriteSpotProvenance(w, spot);
        });
    }

    /// <summary><c>GET /healthz</c>: 200 when a spot and a fair value can be produced now (own book allowed), else 503.</summary>
    public async Task<FairAnchorReply> HealthAsync(CancellationToken ct)
    {
        var selection = await ResolveSpotAsync(allowOwnBook: true, ct).ConfigureAwait(false);
        if (selection is not SpotSelection.Selected spot)
        {
            var error = ((SpotSelection.Unavailable)selection).Error;
            LogChange("healthz", $"healthz: spot unavailable: {error}");
            return Unhealthy(error);
        }

        LogChange("healthz", null);

        var now = time.GetUtcNow();
        if (FairValueFormula.Compute(spot.Spot, config.FairParams, now) is not FairValueOutcome.Valid fair)
        {
            log($"healthz: {InvalidFairError} from spot {spot.Spot}");
            return Unhealthy(InvalidFairError);
        }

        return Json(StatusCodes.Status200OK, w =>
        {
            w.WriteBoolean("ok", true);
            w.WriteNumber("spot", Normal(spot.Spot));
            w.WriteNumber("fair", Normal(fair.Fair));
            w.WriteString("source", spot.Source.Wire());
            w.WriteString("market", config.FuturesSymbol);
            w.WriteString("expiry", Rfc3339.Format(config.ExpiryUtc));
            w.WriteString("checked", Rfc3339.FormatNano(now));
            w.WriteBoolean("degraded", spot.Degraded);
            w.WriteBoolean("fallback_active", spot.FallbackActive);
            w.WriteBoolean("fallback_enabled", config.GuardedFallbackEnabled);
            WriteSpotProvenance(w, spot, includeDegraded: false);
        });
    }

    /// <summary>Routes one HTTP request. Unknown paths are 404, other methods 405, unexpected failures 500; all JSON.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        FairAnchorReply reply;
        try
        {
            var path = context.Request.Path.Value ?? string.Empty;
            if (path is not ("/price" or "/healthz"))
            {
                reply = Error(StatusCodes.Status404NotFound, "not found");
            }
            else if (!HttpMethods.IsGet(context.Request.Method))
            {
                reply = Error(StatusCodes.Status405MethodNotAllowed, "method not allowed");
            }
            else if (path == "/price")
            {
                var market = context.Request.Query["market"];
                reply = await PriceAsync(market.Count > 0 ? market[0] : null, context.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                reply = await HealthAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            log($"request {context.Request.Path} failed: {ex.GetType().Name}: {ex.Message}");
            reply = Error(StatusCodes.Status500InternalServerError, "internal error");
        }

        context.Response.StatusCode = reply.StatusCode;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = reply.Body.Length;
        await context.Response.Body.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteSpotProvenance(Utf8JsonWriter w, SpotSelection.Selected spot, bool includeDegraded = true)
    {
        w.WriteString("spot_source", spot.Source.Wire());
        if (spot.AgeSeconds is { } age)
        {
            w.WriteNumber("spot_age_seconds", Normal(age));
        }
        else
        {
            w.WriteNull("spot_age_seconds");
        }

        if (includeDegraded)
        {
            w.WriteBoolean("degraded", spot.Degraded);
        }
    }

    private async Task<Fetched<T>> Guard<T>(Func<Task<Fetched<T>>> read, string what)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Readers report failures as values; this only catches a reader that broke that promise.
            log($"{what} reader threw {ex.GetType().Name}");
            return new Fetched<T>.Failed($"{what} failed: {ex.Message}");
        }
    }

    /// <summary>The same value without trailing fractional zeros (1600.000 → 1600).</summary>
    internal static decimal Normal(decimal value) => value / 1.0000000000000000000000000000m;

    private static FairAnchorReply Unhealthy(string error) => Json(StatusCodes.Status503ServiceUnavailable, w =>
    {
        w.WriteBoolean("ok", false);
        w.WriteString("error", error);
    });

    private static FairAnchorReply Error(int status, string error) => Json(status, w => w.WriteString("error", error));

    private static FairAnchorReply Json(int status, Action<Utf8JsonWriter> fields)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return new FairAnchorReply(status, buffer.ToArray());
    }
}
