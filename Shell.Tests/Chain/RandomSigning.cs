using System.Numerics;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Abi;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.Shell.Tests.Chain;

/// <summary>Seeded random keys, domains, trades, actions and cancels for the cross-checks.</summary>
public sealed class RandomSigning(int seed)
{
    private readonly Random _rng = new(seed);

    /// <summary>A random key and its hex (the test needs the hex to hand the same key to ethers).</summary>
    public (EthKey Key, string Hex) Key()
    {
        while (true)
        {
            var bytes = new byte[32];
            _rng.NextBytes(bytes);
            var hex = "0x" + Convert.ToHexStringLower(bytes);
            if (EthKey.TryParse(hex, out var key, out _))
            {
                return (key!, hex);
            }
        }
    }

    public string AddressValue()
    {
        var bytes = new byte[20];
        _rng.NextBytes(bytes);
        return Address.FromBytes(bytes);
    }

    /// <summary>A uint of up to <paramref name="maxBits"/> bits, biased toward small, boundary and full-width values.</summary>
    public BigInteger UInt(int maxBits = 256)
    {
        var max = (BigInteger.One << maxBits) - 1;
        return _rng.Next(6) switch
        {
            0 => 0,
            1 => max,
            2 => _rng.Next(1, 1000),
            _ => Bits(_rng.Next(1, maxBits + 1)),
        };
    }

    public BigInteger Int()
    {
        return _rng.Next(8) switch
        {
            0 => AbiCodec.Int256Min,
            1 => AbiCodec.Int256Max,
            2 => -1,
            3 => -_rng.Next(1, 1_000_000) * Fixed18.One / 1000,
            _ => (_rng.Next(2) == 0 ? -1 : 1) * Bits(_rng.Next(1, 255)),
        };
    }

    public MatchingDomain Domain() => new(_rng.Next(3) == 0 ? UInt(64) + 1 : _rng.Next(1, 100_000), AddressValue());

    public TradeData Trade() => new(AddressValue(), UInt(), Int(), Int(), UInt(), UInt(), _rng.Next(2) == 0);

    public MatchingAction Action(EthKey signer)
    {
        var data = _rng.Next(5) switch
        {
            0 => RandomBytes(_rng.Next(0, 100)), // non-TradeData module data, including empty
            _ => Trade().Encode(),
        };
        var owner = _rng.Next(2) == 0 ? signer.Address : AddressValue();
        return new MatchingAction(UInt(), UInt(), AddressValue(), data, UInt(), owner, signer.Address);
    }

    public MatchingCancel Cancel(EthKey signer) =>
        new(_rng.Next(2) == 0 ? signer.Address : AddressValue(), signer.Address, UInt(), UInt());

    private BigInteger Bits(int bits)
    {
        var bytes = new byte[(bits + 7) / 8];
        _rng.NextBytes(bytes);
        var value = new BigInteger(bytes, isUnsigned: true);
        return value & ((BigInteger.One << bits) - 1);
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _rng.NextBytes(bytes);
        return bytes;
    }
}
