using ZgDb.Storage.Indexes;

namespace ZgDb.Storage.Engine;

/// <summary>A collection as of one published state. Cheap to create; valid as long as it is held.</summary>
internal sealed class CollectionSnapshot<TKey, T>(CollectionStore<TKey, T> store, CollectionState<TKey, T> state) : ICollectionSnapshot<T>
    where TKey : notnull where T : class
{
    public EntityType Entity => store.Entity;
    public long Count => state.Count;
    public CollectionState<TKey, T> State => state;

    public IEnumerable<T> Scan() => store.Scan(state);

    public T? Get(object key) => key is null ? null : store.Keys.TryConvert(key, out var typed) ? store.TryGetStored(state, typed) : null;

    public object KeyOf(T document) => store.KeyOf(document);

    public IEnumerable<T> KeyRange(IndexBound? lower, IndexBound? upper, bool descending) => store.KeyRange(state, lower, upper, descending);

    public IIndexSnapshot? GetIndex(string name) => store.GetIndex(state, name);

    public T Copy(T stored) => store.Copy(stored);
}
