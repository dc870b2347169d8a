using System.Reflection;
using System.Text.Json;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Signing;
using MarketMaker.Shell.Adapters;
using MarketMaker.Shell.Config;

namespace MarketMaker.Shell.Tests.Signing;

/// <summary>
/// A private key never leaves memory in a printable form: no <c>ToString()</c>, interpolation, JSON serialisation or
/// public member of a key (or of a record holding one) yields the secret, and no exception message about a key, a
/// signature or a wrong signer contains it (neither the hex nor its bytes in any casing).
/// </summary>
public sealed class KeyPrintabilityTests
{
    private const string SecretHex = "2ae8be44db8a590d20bffbe3b6872df9b569147d3bf6801a35a28281a4816bbd";

    // secp256k1 n, and n + 1: hex that looks like a key but is out of range.
    private const string OrderN = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

    public static TheoryData<string> RandomSecrets()
    {
        var rng = new Random(4242);
        var data = new TheoryData<string>();
        for (var i = 0; i < 50; i++)
        {
            var bytes = new byte[32];
            rng.NextBytes(bytes);
            bytes[0] &= 0x7f; // below n
            bytes[0] |= 0x01;
            data.Add(Convert.ToHexStringLower(bytes));
        }

        data.Add(SecretHex);
        return data;
    }

    [Theory]
    [MemberData(nameof(RandomSecrets))]
    public void No_printed_form_of_a_key_contains_the_secret(string secretHex)
    {
        var key = EthKey.Parse("0x" + secretHex);
        var identity = new OrderIdentity(key, key.Address, key.Address, "1", "1", Address.Zero, "0", Address.Zero, new MatchingDomain(8453, Address.Zero), "0", 3600, "mm");
        var texts = new List<string>
        {
            key.ToString(),
            $"{key}",
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", key),
            JsonSerializer.Serialize(key),
            JsonSerializer.Serialize<object>(key),
            identity.ToString(),
            new Secret(secretHex).ToString(),
            $"{new Secret(secretHex)}",
        };

        // Every public member of the key, whatever its type, printed and (for byte arrays) hex-encoded.
        foreach (var property in typeof(EthKey).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        {
            var value = property.GetValue(property.GetMethod!.IsStatic ? null : key);
            texts.Add(value?.ToString() ?? "");
            if (value is byte[] bytes)
            {
                texts.Add(Convert.ToHexString(bytes));
            }
        }

        foreach (var field in typeof(EthKey).GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        {
            texts.Add(field.GetValue(field.IsStatic ? null : key)?.ToString() ?? "");
        }

        Assert.Contains(key.Address, key.ToString());
        foreach (var text in texts)
        {
            AssertNoSecret(secretHex, text);
        }
    }

    [Fact]
    public void The_libsecp256k1_key_is_not_reachable_from_outside_Protocol()
    {
        var members = typeof(EthKey).GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
        Assert.DoesNotContain(members, m => m is PropertyInfo p && p.PropertyType.Namespace?.StartsWith("NBitcoin", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(members, m => m is MethodInfo mi && mi.ReturnType.Namespace?.StartsWith("NBitcoin", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(members, m => m is PropertyInfo p && p.Name.Contains("Private", StringComparison.OrdinalIgnoreCase));
    }

    public static TheoryData<string> BadKeyTexts => new(
    [
        SecretHex[..63],                       // one digit short
        SecretHex + "0",                       // one digit long
        "0x" + SecretHex[..62] + "zz",          // not hex at the end
        "g" + SecretHex[1..],                  // not hex at the start
        " 0x" + SecretHex + " x",               // trailing garbage
        OrderN,                                // = n
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // > n
        new string('0', 64),                   // zero
    ]);

    [Theory]
    [MemberData(nameof(BadKeyTexts))]
    public void Errors_about_a_bad_key_never_contain_it(string text)
    {
        Assert.False(EthKey.TryParse(text, out var key, out var error));
        Assert.Null(key);
        var e = Assert.Throws<FormatException>(() => EthKey.Parse(text));
        foreach (var message in new[] { error, e.Message, e.ToString() })
        {
            AssertNoSecret(SecretHex[..62], message);
            Assert.DoesNotContain(text.Trim(), message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Errors_of_signing_and_recovery_never_contain_the_key()
    {
        var key = EthKey.Parse(SecretHex);
        var domain = new MatchingDomain(8453, "0x1111111111111111111111111111111111111111");
        var other = "0x2222222222222222222222222222222222222222";
        var action = new MatchingAction(1, 2, other, [1, 2, 3], 3, other, other);
        var cancel = new MatchingCancel(other, other, 2, 3);
        var messages = new List<Exception>
        {
            Assert.Throws<ProtocolException>(() => Eip712.SignAction(key, domain, action)),
            Assert.Throws<ProtocolException>(() => Eip712.SignCancel(key, domain, cancel)),
            Assert.Throws<ArgumentException>(() => EthSigner.Sign(key, new byte[31])),
            Assert.ThrowsAny<ProtocolException>(() => EthSigner.Recover(new byte[32], "0x" + SecretHex)),
            Assert.ThrowsAny<ProtocolException>(() => EthSigner.Recover(new byte[32], "0x" + SecretHex + "zz")),
            Assert.ThrowsAny<ProtocolException>(() => EthSigner.Recover(new byte[32], "0x" + SecretHex + SecretHex)),
        };

        foreach (var e in messages)
        {
            AssertNoSecret(SecretHex, e.ToString());
        }
    }

    private static void AssertNoSecret(string secretHex, string text)
    {
        Assert.DoesNotContain(secretHex, text, StringComparison.OrdinalIgnoreCase);

        // Nor a long piece of it (16 hex digits = 8 bytes), nor its bytes as a decimal list or base64.
        for (var i = 0; i + 16 <= secretHex.Length; i += 8)
        {
            Assert.DoesNotContain(secretHex.Substring(i, 16), text, StringComparison.OrdinalIgnoreCase);
        }

        var bytes = Convert.FromHexString(secretHex);
        Assert.DoesNotContain(Convert.ToBase64String(bytes), text, StringComparison.Ordinal);
        Assert.DoesNotContain(string.Join(",", bytes), text, StringComparison.Ordinal);
    }
}
