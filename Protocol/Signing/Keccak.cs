using Org.BouncyCastle.Crypto.Digests;

namespace MarketMaker.Protocol.Signing;

/// <summary>Keccak-256 as Ethereum uses it (the original Keccak padding, not SHA3-256).</summary>
public static class Keccak
{
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    public static byte[] Hash(params byte[][] parts)
    {
        var digest = new KeccakDigest(256);
        foreach (var part in parts)
        {
            digest.BlockUpdate(part, 0, part.Length);
        }

        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }
}
