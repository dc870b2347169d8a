using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace MarketMaker.Shell.Tests.Signing;

/// <summary>The shared reference vectors (Vectors/action-signing.json, copied to the output directory).</summary>
public static class SigningVectors
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "action-signing.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    });

    public static JsonElement Document => Root.Value;

    public static JsonElement DeriveCase(string name) => Find("derive", name);

    public static JsonElement NumoCase(string name) => Find("numo", name);

    public static IEnumerable<string> CaseNames(string group) =>
        Document.GetProperty(group).EnumerateArray().Select(c => c.GetProperty("case").GetString()!);

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    /// <summary>An integer given either as a JSON number or as a decimal string.</summary>
    public static BigInteger Int(this JsonElement e, string name)
    {
        var p = e.GetProperty(name);
        var text = p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetRawText();
        return BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static JsonElement Find(string group, string name) =>
        Document.GetProperty(group).EnumerateArray().Single(c => c.GetProperty("case").GetString() == name);
}
