using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.PaperExchange;
using MarketMaker.PaperExchange.Signatures;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>Accepts every signature except those starting with 0xbad (orders and cancels).</summary>
internal sealed class MarkerVerifier : IOrderSignatureVerifier
{
    public static readonly string Good = "0x" + new string('a', 128) + "1b";
    public static readonly string Bad = "0xbad0" + new string('0', 124) + "1b";

    public List<SignedAction> Actions { get; } = [];

    public List<SignedCancel> Cancels { get; } = [];

    public bool VerifyAction(MatchingDomain domain, SignedAction action)
    {
        lock (Actions)
        {
            Actions.Add(action);
        }

        return !action.Signature.AsSpan().StartsWith(new byte[] { 0xba, 0xd0 });
    }

    public bool VerifyCancel(MatchingDomain domain, SignedCancel cancel)
    {
        lock (Cancels)
        {
            Cancels.Add(cancel);
        }

        return !cancel.Signature.AsSpan().StartsWith(new byte[] { 0xba, 0xd0 });
    }
}

/// <summary>Builds POST /v1/orders bodies independently of the exchange's own code (own ABI words).</summary>
internal static class Bodies
{
    public const string Owner = "0x3448ac0a3283951a2afd5b3a582329eca43cb47b";
    public const string Spot = "0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493";
    public const string Future = "0xdd9c2ddf97a2dc9b9d348dcd0ef776af5291a1f9";
    public const string FutureSubId = "1789567201";
    public const string TradeModule = "0x44813aD30b2fFC1bB2871Eed9b19F63c8196eD1c";

    public static string Word(BigInteger v)
    {
        if (v.Sign < 0)
        {
            v += BigInteger.One << 256;
        }

        return v.ToString("x64", CultureInfo.InvariantCulture)[^64..];
    }

    public static string AddressWord(string address) => new string('0', 24) + address[2..].ToLowerInvariant();

    public static string Data(string asset, BigInteger subId, BigInteger limitPrice, BigInteger desiredAmount, bool isBid, BigInteger? recipient = null) =>
        "0x" + AddressWord(asset) + Word(subId) + Word(limitPrice) + Word(desiredAmount) + Word(0) + Word(recipient ?? 10) + Word(isBid ? 1 : 0);

    public static BigInteger E18(string human) => new(decimal.Parse(human, CultureInfo.InvariantCulture) * 1_000_000_000_000_000_000m);

    /// <summary>An engine-native spot order (canonical scales: limitPrice = price × 1e18, desiredAmount = amount × 1e18).</summary>
    public static JsonObject SpotOrder(string nonce, string side = "sell", string price = "0.000625", string amount = "160000", string? orderId = null, long? expiry = null, string owner = Owner, string subaccount = "10")
    {
        var exp = expiry ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600;
        return Order(orderId ?? $"mm:USDCcNGN-SPOT:{side}:{nonce}", nonce, side, Spot, "0", price, amount, exp, owner, subaccount,
            Data(Spot, 0, E18(price), E18(amount), side == "buy", BigInteger.Parse(subaccount, CultureInfo.InvariantCulture)));
    }

    /// <summary>A futures order (price × 1e18, size × 1e18).</summary>
    public static JsonObject FutureOrder(string nonce, string side = "buy", string price = "1391", string size = "0.005", string? orderId = null, long? expiry = null, string owner = Owner, string subaccount = "10")
    {
        var exp = expiry ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600;
        return Order(orderId ?? $"mm:USDCcNGN-SEP16-2026:{side}:{nonce}", nonce, side, Future, FutureSubId, price, size, exp, owner, subaccount,
            Data(Future, BigInteger.Parse(FutureSubId, CultureInfo.InvariantCulture), E18(price), E18(size), side == "buy", BigInteger.Parse(subaccount, CultureInfo.InvariantCulture)));
    }

    public static JsonObject Order(string orderId, string nonce, string side, string asset, string subId, string price, string amount, long expiry, string owner, string subaccount, string data) => new()
    {
        ["order_id"] = orderId,
        ["owner_address"] = owner,
        ["signer_address"] = owner,
        ["subaccount_id"] = subaccount,
        ["recipient_id"] = subaccount,
        ["nonce"] = nonce,
        ["side"] = side,
        ["asset_address"] = asset,
        ["sub_id"] = subId,
        ["desired_amount"] = amount,
        ["filled_amount"] = "0",
        ["limit_price"] = price,
        ["worst_fee"] = "0",
        ["expiry"] = expiry,
        ["action_json"] = new JsonObject
        {
            ["subaccount_id"] = subaccount,
            ["nonce"] = nonce,
            ["module"] = TradeModule,
            ["data"] = data,
            ["expiry"] = expiry.ToString(CultureInfo.InvariantCulture),
            ["owner"] = owner,
            ["signer"] = owner,
        },
        ["signature"] = MarkerVerifier.Good,
    };

    public static JsonObject Action(this JsonObject order) => order["action_json"]!.AsObject();
}

internal sealed record HttpAnswer(int Status, string Body, string? ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Error => Json.GetProperty("error").GetString();
}

internal static class HttpExtensions
{
    public static async Task<HttpAnswer> PostJsonAsync(this HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content);
        return new HttpAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    public static Task<HttpAnswer> PostJsonAsync(this HttpClient http, string path, JsonNode json) => http.PostJsonAsync(path, json.ToJsonString());

    public static async Task<HttpAnswer> GetAsync2(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return new HttpAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    public static async Task<HttpAnswer> SendAsync2(this HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return new HttpAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }
}

/// <summary>Independent decoder of ABI results used to check the exchange's JSON-RPC answers.</summary>
internal static class AbiDecode
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.StartsWith("0x", StringComparison.Ordinal) ? hex[2..] : hex);

    public static BigInteger UInt(byte[] data, int word) => new(data.AsSpan(word * 32, 32), isUnsigned: true, isBigEndian: true);

    public static BigInteger Int(byte[] data, int word)
    {
        var u = UInt(data, word);
        return u >= BigInteger.One << 255 ? u - (BigInteger.One << 256) : u;
    }

    public static string Address(byte[] data, int word) => "0x" + Convert.ToHexString(data, word * 32 + 12, 20).ToLowerInvariant();

    /// <summary>Decodes <c>(address,uint256,int256)[]</c> returned by getAccountBalances.</summary>
    public static List<(string Asset, BigInteger SubId, BigInteger Balance)> Balances(string hex)
    {
        var data = Hex(hex);
        var offset = (int)UInt(data, 0);
        Assert.Equal(32, offset);
        var length = (int)UInt(data, 1);
        Assert.Equal(64 + length * 96, data.Length);
        var result = new List<(string, BigInteger, BigInteger)>();
        for (var i = 0; i < length; i++)
        {
            var w = 2 + i * 3;
            result.Add((Address(data, w), UInt(data, w + 1), Int(data, w + 2)));
        }

        return result;
    }
}

internal static class PaperHosts
{
    public static PaperExchangeOptions Options(string? database, TimeProvider clock) => new()
    {
        DatabaseConnectionString = database,
        TimeProvider = clock,
        SignatureVerifier = new MarkerVerifier(),
        MatcherEnabled = false,
        TickInterval = TimeSpan.FromMilliseconds(20),
    };
}
