using System.Globalization;
using System.Text.Json;
using MarketMaker.PaperExchange.Faults;
using MarketMaker.PaperExchange.Json;
using MarketMaker.PaperExchange.Participants;
using MarketMaker.PaperExchange.Rpc;

namespace MarketMaker.PaperExchange.Http;

/// <summary>
/// JSON of the admin endpoints.
/// <c>POST /admin/faults</c>: <c>{"target":"book","kind":"http_error","status":503,"delay_ms":0,"count":2,"message":"…"}</c>
/// (kinds: http_error, delay, hang, malformed_body, drop_connection, rpc_error, unavailable, failure; for target ws:
/// drop_connection, delay, drop_events, slow_consumer, refuse_auth);
/// <c>POST /admin/oracle</c>: <c>{"answer":62500}</c> or <c>{"cngn_per_usdc":"1600"}</c>, optional <c>"age_seconds"</c>;
/// <c>POST /admin/taker</c>: <c>{"running":true,"fair_price":"1600","step":true}</c>.
/// </summary>
internal static class AdminJson
{
    public static readonly IReadOnlyDictionary<string, FaultKind> Kinds = new Dictionary<string, FaultKind>(StringComparer.Ordinal)
    {
        ["http_error"] = FaultKind.HttpError,
        ["delay"] = FaultKind.Delay,
        ["hang"] = FaultKind.Hang,
        ["malformed_body"] = FaultKind.MalformedBody,
        ["drop_connection"] = FaultKind.DropConnection,
        ["rpc_error"] = FaultKind.RpcError,
        ["unavailable"] = FaultKind.Unavailable,
        ["failure"] = FaultKind.Failure,
        ["drop_events"] = FaultKind.DropEvents,
        ["slow_consumer"] = FaultKind.SlowConsumer,
        ["refuse_auth"] = FaultKind.RefuseAuth,
    };

    public static string KindName(FaultKind kind) => Kinds.First(k => k.Value == kind).Key;

    public static FaultRule ParseFault(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("fault: body must be a JSON object {target, kind, ...}");
        }

        var target = root.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : throw new ArgumentException("fault.target is required (a string)");
        var kindText = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : throw new ArgumentException("fault.kind is required (a string)");
        if (!Kinds.TryGetValue(kindText, out var kind))
        {
            throw new ArgumentException($"fault.kind \"{kindText}\" is unknown; use one of {string.Join(", ", Kinds.Keys)}");
        }

        var rule = new FaultRule(target, kind);
        if (root.TryGetProperty("status", out var s))
        {
            rule = rule with { StatusCode = s.TryGetInt32(out var code) ? code : throw new ArgumentException("fault.status must be an integer") };
        }

        if (root.TryGetProperty("delay_ms", out var d))
        {
            rule = rule with { Delay = d.TryGetInt32(out var ms) ? TimeSpan.FromMilliseconds(ms) : throw new ArgumentException("fault.delay_ms must be an integer") };
        }

        if (root.TryGetProperty("count", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            rule = rule with { Count = c.TryGetInt32(out var n) ? n : throw new ArgumentException("fault.count must be an integer") };
        }

        if (root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
        {
            rule = rule with { Message = m.GetString() };
        }

        return rule;
    }

    public static string Faults(IReadOnlyList<FaultRule> rules)
    {
        var w = new GoJsonWriter().StartObject().Name("faults").StartArray();
        foreach (var r in rules)
        {
            w.StartObject().Prop("target", r.Target).Prop("kind", KindName(r.Kind)).Prop("status", r.StatusCode).Prop("delay_ms", (long)r.Delay.TotalMilliseconds);
            if (r.Count is { } n)
            {
                w.Prop("count", n);
            }

            w.PropOmitEmpty("message", r.Message).EndObject();
        }

        return w.EndArray().EndObject().Finish();
    }

    public static void ApplyOracle(byte[] body, OracleFeed oracle)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("oracle: body must be a JSON object");
        }

        if (root.TryGetProperty("answer", out var a))
        {
            oracle.SetAnswer(a.TryGetInt64(out var answer) && answer > 0 ? answer : throw new ArgumentException("oracle.answer must be a positive integer"));
        }

        if (root.TryGetProperty("cngn_per_usdc", out var p))
        {
            var text = p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetRawText();
            oracle.SetCngnPerUsdc(decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture));
        }

        if (root.TryGetProperty("age_seconds", out var age))
        {
            oracle.Age = TimeSpan.FromSeconds(age.TryGetInt32(out var sec) && sec >= 0 ? sec : throw new ArgumentException("oracle.age_seconds must be a non-negative integer"));
        }
    }

    public static async Task ApplyTakerAsync(byte[] body, TakerFlow taker)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("taker: body must be a JSON object");
        }

        if (root.TryGetProperty("fair_price", out var f))
        {
            var text = f.ValueKind == JsonValueKind.String ? f.GetString()! : f.GetRawText();
            taker.FairPrice = decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
        }

        if (root.TryGetProperty("running", out var r))
        {
            if (r.ValueKind == JsonValueKind.True)
            {
                taker.Start();
            }
            else if (r.ValueKind == JsonValueKind.False)
            {
                await taker.StopAsync();
            }
        }

        if (root.TryGetProperty("step", out var s) && s.ValueKind == JsonValueKind.True)
        {
            await taker.StepAsync();
        }
    }
}
