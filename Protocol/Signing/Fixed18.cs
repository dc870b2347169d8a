using System.Globalization;
using System.Numerics;
using MarketMaker.Protocol.Abi;

namespace MarketMaker.Protocol.Signing;

/// <summary>Why a value could not be converted to or from 1e18 fixed point.</summary>
public enum Fixed18ErrorKind
{
    /// <summary>More than 18 decimals: the value is not a whole number of 1e-18 steps.</summary>
    TooManyDecimals,

    /// <summary>Outside the target range (negative for uint256, beyond int256, beyond what decimal holds exactly).</summary>
    OutOfRange,

    /// <summary>Text that is not a plain decimal number.</summary>
    Invalid,
}

public sealed class Fixed18Exception(string field, string message, Fixed18ErrorKind kind)
    : ProtocolException("fixed18", field, message)
{
    public Fixed18ErrorKind Kind { get; } = kind;
}

/// <summary>
/// Exact conversion between human decimals and the 1e18 fixed point the chain uses ("wei 1e18": value × 10^18).
/// Integer arithmetic only; nothing is ever rounded: a value that does not fit is a <see cref="Fixed18Exception"/>.
/// </summary>
public static class Fixed18
{
    public const int Decimals = 18;

    public static readonly BigInteger One = BigInteger.Pow(10, Decimals);

    /// <summary>value × 10^18 (signed, int256 range). Fails if the value has a non-zero digit beyond the 18th decimal.</summary>
    public static BigInteger ToScaled(decimal value, string field)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xff;
        var negative = bits[3] < 0;
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        if (scale > Decimals)
        {
            var divisor = BigInteger.Pow(10, scale - Decimals);
            var quotient = BigInteger.DivRem(mantissa, divisor, out var remainder);
            if (!remainder.IsZero)
            {
                throw new Fixed18Exception(field, $"{value.ToString(CultureInfo.InvariantCulture)} has more than {Decimals} decimals (does not fit the 1e-18 step)", Fixed18ErrorKind.TooManyDecimals);
            }

            mantissa = quotient;
        }
        else
        {
            mantissa *= BigInteger.Pow(10, Decimals - scale);
        }

        return negative ? -mantissa : mantissa;
    }

    /// <summary>As <see cref="ToScaled"/>, for uint256 fields: negative values are rejected.</summary>
    public static BigInteger ToScaledUnsigned(decimal value, string field)
    {
        if (value < 0)
        {
            throw new Fixed18Exception(field, $"{value.ToString(CultureInfo.InvariantCulture)} is negative; the field is unsigned", Fixed18ErrorKind.OutOfRange);
        }

        return ToScaled(value, field);
    }

    public static bool TryToScaled(decimal value, out BigInteger scaled, out string error)
    {
        try
        {
            scaled = ToScaled(value, "value");
            error = "";
            return true;
        }
        catch (Fixed18Exception e)
        {
            scaled = default;
            error = e.Detail;
            return false;
        }
    }

    /// <summary>scaled / 10^18 as an exact decimal. Fails if decimal cannot hold the value exactly (about 28 significant digits).</summary>
    public static decimal ToDecimal(BigInteger scaled, string field)
    {
        var negative = scaled.Sign < 0;
        var mantissa = BigInteger.Abs(scaled);
        var scale = Decimals;
        while (scale > 0 && !mantissa.IsZero && (mantissa % 10).IsZero)
        {
            mantissa /= 10;
            scale--;
        }

        if (mantissa.IsZero)
        {
            return 0m;
        }

        if (mantissa >> 96 != BigInteger.Zero)
        {
            var why = scale == 0
                ? "is beyond the range of decimal"
                : "has more significant digits than decimal holds exactly";
            throw new Fixed18Exception(field, $"{Format(scaled)} {why}", Fixed18ErrorKind.OutOfRange);
        }

        var lo = (int)(uint)(mantissa & uint.MaxValue);
        var mid = (int)(uint)((mantissa >> 32) & uint.MaxValue);
        var hi = (int)(uint)((mantissa >> 64) & uint.MaxValue);
        return new decimal(lo, mid, hi, negative, (byte)scale);
    }

    /// <summary>
    /// Parses a plain decimal ("3500.01", "-0.75", "+1", "42") into value × 10^18 without going through
    /// decimal, so any int256 value is reachable. No exponent, no separators, no whitespace.
    /// </summary>
    public static BigInteger Parse(string? text, string field)
    {
        var t = text ?? "";
        var negative = false;
        var body = t.AsSpan();
        if (body.Length > 0 && (body[0] == '-' || body[0] == '+'))
        {
            negative = body[0] == '-';
            body = body[1..];
        }

        var dot = body.IndexOf('.');
        var whole = dot < 0 ? body : body[..dot];
        var fraction = dot < 0 ? [] : body[(dot + 1)..];
        if ((whole.Length == 0 && fraction.Length == 0) || !IsDigits(whole) || !IsDigits(fraction) || (dot >= 0 && fraction.Length == 0))
        {
            throw new Fixed18Exception(field, $"\"{Truncate(t)}\" is not a plain decimal number", Fixed18ErrorKind.Invalid);
        }

        var trimmedFraction = fraction.TrimEnd('0');
        if (trimmedFraction.Length > Decimals)
        {
            throw new Fixed18Exception(field, $"\"{Truncate(t)}\" has more than {Decimals} decimals (does not fit the 1e-18 step)", Fixed18ErrorKind.TooManyDecimals);
        }

        if (whole.Length > 80)
        {
            throw new Fixed18Exception(field, $"\"{Truncate(t)}\" is out of range", Fixed18ErrorKind.OutOfRange);
        }

        var digits = string.Concat(whole, trimmedFraction, new string('0', Decimals - trimmedFraction.Length));
        var magnitude = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        var value = negative ? -magnitude : magnitude;
        if (value < AbiCodec.Int256Min || value > AbiCodec.Int256Max)
        {
            throw new Fixed18Exception(field, $"\"{Truncate(t)}\" × 1e18 is outside int256", Fixed18ErrorKind.OutOfRange);
        }

        return value;
    }

    /// <summary>The shortest plain decimal text of scaled / 10^18 ("3500.01", "-0.75", "0").</summary>
    public static string Format(BigInteger scaled)
    {
        var whole = BigInteger.DivRem(BigInteger.Abs(scaled), One, out var fraction);
        var sign = scaled.Sign < 0 ? "-" : "";
        if (fraction.IsZero)
        {
            return sign + whole.ToString(CultureInfo.InvariantCulture);
        }

        var fractionText = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(Decimals, '0').TrimEnd('0');
        return $"{sign}{whole.ToString(CultureInfo.InvariantCulture)}.{fractionText}";
    }

    private static bool IsDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
