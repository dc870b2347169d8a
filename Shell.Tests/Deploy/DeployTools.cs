using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Deploy;

/// <summary>The deploy/ folder and the Debian tools that check it (prometheus, promtool, systemd-analyze).</summary>
internal static class DeployTools
{
    public static string DeployDir => Path.Combine(Tools.RepoRoot, "deploy");

    public static string PrometheusDir => Path.Combine(DeployDir, "prometheus");

    /// <summary>The executable on PATH, or a failure naming the Debian package (`bash .ci/run` installs it).</summary>
    public static string Require(string name, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"{name} not found on PATH: install the Debian package `{package}` (bash .ci/run does it).");
    }

    /// <summary>Runs a tool to completion (bounded) and returns its exit code and combined output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 60 s");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>A loopback port that was free a moment ago (for processes that need it on the command line).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
