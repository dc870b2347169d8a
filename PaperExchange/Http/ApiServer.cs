using System.Globalization;
using System.Text.Json;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Markets;
using MarketMaker.PaperExchange.Matching;
using MarketMaker.PaperExchange.Numerics;
using MarketMaker.PaperExchange.Orders;
using MarketMaker.PaperExchange.Rpc;
using MarketMaker.PaperExchange.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace MarketMaker.PaperExchange.Http;

/// <summary>
/// The HTTP surface: the markets-service API (chi-like routing: exact paths, plain-text 404
/// <c>404 page not found</c>, empty 405), the JSON-RPC chain at <c>POST /rpc</c>, and the admin endpoints
/// (<c>/admin/faults</c>, <c>/admin/oracle</c>, <c>/admin/taker</c>, <c>/admin/balances</c>). Faults are applied
/// per endpoint before the handler runs.
/// </summary>
internal sealed class ApiServer
{
    public const int BookDepth = 25;
    private const int CancelBodyLimit = 1 << 20;

    private readonly PaperExchangeHost _host;
    private readonly Presenter _presenter;
    private readonly ILogger _log;
    private readonly CancellationToken _stopping;

    public ApiServer(PaperExchangeHost host, ILogger log, CancellationToken stopping)
    {
        _host = host;
        _presenter = new Presenter(host.Markets);
        _log = log;
        _stopping = stopping;
        _ws = new WsServer(host, _presenter, log, stopping);
    }

    private readonly WsServer _ws;

    /// <summary>WebSocket connections open now.</summary>
    public int OpenWebSockets => _ws.Open;

    private IExchangeStore Store => _host.Store;

    private TimeProvider Clock => _host.Clock;

    private delegate Task Handler(HttpContext http, string? routeValue);

    public async Task HandleAsync(HttpContext http)
    {
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        var path = rawTarget.Split('?', 2)[0];
        if (!path.StartsWith('/'))
        {
            path = http.Request.Path.Value ?? "/";
        }

        var method = http.Request.Method;
        var (target, handler, routeValue, notAllowed) = Route(method, path);
        if (handler is null)
        {
            if (notAllowed)
            {
                http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }

            http.Response.StatusCode = StatusCodes.Status404NotFound;
            http.Response.ContentType = "text/plain; charset=utf-8";
            http.Response.Headers["X-Content-Type-Options"] = "nosniff";
            await http.Response.WriteAsync("404 page not found\n");
            return;
        }

        try
        {
            if (target is not null && await ApplyFaultAsync(http, target))
            {
                return;
            }

            await handler(http, routeValue);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError(e, "paper exchange: unhandled error on {Method} {Path}", method, path);
            if (!http.Response.HasStarted)
            {
                await Json(http, 500, GoJsonWriter.ErrorBody("internal error"));
            }
        }
    }

    private (string? Target, Handler? Handler, string? RouteValue, bool NotAllowed) Route(string method, string path)
    {
        bool Get() => method == "GET";
        bool Post() => method == "POST";
        switch (path)
        {
            case "/healthz":
                return Get() ? (FaultTargets.Healthz, Health, null, false) : (null, null, null, true);
            case "/v1/markets":
                return Get() ? (FaultTargets.Markets, MarketsAsync, null, false) : (null, null, null, true);
            case "/v1/book":
                return Get() ? (FaultTargets.Book, BookAsync, null, false) : (null, null, null, true);
            case "/v1/trades":
                return Get() ? (FaultTargets.Trades, TradesAsync, null, false) : (null, null, null, true);
            case "/debug/markets":
                return Get() ? (FaultTargets.DebugMarkets, DebugMarketsAsync, null, false) : (null, null, null, true);
            case "/v1/orders":
                return Post() ? (FaultTargets.CreateOrder, CreateOrderAsync, null, false) : (null, null, null, true);
            case "/v1/orders/cancel" when Post():
                return (FaultTargets.CancelOrder, CancelOrderAsync, null, false);
            case "/v1/ws":
                return Get() ? (null, _ws.HandleAsync, null, false) : (null, null, null, true);
            case "/rpc":
                return Post() ? (FaultTargets.Rpc, RpcAsync, null, false) : (null, null, null, true);
            case "/admin/faults":
                return method is "GET" or "POST" or "DELETE" ? (null, AdminFaultsAsync, null, false) : (null, null, null, true);
            case "/admin/oracle":
                return method is "GET" or "POST" ? (null, AdminOracleAsync, null, false) : (null, null, null, true);
            case "/admin/taker":
                return method is "GET" or "POST" ? (null, AdminTakerAsync, null, false) : (null, null, null, true);
            case "/admin/balances":
                return Get() ? (null, AdminBalancesAsync, null, false) : (null, null, null, true);
            case "/admin/hit":
                return Post() ? (null, AdminHitAsync, null, false) : (null, null, null, true);
            case "/admin/orders":
                return Post() ? (null, AdminOrderAsync, null, false) : (null, null, null, true);
        }

        const string ordersPrefix = "/v1/orders/";
        if (path.StartsWith(ordersPrefix, StringComparison.Ordinal))
        {
            var segment = path[ordersPrefix.Length..];
            if (segment.Length > 0 && !segment.Contains('/'))
            {
                return Get() ? (FaultTargets.OrderStatus, OrderStatusAsync, segment, false) : (null, null, null, true);
            }
        }

        return (null, null, null, false);
    }

    /// <summary>Applies the endpoint's fault; true when the response is already decided.</summary>
    private async Task<bool> ApplyFaultAsync(HttpContext http, string target)
    {
        var rule = _host.Faults.Take(target);
        if (rule is null)
        {
            return false;
        }

        switch (rule.Kind)
        {
            case FaultKind.Delay:
                await Task.Delay(rule.Delay, http.RequestAborted);
                return false;
            case FaultKind.HttpError:
                await Json(http, rule.StatusCode, GoJsonWriter.ErrorBody(rule.Message ?? "injected fault"));
                return true;
            case FaultKind.Hang:
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, linked.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                http.Abort();
                return true;
            case FaultKind.MalformedBody:
                await Json(http, 200, target == FaultTargets.Rpc ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x" : "{\"market_presentation\":{\"market\":\"USDCcNGN-SP");
                return true;
            case FaultKind.DropConnection:
                http.Abort();
                return true;
            case FaultKind.RpcError:
                var body = await ReadBodyAsync(http, CancelBodyLimit);
                var id = "1";
                try
                {
                    using var doc = JsonDocument.Parse(body ?? []);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("id", out var idValue))
                    {
                        id = idValue.GetRawText();
                    }
                }
                catch (JsonException)
                {
                }

                await Json(http, 200, $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{{\"code\":-32000,\"message\":{new GoJsonWriter().String(rule.Message ?? "injected RPC error")}}}}}\n");
                return true;
            default:
                return false;
        }
    }

    private static Task Health(HttpContext http, string? _) => Json(http, 200, "{\"status\":\"ok\"}\n");

    private async Task MarketsAsync(HttpContext http, string? _)
    {
        var w = new GoJsonWriter().StartArray();
        try
        {
            foreach (var m in _host.Markets.Active)
            {
                _presenter.Market(w, m, await Store.GetLastTradeTimeAsync(m.AssetAddress, m.SubId, http.RequestAborted));
            }
        }
        catch (StoreException)
        {
            await Json(http, 500, GoJsonWriter.ErrorBody("failed to load markets"));
            return;
        }

        await Json(http, 200, w.EndArray().Finish());
    }

    private MarketDefinition? ResolveMarket(HttpContext http)
    {
        var q = http.Request.Query;
        var m = _host.Markets.Resolve(q["symbol"].FirstOrDefault(), q["asset_address"].FirstOrDefault()?.ToLowerInvariant(), q["sub_id"].FirstOrDefault());
        return m is { IsActive: true } ? m : null;
    }

    private async Task BookAsync(HttpContext http, string? _)
    {
        var m = ResolveMarket(http);
        if (m is null)
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("unknown market"));
            return;
        }

        var ct = http.RequestAborted;
        IReadOnlyList<OrderRow> bids, asks;
        DateTimeOffset? lastTrade;
        try
        {
            await Store.ExpireOrdersAsync(Clock.GetUtcNow().ToUnixTimeSeconds(), ct);
            bids = await Store.GetBookSideAsync(m.AssetAddress, m.SubId, "buy", BookDepth, ct);
            asks = await Store.GetBookSideAsync(m.AssetAddress, m.SubId, "sell", BookDepth, ct);
            lastTrade = await Store.GetLastTradeTimeAsync(m.AssetAddress, m.SubId, ct);
        }
        catch (StoreException)
        {
            await Json(http, 500, GoJsonWriter.ErrorBody("failed to load book"));
            return;
        }

        var w = new GoJsonWriter().StartObject().Name("market_presentation");
        _presenter.Market(w, m, lastTrade);
        w.Name("bids").StartArray();
        foreach (var o in bids)
        {
            _presenter.Order(w, o);
        }

        w.EndArray().Name("asks").StartArray();
        foreach (var o in asks)
        {
            _presenter.Order(w, o);
        }

        await Json(http, 200, w.EndArray().EndObject().Finish());
    }

    private async Task TradesAsync(HttpContext http, string? _)
    {
        var m = ResolveMarket(http);
        if (m is null)
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("unknown market"));
            return;
        }

        var q = http.Request.Query;
        var limit = 50;
        var limitText = q["limit"].FirstOrDefault();
        if (!string.IsNullOrEmpty(limitText) && (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("limit must be between 1 and 100"));
            return;
        }

        long? before = null;
        var beforeText = q["before_trade_id"].FirstOrDefault();
        if (!string.IsNullOrEmpty(beforeText))
        {
            if (!long.TryParse(beforeText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b) || b <= 0)
            {
                await Json(http, 400, GoJsonWriter.ErrorBody("before_trade_id must be a positive integer"));
                return;
            }

            before = b;
        }

        var ct = http.RequestAborted;
        IReadOnlyList<TradeRow> trades;
        TradeStats stats;
        DateTimeOffset? lastTrade;
        try
        {
            trades = await Store.GetTradesAsync(m.AssetAddress, m.SubId, before, limit, ct);
            stats = await Store.GetTradeStats24hAsync(m.AssetAddress, m.SubId, Clock.GetUtcNow(), ct);
            lastTrade = await Store.GetLastTradeTimeAsync(m.AssetAddress, m.SubId, ct);
        }
        catch (StoreException)
        {
            await Json(http, 500, GoJsonWriter.ErrorBody("failed to load trades"));
            return;
        }

        var w = new GoJsonWriter().StartObject().Name("market_presentation");
        _presenter.Market(w, m, lastTrade);
        w.Name("stats_24h").StartObject()
            .PropOmitEmpty("change", stats.Change)
            .PropOmitEmpty("high", stats.High)
            .PropOmitEmpty("last", stats.Last)
            .PropOmitEmpty("low", stats.Low)
            .PropOmitEmpty("volume", stats.Volume)
            .EndObject();
        w.Name("trades").StartArray();
        foreach (var t in trades)
        {
            _presenter.Trade(w, t);
        }

        w.EndArray();
        if (trades.Count == limit)
        {
            w.Prop("next_before_trade_id", trades[^1].TradeId);
        }

        await Json(http, 200, w.EndObject().Finish());
    }

    private async Task OrderStatusAsync(HttpContext http, string? rawId)
    {
        string orderId;
        try
        {
            orderId = Uri.UnescapeDataString(rawId ?? "");
        }
        catch (UriFormatException)
        {
            orderId = rawId ?? "";
        }

        if (string.IsNullOrWhiteSpace(orderId))
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("order_id is required"));
            return;
        }

        OrderRow? row;
        try
        {
            row = await Store.GetOrderAsync(orderId, http.RequestAborted);
        }
        catch (StoreException)
        {
            await Json(http, 500, GoJsonWriter.ErrorBody("failed to load order"));
            return;
        }

        if (row is null)
        {
            await Json(http, 404, GoJsonWriter.ErrorBody("order not found"));
            return;
        }

        if (!PgNumeric.TryParse(row.DesiredAmount, out var desired) || !PgNumeric.TryParse(row.FilledAmount, out var filled))
        {
            await Json(http, 500, GoJsonWriter.ErrorBody("failed to compute remaining amount"));
            return;
        }

        var body = new GoJsonWriter().StartObject()
            .Prop("order_id", row.OrderId)
            .Prop("status", row.Status)
            .Prop("filled_amount", row.FilledAmount)
            .Prop("remaining_amount", (desired - filled).ToString())
            .Prop("cancel_reason", "")
            .Prop("updated_at", Presenter.Rfc3339Nano(row.CreatedAt))
            .EndObject().Finish();
        await Json(http, 200, body);
    }

    private async Task CreateOrderAsync(HttpContext http, string? _)
    {
        var body = await ReadBodyAsync(http, int.MaxValue);
        if (body is null || !CreateOrderRequest.TryParse(body, out var request))
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("invalid JSON body"));
            return;
        }

        var result = await _host.Orders.CreateAsync(request, verifySignature: true, http.RequestAborted);
        await OrderResponse(http, result);
    }

    private async Task CancelOrderAsync(HttpContext http, string? _)
    {
        var body = await ReadBodyAsync(http, CancelBodyLimit);
        if (body is null)
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("invalid request body"));
            return;
        }

        if (!CancelOrderRequest.TryParse(body, _host.Options.RequireSignedCancels, out var request))
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("invalid JSON body"));
            return;
        }

        var result = await _host.Orders.CancelAsync(request, http.RequestAborted);
        await OrderResponse(http, result);
    }

    private Task OrderResponse(HttpContext http, OrderResult result)
    {
        if (!result.Ok)
        {
            return Json(http, result.Status, GoJsonWriter.ErrorBody(result.Error!));
        }

        var w = new GoJsonWriter().StartObject().Name("order");
        _presenter.Order(w, result.Order!);
        return Json(http, result.Status, w.EndObject().Finish());
    }

    private async Task DebugMarketsAsync(HttpContext http, string? _)
    {
        var w = new GoJsonWriter().StartArray();
        try
        {
            foreach (var m in _host.Markets.Active)
            {
                var c = await Store.GetMarketCountsAsync(m.AssetAddress, m.SubId, http.RequestAborted);
                w.StartObject()
                    .Prop("market", m.Symbol)
                    .Prop("asset_address", m.AssetAddress)
                    .Prop("sub_id", m.SubId)
                    .Prop("contract_type", m.ContractType)
                    .Prop("settlement_type", m.SettlementType)
                    .Name("loaded_in_matcher").Bool(_host.Options.MatcherEnabled)
                    .Prop("open_bid_count", c.OpenBids)
                    .Prop("open_ask_count", c.OpenAsks)
                    .Prop("trade_count", c.TradeCount)
                    .PropOrNull("last_trade_timestamp", c.LastTradeAt?.ToUnixTimeSeconds())
                    .EndObject();
            }
        }
        catch (StoreException)
        {
            await Json(http, 500, GoJsonWriter.ErrorBody("failed to load market diagnostics"));
            return;
        }

        await Json(http, 200, w.EndArray().Finish());
    }

    private async Task RpcAsync(HttpContext http, string? _)
    {
        var body = await ReadBodyAsync(http, CancelBodyLimit * 4) ?? [];
        await Json(http, 200, _host.Rpc.Handle(body));
    }

    private async Task AdminFaultsAsync(HttpContext http, string? _)
    {
        var ct = http.RequestAborted;
        try
        {
            switch (http.Request.Method)
            {
                case "POST":
                    var body = await ReadBodyAsync(http, CancelBodyLimit) ?? [];
                    await _host.Faults.SetAsync(AdminJson.ParseFault(body), ct);
                    break;
                case "DELETE":
                    var target = http.Request.Query["target"].FirstOrDefault();
                    if (string.IsNullOrEmpty(target))
                    {
                        await _host.Faults.ClearAllAsync(ct);
                    }
                    else
                    {
                        await _host.Faults.ClearAsync(target, ct);
                    }

                    break;
            }
        }
        catch (Exception e) when (e is ArgumentException or JsonException or StoreException)
        {
            await Json(http, 400, GoJsonWriter.ErrorBody(e.Message));
            return;
        }

        await Json(http, 200, AdminJson.Faults(_host.Faults.Active));
    }

    private async Task AdminOracleAsync(HttpContext http, string? _)
    {
        if (http.Request.Method == "POST")
        {
            try
            {
                AdminJson.ApplyOracle(await ReadBodyAsync(http, CancelBodyLimit) ?? [], _host.Oracle);
            }
            catch (Exception e) when (e is ArgumentException or JsonException or FormatException or InvalidOperationException or OverflowException)
            {
                await Json(http, 400, GoJsonWriter.ErrorBody(e.Message));
                return;
            }
        }

        var r = _host.Oracle.LatestRound();
        await Json(http, 200, new GoJsonWriter().StartObject()
            .Prop("answer", r.Answer)
            .Prop("decimals", _host.Oracle.Decimals)
            .Prop("updated_at", r.UpdatedAt)
            .Prop("round_id", r.RoundId)
            .EndObject().Finish());
    }

    private async Task AdminTakerAsync(HttpContext http, string? _)
    {
        var taker = _host.Taker;
        if (taker is null)
        {
            await Json(http, 404, GoJsonWriter.ErrorBody("taker flow market is not enabled"));
            return;
        }

        if (http.Request.Method == "POST")
        {
            try
            {
                await AdminJson.ApplyTakerAsync(await ReadBodyAsync(http, CancelBodyLimit) ?? [], taker);
            }
            catch (Exception e) when (e is ArgumentException or JsonException or FormatException or InvalidOperationException or StoreException or Participants.SeedOrderRejectedException)
            {
                await Json(http, 400, GoJsonWriter.ErrorBody(e.Message));
                return;
            }
        }

        await Json(http, 200, new GoJsonWriter().StartObject()
            .Name("running").Bool(taker.IsRunning)
            .Prop("market", taker.Options.Market)
            .Prop("fair_price", taker.FairPrice.ToString(CultureInfo.InvariantCulture))
            .Prop("placed", taker.PlacedCount)
            .EndObject().Finish());
    }

    /// <summary>
    /// <c>POST /admin/hit {"order_id":"…"}</c>: another participant (<see cref="HitOwner"/>, subaccount 77) sends the
    /// opposite order at the resting order's limit price for its whole remaining amount, so the matcher fills it
    /// completely. 404 when the order is unknown, 409 when it no longer rests.
    /// </summary>
    private async Task AdminHitAsync(HttpContext http, string? _)
    {
        var ct = http.RequestAborted;
        string? orderId;
        try
        {
            using var doc = JsonDocument.Parse(await ReadBodyAsync(http, CancelBodyLimit) ?? []);
            orderId = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("order_id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            orderId = null;
        }

        if (string.IsNullOrEmpty(orderId))
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("hit: body must be {\"order_id\":\"…\"}"));
            return;
        }

        var row = await _host.Store.GetOrderAsync(orderId, ct);
        var market = row is null ? null : _host.Markets.ByAsset(row.AssetAddress, row.SubId);
        if (row is null || market is null)
        {
            await Json(http, 404, GoJsonWriter.ErrorBody("hit: unknown order"));
            return;
        }

        var remaining = decimal.Parse(row.DesiredAmount, CultureInfo.InvariantCulture) - decimal.Parse(row.FilledAmount, CultureInfo.InvariantCulture);
        if (row.Status != OrderStatus.Active || remaining <= 0m)
        {
            await Json(http, 409, GoJsonWriter.ErrorBody($"hit: order is {row.Status}"));
            return;
        }

        try
        {
            var taker = await _host.Seeder.PlaceAsync(
                new Participants.SeedOrder
                {
                    Market = market.Symbol,
                    Side = row.IsBuy ? "sell" : "buy",
                    LimitPrice = row.LimitPrice,
                    DesiredAmount = remaining.ToString(CultureInfo.InvariantCulture),
                    Owner = HitOwner,
                    SubaccountId = "77",
                },
                ct);
            await Json(http, 200, new GoJsonWriter().StartObject().Prop("order_id", taker.OrderId).Prop("amount", taker.DesiredAmount).EndObject().Finish());
        }
        catch (Exception e) when (e is StoreException or Participants.SeedOrderRejectedException)
        {
            await Json(http, 400, GoJsonWriter.ErrorBody(e.Message));
        }
    }

    /// <summary>
    /// <c>POST /admin/orders {"market":"USDCcNGN-SPOT","side":"buy","price":"1592","size":"500"}</c>: a trader-view
    /// order of another participant (<see cref="HitOwner"/>, subaccount 77), unsigned, matched like any other.
    /// </summary>
    private async Task AdminOrderAsync(HttpContext http, string? _)
    {
        try
        {
            using var doc = JsonDocument.Parse(await ReadBodyAsync(http, CancelBodyLimit) ?? []);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("orders: body must be a JSON object");
            }

            string Text(string name) => root.TryGetProperty(name, out var v)
                ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())
                : throw new ArgumentException($"orders: \"{name}\" is required");
            var market = root.TryGetProperty("market", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : Markets.MarketDefinition.SpotSymbol;
            var side = Text("side");
            if (side is not ("buy" or "sell"))
            {
                throw new ArgumentException("orders: side must be buy or sell");
            }

            var price = decimal.Parse(Text("price"), NumberStyles.Number, CultureInfo.InvariantCulture);
            var size = decimal.Parse(Text("size"), NumberStyles.Number, CultureInfo.InvariantCulture);
            if (price <= 0m || size <= 0m)
            {
                throw new ArgumentException("orders: price and size must be > 0");
            }

            var row = await _host.Seeder.PlaceTraderOrderAsync(market, side, price, size, owner: HitOwner, subaccountId: "77", ct: http.RequestAborted);
            await Json(http, 200, new GoJsonWriter().StartObject().Prop("order_id", row.OrderId).Prop("status", row.Status).EndObject().Finish());
        }
        catch (Exception e) when (e is ArgumentException or JsonException or FormatException or OverflowException or StoreException or Participants.SeedOrderRejectedException)
        {
            await Json(http, 400, GoJsonWriter.ErrorBody(e.Message));
        }
    }

    /// <summary>The participant behind <c>/admin/hit</c> and <c>/admin/orders</c>.</summary>
    public const string HitOwner = "0x7a4e00000000000000000000000000000000beef";

    private async Task AdminBalancesAsync(HttpContext http, string? _)
    {
        var text = http.Request.Query["subaccount_id"].FirstOrDefault();
        if (!System.Numerics.BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var account))
        {
            await Json(http, 400, GoJsonWriter.ErrorBody("subaccount_id must be a decimal integer"));
            return;
        }

        var w = new GoJsonWriter().StartObject().Prop("subaccount_id", account.ToString(CultureInfo.InvariantCulture)).Name("balances").StartArray();
        foreach (var b in _host.Ledger.GetBalances(account))
        {
            w.StartObject()
                .Prop("asset", b.Asset)
                .Prop("sub_id", b.SubId.ToString(CultureInfo.InvariantCulture))
                .Prop("balance", b.Balance.ToString(CultureInfo.InvariantCulture))
                .EndObject();
        }

        await Json(http, 200, w.EndArray().EndObject().Finish());
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpContext http, int limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task Json(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body, http.RequestAborted);
    }
}
