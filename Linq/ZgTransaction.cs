using ZgDb.Storage.Engine;

namespace ZgDb;

/// <summary>
/// A group of writes on any collections that becomes visible and durable as one unit: all or nothing in memory,
/// in the write-ahead log and after a crash. Begun with <see cref="ZgDatabase.BeginTransaction"/>; other writers
/// wait until it commits or is disposed, readers outside it keep seeing the state before it until
/// <see cref="Commit"/> publishes everything at once. Reads on the same flow (thread or async flow) see its writes.
/// A call that fails inside the transaction (a duplicate key, a unique or foreign-key violation, a validation
/// error) throws and has no effect; the transaction stays usable. Disposing without committing rolls back, and so does
/// disposing the database while the transaction is open (see <see cref="ZgDatabase.Dispose"/>): after that,
/// <see cref="Commit"/> throws <see cref="ObjectDisposedException"/>.
/// Use a transaction from one flow at a time and keep it short: it holds the writer's turn.
/// </summary>
public sealed class ZgTransaction : IDisposable
{
    private readonly ZgDatabase _database;
    private readonly EngineTransaction? _transaction;
    private readonly Remote.IRemoteTransaction? _remote;

    private readonly Telemetry.TransactionTelemetry? _telemetry;

    internal ZgTransaction(ZgDatabase database, EngineTransaction transaction)
    {
        _database = database;
        _transaction = transaction;
        _telemetry = Telemetry.TransactionTelemetry.Begin(database);
    }

    /// <summary>A transaction of a connected database, held by the server (ZgDb.Client).</summary>
    internal ZgTransaction(ZgDatabase database, Remote.IRemoteTransaction remote)
    {
        _database = database;
        _remote = remote;
    }

    /// <summary>Whether the transaction is still open.</summary>
    public bool IsActive => _remote?.IsActive ?? _transaction!.IsActive;

    /// <summary>
    /// Publishes every write of the transaction at once and logs them as one record. With
    /// <see cref="Durability.Synchronous"/>, returns once that record is on disk; otherwise
    /// <see cref="ZgDatabase.FlushAsync"/> waits for it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction was already committed or rolled back.</exception>
    /// <exception cref="ZgDbFaultedException">The write-ahead log failed; nothing was published.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed (which rolled the transaction back).</exception>
    public void Commit()
    {
        _database.ThrowIfDisposed();
        if (_remote is not null) _remote.Commit();
        else Telemetry.TransactionTelemetry.Commit(_telemetry, _database, _transaction!.Commit);
    }

    /// <summary>Discards every write of the transaction (nothing to do once it ended, or once the database was disposed).</summary>
    public void Rollback()
    {
        if (_remote is not null) _remote.Rollback();
        else
        {
            _transaction!.Rollback();
            _telemetry?.RolledBack();
        }
    }

    /// <summary>Rolls back unless committed.</summary>
    public void Dispose() => Rollback();
}
