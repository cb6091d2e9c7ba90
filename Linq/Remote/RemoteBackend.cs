using System.Linq.Expressions;

namespace ZgDb.Remote;

/// <summary>
/// The seam between the typed API (<see cref="ZgDatabase"/>, <see cref="ZgCollection{T}"/>) and a database served by
/// another process: an embedded database has an engine, a connected one (<c>ZgDatabase.Connect</c>, ZgDb.Client) has
/// this instead. Implemented by ZgDb.Client over gRPC; created once per connected database (by the function given to
/// <see cref="RemoteDatabase.Connect{TDb}"/>) and disposed with it. Part of the remote seam: public so ZgDb.Client and
/// ZgDb.Server need no access to the core's internals; an application has no reason to implement it.
/// </summary>
public interface IRemoteBackend : IDisposable
{
    /// <summary>The address given to Connect, for messages.</summary>
    string Address { get; }

    /// <summary>The collection operations of <paramref name="entity"/>'s collection.</summary>
    IRemoteCollection<T> Collection<T>(EntityType entity) where T : class;

    /// <summary>The query provider every collection of the database uses (ships source chains to the server).</summary>
    IQueryProvider Provider { get; }

    /// <summary>Begins a transaction on the server for the current thread or async flow (the collections' calls on this flow go into it until it ends).</summary>
    IRemoteTransaction BeginTransaction();

    /// <summary>Completes once every write the server acknowledged so far is on its disk (<see cref="ZgDatabase.FlushAsync"/>).</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Checkpoints the served database (<see cref="ZgDatabase.Checkpoint"/>).</summary>
    void Checkpoint();

    /// <summary>The served database's figures (<see cref="ZgDatabase.GetStatistics"/>).</summary>
    DatabaseStatistics GetStatistics();
}

/// <summary>A query provider whose plans <see cref="QueryableExtensions.Explain{T}"/> can show: the embedded one and a connected database's.</summary>
public interface IExplainingProvider
{
    /// <summary>The plan of <paramref name="expression"/> in words; nothing runs.</summary>
    string Explain(Expression expression);
}

/// <summary>A transaction held by the server for one client stream (<see cref="ZgTransaction"/> of a connected database wraps it).</summary>
public interface IRemoteTransaction
{
    /// <summary>False once committed, rolled back or ended by the server.</summary>
    bool IsActive { get; }

    /// <summary>Publishes the transaction's writes; throws if the server already ended it (then nothing was published).</summary>
    void Commit();

    /// <summary>Discards the transaction's writes; does nothing if it already ended.</summary>
    void Rollback();
}

/// <summary>The key operations of one remote collection; documents travel as the engine's JSON.</summary>
/// <typeparam name="T">The collection's document class.</typeparam>
public interface IRemoteCollection<T> where T : class
{
    /// <summary>The document with <paramref name="key"/> (the key's value, or an <c>object[]</c> of the parts of a composite key), or null.</summary>
    T? Find(object key);

    /// <summary>Inserts; an assigned key (int/long 0, empty Guid) is written back to <paramref name="document"/>.</summary>
    void Insert(T document);

    /// <summary>Inserts atomically; assigned keys are written back.</summary>
    void InsertMany(IReadOnlyList<T> documents);

    /// <summary>Replaces the stored document with <paramref name="document"/>'s key (<see cref="ZgDbNotFoundException"/> if there is none).</summary>
    void Update(T document);

    /// <summary>Inserts or replaces.</summary>
    void Upsert(T document);

    /// <summary>Deletes the document with <paramref name="key"/>; false if there was none.</summary>
    bool Delete(object key);

    /// <summary>The number of stored documents.</summary>
    long Count();

    /// <summary>
    /// Deletes every document matching <paramref name="predicate"/> as one atomic write on the server; returns how
    /// many. The predicate travels in the remote query format (the server rebuilds and checks it as a query's
    /// <c>Where</c>); one the format cannot carry is refused with <see cref="NotSupportedException"/> naming why.
    /// </summary>
    int DeleteMany(Expression<Func<T, bool>> predicate);

    /// <summary>Every document in key order, streamed in pages.</summary>
    IEnumerable<T> Scan();
}
