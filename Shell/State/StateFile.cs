using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MarketMaker.Core;

namespace MarketMaker.Shell.State;

/// <summary>The state file could not be read or written; the message names the file and the problem.</summary>
public sealed class StateFileException : Exception
{
    public StateFileException(string path, string problem, Exception? inner = null)
        : base($"state file {path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    public string FilePath { get; }

    public string Problem { get; }
}

/// <summary>
/// The state file (reference-bot.md §7 field names; behaviour.md §2): JSON with snake_case fields, decimals as
/// strings. Saving is atomic (temp file in the same directory, fsync, rename over the target, fsync the
/// directory) with mode 0600. A missing file means fresh defaults; anything unreadable is an error, never a
/// silent reset (nonces must not go backwards).
/// </summary>
public static class StateFile
{
    public const string NextNonceBase = "next_nonce_base";
    public const string LastNonceBySide = "last_nonce_by_side";
    public const string LastSubmittedBidOrderId = "last_submitted_bid_order_id";
    public const string LastSubmittedAskOrderId = "last_submitted_ask_order_id";
    public const string LastAdoptedBidOrderId = "last_adopted_bid_order_id";
    public const string LastAdoptedAskOrderId = "last_adopted_ask_order_id";
    public const string LastHaltReason = "last_halt_reason";
    public const string LastInventorySnapshot = "last_inventory_snapshot";
    public const string TargetBaseInventory = "target_base_inventory";

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Loads the state; a missing file gives <c>new PersistedState()</c>.</summary>
    public static PersistedState Load(string path)
    {
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            if (Directory.Exists(full))
            {
                throw new StateFileException(full, "is a directory, not a file");
            }

            if (!File.Exists(full))
            {
                return new PersistedState();
            }

            text = File.ReadAllText(full, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateFileException(full, $"cannot be read: {e.Message}", e);
        }

        return Deserialize(text, full);
    }

    /// <summary>Writes the state atomically with mode 0600, creating the parent directory if needed.</summary>
    public static void Save(string path, PersistedState state)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? throw new StateFileException(full, "has no parent directory");
        var bytes = Encoding.UTF8.GetBytes(Serialize(state));
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            if (Directory.Exists(full))
            {
                throw new StateFileException(full, "cannot be written: the path is a directory");
            }

            Directory.CreateDirectory(dir);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerReadWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, OwnerReadWrite);
            }

            File.Move(temp, full, overwrite: true);
            SyncDirectory(dir, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            TryDelete(temp);
            throw new StateFileException(full, $"cannot be written: {e.Message}", e);
        }
        catch (StateFileException)
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The file's JSON text (2-space indent, empty optional fields omitted).</summary>
    public static string Serialize(PersistedState state)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber(NextNonceBase, state.NextNonceBase);
            w.WriteStartObject(LastNonceBySide);
            foreach (var (side, nonce) in state.LastNonceBySide)
            {
                w.WriteNumber(side, nonce);
            }

            w.WriteEndObject();
            WriteOptional(w, LastSubmittedBidOrderId, state.LastSubmittedBidOrderId);
            WriteOptional(w, LastSubmittedAskOrderId, state.LastSubmittedAskOrderId);
            WriteOptional(w, LastAdoptedBidOrderId, state.LastAdoptedBidOrderId);
            WriteOptional(w, LastAdoptedAskOrderId, state.LastAdoptedAskOrderId);
            WriteOptional(w, LastHaltReason, state.LastHaltReason);
            if (!state.LastInventorySnapshot.IsEmpty)
            {
                w.WriteStartObject(LastInventorySnapshot);
                foreach (var (asset, total) in state.LastInventorySnapshot)
                {
                    w.WriteString(asset, total.ToString(CultureInfo.InvariantCulture));
                }

                w.WriteEndObject();
            }

            if (state.TargetBaseInventory is { } target)
            {
                w.WriteString(TargetBaseInventory, target.ToString(CultureInfo.InvariantCulture));
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// Parses the file's text. Numbers may be JSON numbers or decimal strings (the reference bot wrote numbers);
    /// unknown fields are ignored; wrong types are errors naming the field.
    /// </summary>
    public static PersistedState Deserialize(string json, string path)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new StateFileException(path, "is empty (expected a JSON object); refusing to reset nonces");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new StateFileException(path, $"is not valid JSON ({e.Message}); refusing to reset nonces", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new StateFileException(path, $"must hold a JSON object, not {Kind(root)}");
            }

            var state = new PersistedState();
            foreach (var field in root.EnumerateObject())
            {
                var v = field.Value;
                state = field.Name switch
                {
                    NextNonceBase => state with { NextNonceBase = Nonce(v, path, NextNonceBase) },
                    LastNonceBySide => state with { LastNonceBySide = Map(v, path, LastNonceBySide, Nonce) },
                    LastSubmittedBidOrderId => state with { LastSubmittedBidOrderId = Text(v, path, field.Name) },
                    LastSubmittedAskOrderId => state with { LastSubmittedAskOrderId = Text(v, path, field.Name) },
                    LastAdoptedBidOrderId => state with { LastAdoptedBidOrderId = Text(v, path, field.Name) },
                    LastAdoptedAskOrderId => state with { LastAdoptedAskOrderId = Text(v, path, field.Name) },
                    LastHaltReason => state with { LastHaltReason = Text(v, path, field.Name) },
                    LastInventorySnapshot => state with { LastInventorySnapshot = Map(v, path, LastInventorySnapshot, Amount) },
                    TargetBaseInventory => state with { TargetBaseInventory = Amount(v, path, TargetBaseInventory) },
                    _ => state,
                };
            }

            return state;
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteString(name, value);
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a bool",
        JsonValueKind.Null => "null",
        _ => "an undefined value",
    };

    private static long Nonce(JsonElement v, string path, string field)
    {
        // At most 2^62: a value near 2^63 would make the next allocation wrap (docs/hostile-input.md, rule 4).
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 && n <= Core.Nonces.MaxNextNonceBase)
        {
            return n;
        }

        if (v.ValueKind == JsonValueKind.String
            && long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s <= Core.Nonces.MaxNextNonceBase)
        {
            return s;
        }

        var shown = v.ValueKind is JsonValueKind.Number ? $"the number {v.GetRawText()}" : v.ValueKind is JsonValueKind.String ? $"the string {v.GetRawText()}" : Kind(v);
        throw new StateFileException(path, $"field {field} must be a non-negative integer at most 2^62 (so that nonces cannot wrap), not {shown}");
    }

    private static decimal Amount(JsonElement v, string path, string field)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var n))
        {
            return n;
        }

        if (v.ValueKind == JsonValueKind.String
            && decimal.TryParse(
                v.GetString(),
                NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture,
                out var s))
        {
            return s;
        }

        throw new StateFileException(path, $"field {field} must be a decimal number or decimal string, not {Kind(v)}");
    }

    private static string? Text(JsonElement v, string path, string field) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
        _ => throw new StateFileException(path, $"field {field} must be a string, not {Kind(v)}"),
    };

    private static ImmutableSortedDictionary<string, T> Map<T>(
        JsonElement v, string path, string field, Func<JsonElement, string, string, T> value)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return ImmutableSortedDictionary<string, T>.Empty;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            throw new StateFileException(path, $"field {field} must be an object, not {Kind(v)}");
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
        foreach (var entry in v.EnumerateObject())
        {
            builder[entry.Name] = value(entry.Value, path, $"{field}.{entry.Name}");
        }

        return builder.ToImmutable();
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temp file is only litter; the error being reported matters more.
        }
    }

    /// <summary>fsync the directory so the rename itself survives a crash (POSIX only).</summary>
    private static void SyncDirectory(string dir, string full)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Posix.Open(dir, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new StateFileException(full, $"was renamed into place but its directory could not be opened for fsync (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Posix.Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                const int EINVAL = 22;
                if (errno != EINVAL)
                {
                    throw new StateFileException(full, $"was renamed into place but fsync of its directory failed (errno {errno})");
                }
            }
        }
        finally
        {
            _ = Posix.Close(fd);
        }
    }

    private static class Posix
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}
