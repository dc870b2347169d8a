using System.Collections.Immutable;
using System.Runtime.Versioning;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Shell.State;

namespace MarketMaker.Shell.Tests.State;

public sealed class StateFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mm-state-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static PersistedState Full() => new()
    {
        NextNonceBase = 3_481_234_567_890_124,
        LastNonceBySide = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, long>
        {
            ["buy"] = 3_481_234_567_890_120,
            ["sell"] = 3_481_234_567_890_121,
        }),
        LastSubmittedBidOrderId = "mm:USDCcNGN-SPOT:buy:3481234567890120",
        LastSubmittedAskOrderId = "mm:USDCcNGN-SPOT:sell:3481234567890121",
        LastAdoptedBidOrderId = "mm:USDCcNGN-SPOT:buy:100",
        LastAdoptedAskOrderId = "mm:USDCcNGN-SPOT:sell:101",
        LastHaltReason = "balances stale",
        LastInventorySnapshot = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, decimal>
        {
            ["USDC"] = 1234.567890123456789012345678m,
            ["cNGN"] = -0.000000000000000001m,
        }),
        TargetBaseInventory = 100000.000001m,
    };

    [Fact]
    public void Every_field_survives_a_save_and_load()
    {
        var path = Path.Combine(dir, "state.json");
        var state = Full();
        StateFile.Save(path, state);
        var loaded = StateFile.Load(path);
        Assert.True(state.SameAs(loaded));
        Assert.Equal(1234.567890123456789012345678m, loaded.LastInventorySnapshot["USDC"]);
        Assert.Equal(100000.000001m, loaded.TargetBaseInventory);
    }

    [Fact]
    public void The_file_uses_the_reference_field_names_and_decimals_as_strings()
    {
        var path = Path.Combine(dir, "state.json");
        StateFile.Save(path, Full());
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.Equal(
            new[]
            {
                "next_nonce_base", "last_nonce_by_side", "last_submitted_bid_order_id", "last_submitted_ask_order_id",
                "last_adopted_bid_order_id", "last_adopted_ask_order_id", "last_halt_reason", "last_inventory_snapshot",
                "target_base_inventory",
            },
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3_481_234_567_890_124, root.GetProperty("next_nonce_base").GetInt64());
        Assert.Equal(3_481_234_567_890_121, root.GetProperty("last_nonce_by_side").GetProperty("sell").GetInt64());
        Assert.Equal(JsonValueKind.String, root.GetProperty("last_inventory_snapshot").GetProperty("USDC").ValueKind);
        Assert.Equal("1234.567890123456789012345678", root.GetProperty("last_inventory_snapshot").GetProperty("USDC").GetString());
    }

    [Fact]
    public void Empty_optional_fields_are_omitted_and_read_back_as_empty()
    {
        var path = Path.Combine(dir, "state.json");
        StateFile.Save(path, new PersistedState { NextNonceBase = 8 });
        using (var doc = JsonDocument.Parse(File.ReadAllText(path)))
        {
            Assert.Equal(new[] { "next_nonce_base", "last_nonce_by_side" }, doc.RootElement.EnumerateObject().Select(p => p.Name));
        }

        Assert.True(new PersistedState { NextNonceBase = 8 }.SameAs(StateFile.Load(path)));
    }

    [Fact]
    public void A_file_written_by_the_reference_bot_is_read()
    {
        var path = Path.Combine(dir, "go.json");
        File.WriteAllText(path, """
            {
              "next_nonce_base": 3500000000000000,
              "last_nonce_by_side": { "buy": 3499999999999998, "sell": 3499999999999999 },
              "last_submitted_bid_order_id": "mm:USDCcNGN-SPOT:buy:3499999999999998",
              "last_halt_reason": "",
              "last_inventory_snapshot": { "USDC": 1500.25, "cNGN": 2000000 },
              "some_future_field": [1, 2]
            }
            """);
        var state = StateFile.Load(path);
        Assert.Equal(3_500_000_000_000_000, state.NextNonceBase);
        Assert.Equal(3_499_999_999_999_999, state.LastNonceBySide["sell"]);
        Assert.Equal("mm:USDCcNGN-SPOT:buy:3499999999999998", state.LastSubmittedBidOrderId);
        Assert.Null(state.LastSubmittedAskOrderId);
        Assert.Null(state.LastHaltReason);
        Assert.Equal(1500.25m, state.LastInventorySnapshot["USDC"]);
        Assert.Equal(2000000m, state.LastInventorySnapshot["cNGN"]);
    }

    [Fact]
    public void A_missing_file_gives_fresh_defaults()
    {
        var state = StateFile.Load(Path.Combine(dir, "absent", "state.json"));
        Assert.True(new PersistedState().SameAs(state));
    }

    [Theory]
    [InlineData("{ \"next_nonce_base\": 12, ", "is not valid JSON")]
    [InlineData("", "is empty")]
    [InlineData("   \n", "is empty")]
    [InlineData("[1,2]", "must hold a JSON object, not an array")]
    [InlineData("{\"next_nonce_base\": \"abc\"}", "field next_nonce_base must be a non-negative integer at most 2^62 (so that nonces cannot wrap), not the string \"abc\"")]
    [InlineData("{\"next_nonce_base\": 9223372036854775806}", "field next_nonce_base must be a non-negative integer at most 2^62 (so that nonces cannot wrap), not the number 9223372036854775806")]
    [InlineData("{\"last_nonce_by_side\": {\"sell\": \"9223372036854775807\"}}", "field last_nonce_by_side.sell must be a non-negative integer at most 2^62 (so that nonces cannot wrap), not the string \"9223372036854775807\"")]
    [InlineData("{\"next_nonce_base\": -4}", "field next_nonce_base must be a non-negative integer at most 2^62 (so that nonces cannot wrap), not the number -4")]
    [InlineData("{\"next_nonce_base\": 1.5}", "field next_nonce_base must be a non-negative integer at most 2^62 (so that nonces cannot wrap), not the number 1.5")]
    [InlineData("{\"next_nonce_base\": 18446744073709551615}", "field next_nonce_base must be a non-negative integer at most 2^62 (so that nonces cannot wrap), not the number 18446744073709551615")]
    [InlineData("{\"last_nonce_by_side\": [1]}", "field last_nonce_by_side must be an object, not an array")]
    [InlineData("{\"last_nonce_by_side\": {\"buy\": true}}", "field last_nonce_by_side.buy must be a non-negative integer at most 2^62 (so that nonces cannot wrap), not a bool")]
    [InlineData("{\"last_halt_reason\": 5}", "field last_halt_reason must be a string, not a number")]
    [InlineData("{\"last_inventory_snapshot\": {\"USDC\": \"lots\"}}", "field last_inventory_snapshot.USDC must be a decimal number or decimal string, not a string")]
    public void A_corrupt_or_mistyped_file_is_an_error_naming_the_path_and_the_problem(string content, string problem)
    {
        var path = Path.Combine(dir, "bad.json");
        File.WriteAllText(path, content);
        var error = Assert.Throws<StateFileException>(() => StateFile.Load(path));
        Assert.Equal(path, error.FilePath);
        Assert.StartsWith($"state file {path}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path)); // never reset or rewritten
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Save_sets_mode_0600_and_creates_the_parent_directory()
    {
        var path = Path.Combine(dir, "nested", "deeper", "state.json");
        StateFile.Save(path, Full());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        // A pre-existing file with a wider mode ends up 0600 too.
        var wide = Path.Combine(dir, "wide.json");
        File.WriteAllText(wide, "{}");
        File.SetUnixFileMode(wide, (UnixFileMode)0b110_100_100);
        StateFile.Save(wide, Full());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(wide));
    }

    [Fact]
    public void Save_replaces_an_existing_file_whole_by_rename_and_leaves_no_temp_file()
    {
        var path = Path.Combine(dir, "state.json");
        StateFile.Save(path, new PersistedState { NextNonceBase = 2 });
        var before = File.ReadAllText(path);

        // A reader holding the old file keeps seeing the complete old content: the new state arrives as a
        // new file renamed over the name, never by rewriting the old file in place.
        using var oldHandle = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        StateFile.Save(path, Full());
        using (var reader = new StreamReader(oldHandle, leaveOpen: true))
        {
            Assert.Equal(before, reader.ReadToEnd());
        }

        Assert.True(Full().SameAs(StateFile.Load(path)));
        Assert.Equal(new[] { "state.json" }, Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_concurrent_reader_never_sees_a_partial_file()
    {
        var path = Path.Combine(dir, "state.json");
        var big = Full() with
        {
            LastInventorySnapshot = Enumerable.Range(0, 400)
                .ToImmutableSortedDictionary(i => $"asset-{i:D4}", i => i * 1.000001m, StringComparer.Ordinal),
        };
        StateFile.Save(path, big with { NextNonceBase = 0 });
        using var stop = new CancellationTokenSource();
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        var reader = Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var state = StateFile.Load(path); // throws on a partial file
                    Assert.Equal(400, state.LastInventorySnapshot.Count);
                    Interlocked.Increment(ref reads);
                    firstRead.TrySetResult();
                }
            },
            TaskCreationOptions.LongRunning);
        await firstRead.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Keep writing until the reader has overlapped with plenty of saves.
        var saves = 0;
        while (saves < 60 || (Volatile.Read(ref reads) < 50 && saves < 5000))
        {
            saves++;
            StateFile.Save(path, big with { NextNonceBase = saves * 2 });
        }

        stop.Cancel();
        await reader;
        Assert.True(reads >= 50, $"only {reads} reads overlapped the saves");
        Assert.Equal(saves * 2, StateFile.Load(path).NextNonceBase);
    }

    [Fact]
    public void A_directory_that_cannot_be_created_or_written_is_a_clear_error()
    {
        var blocker = Path.Combine(dir, "not-a-dir");
        File.WriteAllText(blocker, "x");
        var path = Path.Combine(blocker, "state.json");
        var error = Assert.Throws<StateFileException>(() => StateFile.Save(path, Full()));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("cannot be written", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_at_the_state_path_is_an_error_for_load_and_save()
    {
        var path = Path.Combine(dir, "is-a-dir");
        Directory.CreateDirectory(path);
        Assert.Contains("is a directory", Assert.Throws<StateFileException>(() => StateFile.Load(path)).Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", Assert.Throws<StateFileException>(() => StateFile.Save(path, Full())).Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "is-a-dir" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
