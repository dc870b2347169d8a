using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Deploy;

/// <summary>
/// deploy/systemd checked with the Debian <c>systemd-analyze verify</c>, in a throwaway root that holds the
/// distribution's units, the built mm-bot at /opt/mm-bot/mm-bot (where the units expect it) and the units under
/// test. Any warning (unknown key, bad value, missing command) fails, not only a non-zero exit.
/// </summary>
public sealed class SystemdUnitTests
{
    private static string Analyze => DeployTools.Require("systemd-analyze", "systemd");

    private static string SystemdDir => Path.Combine(DeployTools.DeployDir, "systemd");

    [Theory]
    [InlineData("mm-bot@.service", "mm-bot@spot.service")]
    [InlineData("mm-fair-anchor@.service", "mm-fair-anchor@sep16.service")]
    public async Task Unit_passes_systemd_analyze_verify_without_a_warning(string template, string instance)
    {
        var (exit, output) = await VerifyAsync(await File.ReadAllTextAsync(Path.Combine(SystemdDir, template)), template, instance);
        Assert.True(exit == 0 && output.Trim().Length == 0, $"systemd-analyze verify {instance} (exit {exit}):\n{output}");
    }

    [Fact]
    public async Task A_broken_unit_is_caught_so_the_check_can_fail()
    {
        var unit = (await File.ReadAllTextAsync(Path.Combine(SystemdDir, "mm-bot@.service")))
            .Replace("ProtectSystem=strict", "ProtectSystem=strictly", StringComparison.Ordinal)
            .Replace("ExecStart=/opt/mm-bot/mm-bot run", "ExecStart=/opt/mm-bot/missing run", StringComparison.Ordinal);
        var (exit, output) = await VerifyAsync(unit, "mm-bot@.service", "mm-bot@spot.service");
        Assert.NotEqual(0, exit);
        Assert.Contains("protect system value", output, StringComparison.Ordinal);
        Assert.Contains("/opt/mm-bot/missing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bot_unit_runs_one_hardened_instance_per_market_from_its_env_file()
    {
        var directives = (await File.ReadAllTextAsync(Path.Combine(SystemdDir, "mm-bot@.service")))
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        string[] required =
        [
            "EnvironmentFile=/etc/mm-bot/%i.env", "Restart=on-failure", "RestartPreventExitStatus=2", "NoNewPrivileges=yes",
            "ProtectSystem=strict", "StateDirectory=mm-bot/%i", "ReadWritePaths=/var/lib/mm-bot/%i",
            "Environment=MM_STATE_FILE=/var/lib/mm-bot/%i/state.json", "ExecStart=/opt/mm-bot/mm-bot run", "KillSignal=SIGTERM",
        ];
        Assert.Empty(required.Except(directives));
        Assert.DoesNotContain(directives, d => d.StartsWith("MemoryDenyWriteExecute=yes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Example_env_files_name_only_known_variables()
    {
        var known = MarketMaker.Shell.Config.ShellVariables.All.Concat(MarketMaker.Core.Config.VariableCatalog.All).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var file in new[] { "spot.env.example", "future.env.example" })
        {
            var names = (await File.ReadAllLinesAsync(Path.Combine(SystemdDir, file)))
                .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToList();
            Assert.NotEmpty(names);
            Assert.Empty(names.Except(known));
        }
    }

    private static async Task<(int Exit, string Output)> VerifyAsync(string unitText, string template, string instance)
    {
        var root = Directory.CreateTempSubdirectory("mm-systemd-root-").FullName;
        try
        {
            var units = Path.Combine(root, "etc", "systemd", "system");
            Directory.CreateDirectory(units);
            Directory.CreateDirectory(Path.Combine(root, "usr", "lib", "systemd"));
            var copy = await DeployTools.RunAsync("cp", root, "-a", "/usr/lib/systemd/system", Path.Combine(root, "usr", "lib", "systemd", "system"));
            Assert.True(copy.Exit == 0, copy.Output);
            var opt = Path.Combine(root, "opt", "mm-bot");
            Directory.CreateDirectory(opt);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "mm-bot"), Path.Combine(opt, "mm-bot"));
            await File.WriteAllTextAsync(Path.Combine(units, template), unitText);
            return await DeployTools.RunAsync(Analyze, root, "verify", "--man=no", $"--root={root}", instance);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
