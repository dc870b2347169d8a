using Nethereum.Util;

namespace MarketMaker.Protocol.Signing;

/// <summary>Keccak-256 as Ethereum uses it (the original Keccak padding, not SHA3-256): Nethereum.Util's <see cref="Sha3Keccack"/>.</summary>
public static class Keccak
{
    public static byte[] Hash(ReadOnlySpan<byte> data) => Sha3Keccack.Current.CalculateHash(data.ToArray());

    public static byte[] Hash(byte[] data) => Sha3Keccack.Current.CalculateHash(data);
}
