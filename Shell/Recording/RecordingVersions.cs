using System.Text.Json;
using System.Text.Json.Nodes;

namespace MarketMaker.Shell.Recording;

/// <summary>
/// Older recording schemas that this mm-bot still reads (docs/recording-schema.md, version policy).
/// <c>mm-bot.cycle/2</c> and <c>mm-bot.decide-input/2</c> are the /3 documents without the P&amp;L fields; they are
/// read with those fields at their defaults (no P&amp;L book, no pending markouts, MM_MAX_DRAWDOWN off), and a
/// decision replayed from a /2 line is compared with the recorded one after removing the fields /3 added.
/// </summary>
public static class RecordingVersions
{
    public const string CycleV2 = "mm-bot.cycle/2";
    public const string DecideInputV2 = "mm-bot.decide-input/2";

    /// <summary>A /2 line's JSON with the decision fields /3 requires added at their /2 meaning (no P&amp;L report, no markouts).</summary>
    public static JsonObject UpgradeV2Line(JsonObject line)
    {
        if (line["decision"] is JsonObject decision && !decision.ContainsKey("pnl"))
        {
            decision["pnl"] = null;
            decision["markouts"] = new JsonArray();
        }

        return line;
    }

    /// <summary>What /2 called persist_required: the persisted state other than the P&amp;L book changed.</summary>
    public static bool PersistRequiredV2(MarketMaker.Core.PersistedState before, MarketMaker.Core.PersistedState after) =>
        !(after with { Pnl = before.Pnl }).SameAs(before);

    /// <summary>A /3 decision as /2 wrote it: the fields /3 added removed.</summary>
    public static JsonObject DecisionAsV2(JsonObject decision)
    {
        decision.Remove("pnl");
        decision.Remove("markouts");
        if (decision["fills"] is JsonArray fills)
        {
            foreach (var fill in fills.OfType<JsonObject>())
            {
                fill.Remove("price");
                fill.Remove("fee");
            }
        }

        if (decision["next_state"] is JsonObject state)
        {
            StateAsV2(state);
        }

        return decision;
    }

    /// <summary>A /3 BotState as /2 wrote it.</summary>
    public static JsonObject StateAsV2(JsonObject state)
    {
        state.Remove("pending_markouts");
        state.Remove("last_mark");
        (state["persisted"] as JsonObject)?.Remove("pnl");
        if (state["fills"] is JsonObject { } tracker && tracker["orders"] is JsonObject orders)
        {
            foreach (var (_, order) in orders)
            {
                (order as JsonObject)?.Remove("price");
            }
        }

        return state;
    }

    /// <summary>
    /// Whether a replayed /3 decision is, as /2 wrote it, the recorded /2 decision. <c>persist_required</c> is taken as /2
    /// defined it (the state file without the P&amp;L book changed): <paramref name="persistV1"/>.
    /// </summary>
    public static bool SameAsV2(ReadOnlySpan<byte> replayed, bool persistV1, ReadOnlySpan<byte> recordedV1, out byte[] projected)
    {
        var node = JsonNode.Parse(replayed) as JsonObject ?? throw new RecordingFormatException("decision: not an object");
        node["persist_required"] = persistV1;
        projected = JsonSerializer.SerializeToUtf8Bytes(DecisionAsV2(node), RecordingJson.Options);
        var recorded = JsonNode.Parse(recordedV1);
        return JsonNode.DeepEquals(JsonNode.Parse(projected), recorded);
    }
}
