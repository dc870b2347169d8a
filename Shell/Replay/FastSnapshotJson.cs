using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using MarketMaker.Core;
using MarketMaker.Shell.Recording;

namespace MarketMaker.Shell.Replay;

/// <summary>
/// A hand-written reader of the snapshot for the replay fast path. It accepts only what <see cref="JsonlRecorder"/>
/// writes — every property, in the recorder's order, decimals as plain strings, sides as "buy"/"sell" — and reads
/// the values as <see cref="RecordingJson.Options"/> does (same decimal and time parsing, the same constructors; the
/// rarer parts by <see cref="RecordingJson.Options"/> itself); anything else is a <see cref="JsonException"/>, after
/// which the line is parsed completely by <see cref="RecordingJson.Options"/> (any order, precise errors). Small flat
/// objects (trades, book and live orders, balances, anchors, the market) whose JSON tokens are exactly those of one
/// read before are not parsed again (the same text gives the same value). Per thread; only for reading.
/// </summary>
internal static class FastSnapshotJson
{
    [ThreadStatic]
    private static Caches? t_caches;

    /// <summary>Reads the snapshot object the reader is at (its StartObject not yet read) and leaves the reader on its EndObject.</summary>
    public static Snapshot Read(ref Utf8JsonReader reader)
    {
        var c = t_caches ??= new Caches();
        if (!reader.Read())
        {
            throw new JsonException("fast path: no snapshot");
        }

        Start(ref reader);
        var now = Time(ref reader, "now"u8);
        Property(ref reader, "market"u8);
        var market = Cached(ref reader, c.Market, static (ref r) => General<MarketSpec>(ref r));
        Property(ref reader, "market_data"u8);
        var marketData = ReadInput(ref reader, c, static (ref r, c) => ReadMarketData(ref r, c));
        Property(ref reader, "orders"u8);
        var orders = ReadInput(ref reader, c, static (ref r, c) => ReadLiveOrders(ref r, c));
        Property(ref reader, "balances"u8);
        var balances = ReadInput(ref reader, c, static (ref r, c) => Cached(ref r, c.Balances, static (ref r) => General<Balances>(ref r)));
        Property(ref reader, "anchor"u8);
        var anchor = ReadInput(ref reader, c, static (ref r, c) => Cached(ref r, c.Anchor, static (ref r) => General<AnchorReading>(ref r)));
        Property(ref reader, "external_anchor"u8);
        var externalAnchor = ReadInput(ref reader, c, static (ref r, c) => Cached(ref r, c.Anchor, static (ref r) => General<AnchorReading>(ref r)));
        var kill = Boolean(ref reader, "kill_switch_present"u8);
        Property(ref reader, "final_statuses"u8);
        ImmutableSortedDictionary<string, FinalStatus> finals;
        if (reader.TokenType == JsonTokenType.StartObject && IsEmptyObject(ref reader))
        {
            finals = ImmutableSortedDictionary<string, FinalStatus>.Empty;
        }
        else
        {
            finals = General<ImmutableSortedDictionary<string, FinalStatus>>(ref reader);
        }

        End(ref reader);
        return new Snapshot(now, market, marketData, orders, balances, anchor, externalAnchor, kill, finals);
    }

    private delegate T ReadValue<T>(ref Utf8JsonReader reader);

    private delegate T ReadValueWith<T>(ref Utf8JsonReader reader, Caches caches);

    private sealed class Caches
    {
        public readonly ObjectCache<MarketSpec> Market = new();
        public readonly ObjectCache<Balances> Balances = new();
        public readonly ObjectCache<AnchorReading> Anchor = new();
        public readonly ObjectCache<Trade> Trades = new();
        public readonly ObjectCache<BookOrder> BookOrders = new();
        public readonly ObjectCache<LiveOrder> LiveOrders = new();
    }

    /// <summary>A value read by <see cref="RecordingJson.Options"/> itself (the reader is at its first token).</summary>
    private static T General<T>(ref Utf8JsonReader reader) =>
        JsonSerializer.Deserialize<T>(ref reader, RecordingJson.Options) ?? throw new JsonException("fast path: null");

    /// <summary>A flat object: the value read before from the same tokens, or read now by <paramref name="parse"/>.</summary>
    private static T Cached<T>(ref Utf8JsonReader reader, ObjectCache<T> cache, ReadValue<T> parse)
        where T : class
    {
        var start = reader;
        if (cache.TryGet(ref reader, out var known))
        {
            return known;
        }

        reader = start;
        var value = parse(ref reader);
        cache.Add(value);
        return value;
    }

    private static Input<T> ReadInput<T>(ref Utf8JsonReader reader, Caches caches, ReadValueWith<T> value)
        where T : class
    {
        Start(ref reader);
        Property(ref reader, "value"u8);
        var v = reader.TokenType == JsonTokenType.Null ? null : value(ref reader, caches);
        Property(ref reader, "fetched_at"u8);
        DateTimeOffset? fetchedAt = reader.TokenType == JsonTokenType.Null ? null : TimeValue(ref reader);
        var fresh = Boolean(ref reader, "fresh_this_cycle"u8);
        Property(ref reader, "error"u8);
        var error = reader.TokenType == JsonTokenType.Null ? null : StringValue(ref reader);
        Boolean(ref reader, "has_value"u8);
        End(ref reader);
        return new Input<T>(v, fetchedAt, fresh, error);
    }

    private static MarketData ReadMarketData(ref Utf8JsonReader reader, Caches c)
    {
        Start(ref reader);
        Property(ref reader, "bids"u8);
        var bids = Array(ref reader, c.BookOrders, ParseBookOrder);
        Property(ref reader, "asks"u8);
        var asks = Array(ref reader, c.BookOrders, ParseBookOrder);
        Property(ref reader, "trades"u8);
        var trades = Array(ref reader, c.Trades, ParseTrade);
        End(ref reader);
        return new MarketData(bids, asks, trades);
    }

    private static LiveOrders ReadLiveOrders(ref Utf8JsonReader reader, Caches c)
    {
        Start(ref reader);
        Property(ref reader, "items"u8);
        var items = Array(ref reader, c.LiveOrders, ParseLiveOrder);
        End(ref reader);
        return new LiveOrders(items);
    }

    private static ImmutableArray<T> Array<T>(ref Utf8JsonReader reader, ObjectCache<T> cache, ReadValue<T> parse)
        where T : class
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("fast path: expected an array");
        }

        var items = ImmutableArray.CreateBuilder<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(Cached(ref reader, cache, parse));
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("fast path: unterminated array");
        }

        return items.Count == items.Capacity ? items.MoveToImmutable() : items.ToImmutable();
    }

    private static bool IsEmptyObject(ref Utf8JsonReader reader)
    {
        var start = reader;
        if (reader.Read() && reader.TokenType == JsonTokenType.EndObject)
        {
            return true;
        }

        reader = start;
        return false;
    }

    private static Trade ParseTrade(ref Utf8JsonReader reader)
    {
        Start(ref reader);
        var tradeId = Int64(ref reader, "trade_id"u8);
        var price = Decimal(ref reader, "price"u8);
        var size = Decimal(ref reader, "size"u8);
        var aggressor = SideOf(ref reader, "aggressor_side"u8);
        var taker = String(ref reader, "taker_order_id"u8);
        var maker = String(ref reader, "maker_order_id"u8);
        var createdAt = Time(ref reader, "created_at"u8);
        End(ref reader);
        return new Trade(tradeId, price, size, aggressor, taker, maker, createdAt);
    }

    private static BookOrder ParseBookOrder(ref Utf8JsonReader reader)
    {
        Start(ref reader);
        var orderId = String(ref reader, "order_id"u8);
        var owner = String(ref reader, "owner_address"u8);
        var side = SideOf(ref reader, "side"u8);
        var price = Decimal(ref reader, "price"u8);
        var remaining = Decimal(ref reader, "remaining_size"u8);
        var createdAt = Time(ref reader, "created_at"u8);
        End(ref reader);
        return new BookOrder(orderId, owner, side, price, remaining, createdAt);
    }

    private static LiveOrder ParseLiveOrder(ref Utf8JsonReader reader)
    {
        Start(ref reader);
        var orderId = String(ref reader, "order_id"u8);
        var nonce = Nonces.TryParse(String(ref reader, "nonce"u8), out var n) ? n : throw new JsonException("fast path: nonce is not a decimal integer nonce");
        var side = SideOf(ref reader, "side"u8);
        var price = Decimal(ref reader, "price"u8);
        var size = Decimal(ref reader, "size"u8);
        var remaining = Decimal(ref reader, "remaining"u8);
        var matching = Boolean(ref reader, "matching"u8);
        var createdAt = Time(ref reader, "created_at"u8);
        var order = new LiveOrder(orderId, nonce, side, price, size, remaining, matching, createdAt);
        if (!reader.Read())
        {
            throw new JsonException("fast path: expected the end of the object");
        }

        // "expiry" (null or a time) was added after the first recordings; those end the object here.
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            return order;
        }

        if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped || !reader.ValueSpan.SequenceEqual("expiry"u8) || !reader.Read())
        {
            throw new JsonException("fast path: not the recorder's property order");
        }

        var expiry = reader.TokenType == JsonTokenType.Null ? (DateTimeOffset?)null : TimeValue(ref reader);
        End(ref reader);
        return order with { Expiry = expiry };
    }

    /// <summary>
    /// The objects already read, by the exact tokens of their JSON text (names, values as written, token types): the
    /// same text is the same value, so a trade that is still among the recent trades is not parsed again. Per thread.
    /// </summary>
    private sealed class ObjectCache<T>
        where T : class
    {
        private const int Limit = 4096;
        private readonly Dictionary<byte[], T> _known = new(ByteKeys.Instance);
        private readonly Dictionary<byte[], T>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
        private byte[] _key = new byte[512];
        private int _length;

        public ObjectCache() => _lookup = _known.GetAlternateLookup<ReadOnlySpan<byte>>();

        /// <summary>Reads the object's tokens into the key; true with the value when that text was read before.</summary>
        public bool TryGet(ref Utf8JsonReader reader, out T value)
        {
            value = null!;
            _length = 0;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
                var type = reader.TokenType;
                if (type == JsonTokenType.EndObject)
                {
                    return _lookup.TryGetValue(_key.AsSpan(0, _length), out value!);
                }

                if (type is JsonTokenType.StartObject or JsonTokenType.StartArray || reader.HasValueSequence)
                {
                    return false;
                }

                var span = reader.ValueSpan;
                var need = _length + span.Length + 6;
                if (need > _key.Length)
                {
                    System.Array.Resize(ref _key, Math.Max(need, _key.Length * 2));
                }

                _key[_length] = (byte)type;
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(_key.AsSpan(_length + 1), span.Length);
                _key[_length + 5] = reader.ValueIsEscaped ? (byte)1 : (byte)0;
                span.CopyTo(_key.AsSpan(_length + 6));
                _length = need;
            }

            return false;
        }

        /// <summary>Remembers the value read from the text whose tokens <see cref="TryGet"/> collected last.</summary>
        public void Add(T value)
        {
            if (_length == 0)
            {
                return;
            }

            if (_known.Count >= Limit)
            {
                _known.Clear();
            }

            _known[_key.AsSpan(0, _length).ToArray()] = value;
        }
    }

    private sealed class ByteKeys : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteKeys Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }

    private static void Start(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("fast path: expected an object");
        }
    }

    private static void End(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("fast path: expected the end of the object");
        }
    }

    /// <summary>Reads the next property, which must be <paramref name="name"/> (unescaped), and moves to its value.</summary>
    private static void Property(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped || !reader.ValueSpan.SequenceEqual(name)
            || !reader.Read())
        {
            throw new JsonException("fast path: not the recorder's property order");
        }
    }

    private static long Int64(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Property(ref reader, name);
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException("fast path: expected a number");
        }

        return reader.GetInt64();
    }

    private static bool Boolean(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Property(ref reader, name);
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new JsonException("fast path: expected true or false"),
        };
    }

    private static decimal Decimal(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Property(ref reader, name);
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
            || !decimal.TryParse(reader.ValueSpan, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            throw new JsonException("fast path: expected a plain decimal string");
        }

        return value;
    }

    private static string String(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Property(ref reader, name);
        return StringValue(ref reader);
    }

    private static string StringValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("fast path: expected a string");
        }

        return reader.GetString()!;
    }

    private static Side SideOf(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Property(ref reader, name);
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            if (reader.ValueSpan.SequenceEqual("buy"u8))
            {
                return Side.Buy;
            }

            if (reader.ValueSpan.SequenceEqual("sell"u8))
            {
                return Side.Sell;
            }
        }

        throw new JsonException("fast path: expected \"buy\" or \"sell\"");
    }

    private static DateTimeOffset Time(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Property(ref reader, name);
        return TimeValue(ref reader);
    }

    private static DateTimeOffset TimeValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("fast path: expected a time string");
        }

        return reader.GetDateTimeOffset();
    }
}
