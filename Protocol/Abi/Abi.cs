using System.Numerics;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.Protocol.Abi;

/// <summary>Why an ABI value could not be decoded.</summary>
public enum AbiErrorKind
{
    /// <summary>The data ends before the word (or the array) the field needs.</summary>
    Short,

    /// <summary>The word is there but is not a canonical encoding of the type (dirty address bits, bool not 0/1, …).</summary>
    Malformed,
}

/// <summary>ABI data that is short or not canonical for the field's type.</summary>
public sealed class AbiDecodeException(string field, string message, AbiErrorKind kind = AbiErrorKind.Malformed)
    : ProtocolException("abi", field, message)
{
    public AbiErrorKind Kind { get; } = kind;
}

/// <summary>A value that does not fit the ABI type it is encoded as (negative uint, out of int256 range, …).</summary>
public sealed class AbiEncodeException(string field, string message) : ProtocolException("abi", field, message);

/// <summary>
/// Solidity ABI 32-byte words: encoders for address, uint256, int256 (two's complement), bool and bytes32,
/// and strict decoders that reject short data and non-canonical words with <see cref="AbiDecodeException"/>.
/// (Named AbiCodec so it does not clash with its namespace.)
/// </summary>
public static class AbiCodec
{
    public const int WordSize = 32;

    public static readonly BigInteger UInt256Max = (BigInteger.One << 256) - 1;
    public static readonly BigInteger Int256Max = (BigInteger.One << 255) - 1;
    public static readonly BigInteger Int256Min = -(BigInteger.One << 255);

    /// <summary>The 4-byte function selector of a canonical signature such as <c>getAccountBalances(uint256)</c>.</summary>
    public static byte[] Selector(string signature) => Keccak.Hash(System.Text.Encoding.ASCII.GetBytes(signature))[..4];

    public static byte[] EncodeAddress(string address, string field = "address")
    {
        var word = new byte[WordSize];
        Address.ToBytes(address, field).CopyTo(word, 12);
        return word;
    }

    public static byte[] EncodeUInt256(BigInteger value, string field = "uint256")
    {
        if (value.Sign < 0 || value > UInt256Max)
        {
            throw new AbiEncodeException(field, $"{value} is outside uint256 (0 … 2^256-1)");
        }

        return ToWord(value);
    }

    public static byte[] EncodeInt256(BigInteger value, string field = "int256")
    {
        if (value < Int256Min || value > Int256Max)
        {
            throw new AbiEncodeException(field, $"{value} is outside int256 (-2^255 … 2^255-1)");
        }

        return ToWord(value.Sign < 0 ? (BigInteger.One << 256) + value : value);
    }

    public static byte[] EncodeBool(bool value)
    {
        var word = new byte[WordSize];
        word[31] = value ? (byte)1 : (byte)0;
        return word;
    }

    public static byte[] EncodeBytes32(ReadOnlySpan<byte> value, string field = "bytes32")
    {
        if (value.Length != WordSize)
        {
            throw new AbiEncodeException(field, $"bytes32 needs exactly 32 bytes, got {value.Length}");
        }

        return value.ToArray();
    }

    /// <summary>Concatenates words (or a selector and words) into one array.</summary>
    public static byte[] Concat(params byte[][] parts)
    {
        var output = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(output, offset);
            offset += part.Length;
        }

        return output;
    }

    /// <summary>The 32 bytes of word <paramref name="index"/>, or <see cref="AbiErrorKind.Short"/> if the data ends first.</summary>
    public static ReadOnlySpan<byte> Word(ReadOnlySpan<byte> data, int index, string field)
    {
        if (index < 0 || (long)(index + 1) * WordSize > data.Length)
        {
            throw new AbiDecodeException(field, $"data too short: word {index} needs {((long)index + 1) * WordSize} bytes, got {data.Length}", AbiErrorKind.Short);
        }

        return data.Slice(index * WordSize, WordSize);
    }

    public static string DecodeAddress(ReadOnlySpan<byte> data, int index, string field)
    {
        var word = Word(data, index, field);
        if (word[..12].ContainsAnyExcept((byte)0))
        {
            throw new AbiDecodeException(field, "address word has non-zero upper 12 bytes");
        }

        return Address.FromBytes(word[12..]);
    }

    public static BigInteger DecodeUInt256(ReadOnlySpan<byte> data, int index, string field) =>
        new(Word(data, index, field), isUnsigned: true, isBigEndian: true);

    /// <summary>An unsigned integer of <paramref name="bits"/> bits (uint8, uint80, …): the word must not exceed 2^bits-1.</summary>
    public static BigInteger DecodeUInt(ReadOnlySpan<byte> data, int index, int bits, string field)
    {
        var value = DecodeUInt256(data, index, field);
        if (bits < 256 && value >> bits != BigInteger.Zero)
        {
            throw new AbiDecodeException(field, $"value does not fit uint{bits}");
        }

        return value;
    }

    public static BigInteger DecodeInt256(ReadOnlySpan<byte> data, int index, string field) =>
        new(Word(data, index, field), isUnsigned: false, isBigEndian: true);

    public static bool DecodeBool(ReadOnlySpan<byte> data, int index, string field)
    {
        var word = Word(data, index, field);
        if (word[..31].ContainsAnyExcept((byte)0) || word[31] > 1)
        {
            throw new AbiDecodeException(field, "bool word must be 0 or 1");
        }

        return word[31] == 1;
    }

    public static byte[] DecodeBytes32(ReadOnlySpan<byte> data, int index, string field) => Word(data, index, field).ToArray();

    private static byte[] ToWord(BigInteger nonNegative)
    {
        var word = new byte[WordSize];
        var bytes = nonNegative.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(word, WordSize - bytes.Length);
        return word;
    }
}
