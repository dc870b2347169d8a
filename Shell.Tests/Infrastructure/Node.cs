using System.Diagnostics;

namespace MarketMaker.Shell.Tests.Infrastructure;

/// <summary>Runs one of the node scripts in tools/ with JSON on stdin and returns its stdout.</summary>
public static class Node
{
    public static async Task<string> RunScriptAsync(string scriptName, string stdin, TimeSpan? timeout = null)
    {
        var script = Path.Combine(Tools.ToolsDir, scriptName);
        if (!Directory.Exists(Path.Combine(Tools.NodeModules, "ethers")) || !Directory.Exists(Path.Combine(Tools.NodeModules, "solc")))
        {
            throw new InvalidOperationException($"npm tools missing in {Tools.NodeModules}: run `npm ci --prefix tools` (bash .ci/run does it).");
        }

        var psi = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Tools.ToolsDir,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {scriptName} did not finish in time");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {scriptName} exited {process.ExitCode}: {await stderr}\n{output}");
        }

        return output;
    }
}
