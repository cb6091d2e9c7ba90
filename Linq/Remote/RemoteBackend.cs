using System.Linq.Expressions;

namespace ZgDb.Remote;

/// <summary>
/// The seam between the typed API (<see cref="ZgDatabase"/>, <see cref="ZgCollection{T}"/>) and a database served by
/// another process: an embedded database has an engine, a connected one (<c>ZgDatabase.Connect</c>, ZgDb.Client) has
/// this instead. Implemented by ZgDb.Client over gRPC; created once per connected database and disposed with it.
/// </summary>
internal interface IRemoteBackend : IDisposable
{
    /// <summary>The address given to Connect, for messages.</summary>
    string Address { get; }

    /// <summary>The collection operations of <paramref name="entity"/>'s collection.</summary>
    IRemoteCollection<T> Collection<T>(EntityType entity) where T : class;

    /// <summary>The query provider every collection of the database uses (ships source chains to the server).</summary>
    IQueryProvider Provider { get; }

    /// <summary>Begins a transaction on the server for the current thread or async flow (the collections' calls on this flow go into it until it ends).</summary>
    IRemoteTransaction BeginTransaction();
}

/// <summary>A query provider whose plans <see cref="QueryableExtensions.Explain{T}"/> can show: the embedded one and a connected database's.</summary>
internal interface IExplainingProvider
{
    string Explain(Expression expression);
}

/// <summary>A transaction held by the server for one client stream.</summary>
internal interface IRemoteTransaction
{
    bool IsActive { get; }
    void Commit();
    void Rollback();
}

/// <summary>The key operations of one remote collection; documents travel as the engine's JSON.</summary>
internal interface IRemoteCollection<T> where T : class
{
    T? Find(object key);

    /// <summary>Inserts; an assigned key (int/long 0, empty Guid) is written back to <paramref name="document"/>.</summary>
    void Insert(T document);

    /// <summary>Inserts atomically; assigned keys are written back.</summary>
    void InsertMany(IReadOnlyList<T> documents);

    void Update(T document);

    void Upsert(T document);

    bool Delete(object key);

    long Count();

    /// <summary>Every document in key order, streamed in pages.</summary>
    IEnumerable<T> Scan();
}
