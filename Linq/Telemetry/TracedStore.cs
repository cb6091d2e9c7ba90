using ZgDb.Storage.Engine;

namespace ZgDb.Telemetry;

/// <summary>
/// The engine's store of one collection as <see cref="ZgCollection{T}"/> uses it, with each write measured
/// (<c>insert</c>, <c>insert_many</c>, <c>update</c>, <c>upsert</c>, <c>delete</c>, <c>delete_many</c>,
/// <c>update_many</c>: a span and <c>db.client.operation.duration</c>) and each scan of the whole collection
/// (enumerating <c>db.Users</c>) measured as a query. Reads and writes go straight to the engine when nothing listens.
/// </summary>
internal sealed class TracedStore<T>(ZgDatabase database, ICollectionStore<T> inner) : ICollectionStore<T> where T : class
{
    public EntityType Entity => inner.Entity;
    public string Name => inner.Name;

    public T? Find(object key) => inner.Find(key);

    public void Insert(T document) => Measure("insert", 1, (inner, document), static s => s.inner.Insert(s.document));

    public void InsertMany(IEnumerable<T> documents) =>
        Measure("insert_many", documents is IReadOnlyCollection<T> list ? list.Count : null, (inner, documents), static s => s.inner.InsertMany(s.documents));

    public void Update(T document) => Measure("update", 1, (inner, document), static s => s.inner.Update(s.document));

    public void Upsert(T document) => Measure("upsert", 1, (inner, document), static s => s.inner.Upsert(s.document));

    public bool Delete(object key) => Measure("delete", null, (inner, key), static s => s.inner.Delete(s.key));

    public int DeleteMany(Func<T, bool> predicate) => Measure("delete_many", null, (inner, predicate), static s => s.inner.DeleteMany(s.predicate));

    public int UpdateMany(Func<T, bool> predicate, Action<T> update) => Measure("update_many", null, (inner, predicate, update), static s => s.inner.UpdateMany(s.predicate, s.update));

    public long Count() => inner.Count();

    public IEnumerable<T> ScanStored() =>
        OperationTelemetry.Start(database, "query", inner.Name) is { } telemetry ? telemetry.Observe(inner.ScanStored(), "FULL SCAN " + inner.Entity.Name) : inner.ScanStored();

    public T Copy(T stored) => inner.Copy(stored);

    public List<T> FindDependents(Relationship relationship, object principalKey) => inner.FindDependents(relationship, principalKey);

    public ICollectionSnapshot<T> Snapshot() => inner.Snapshot();

    public ICollectionSnapshot<T> Snapshot(DatabaseState state) => inner.Snapshot(state);

    private void Measure<TState>(string operation, int? documents, TState state, Action<TState> write) =>
        Measure(operation, documents, (state, write), static s =>
        {
            s.write(s.state);
            return true;
        });

    /// <summary>Runs the write (a static delegate and its state: nothing allocated when nothing listens), measured when anything listens; <c>zgdb.write.documents</c> is the documents given, or (for the *_many and delete forms) the count the write returned.</summary>
    private TResult Measure<TState, TResult>(string operation, int? documents, TState state, Func<TState, TResult> write)
    {
        var telemetry = OperationTelemetry.Start(database, operation, inner.Name);
        if (telemetry is null) return write(state);
        try
        {
            var result = write(state);
            long? affected = documents ?? result switch { int n => n, bool deleted => deleted ? 1 : 0, _ => null };
            if (affected is { } count) telemetry.Activity?.SetTag(TelemetryTags.Documents, count);
            telemetry.Succeeded();
            return result;
        }
        catch (Exception e)
        {
            telemetry.Failed(e);
            throw;
        }
    }
}
