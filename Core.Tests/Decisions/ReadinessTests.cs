using MarketMaker.Core;
using Xunit;

namespace MarketMaker.Core.Tests.Decisions;

public class ReadinessTests
{
    public static TheoryData<Readiness, bool, string> Cases() => new()
    {
        { Readiness.Ok, true, "" },
        { new Readiness.Halted(HaltReasons.KillSwitchActive), false, "kill switch active" },
        { new Readiness.Halted(HaltReasons.ReferencePriceUnavailable), false, "reference price unavailable" },
        { new Readiness.AnchorStale(), false, "anchor data stale" },
        { new Readiness.BalancesStale(), false, "balances stale" },
        { new Readiness.MarketDataStale(), false, "exchange market data stale" },
        { new Readiness.StartupPending(), false, "startup reconciliation pending" },
        { new Readiness.SideMissing(Side.Buy), false, "required bid missing too long" },
        { new Readiness.SideMissing(Side.Sell), false, "required ask missing too long" },
        { new Readiness.NotAnswering("balances,anchor"), false, "dependency not answering: balances,anchor" },
        { new Readiness.NotReady("starting"), false, "starting" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_case_has_its_wire_text_and_reads_back_from_it(Readiness readiness, bool ready, string reason)
    {
        Assert.Equal(ready, readiness.Ready);
        Assert.Equal(reason, readiness.Reason);
        Assert.Equal(readiness, Readiness.FromWire(ready, reason));
    }

    [Fact]
    public void A_stale_halt_reads_back_as_the_stale_case_with_the_same_wire_text()
    {
        // The halt and the readiness-only stale case show the same text; the text is what /readyz and recordings carry.
        var read = Readiness.FromWire(false, HaltReasons.BalancesStale);
        Assert.Equal(new Readiness.Halted(HaltReasons.BalancesStale).Reason, read.Reason);
        Assert.IsType<Readiness.BalancesStale>(read);
    }
}
