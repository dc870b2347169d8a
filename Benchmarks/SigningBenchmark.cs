using System.Numerics;
using BenchmarkDotNet.Attributes;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.Benchmarks;

/// <summary>
/// The bot's per-order signing work and the paper exchange's per-order check, on the production code:
/// one order = build and encode TradeData + EIP-712 digest + secp256k1 sign (NBitcoin.Secp256k1) + 0x-hex;
/// one check = digest + recover + address. The digest path by Nethereum's typed-data encoder is measured beside it
/// (the reason the struct hash is hand-written, docs/benchmarks.md "Signing").
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SigningBenchmark
{
    private readonly SigningWork work = SigningWork.Create(64, seed: 13);
    private int next;
    private string[] signatures = [];

    [GlobalSetup]
    public void Setup() => signatures = work.Items.Select(work.Sign).ToArray();

    [Benchmark]
    public string SignOrder() => work.Sign(work.Items[next++ & 63]);

    [Benchmark]
    public string CheckOrder()
    {
        var i = next++ & 63;
        return work.Recover(work.Items[i], signatures[i]);
    }

    [Benchmark]
    public byte[] DigestOurs() => Eip712.ActionDigest(work.Domain, work.Items[next++ & 63].Action);

    [Benchmark]
    public byte[] DigestNethereum() => NethereumTypedData.Digest(work.Domain, work.Items[next++ & 63].Action);
}

/// <summary>Seeded random orders (keys, TradeData with 1e18 prices and amounts, nonces, expiries) for both measurements.</summary>
public sealed class SigningWork
{
    public sealed record Item(int Key, string Asset, BigInteger SubId, BigInteger LimitPrice, BigInteger DesiredAmount, BigInteger WorstFee, BigInteger RecipientId, bool IsBid,
        BigInteger SubaccountId, BigInteger Nonce, BigInteger Expiry, string Owner, string Signer, MatchingAction Action);

    private SigningWork(MatchingDomain domain, string tradeModule, string[] keyHex, EthKey[] keys, Item[] items)
    {
        Domain = domain;
        TradeModule = tradeModule;
        KeyHex = keyHex;
        Keys = keys;
        Items = items;
    }

    public MatchingDomain Domain { get; }

    public string TradeModule { get; }

    public string[] KeyHex { get; }

    public EthKey[] Keys { get; }

    public Item[] Items { get; }

    public static SigningWork Create(int count, int seed)
    {
        var rng = new Random(seed);
        string Addr()
        {
            var b = new byte[20];
            rng.NextBytes(b);
            return "0x" + Convert.ToHexStringLower(b);
        }

        var keyHex = new string[16];
        var keys = new EthKey[16];
        for (var k = 0; k < keys.Length; k++)
        {
            var b = new byte[32];
            rng.NextBytes(b);
            b[0] = (byte)((b[0] & 0x7f) | 1);
            keyHex[k] = "0x" + Convert.ToHexStringLower(b);
            keys[k] = EthKey.Parse(keyHex[k]);
        }

        var domain = new MatchingDomain(8453, Addr());
        var module = Addr();
        var one = BigInteger.Pow(10, 18);
        var items = new Item[count];
        for (var i = 0; i < count; i++)
        {
            var key = rng.Next(keys.Length);
            var signer = keys[key].Address;
            var owner = rng.Next(2) == 0 ? signer : Addr();
            var price = rng.NextInt64(1, 2_000_000_000_000) * one / 1_000_000;
            var amount = rng.NextInt64(1, 10_000_000_000) * one / 1_000_000 * (rng.Next(2) == 0 ? 1 : -1);
            var fee = rng.NextInt64(0, 1_000_000) * one / 1_000_000;
            var asset = Addr();
            BigInteger subId = rng.Next(0, 1000);
            BigInteger recipient = rng.Next(1, 100_000);
            var isBid = amount.Sign > 0;
            BigInteger subaccount = rng.Next(1, 100_000);
            var nonce = (BigInteger)rng.NextInt64(1_700_000_000_000_000, 1_900_000_000_000_000);
            var expiry = (BigInteger)rng.NextInt64(1_700_000_000, 1_900_000_000);
            var action = MatchingAction.ForTrade(subaccount, nonce, module, new TradeData(asset, subId, price, amount, fee, recipient, isBid), expiry, owner, signer);
            items[i] = new Item(key, asset, subId, price, amount, fee, recipient, isBid, subaccount, nonce, expiry, owner, signer, action);
        }

        return new SigningWork(domain, module, keyHex, keys, items);
    }

    /// <summary>One order as the bot makes it: TradeData from its scaled values, encoded, wrapped in an Action, digest, signature.</summary>
    public string Sign(Item o)
    {
        var trade = new TradeData(o.Asset, o.SubId, o.LimitPrice, o.DesiredAmount, o.WorstFee, o.RecipientId, o.IsBid);
        var action = MatchingAction.ForTrade(o.SubaccountId, o.Nonce, TradeModule, trade, o.Expiry, o.Owner, o.Signer);
        return Eip712.SignAction(Keys[o.Key], Domain, action);
    }

    /// <summary>One check as the paper exchange makes it: digest of the action, recovery of the signer's address.</summary>
    public string Recover(Item o, string signature) => Eip712.RecoverActionSigner(Domain, o.Action, signature);
}
