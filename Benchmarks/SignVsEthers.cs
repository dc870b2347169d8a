using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MarketMaker.Benchmarks;

/// <summary>
/// <c>--sign-vs-ethers [--count N] [--tools DIR]</c>: our signer and ethers v6 (tools/ethers-bench.mjs, one node process
/// for the whole run) on the same N actions, interleaved in batches of 50 (which side goes first alternates), after
/// one warm-up pass of both. Prints each side's median per order (encode TradeData + digest + sign) and per check
/// (digest + recover; ethers: <c>verifyTypedData</c>) and the ratios. Every signature must be byte-identical on both
/// sides and every recovery must give the signer, or the run fails (exit 1).
/// </summary>
public static class SignVsEthers
{
    private const int Batch = 50;

    public static int Run(string[] args)
    {
        var count = 2000;
        var tools = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../tools"));
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--count")
            {
                count = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--tools")
            {
                tools = Path.GetFullPath(args[i + 1]);
            }
        }

        var work = SigningWork.Create(count, seed: 20261203);
        var psi = new ProcessStartInfo("node", [Path.Combine(tools, "ethers-bench.mjs")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = tools,
        };
        using var node = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        try
        {
            return Measure(work, node);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    private static int Measure(SigningWork work, Process node)
    {
        var items = new JsonArray();
        foreach (var o in work.Items)
        {
            items.Add(new JsonObject
            {
                ["key"] = o.Key,
                ["trade"] = new JsonObject
                {
                    ["asset"] = o.Asset,
                    ["subId"] = Dec(o.SubId),
                    ["limitPrice"] = Dec(o.LimitPrice),
                    ["desiredAmount"] = Dec(o.DesiredAmount),
                    ["worstFee"] = Dec(o.WorstFee),
                    ["recipientId"] = Dec(o.RecipientId),
                    ["isBid"] = o.IsBid,
                },
                ["action"] = new JsonObject
                {
                    ["subaccountId"] = Dec(o.SubaccountId),
                    ["nonce"] = Dec(o.Nonce),
                    ["module"] = work.TradeModule,
                    ["expiry"] = Dec(o.Expiry),
                    ["owner"] = o.Owner,
                    ["signer"] = o.Signer,
                },
            });
        }

        var setup = new JsonObject
        {
            ["setup"] = new JsonObject
            {
                ["chainId"] = Dec(work.Domain.ChainId),
                ["verifyingContract"] = work.Domain.VerifyingContract,
                ["keys"] = new JsonArray([.. work.KeyHex.Select(k => (JsonNode)k)]),
                ["items"] = items,
            },
        };
        Ask(node, setup);

        var n = work.Items.Length;
        var oursSign = new double[n];
        var oursRecover = new double[n];
        var ethersSign = new double[n];
        var ethersRecover = new double[n];
        var signatures = new string[n];

        // Warm-up: one pass of everything on both sides (JIT, V8 tiers), not counted.
        for (var from = 0; from < n; from += Batch)
        {
            var to = Math.Min(n, from + Batch);
            OursSign(work, from, to, new double[n], signatures);
            OursRecover(work, from, to, new double[n], signatures);
            EthersSign(node, from, to, new double[n], signatures);
            EthersVerify(node, work, from, to, new double[n], signatures);
        }

        for (var from = 0; from < n; from += Batch)
        {
            var to = Math.Min(n, from + Batch);
            if ((from / Batch) % 2 == 0)
            {
                OursSign(work, from, to, oursSign, signatures);
                EthersSign(node, from, to, ethersSign, signatures);
                OursRecover(work, from, to, oursRecover, signatures);
                EthersVerify(node, work, from, to, ethersRecover, signatures);
            }
            else
            {
                EthersSign(node, from, to, ethersSign, signatures);
                OursSign(work, from, to, oursSign, signatures);
                EthersVerify(node, work, from, to, ethersRecover, signatures);
                OursRecover(work, from, to, oursRecover, signatures);
            }
        }

        node.StandardInput.WriteLine("{\"op\":\"exit\"}");
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"{n} actions, same run, interleaved in batches of {Batch}; all {n} signatures byte-identical; load average (1 min) {load}");
        Report("sign    (encode TradeData + digest + sign)", "signTypedData", oursSign, ethersSign);
        Report("recover (digest + recover)                ", "verifyTypedData", oursRecover, ethersRecover);
        return 0;
    }

    private static void Report(string what, string ethersName, double[] ours, double[] ethers)
    {
        var o = Median(ours);
        var e = Median(ethers);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: ours median {o:F1} µs, ethers v6 {ethersName} median {e:F1} µs, ratio {o / e:F3}× (p90 ours {Percentile(ours, 0.9):F1} µs, ethers {Percentile(ethers, 0.9):F1} µs)"));
    }

    private static void OursSign(SigningWork work, int from, int to, double[] times, string[] signatures)
    {
        for (var i = from; i < to; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var signature = work.Sign(work.Items[i]);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            Check(signatures[i] is null || signatures[i] == signature, $"our signature of item {i} differs from ethers'");
            signatures[i] = signature;
        }
    }

    private static void OursRecover(SigningWork work, int from, int to, double[] times, string[] signatures)
    {
        for (var i = from; i < to; i++)
        {
            var o = work.Items[i];
            var t0 = Stopwatch.GetTimestamp();
            var address = work.Recover(o, signatures[i]);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            Check(address == o.Signer, $"our recovery of item {i} gave {address}, not the signer {o.Signer}");
        }
    }

    private static void EthersSign(Process node, int from, int to, double[] times, string[] signatures)
    {
        using var reply = Ask(node, new JsonObject { ["op"] = "sign", ["from"] = from, ["to"] = to });
        var ns = reply.RootElement.GetProperty("ns").EnumerateArray().ToArray();
        var sigs = reply.RootElement.GetProperty("sigs").EnumerateArray().ToArray();
        for (var i = from; i < to; i++)
        {
            times[i] = ns[i - from].GetDouble() / 1000;
            var signature = sigs[i - from].GetString()!;
            Check(signatures[i] is null || signatures[i] == signature, $"ethers' signature of item {i} differs from ours");
            signatures[i] = signature;
        }
    }

    private static void EthersVerify(Process node, SigningWork work, int from, int to, double[] times, string[] signatures)
    {
        using var reply = Ask(node, new JsonObject
        {
            ["op"] = "verify",
            ["from"] = from,
            ["to"] = to,
            ["sigs"] = new JsonArray([.. signatures[from..to].Select(s => (JsonNode)s)]),
        });
        var ns = reply.RootElement.GetProperty("ns").EnumerateArray().ToArray();
        var addrs = reply.RootElement.GetProperty("addrs").EnumerateArray().ToArray();
        for (var i = from; i < to; i++)
        {
            times[i] = ns[i - from].GetDouble() / 1000;
            Check(addrs[i - from].GetString() == work.Items[i].Signer, $"ethers' recovery of item {i} is not the signer");
        }
    }

    private static JsonDocument Ask(Process node, JsonNode message)
    {
        node.StandardInput.WriteLine(message.ToJsonString());
        node.StandardInput.Flush();
        var line = node.StandardOutput.ReadLine() ?? throw new InvalidOperationException("ethers-bench.mjs ended early (is tools/node_modules installed?)");
        return JsonDocument.Parse(line);
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException(what);
        }
    }

    private static double Median(double[] values) => Percentile(values, 0.5);

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }

    private static string Dec(System.Numerics.BigInteger v) => v.ToString(CultureInfo.InvariantCulture);
}
