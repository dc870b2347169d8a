using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketMaker.Protocol;
using MarketMaker.Protocol.Rpc;

namespace MarketMaker.Shell.Tests.Infrastructure;

/// <summary>
/// A real EVM for tests: starts <c>anvil --host 127.0.0.1 --port &lt;free&gt;</c>, waits until it answers, and deploys
/// the contracts in Shell.Tests/Chain/Contracts (compiled once per test run with tools/solc-compile.mjs).
/// Use one per test class (IClassFixture); the process is killed on dispose. Never skips: no anvil is a failure.
/// </summary>
public class AnvilFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<IReadOnlyDictionary<string, string>>> Bytecodes = new(CompileAllAsync);
    private Process? _process;

    public Uri Url { get; private set; } = new("http://127.0.0.1");

    public HttpClient Http { get; } = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public JsonRpcClient Rpc { get; private set; } = null!;

    /// <summary>The unlocked, funded account transactions are sent from.</summary>
    public string Account { get; private set; } = "";

    public long ChainId { get; private set; }

    public async Task InitializeAsync()
    {
        var compile = Bytecodes.Value; // start compiling while anvil boots
        Exception? last = null;
        for (var attempt = 0; attempt < 3 && _process is null; attempt++)
        {
            var port = FreePort();
            var psi = new ProcessStartInfo(Tools.Anvil, ["--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--quiet"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start anvil");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            Url = new Uri($"http://127.0.0.1:{port}/");
            Rpc = new JsonRpcClient(Http, Url, "anvil", TimeSpan.FromSeconds(10));
            try
            {
                await WaitUntilReadyAsync(process);
                _process = process;
            }
            catch (Exception e) when (e is RpcException or TimeoutException)
            {
                last = e;
                Kill(process);
                process.Dispose();
            }
        }

        if (_process is null)
        {
            throw new InvalidOperationException("anvil did not start", last);
        }

        ChainId = (long)Hex.DecodeQuantity((await Rpc.CallAsync("eth_chainId", [])).GetString(), "eth_chainId");
        Account = (await Rpc.CallAsync("eth_accounts", []))[0].GetString()!;
        await compile;
        await OnStartedAsync();
    }

    /// <summary>Deploy contracts and set state here.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (_process is not null)
        {
            Kill(_process);
            _process.Dispose();
        }

        Http.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Deploys a contract from Shell.Tests/Chain/Contracts by name; returns its lower-case address.</summary>
    public async Task<string> DeployAsync(string contract, byte[]? constructorArgs = null)
    {
        var bytecodes = await Bytecodes.Value;
        var code = bytecodes.TryGetValue(contract, out var c) ? c : throw new InvalidOperationException($"no compiled contract {contract}");
        var receipt = await TransactAsync(null, Hex.Decode(code, "bytecode").Concat(constructorArgs ?? []).ToArray());
        return Address.Normalize(receipt.GetProperty("contractAddress").GetString(), "contractAddress");
    }

    /// <summary>Sends a transaction from <see cref="Account"/> and waits for a successful receipt.</summary>
    public async Task<JsonElement> TransactAsync(string? to, byte[] data)
    {
        var tx = new JsonObject { ["from"] = Account, ["data"] = Hex.Encode(data), ["gas"] = "0x1c9c380" };
        if (to is not null)
        {
            tx["to"] = to;
        }

        var hash = (await Rpc.CallAsync("eth_sendTransaction", [tx])).GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var receipt = await Rpc.CallAsync("eth_getTransactionReceipt", [hash]);
            if (receipt.ValueKind == JsonValueKind.Object)
            {
                if (receipt.GetProperty("status").GetString() != "0x1")
                {
                    throw new InvalidOperationException($"transaction {hash} failed: {receipt}");
                }

                return receipt;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no receipt for {hash}");
            }

            await Task.Delay(20);
        }
    }

    private async Task WaitUntilReadyAsync(Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new TimeoutException($"anvil exited with {process.ExitCode}");
            }

            try
            {
                await Rpc.CallAsync("eth_chainId", []);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task<IReadOnlyDictionary<string, string>> CompileAllAsync()
    {
        var dir = Path.Combine(Tools.RepoRoot, "Shell.Tests", "Chain", "Contracts");
        var sources = new JsonObject();
        foreach (var file in Directory.GetFiles(dir, "*.sol").Order(StringComparer.Ordinal))
        {
            sources[Path.GetFileName(file)] = await File.ReadAllTextAsync(file);
        }

        var output = await Node.RunScriptAsync("solc-compile.mjs", new JsonObject { ["sources"] = sources }.ToJsonString(), TimeSpan.FromSeconds(120));
        using var doc = JsonDocument.Parse(output);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var contract in doc.RootElement.GetProperty("contracts").EnumerateObject())
        {
            result[contract.Name] = contract.Value.GetProperty("bytecode").GetString()!;
        }

        return result;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
