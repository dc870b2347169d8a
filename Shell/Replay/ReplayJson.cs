using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// <see cref="RecordingJson.Options"/> for writing replayed decisions, with the text of the large collections in the
/// state remembered: the fill tracker's seen trade ids (a 512-element <see cref="ImmutableSortedSet{T}"/> kept as the
/// same instance while no trade is new) and its resolved order ids (rebuilt each cycle, usually with the same content).
/// The remembered text is what <see cref="RecordingJson.Options"/> writes for exactly that value (by instance for the
/// immutable set, by content for the array), so the bytes are the same as without the cache. Only for writing; the
/// remembered texts are per thread.
/// </summary>
internal static class ReplayJson
{
    public static readonly JsonSerializerOptions WriteOptions = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(RecordingJson.Options);
        options.Converters.Insert(0, new CachedLongSet());
        options.Converters.Insert(0, new CachedStringArray());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Writes an immutable sorted set of longs; the text of the last few instances is kept.</summary>
    private sealed class CachedLongSet : JsonConverter<ImmutableSortedSet<long>>
    {
        private const int Keep = 4;

        [ThreadStatic]
        private static Cache? t_cache;

        public override ImmutableSortedSet<long> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("ReplayJson is for writing only");

        public override void Write(Utf8JsonWriter writer, ImmutableSortedSet<long> value, JsonSerializerOptions options)
        {
            var cache = t_cache ??= new Cache();
            for (var i = 0; i < Keep; i++)
            {
                if (ReferenceEquals(cache.Sets[i], value))
                {
                    writer.WriteRawValue(cache.Texts[i], skipInputValidation: true);
                    return;
                }
            }

            var text = JsonSerializer.SerializeToUtf8Bytes(value, RecordingJson.Options);
            cache.Sets[cache.Next] = value;
            cache.Texts[cache.Next] = text;
            cache.Next = (cache.Next + 1) % Keep;
            writer.WriteRawValue(text, skipInputValidation: true);
        }

        private sealed class Cache
        {
            public readonly ImmutableSortedSet<long>?[] Sets = new ImmutableSortedSet<long>?[Keep];
            public readonly byte[][] Texts = new byte[Keep][];
            public int Next;
        }
    }

    /// <summary>Writes an immutable array of strings; the text of the last array of 8 or more is kept by content.</summary>
    private sealed class CachedStringArray : JsonConverter<ImmutableArray<string>>
    {
        private const int Smallest = 8;

        [ThreadStatic]
        private static string[]? t_last;

        [ThreadStatic]
        private static byte[]? t_text;

        public override ImmutableArray<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("ReplayJson is for writing only");

        public override void Write(Utf8JsonWriter writer, ImmutableArray<string> value, JsonSerializerOptions options)
        {
            if (value.IsDefault || value.Length < Smallest)
            {
                JsonSerializer.Serialize(writer, value, RecordingJson.Options);
                return;
            }

            if (t_last is null || t_text is null || !Same(value.AsSpan(), t_last))
            {
                t_text = JsonSerializer.SerializeToUtf8Bytes(value, RecordingJson.Options);
                t_last = value.ToArray();
            }

            writer.WriteRawValue(t_text, skipInputValidation: true);
        }

        private static bool Same(ReadOnlySpan<string> a, string[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
