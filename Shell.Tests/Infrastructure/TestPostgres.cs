using System.Diagnostics;
using Npgsql;

namespace MarketMaker.Shell.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for tests. Uses MM_TEST_DATABASE_URL when set (CI starts a server), otherwise
/// starts a throwaway server from the installed binaries (as the postgres user when running as root).
/// Each test gets its own fresh database from <see cref="CreateDatabaseAsync"/>. Never skips: no server is a failure.
/// </summary>
public sealed class TestPostgres : IAsyncLifetime
{
    private string? _dataDir;
    private string? _pgBin;
    private static int _counter;

    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("MM_TEST_DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(url))
        {
            AdminConnectionString = url;
            return;
        }

        _pgBin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d).LastOrDefault()
            : null;
        if (_pgBin is null)
        {
            throw new InvalidOperationException("PostgreSQL is required: set MM_TEST_DATABASE_URL or install the server (apt-get install postgresql); `bash .ci/run` does both.");
        }

        _dataDir = Path.Combine(Path.GetTempPath(), $"mm-test-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dataDir);
        var port = FreePort();
        if (IsRoot())
        {
            Run("chown", $"postgres {_dataDir}");
        }

        RunAsPostgres(Path.Combine(_pgBin, "initdb"), $"-D {_dataDir} -U postgres -A trust --no-sync");
        RunAsPostgres(Path.Combine(_pgBin, "pg_ctl"), $"-D {_dataDir} -l {_dataDir}/server.log -w -o \"-c listen_addresses=127.0.0.1 -p {port} -k {_dataDir} -c fsync=off -c max_connections=200\" start");
        AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
        await Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        if (_dataDir is not null && _pgBin is not null)
        {
            try
            {
                RunAsPostgres(Path.Combine(_pgBin, "pg_ctl"), $"-D {_dataDir} -m immediate stop");
            }
            catch (InvalidOperationException)
            {
            }

            try
            {
                Directory.Delete(_dataDir, true);
            }
            catch (IOException)
            {
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var name = $"{prefix ?? "t"}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void RunAsPostgres(string exe, string args)
    {
        if (IsRoot())
        {
            Run("runuser", $"-u postgres -- {exe} {args}");
        }
        else
        {
            Run(exe, args);
        }
    }

    private static void Run(string exe, string args)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"{exe} {args}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} failed ({p.ExitCode}): {err}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<TestPostgres>
{
    public const string Name = "postgres";
}
