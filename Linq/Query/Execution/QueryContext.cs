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
    // The snapshots this execution read, one per collection: most queries read one, kept in two fields (a point
    // lookup allocates no dictionary); the others in a dictionary made when a second collection is read.
    private Type? _firstType;
    private object? _firstSnapshot;
    private Dictionary<Type, object>? _snapshots;

    public ZgDatabase Database { get; } = database;
    public DatabaseState State { get; } = state;
    public object?[] Parameters { get; } = parameters;

    public ICollectionSnapshot<T> Snapshot<T>() where T : class
    {
        if (_firstType == typeof(T)) return (ICollectionSnapshot<T>)_firstSnapshot!;
        if (_snapshots is not null && _snapshots.TryGetValue(typeof(T), out var existing)) return (ICollectionSnapshot<T>)existing;
        var snapshot = Database.Engine.Store<T>().Snapshot(State);
        if (Cancellation.CanBeCanceled) snapshot = new CancellableSnapshot<T>(snapshot, Cancellation);
        if (_firstType is null) (_firstType, _firstSnapshot) = (typeof(T), snapshot);
        else (_snapshots ??= new(2))[typeof(T)] = snapshot;
        return snapshot;
    }

    /// <summary>
    /// The token of the asynchronous operator that runs this execution (<see cref="QueryCancellation"/>): when it can be
    /// cancelled, every snapshot checks it between stored rows and index entries.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The named index of <typeparamref name="T"/>'s collection as of this state, or null when there is none.</summary>
    public IIndexSnapshot? Index<T>(string name) where T : class => Snapshot<T>().GetIndex(name);

    /// <summary>
    /// Whether this execution materializes each stored document at most once (identity resolution: the query compares
    /// entities, or may hand one out twice); set from the compiled query, so a plain read pays nothing for it.
    /// </summary>
    public bool ResolvesIdentity { get; init; }

    /// <summary>The query's Include paths, loaded on its results and on the included entities it hands to application methods.</summary>
    public Relations.IncludeProcessor? Includes { get; init; }

    private Dictionary<(Type, object), object>? _identities;
    private Dictionary<(object, object), object>? _navigations;

    /// <summary>
    /// The list a collection navigation gives for one principal (<paramref name="relationship"/>, <paramref name="key"/>):
    /// when this execution resolves identity, the same list every time (<c>c.Orders == c.Orders</c>, as in an object graph).
    /// </summary>
    public List<T> NavigationList<T>(object relationship, object key, Func<List<T>> load) where T : class
    {
        if (!ResolvesIdentity) return load();
        _navigations ??= [];
        if (_navigations.TryGetValue((relationship, key), out var existing)) return (List<T>)existing;
        var list = load();
        _navigations.Add((relationship, key), list);
        return list;
    }

    /// <summary>Copies of stored documents, made as they are enumerated (so Take(10) copies ten).</summary>
    public IEnumerable<T> Copy<T>(IEnumerable<T> stored) where T : class
    {
        var snapshot = Snapshot<T>();
        foreach (var document in stored) yield return ResolvesIdentity ? Materialize(snapshot, document) : snapshot.Copy(document);
    }

    /// <summary>The copy this execution hands out for <paramref name="stored"/>: always the same one when it <see cref="ResolvesIdentity"/>.</summary>
    public T Materialize<T>(T stored) where T : class => Materialize(Snapshot<T>(), stored);

    private T Materialize<T>(ICollectionSnapshot<T> snapshot, T stored) where T : class
    {
        if (!ResolvesIdentity) return snapshot.Copy(stored);
        _identities ??= [];
        var key = (typeof(T), snapshot.KeyOf(stored));
        if (_identities.TryGetValue(key, out var existing)) return (T)existing;
        var copy = snapshot.Copy(stored);
        _identities.Add(key, copy);
        return copy;
    }
}
