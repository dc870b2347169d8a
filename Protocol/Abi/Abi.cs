using System.Numerics;
using Nethereum.ABI;

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
/// Solidity ABI words on Nethereum.ABI: every word is encoded and decoded by Nethereum's ABI types
/// (<c>uint256</c>, <c>int256</c>, <c>address</c>, <c>bool</c>, <c>bytes32</c>). What this adds is the strictness
/// the chain reads need and Nethereum does not give: values are range-checked before encoding (a typed
/// <see cref="AbiEncodeException"/> naming the field), short data is <see cref="AbiErrorKind.Short"/>, and a word is
/// accepted only when Nethereum re-encodes the decoded value to the very same 32 bytes (dirty address bits, a bool
/// other than 0/1 are <see cref="AbiErrorKind.Malformed"/>). (Named AbiCodec so it does not clash with its namespace.)
/// </summary>
public static class AbiCodec
{
    public const int WordSize = 32;

    public static readonly BigInteger UInt256Max = (BigInteger.One << 256) - 1;
    public static readonly BigInteger Int256Max = (BigInteger.One << 255) - 1;
    public static readonly BigInteger Int256Min = -(BigInteger.One << 255);

    private static readonly ABIType UInt256Type = ABIType.CreateABIType("uint256");
    private static readonly ABIType Int256Type = ABIType.CreateABIType("int256");
    private static readonly ABIType AddressType = ABIType.CreateABIType("address");
    private static readonly ABIType BoolType = ABIType.CreateABIType("bool");
    private static readonly ABIType Bytes32Type = ABIType.CreateABIType("bytes32");

    /// <summary>The 4-byte function selector of a canonical signature such as <c>getAccountBalances(uint256)</c>.</summary>
    public static byte[] Selector(string signature) => Signing.Keccak.Hash(System.Text.Encoding.ASCII.GetBytes(signature))[..4];

    public static byte[] EncodeAddress(string address, string field = "address") =>
        AddressType.Encode(Address.Normalize(address, field));

    public static byte[] EncodeUInt256(BigInteger value, string field = "uint256") =>
        value.Sign < 0 || value > UInt256Max
            ? throw new AbiEncodeException(field, $"{value} is outside uint256 (0 … 2^256-1)")
            : UInt256Type.Encode(value);

    public static byte[] EncodeInt256(BigInteger value, string field = "int256") =>
        value < Int256Min || value > Int256Max
            ? throw new AbiEncodeException(field, $"{value} is outside int256 (-2^255 … 2^255-1)")
            : Int256Type.Encode(value);

    public static byte[] EncodeBool(bool value) => BoolType.Encode(value);

    public static byte[] EncodeBytes32(ReadOnlySpan<byte> value, string field = "bytes32") =>
        value.Length != WordSize
            ? throw new AbiEncodeException(field, $"bytes32 needs exactly 32 bytes, got {value.Length}")
            : Bytes32Type.Encode(value.ToArray());

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

    public static string DecodeAddress(ReadOnlySpan<byte> data, int index, string field) =>
        Decode<string>(AddressType, data, index, field, "address word has non-zero upper 12 bytes").ToLowerInvariant();

    public static BigInteger DecodeUInt256(ReadOnlySpan<byte> data, int index, string field) =>
        Decode<BigInteger>(UInt256Type, data, index, field, "not a uint256 word");

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
        Decode<BigInteger>(Int256Type, data, index, field, "not an int256 word");

    public static bool DecodeBool(ReadOnlySpan<byte> data, int index, string field) =>
        Decode<bool>(BoolType, data, index, field, "bool word must be 0 or 1");

    public static byte[] DecodeBytes32(ReadOnlySpan<byte> data, int index, string field) =>
        Decode<byte[]>(Bytes32Type, data, index, field, "not a bytes32 word");

    /// <summary>Nethereum decodes the word; the value counts only if Nethereum encodes it back to the same word.</summary>
    private static T Decode<T>(ABIType type, ReadOnlySpan<byte> data, int index, string field, string malformed)
    {
        var word = Word(data, index, field).ToArray();
        T value;
        try
        {
            value = type.Decode<T>(word);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new AbiDecodeException(field, malformed);
        }

        if (!type.Encode(value!).AsSpan().SequenceEqual(word))
        {
            throw new AbiDecodeException(field, malformed);
        }

        return value;
    }
}
