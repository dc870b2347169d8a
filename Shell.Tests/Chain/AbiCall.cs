using MarketMaker.Protocol.Abi;

namespace MarketMaker.Shell.Tests.Chain;

/// <summary>
/// A small head/tail ABI encoder for calling the test contracts with dynamic arguments (bytes, tuples holding bytes).
/// Static words come from <see cref="AbiCodec"/>.
/// </summary>
public abstract record AbiArg
{
    public sealed record Word(byte[] Value) : AbiArg;

    public sealed record Bytes(byte[] Value) : AbiArg;

    public sealed record Tuple(AbiArg[] Items) : AbiArg;

    public static byte[] Call(string signature, params AbiArg[] args) => [.. AbiCodec.Selector(signature), .. Encode(args)];

    public static byte[] Encode(AbiArg[] args)
    {
        var headSize = args.Sum(HeadSize);
        var head = new List<byte>();
        var tail = new List<byte>();
        foreach (var arg in args)
        {
            if (IsDynamic(arg))
            {
                head.AddRange(AbiCodec.EncodeUInt256(headSize + tail.Count));
                tail.AddRange(EncodeValue(arg));
            }
            else
            {
                head.AddRange(EncodeValue(arg));
            }
        }

        return [.. head, .. tail];
    }

    private static bool IsDynamic(AbiArg arg) => arg switch
    {
        Bytes => true,
        Tuple t => t.Items.Any(IsDynamic),
        _ => false,
    };

    private static int HeadSize(AbiArg arg) => IsDynamic(arg) ? 32 : arg is Tuple t ? t.Items.Sum(HeadSize) : 32;

    private static byte[] EncodeValue(AbiArg arg) => arg switch
    {
        Word w => w.Value,
        Bytes b => [.. AbiCodec.EncodeUInt256(b.Value.Length), .. b.Value, .. new byte[(32 - (b.Value.Length % 32)) % 32]],
        Tuple t => Encode(t.Items),
        _ => throw new InvalidOperationException(),
    };
}
