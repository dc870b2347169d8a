using MarketMaker.Protocol.Markets;

namespace MarketMaker.Shell.Tests.Exchange;

public sealed class CancelReasonsTests
{
    [Theory]
    [InlineData("mm", "requote", "bot.mm.requote")]
    [InlineData("  MM Bot ", "Risk Halt!: kill ", "bot.mm_bot.risk_halt___kill")]
    [InlineData("", null, "bot.unknown_service.unspecified")]
    [InlineData("-._", "..", "bot.unknown_service.unspecified")]
    [InlineData("svc.v2", "startup_reconciliation", "bot.svc.v2.startup_reconciliation")]
    public void Reason_tokens_are_normalized_like_the_reference_bot(string? service, string? reason, string expected)
    {
        Assert.Equal(expected, CancelReasons.Reason(service, reason));
    }

    [Fact]
    public void An_empty_service_becomes_unknown_service()
    {
        Assert.Equal("unknown_service", CancelReasons.Service(" "));
    }
}
