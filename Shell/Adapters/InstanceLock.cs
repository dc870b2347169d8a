using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace MarketMaker.Shell.Adapters;

/// <summary>What this process may do this cycle (docs/instances.md).</summary>
public enum InstanceRole
{
    /// <summary>Holds the instance lock: quotes.</summary>
    Active,

    /// <summary>Does not hold the lock: gathers and decides in dry run, sends nothing.</summary>
    Standby,
}

/// <summary>The role this cycle and, for a standby, why (the /readyz reason).</summary>
public sealed record InstanceStatus(InstanceRole Role, string Reason)
{
    public const string AnotherHoldsTheLock = "standby: another instance holds the lock";
    public const string LockLost = "instance lock lost";

    public static readonly InstanceStatus Active = new(InstanceRole.Active, "");

    public bool IsActive => Role == InstanceRole.Active;
}

/// <summary>Decides, once per cycle, whether this process is the active instance. Never throws.</summary>
public interface IInstanceGate : IAsyncDisposable
{
    /// <summary>What the gate is, for the start-up line (never a secret).</summary>
    string Describe { get; }

    Task<InstanceStatus> CheckAsync(CancellationToken ct);
}

/// <summary>
/// One active instance per owner + subaccount + market (behaviour.md §17): a PostgreSQL session-level advisory lock
/// (<c>pg_try_advisory_lock(bigint)</c>) held on a dedicated, unpooled connection. The lock is PostgreSQL's, not ours:
/// when the holding process dies its session ends and the lock is free; a standby that tries every cycle gets it within
/// one poll interval. While held, every cycle checks the connection with one round trip; a failure means the lock may be
/// gone, so the instance stops placing at once (<c>instance lock lost</c>) until it holds the lock again.
/// </summary>
public sealed class PostgresInstanceLock : IInstanceGate
{
    public const string ApplicationName = "mm-bot instance lock";

    private readonly string _connectionString;
    private readonly TimeSpan _timeout;
    private NpgsqlConnection? _connection;
    private bool _held;
    private bool _lost;

    public PostgresInstanceLock(string connectionString, long key, TimeSpan timeout)
    {
        var builder = PostgresConnectionString.Parse(connectionString);
        var seconds = (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, 3600);
        builder.Pooling = false;
        builder.Timeout = seconds;
        builder.CommandTimeout = seconds;
        builder.CancellationTimeout = -1;
        builder.TcpKeepAlive = true;
        builder.ApplicationName = ApplicationName;
        _connectionString = builder.ConnectionString;
        _timeout = timeout;
        Key = key;
    }

    /// <summary>The advisory lock key (<see cref="KeyFor"/>).</summary>
    public long Key { get; }

    public string Describe => $"postgres advisory lock {Key}";

    /// <summary>
    /// The lock key of one owner + subaccount + market: the first 8 bytes (big-endian) of
    /// SHA-256("mm-bot instance:" + lower(owner) + ":" + subaccount + ":" + market).
    /// </summary>
    public static long KeyFor(string owner, string subaccount, string market)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"mm-bot instance:{owner.ToLowerInvariant()}:{subaccount}:{market}"));
        return BinaryPrimitives.ReadInt64BigEndian(digest);
    }

    public async Task<InstanceStatus> CheckAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        try
        {
            if (_held && _connection is { } held)
            {
                await using var ping = new NpgsqlCommand("SELECT 1", held);
                await ping.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
                return InstanceStatus.Active;
            }

            if (_connection is null)
            {
                var connection = new NpgsqlConnection(_connectionString);
                try
                {
                    await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
                }
                catch
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                _connection = connection;
            }

            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", _connection);
            command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Bigint) { Value = Key });
            var acquired = await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false) is true;
            if (acquired)
            {
                _held = true;
                _lost = false;
                return InstanceStatus.Active;
            }

            _lost = false;
            return new InstanceStatus(InstanceRole.Standby, InstanceStatus.AnotherHoldsTheLock);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            if (ex is OperationCanceledException && ct.IsCancellationRequested)
            {
                throw;
            }

            // The session (and with it the lock, if we held it) may be gone: never place on a lock we cannot see.
            _lost |= _held;
            _held = false;
            await DropAsync().ConfigureAwait(false);
            return _lost
                ? new InstanceStatus(InstanceRole.Standby, InstanceStatus.LockLost)
                : new InstanceStatus(InstanceRole.Standby, "standby: instance lock not acquired (database unavailable)");
        }
    }

    public async ValueTask DisposeAsync() => await DropAsync().ConfigureAwait(false);

    private async Task DropAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            // Closing the session releases the lock.
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
            }
        }
    }
}
