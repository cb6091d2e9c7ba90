using ZgDb.Storage.Engine;

namespace ZgDb.Tooling;

/// <summary>
/// One consistent, read-only view of every collection of an open database (<see cref="ZgDbTooling.Snapshot"/>):
/// counts and key-order scans as of one moment, whatever is written meanwhile. Thread-safe.
/// </summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class DatabaseSnapshot
{
    private readonly ZgDatabase _database;
    private readonly DatabaseState _state;

    internal DatabaseSnapshot(ZgDatabase database, DatabaseState state)
    {
        _database = database;
        _state = state;
    }

    /// <summary>The documents of <typeparamref name="T"/>'s collection in the snapshot.</summary>
    /// <exception cref="ZgDbException"><typeparamref name="T"/> is not an entity of the database.</exception>
    /// <exception cref="ObjectDisposedException">The database is disposed.</exception>
    public long Count<T>() where T : class => Collection<T>().Count;

    /// <summary>
    /// Every document of <typeparamref name="T"/>'s collection in the snapshot, in primary-key order, loading chunks on
    /// demand. The instances are the stored ones, shared with every reader: read them, never change them or hand them
    /// out; <see cref="Copy{T}"/> gives one the caller owns.
    /// </summary>
    /// <exception cref="ZgDbException"><typeparamref name="T"/> is not an entity of the database.</exception>
    /// <exception cref="ObjectDisposedException">The database is disposed.</exception>
    public IEnumerable<T> ScanStored<T>() where T : class => Collection<T>().Scan();

    /// <summary>A deep copy of a stored document from <see cref="ScanStored{T}"/>, which the caller owns.</summary>
    /// <exception cref="ZgDbException"><typeparamref name="T"/> is not an entity of the database.</exception>
    /// <exception cref="ObjectDisposedException">The database is disposed.</exception>
    public T Copy<T>(T stored) where T : class
    {
        ArgumentNullException.ThrowIfNull(stored);
        return Collection<T>().Copy(stored);
    }

    private ICollectionSnapshot<T> Collection<T>() where T : class => _database.Engine.Store<T>().Snapshot(_state);
}
