using System.Numerics;
using MarketMaker.PaperExchange;
using Microsoft.Extensions.Time.Testing;

namespace MarketMaker.Shell.Tests.Paper;

/// <summary>RequireSignedCancels (ENFORCE_CANCEL_SIGNATURES, markets-service-api.md §4.2): 401 strings and the verified fields.</summary>
public sealed class PaperSignedCancelTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private readonly MarkerVerifier _verifier = new();
    private PaperExchangeHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await PaperExchangeHost.StartAsync(PaperHosts.Options(null, _clock) with { RequireSignedCancels = true, SignatureVerifier = _verifier });
        _http = new HttpClient { BaseAddress = new Uri(_host.ApiUrl) };
        Assert.Equal(201, (await _http.PostJsonAsync("/v1/orders", Bodies.SpotOrder("100"))).Status);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    private string Cancel(string? signer = null, string? expiry = null, string? signature = null)
    {
        var fields = new List<string> { $"\"owner_address\":\"{Bodies.Owner}\"", "\"nonce\":\"100\"", "\"reason\":\"bot.mm.requote\"", "\"service\":\"mm\"" };
        if (signer is not null)
        {
            fields.Add($"\"signer_address\":\"{signer}\"");
        }

        if (expiry is not null)
        {
            fields.Add($"\"expiry\":{expiry}");
        }

        if (signature is not null)
        {
            fields.Add($"\"signature\":\"{signature}\"");
        }

        return "{" + string.Join(",", fields) + "}";
    }

    [Fact]
    public async Task Unsigned_or_wrongly_signed_cancels_are_401_with_the_exact_reason()
    {
        var future = $"\"{_clock.GetUtcNow().ToUnixTimeSeconds() + 120}\"";
        var past = $"\"{_clock.GetUtcNow().ToUnixTimeSeconds()}\"";
        (string Body, string Error)[] cases =
        [
            (Cancel(expiry: future), "cancel must be signed"),
            (Cancel(signer: "0x1111111111111111111111111111111111111111", expiry: future, signature: MarkerVerifier.Good), "cancel signer must be the owner"),
            (Cancel(expiry: past, signature: MarkerVerifier.Good), "cancel expiry: must be in the future"),
            (Cancel(signature: MarkerVerifier.Good), "cancel expiry: must be in the future"),
            (Cancel(expiry: future, signature: MarkerVerifier.Bad), "signature does not authorize this cancel"),
        ];
        foreach (var (body, error) in cases)
        {
            var r = await _http.PostJsonAsync("/v1/orders/cancel", body);
            Assert.Equal((401, error), (r.Status, r.Error));
        }

        Assert.Equal("invalid JSON body", (await _http.PostJsonAsync("/v1/orders/cancel", Cancel(expiry: "123", signature: MarkerVerifier.Good))).Error);
        Assert.Equal("active", (await _http.GetAsync2("/v1/orders/mm:USDCcNGN-SPOT:sell:100")).Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Owner_signed_cancel_succeeds_and_the_verifier_sees_the_typed_fields()
    {
        var expiry = _clock.GetUtcNow().ToUnixTimeSeconds() + 120;
        var r = await _http.PostJsonAsync("/v1/orders/cancel", Cancel(signer: Bodies.Owner, expiry: $"\"{expiry}\"", signature: MarkerVerifier.Good));
        Assert.Equal(200, r.Status);
        Assert.Equal("cancelled", r.Json.GetProperty("order").GetProperty("status").GetString());
        var seen = Assert.Single(_verifier.Cancels);
        Assert.Equal((Bodies.Owner, Bodies.Owner, new BigInteger(100), new BigInteger(expiry), 65), (seen.Owner, seen.Signer, seen.Nonce, seen.Expiry, seen.Signature.Length));
    }
}
