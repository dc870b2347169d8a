using System.Collections.Immutable;
using System.Numerics;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Markets;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Config;
using MarketMaker.Shell.State;
using Microsoft.Extensions.Logging;

namespace MarketMaker.Shell.Bot;

/// <summary>
/// Start-up to two-sided quotes is mostly the JIT of the first cycle's code (issue 17): gather, decide, persist and
/// sign run one after another, each compiling its methods on first use. This runs the CPU-bound steps once on a
/// spare core while the bot binds its endpoints, finds the market and gathers its first inputs: the core's decisions
/// (a start-up and a running one, on a made-up spot book), a placement and a cancel built and signed with a throwaway
/// key (never the bot's; nothing is sent), their JSON bodies, and the state file's JSON (in memory; no file). It has no
/// effect but compiled code: errors are logged at debug and ignored, and nothing it makes leaves this class.
/// </summary>
public static class StartupWarmup
{
    /// <summary>A fixed throwaway key (secret 0x11…11): it owns nothing anywhere and signs only what is thrown away here.</summary>
    private static readonly Lazy<EthKey> Throwaway = new(() => EthKey.Parse("0x" + new string('1', 64)));

    public static Task Start(Settings s, DeploymentAddresses addresses, ILogger log) =>
        Task.Run(() =>
        {
            try
            {
                Run(s, addresses);
            }
            catch (Exception ex)
            {
                log.LogDebug("start-up warm-up skipped: {Error}", ex.Message);
            }
        });

    /// <returns>How many signed bodies were built (the start-up decision's placements and one cancel).</returns>
    internal static int Run(Settings s, DeploymentAddresses addresses)
    {
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        var market = MarketSpec.For(s.Bot.MarketSymbol, 0.01m);
        var config = s.Bot with { TargetBaseInventory = null };
        var book = new MarketData(
            [new BookOrder("warm-bid", "0x00000000000000000000000000000000000000bb", Side.Buy, 1595m, 50m, now)],
            [new BookOrder("warm-ask", "0x00000000000000000000000000000000000000bb", Side.Sell, 1605m, 50m, now)],
            [new Trade(1, 1600m, 1m, Side.Buy, "t", "m", now)]);
        var snapshot = new Snapshot(
            now,
            market,
            Input<MarketData>.Fresh(book, now),
            Input<LiveOrders>.Fresh(LiveOrders.Empty, now),
            Input<Balances>.Fresh(new Balances(market.IsSpot ? 1000m : 0m, 2_000_000m), now), // a future's base is its position: flat
            Input<AnchorReading>.Missing,
            Input<AnchorReading>.Missing,
            false,
            ImmutableSortedDictionary<string, FinalStatus>.Empty);
        var first = Decider.Decide(snapshot, new BotState(), config);
        var second = Decider.Decide(snapshot with { Now = now.AddSeconds(1) }, first.NextState, config);
        _ = StateFile.Serialize(second.NextState.Persisted);

        var key = Throwaway.Value;
        var identity = new OrderIdentity(
            key,
            key.Address,
            key.Address,
            "1",
            "1",
            "0x0000000000000000000000000000000000000001",
            "0",
            addresses.TradeModule,
            new MatchingDomain(new BigInteger(s.ChainId), addresses.Matching),
            "0",
            60,
            "warmup");
        // Only the signing half of the gateway is used: it is never given a client, so it cannot send.
        var gateway = new MarketsOrderGateway(null!, market, identity, TimeProvider.System);
        var built = 0;
        foreach (var placement in first.Placements.Take(2))
        {
            _ = JsonSerializer.SerializeToUtf8Bytes(gateway.BuildOrder(placement), MarketsJsonContext.Default.PlaceOrderRequest);
            built++;
        }

        var cancel = gateway.BuildCancel(new CancelAction("mm:warmup:buy:2", 2, Side.Buy, SyncReasons.Halt, CancelCategory.Operator));
        _ = JsonSerializer.SerializeToUtf8Bytes(cancel, MarketsJsonContext.Default.CancelOrderRequest);
        return built + 1;
    }
}
