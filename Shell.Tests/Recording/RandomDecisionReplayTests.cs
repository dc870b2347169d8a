using FsCheck;
using FsCheck.Fluent;
using MarketMaker.Core;
using MarketMaker.Core.Tests.Decisions;
using MarketMaker.Shell.Recording;
using MarketMaker.Shell.Replay;

namespace MarketMaker.Shell.Tests.Recording;

/// <summary>
/// Same input, same output, proven the way an auditor would use it: a few hundred random decisions (the core's
/// property generators: books, balances, live orders, configs, states; each followed by the decision on the state it
/// produced, with its actions applied) are written by the bot's recorder, read back by <c>mm-bot replay</c> from the
/// bytes alone (no shared references), decided again and compared byte for byte.
/// </summary>
public sealed class RandomDecisionReplayTests
{
    [Fact]
    public async Task Random_decisions_recorded_by_the_recorder_replay_byte_identical()
    {
        var cases = new List<Case>();
        Prop.ForAll(Generators.Cases().ToArbitrary(), c =>
        {
            cases.Add(c);
            return true;
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(400));

        var dir = Directory.CreateTempSubdirectory("mm-random-replay-");
        try
        {
            var path = Path.Combine(dir.FullName, "random.jsonl");
            var placements = 0;
            var halts = 0;
            using (var recorder = new JsonlRecorder(path, maxMegabytes: 0))
            {
                foreach (var c in cases)
                {
                    var first = Decider.Decide(c.Snapshot, c.State, c.Config);
                    recorder.Record(c.Snapshot, c.State, c.Config, first);
                    var next = F.Applied(c.Snapshot, first, TimeSpan.FromMilliseconds(c.Config.QuoteRefreshIntervalMs + 1));
                    var second = Decider.Decide(next, first.NextState, c.Config);
                    recorder.Record(next, first.NextState, c.Config, second);
                    placements += first.Placements.Length + second.Placements.Length;
                    halts += (first.Halt is null ? 0 : 1) + (second.Halt is null ? 0 : 1);
                }
            }

            Assert.Equal(2 * cases.Count, File.ReadLines(path).Count());
            // Not vacuous: the decisions place, halt and quote in many ways.
            Assert.True(placements > 200, $"only {placements} placements");
            Assert.True(halts > 50, $"only {halts} halts");

            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var code = await ReplayCommand.RunAsync([path, "--no-progress"], stdout, stderr, CancellationToken.None);
            Assert.True(code == 0, $"replay exit {code}\n{stdout}\n{stderr}");
            Assert.Contains($"identical: {2 * cases.Count} cycles replayed, every decision as recorded", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
