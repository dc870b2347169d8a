namespace MarketMaker.Shell.Tests.Deploy;

/// <summary>deploy/prometheus checked and unit-tested with the Debian promtool.</summary>
public sealed class PromtoolTests
{
    private static string Promtool => DeployTools.Require("promtool", "prometheus");

    [Fact]
    public async Task Alert_and_recording_rules_are_valid()
    {
        var (exit, output) = await DeployTools.RunAsync(Promtool, DeployTools.PrometheusDir, "check", "rules", "rules.yml", "alerts.yml");
        Assert.True(exit == 0, "promtool check rules:\n" + output);
        Assert.DoesNotContain("WARNING", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_unit_tests_pass_under_promtool_test_rules()
    {
        var (exit, output) = await DeployTools.RunAsync(Promtool, DeployTools.PrometheusDir, "test", "rules", "alerts_test.yml");
        Assert.True(exit == 0, "promtool test rules alerts_test.yml:\n" + output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_alert_of_alerts_yml_has_a_unit_test()
    {
        var alerts = AlertNames(await File.ReadAllTextAsync(Path.Combine(DeployTools.PrometheusDir, "alerts.yml")), "- alert: ");
        var tested = AlertNames(await File.ReadAllTextAsync(Path.Combine(DeployTools.PrometheusDir, "alerts_test.yml")), "alertname: ");
        Assert.NotEmpty(alerts);
        Assert.Empty(alerts.Except(tested));
    }

    [Fact]
    public async Task A_broken_alert_test_fails_so_the_check_can_fail()
    {
        var dir = Directory.CreateTempSubdirectory("mm-promtool-").FullName;
        try
        {
            foreach (var f in new[] { "rules.yml", "alerts.yml" })
            {
                File.Copy(Path.Combine(DeployTools.PrometheusDir, f), Path.Combine(dir, f));
            }

            // The cancel-budget alert with 90 % instead of 80 %: the 80 % case in the tests no longer fires.
            var alerts = Path.Combine(dir, "alerts.yml");
            var text = await File.ReadAllTextAsync(alerts);
            Assert.Contains("mm_bot:cancel_budget_used:ratio >= 0.8", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(alerts, text.Replace("mm_bot:cancel_budget_used:ratio >= 0.8", "mm_bot:cancel_budget_used:ratio >= 0.9", StringComparison.Ordinal));
            File.Copy(Path.Combine(DeployTools.PrometheusDir, "alerts_test.yml"), Path.Combine(dir, "alerts_test.yml"));
            var (exit, output) = await DeployTools.RunAsync(Promtool, dir, "test", "rules", "alerts_test.yml");
            Assert.NotEqual(0, exit);
            Assert.Contains("MMBotCancelRateNearBudget", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task The_example_prometheus_configuration_is_valid()
    {
        var (exit, output) = await DeployTools.RunAsync(Promtool, DeployTools.PrometheusDir, "check", "config", "prometheus.example.yml");
        Assert.True(exit == 0, "promtool check config:\n" + output);
        Assert.Contains("SUCCESS: 2 rule files found", output, StringComparison.Ordinal);
    }

    private static HashSet<string> AlertNames(string yaml, string marker) =>
        yaml.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith(marker, StringComparison.Ordinal))
            .Select(l => l[marker.Length..].Trim())
            .ToHashSet(StringComparer.Ordinal);
}
