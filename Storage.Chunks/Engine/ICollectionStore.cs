using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Engine;

// The two faces of a collection store (CollectionStore<TKey, T>): the typed API ZgCollection<T> calls, and the
// untyped operations the engine and the other collections' stores run on it whatever its key type.

/// <summary>What the typed layer (<c>ZgCollection&lt;T&gt;</c>) needs from a collection, whatever its key type.</summary>
internal interface ICollectionStore<T> where T : class
{
    EntityType Entity { get; }
    string Name { get; }

    /// <summary>A copy of the stored document with this key, or null. Throws <see cref="ZgDbValidationException"/> for a key of the wrong type.</summary>
    T? Find(object key);

    void Insert(T document);
    void InsertMany(IEnumerable<T> documents);
    void Update(T document);
    void Upsert(T document);
    bool Delete(object key);
    int DeleteMany(Func<T, bool> predicate);
    int UpdateMany(Func<T, bool> predicate, Action<T> update);
    long Count();

    /// <summary>The stored documents of the current snapshot, in key order. They are shared: read them, never mutate or return them.</summary>
    IEnumerable<T> ScanStored();

    /// <summary>A deep copy of a stored document, for handing to the caller.</summary>
    T Copy(T stored);

    /// <summary>Copies of the documents whose foreign key of <paramref name="relationship"/> equals <paramref name="principalKey"/>, in key order.</summary>
    List<T> FindDependents(Relationship relationship, object principalKey);

    /// <summary>A consistent read-only view of the collection as of now.</summary>
    ICollectionSnapshot<T> Snapshot();

    /// <summary>The collection as of <paramref name="state"/> (for reads that span several collections of one state).</summary>
    ICollectionSnapshot<T> Snapshot(DatabaseState state);
}

/// <summary>Untyped operations the engine runs on every collection (replay, checkpoint, manifest).</summary>
internal interface ICollectionStore
{
    int Ordinal { get; }
    string Name { get; }
    EntityType Entity { get; }
    CollectionState CreateState(Manifests.ManifestCollection? stored);
    void Replay(WriteSet set, WalOp op);
    /// <summary>Folds the delta of <paramref name="state"/> into chunks; returns the new chunk list (as an opaque state) .</summary>
    CollectionState Checkpoint(CollectionState state, ChunkSink sink);
    /// <summary>Whether a checkpoint must visit the collection even without changes (an index not yet in a file, a dropped index still listed).</summary>
    bool NeedsCheckpoint(CollectionState state);
    /// <summary>
    /// The state after a checkpoint of <paramref name="snapshot"/> produced <paramref name="checkpointed"/>: the new
    /// chunks and index bases, and only the changes newer than <paramref name="checkpointLsn"/>.
    /// </summary>
    CollectionState Rebase(CollectionState current, CollectionState snapshot, CollectionState checkpointed, long checkpointLsn);
    Manifests.ManifestCollection Describe(CollectionState state);
    /// <summary>At open, after the WAL replay: refuses a unique index the stored documents violate (see <see cref="Indexes.CollectionIndexes{TKey,T}.CheckUniqueAtOpen"/>).</summary>
    void CheckUniqueIndexes(CollectionState state);

    /// <summary>Wires the relationships to the other collections' stores (after every store exists).</summary>
    void Link(IReadOnlyList<ICollectionStore> stores);

    /// <summary>Whether the write set's view of this collection holds <paramref name="key"/>.</summary>
    bool ContainsKey(WriteSet set, object key);

    /// <summary>Keys of the documents whose foreign key of <paramref name="relationship"/> equals <paramref name="principalKey"/>.</summary>
    List<object> DependentKeys(WriteSet set, Relationship relationship, object principalKey);

    /// <summary>Deletes a document inside a write set (applying its own delete behaviours); false if absent.</summary>
    bool RemoveKey(WriteSet set, object key);

    /// <summary>Sets a document's foreign key of <paramref name="relationship"/> to null.</summary>
    void ClearForeignKey(WriteSet set, object key, Relationship relationship);

    /// <summary>
    /// The files <paramref name="state"/> reads on demand, each with the object every read of it goes through (its
    /// chunk ref, its index base), which every state sharing the file shares: while that object is reachable, the file is kept.
    /// </summary>
    IEnumerable<(object Holder, string[] Files)> FileHolders(CollectionState state);
}
