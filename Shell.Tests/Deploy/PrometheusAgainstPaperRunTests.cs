using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MarketMaker.Shell.Tests.EndToEnd;

namespace MarketMaker.Shell.Tests.Deploy;

/// <summary>
/// The Debian <c>prometheus</c> binary on loopback scrapes a real <c>mm-bot paper</c> run (with its simulated taker,
/// so fills, P&amp;L and markouts exist) and loads deploy/prometheus/rules.yml and alerts.yml unchanged. Then, through
/// Prometheus's HTTP API: every query of deploy/grafana/mm-bot.json (panels, template variables, annotations) must
/// parse and return data (at least one sample that is a number), every rule must be loaded and evaluate without an
/// error, and every series an alert or recording rule selects must exist. Failures are listed one per query.
/// </summary>
public sealed partial class PrometheusAgainstPaperRunTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_dashboard_query_and_every_rule_returns_data_from_a_scraped_paper_run()
    {
        var prometheus = DeployTools.Require("prometheus", "prometheus");
        var dir = Directory.CreateTempSubdirectory("mm-prometheus-").FullName;
        var metricsPort = DeployTools.FreePort();
        var prometheusPort = DeployTools.FreePort();
        var instance = $"127.0.0.1:{metricsPort}";
        var botOutput = new StringBuilder();
        BotProcessRun? bot = null;
        BotProcessRun? server = null;
        try
        {
            var rules = Path.Combine(DeployTools.PrometheusDir, "rules.yml");
            var alerts = Path.Combine(DeployTools.PrometheusDir, "alerts.yml");
            var config = Path.Combine(dir, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ["{rules}", "{alerts}"]
                scrape_configs:
                  - job_name: mm-bot
                    static_configs:
                      - targets: ["{instance}"]
                """);

            var env = new Dictionary<string, string>
            {
                ["MM_METRICS_ADDR"] = instance,
                ["MM_STATE_FILE"] = Path.Combine(dir, "state.json"),
                ["MM_POLL_INTERVAL_MS"] = "500",
                // A limit far away, so the drawdown ratio (and its alert's series) exists in a run that loses nothing.
                ["MM_MAX_DRAWDOWN"] = "1000000000",
            };
            bot = CrashSafetyProcess.Start(env, botOutput, "paper", "--port", "0", "--seed", "16");
            server = StartPrometheus(prometheus, config, Path.Combine(dir, "data"), prometheusPort);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}"), Timeout = TimeSpan.FromSeconds(10) };
            var dashboard = Dashboard.Load(Path.Combine(DeployTools.DeployDir, "grafana", "mm-bot.json"), instance);
            var expectedRules = CountRules(rules, "- record: ") + CountRules(alerts, "- alert: ");
            Assert.True(dashboard.Panels.Count >= 20, $"only {dashboard.Panels.Count} panel queries found");

            var started = DateTime.UtcNow;
            List<string> failures;
            while (true)
            {
                Assert.False(bot.Process.HasExited, "mm-bot paper exited:\n" + bot.Output);
                Assert.False(server.Process.HasExited, "prometheus exited:\n" + server.Output);
                failures = await CheckAsync(http, dashboard, expectedRules);
                if (failures.Count == 0 || DateTime.UtcNow - started > Budget)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            Assert.True(
                failures.Count == 0,
                $"after {(DateTime.UtcNow - started).TotalSeconds:0}s, {failures.Count} queries failed against the scraped paper run:\n  "
                + string.Join("\n  ", failures) + "\n--- mm-bot paper (tail) ---\n" + Tail(bot.Output) + "\n--- prometheus (tail) ---\n" + Tail(server.Output));
        }
        finally
        {
            foreach (var run in new[] { bot, server })
            {
                if (run is not null)
                {
                    if (!run.Process.HasExited)
                    {
                        run.Process.Kill(entireProcessTree: true);
                        await run.Process.WaitForExitAsync();
                    }

                    run.Dispose();
                }
            }

            Directory.Delete(dir, true);
        }
    }

    /// <summary>Every check once; the list of what failed (empty = all passed).</summary>
    private static async Task<List<string>> CheckAsync(HttpClient http, Dashboard dashboard, int expectedRules)
    {
        var failures = new List<string>();
        if (!await ReadyAsync(http))
        {
            return ["prometheus is not ready yet"];
        }

        var up = await InstantAsync(http, "up{job=\"mm-bot\"} == 1");
        if (up.Error is not null || up.Samples == 0)
        {
            return ["the mm-bot target is not up yet"];
        }

        var fills = await InstantAsync(http, "sum(mm_bot_fills_total) > 0");
        if (fills.Samples == 0)
        {
            failures.Add("no fill observed yet (P&L and markouts need one): sum(mm_bot_fills_total) > 0 is empty");
        }

        foreach (var q in dashboard.Panels)
        {
            var r = await RangeAsync(http, q.Expr);
            if (r.Error is not null)
            {
                failures.Add($"panel {q.Where}: {r.Error}: {q.Expr}");
            }
            else if (r.Numbers == 0)
            {
                failures.Add($"panel {q.Where}: {(r.Samples == 0 ? "no data" : "only NaN/Inf")}: {q.Expr}");
            }
        }

        foreach (var (name, selector, label) in dashboard.Variables)
        {
            var r = await InstantAsync(http, selector);
            if (r.Error is not null || r.Samples == 0 || !r.Labels.Contains(label))
            {
                failures.Add($"template variable ${name}: label_values({selector}, {label}) has no values{(r.Error is null ? "" : ": " + r.Error)}");
            }
        }

        foreach (var q in dashboard.Annotations)
        {
            failures.AddRange(await SelectorFailuresAsync(http, $"annotation \"{q.Where}\"", q.Expr));
        }

        // The rules as Prometheus loaded them: all there, evaluated, healthy, every selected series present.
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/v1/rules"));
        var loaded = doc.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => (Name: r.GetProperty("name").GetString()!, Type: r.GetProperty("type").GetString()!, Query: r.GetProperty("query").GetString()!,
                Health: r.GetProperty("health").GetString()!, Error: r.TryGetProperty("lastError", out var e) ? e.GetString() : null))
            .ToList();
        if (loaded.Count != expectedRules)
        {
            failures.Add($"prometheus loaded {loaded.Count} rules, the files hold {expectedRules}");
        }

        foreach (var rule in loaded)
        {
            var where = $"{(rule.Type == "alerting" ? "alert" : "recording rule")} {rule.Name}";
            if (rule.Health != "ok")
            {
                failures.Add($"{where}: health {rule.Health} {rule.Error}: {rule.Query}");
                continue;
            }

            failures.AddRange(await SelectorFailuresAsync(http, where, rule.Query));
            if (rule.Type == "recording" && (await InstantAsync(http, rule.Name)).Samples == 0)
            {
                failures.Add($"{where}: the recorded series has no data");
            }
        }

        return failures;
    }

    /// <summary>The whole expression must parse; every metric selector in it must return data.</summary>
    private static async Task<List<string>> SelectorFailuresAsync(HttpClient http, string where, string expr)
    {
        var failures = new List<string>();
        var whole = await InstantAsync(http, expr);
        if (whole.Error is not null)
        {
            failures.Add($"{where}: {whole.Error}: {expr}");
            return failures;
        }

        var selectors = Selector().Matches(expr).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        if (selectors.Count == 0)
        {
            failures.Add($"{where}: no metric selector found in {expr}");
        }

        foreach (var selector in selectors)
        {
            var r = await InstantAsync(http, selector);
            if (r.Error is not null || r.Samples == 0)
            {
                failures.Add($"{where}: no data for {selector}{(r.Error is null ? "" : ": " + r.Error)}");
            }
        }

        return failures;
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/-/ready");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static Task<Result> InstantAsync(HttpClient http, string query) =>
        QueryAsync(http, "/api/v1/query?query=" + Uri.EscapeDataString(query));

    private static Task<Result> RangeAsync(HttpClient http, string query)
    {
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return QueryAsync(http, $"/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={end - 30}&end={end}&step=2");
    }

    private static async Task<Result> QueryAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            return new Result(0, 0, [], $"{root.GetProperty("errorType").GetString()}: {root.GetProperty("error").GetString()}");
        }

        var data = root.GetProperty("data");
        if (data.GetProperty("resultType").GetString() is not ("vector" or "matrix"))
        {
            return new Result(1, 1, [], null);
        }

        int samples = 0, numbers = 0;
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var series in data.GetProperty("result").EnumerateArray())
        {
            foreach (var label in series.GetProperty("metric").EnumerateObject())
            {
                labels.Add(label.Name);
            }

            var values = series.TryGetProperty("values", out var vs) ? vs.EnumerateArray().ToList() : [series.GetProperty("value")];
            foreach (var v in values)
            {
                samples++;
                if (double.TryParse(v[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x))
                {
                    numbers++;
                }
            }
        }

        return new Result(samples, numbers, labels, null);
    }

    private static BotProcessRun StartPrometheus(string binary, string config, string data, int port)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     $"--config.file={config}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}",
                     "--storage.tsdb.retention.time=1h", "--log.level=warn",
                 })
        {
            psi.ArgumentList.Add(a);
        }

        return new BotProcessRun(System.Diagnostics.Process.Start(psi)!, new StringBuilder());
    }

    private static int CountRules(string file, string marker) =>
        File.ReadAllLines(file).Count(l => l.TrimStart().StartsWith(marker, StringComparison.Ordinal));

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    /// <summary>Metric selectors: our metrics, the process metrics, up; with their label matchers.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_:])(?:mm_bot[A-Za-z0-9_:]*|process_[A-Za-z0-9_]+|dotnet_[A-Za-z0-9_]+|up)(?![A-Za-z0-9_:(])(?:\{[^}]*\})?")]
    private static partial Regex Selector();

    private sealed record Result(int Samples, int Numbers, HashSet<string> Labels, string? Error);

    private sealed record Query(string Where, string Expr);

    /// <summary>The dashboard's queries with Grafana's variables replaced as Grafana would for this one target.</summary>
    private sealed partial record Dashboard(List<Query> Panels, List<(string Name, string Selector, string Label)> Variables, List<Query> Annotations)
    {
        public static Dashboard Load(string path, string instance)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            string Expand(string expr)
            {
                var e = expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$__range", "5m", StringComparison.Ordinal)
                    .Replace("$__interval", "2s", StringComparison.Ordinal).Replace("$job", "mm-bot", StringComparison.Ordinal)
                    .Replace("$instance", instance, StringComparison.Ordinal);
                Assert.False(e.Contains('$', StringComparison.Ordinal), $"unknown dashboard variable in {expr}");
                return e;
            }

            var panels = new List<Query>();
            foreach (var panel in root.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row"))
            {
                var title = panel.GetProperty("title").GetString()!;
                var targets = panel.GetProperty("targets").EnumerateArray().ToList();
                Assert.True(targets.Count > 0, $"panel \"{title}\" has no query");
                foreach (var t in targets)
                {
                    panels.Add(new Query($"\"{title}\" {t.GetProperty("refId").GetString()}", Expand(t.GetProperty("expr").GetString()!)));
                }
            }

            var variables = new List<(string, string, string)>();
            foreach (var v in root.GetProperty("templating").GetProperty("list").EnumerateArray().Where(v => v.GetProperty("type").GetString() == "query"))
            {
                var m = LabelValues().Match(v.GetProperty("query").GetProperty("query").GetString()!);
                Assert.True(m.Success, "template variable query is not label_values(selector, label): " + v);
                variables.Add((v.GetProperty("name").GetString()!, Expand(m.Groups["sel"].Value), m.Groups["label"].Value));
            }

            var annotations = root.GetProperty("annotations").GetProperty("list").EnumerateArray()
                .Select(a => new Query(a.GetProperty("name").GetString()!, Expand(a.GetProperty("expr").GetString()!)))
                .ToList();
            return new Dashboard(panels, variables, annotations);
        }

        [GeneratedRegex(@"^label_values\((?<sel>.+),\s*(?<label>[A-Za-z_][A-Za-z0-9_]*)\)$")]
        private static partial Regex LabelValues();
    }
}
