using ZgDb.Storage.Engine;
using ZgDb.Storage.Indexes;

namespace ZgDb.Query.Execution;

/// <summary>
/// One execution of a compiled query: the database state read (taken once, so every collection the query reads,
/// joins included, agrees), the parameter values, and the snapshots opened so far. Lives as long as the query's
/// results are enumerated; not thread-safe (one per execution).
/// </summary>
internal sealed class QueryContext(ZgDatabase database, DatabaseState state, object?[] parameters)
{
    private readonly Dictionary<Type, object> _snapshots = new(2);

    public ZgDatabase Database { get; } = database;
    public DatabaseState State { get; } = state;
    public object?[] Parameters { get; } = parameters;

    public ICollectionSnapshot<T> Snapshot<T>() where T : class
    {
        if (_snapshots.TryGetValue(typeof(T), out var existing)) return (ICollectionSnapshot<T>)existing;
        var snapshot = Database.Engine.Store<T>().Snapshot(State);
        _snapshots[typeof(T)] = snapshot;
        return snapshot;
    }

    /// <summary>The named index of <typeparamref name="T"/>'s collection as of this state, or null when there is none.</summary>
    public IIndexSnapshot? Index<T>(string name) where T : class => Snapshot<T>().GetIndex(name);

    /// <summary>Copies of stored documents, made as they are enumerated (so Take(10) copies ten).</summary>
    public IEnumerable<T> Copy<T>(IEnumerable<T> stored) where T : class
    {
        var snapshot = Snapshot<T>();
        foreach (var document in stored) yield return snapshot.Copy(document);
    }
}
