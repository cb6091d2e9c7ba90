using System.Linq.Expressions;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Documents;
using ZgDb.Storage.Indexes;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Engine;

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

/// <summary>
/// One collection of the engine: reads over immutable states, writes into <see cref="WriteSet"/>s, replay of WAL
/// operations, and the checkpoint merge of the delta into chunk files.
/// </summary>
internal sealed class CollectionStore<TKey, T> : ICollectionStore<T>, ICollectionStore where TKey : notnull where T : class
{
    private readonly StorageEngine _engine;
    private readonly KeyCodec<TKey> _keys;
    private readonly Func<T, TKey> _getKey;
    private readonly Action<T, TKey> _setKey;
    private readonly Func<T, T> _copy;
    private Func<T, T>? _compiledCopy;
    private readonly Func<ChunkRef<TKey>, LoadedChunk<TKey, T>> _loadChunk;
    private readonly DocumentValidator<T> _validator;
    private (Relationship Relationship, ICollectionStore Principal)[] _principals = [];
    private (Relationship Relationship, ICollectionStore Dependent)[] _dependents = [];
    private readonly CollectionIndexes<TKey, T> _indexes;
    private bool _manifestListsDroppedIndexes;

    public CollectionStore(StorageEngine engine, EntityType entity, int ordinal)
    {
        _engine = engine;
        Entity = entity;
        Ordinal = ordinal;
        _keys = new KeyCodec<TKey>(entity.KeyKind, entity.KeyParts.Select(p => p.ClrType).ToArray());
        if (entity.HasCompositeKey)
        {
            // A composite key is read from its parts (compiled on first use) and never assigned.
            Func<T, TKey>? compiled = null;
            _getKey = document => (compiled ??= CompositeKeyReader.Compile<T, TKey>(entity))(document);
            _setKey = (_, _) => throw new InvalidOperationException($"{entity.Name} has a composite key, which ZgDb never assigns.");
        }
        else
        {
            // Direct delegates over the key property's accessors: no expression compilation at open.
            _getKey = (Func<T, TKey>)Delegate.CreateDelegate(typeof(Func<T, TKey>), entity.Key.Info.GetMethod!);
            _setKey = (Action<T, TKey>)Delegate.CreateDelegate(typeof(Action<T, TKey>), entity.Key.Info.SetMethod!);
        }
        _copy = stored => (_compiledCopy ??= engine.Cloner.For<T>())(stored); // compiled on first use, not at open
        _loadChunk = c => ChunkFile.Read(_engine.FileSystem, _engine.ChunkPath(c.File), Name, _keys, _getKey, _engine.Serializer);
        _validator = new DocumentValidator<T>(entity);
        _indexes = new CollectionIndexes<TKey, T>(engine, entity, _keys.Comparer, _getKey);
    }

    public EntityType Entity { get; }
    public int Ordinal { get; }
    public string Name => Entity.CollectionName;
    public KeyCodec<TKey> Keys => _keys;
    public IComparer<TKey> Comparer => _keys.Comparer;
    public TKey KeyOf(T document) => _getKey(document);
    public int ChunkDocuments => _engine.Options.ChunkDocuments;
    public long ChunkMaxBytes => _engine.Options.ChunkMaxBytes;
    public DocumentSerializer Serializer => _engine.Serializer;
    public CollectionIndexes<TKey, T> Indexes => _indexes;

    private CollectionState<TKey, T> Current => (CollectionState<TKey, T>)_engine.ReadState().Collections[Ordinal];

    // ---- reads -------------------------------------------------------------------------------------------

    public T? Find(object key)
    {
        if (key is null) throw new ZgDbValidationException(Name, "Find(null): a key is required.");
        var typed = ConvertKey(key);
        var stored = TryGetStored(Current, typed);
        return stored is null ? null : _copy(stored);
    }

    public TKey ConvertKey(object key) => _keys.TryConvert(key, out var typed)
        ? typed
        : throw (Entity.HasCompositeKey
            ? new ArgumentException($"Collection '{Name}': " + CompositeKeyReader.Mismatch(Entity, key), "keyValues")
            : (Exception)new ZgDbValidationException(Name, $"the key {key} is a {key.GetType().Name}, but {Entity.Name}.{Entity.Key.Name} is a {typeof(TKey).Name}."));

    /// <summary>The stored (shared, read-only) document under <paramref name="key"/> in <paramref name="state"/>, or null.</summary>
    public T? TryGetStored(CollectionState<TKey, T> state, TKey key)
    {
        if (state.Delta.TryGetValue(key, out var entry)) return entry.Document;
        return FromChunks(state, key);
    }

    private T? FromChunks(CollectionState<TKey, T> state, TKey key)
    {
        int c = state.FindChunk(key, _keys.Comparer);
        if (c < 0) return null;
        var chunk = Load(state.Chunks[c]);
        int i = chunk.IndexOf(key, _keys.Comparer);
        return i >= 0 ? chunk.Documents[i] : null;
    }

    public LoadedChunk<TKey, T> Load(ChunkRef<TKey> chunk) =>
        _engine.Cache.GetOrLoad(chunk, _loadChunk);

    public long Count() => Current.Count;

    public IEnumerable<T> ScanStored() => Scan(Current);

    /// <summary>Every stored document of <paramref name="state"/> in key order: the chunks merged with the delta.</summary>
    public IEnumerable<T> Scan(CollectionState<TKey, T> state) => Scan(state, null, null);

    /// <summary>
    /// Stored documents of <paramref name="state"/> with keys within the optional bounds, in key order: the chunks
    /// overlapping the range merged with the delta. Chunks outside the range are not loaded.
    /// </summary>
    public IEnumerable<T> Scan(CollectionState<TKey, T> state, (TKey Key, bool Inclusive)? lower, (TKey Key, bool Inclusive)? upper)
    {
        var comparer = _keys.Comparer;
        bool AboveLower(TKey key) => lower is not { } lo || comparer.Compare(key, lo.Key) is var c && (c > 0 || c == 0 && lo.Inclusive);
        bool BelowUpper(TKey key) => upper is not { } hi || comparer.Compare(key, hi.Key) is var c && (c < 0 || c == 0 && hi.Inclusive);
        IEnumerable<KeyValuePair<TKey, DeltaEntry<T>>> deltaRange = state.Delta;
        if (lower is not null) deltaRange = deltaRange.SkipWhile(e => !AboveLower(e.Key));
        // A scan may outlive checkpoints: holding the state keeps its chunk files on disk (StorageEngine.Retire).
        using var delta = deltaRange.GetEnumerator();
        bool hasDelta = delta.MoveNext();
        foreach (var chunkRef in state.Chunks)
        {
            if (!AboveLower(chunkRef.Max)) continue;
            if (!BelowUpper(chunkRef.Min)) break;
            var chunk = Load(chunkRef);
            var keys = chunk.Keys;
            var documents = chunk.Documents;
            int start = 0;
            if (lower is not null)
            {
                // The first key above the bound. Not Array.BinarySearch: a composite key prefix equals many keys.
                int lo = 0, hi = keys.Length;
                while (lo < hi)
                {
                    int mid = lo + (hi - lo) / 2;
                    if (AboveLower(keys[mid])) hi = mid; else lo = mid + 1;
                }
                start = lo;
            }
            for (int i = start; i < keys.Length; i++)
            {
                while (hasDelta && comparer.Compare(delta.Current.Key, keys[i]) < 0)
                {
                    if (!BelowUpper(delta.Current.Key)) yield break;
                    if (delta.Current.Value.Document is { } inserted) yield return inserted;
                    hasDelta = delta.MoveNext();
                }
                if (!BelowUpper(keys[i])) yield break;
                if (hasDelta && comparer.Compare(delta.Current.Key, keys[i]) == 0)
                {
                    if (delta.Current.Value.Document is { } replaced) yield return replaced;
                    hasDelta = delta.MoveNext();
                    continue;
                }
                yield return documents[i];
            }
        }
        while (hasDelta && BelowUpper(delta.Current.Key))
        {
            if (delta.Current.Value.Document is { } inserted) yield return inserted;
            hasDelta = delta.MoveNext();
        }
    }

    public T Copy(T stored) => _copy(stored);

    /// <summary>The named secondary index as of <paramref name="state"/>, or null when the collection has none of that name.</summary>
    public IIndexSnapshot? GetIndex(CollectionState<TKey, T> state, string name)
    {
        int i = _indexes.Find(name);
        return i < 0 ? null : new IndexSnapshot<TKey>(_indexes.Definitions[i].Index, state.Indexes[i], state.Count);
    }

    public ICollectionSnapshot<T> Snapshot() => Snapshot(_engine.ReadState());

    public List<T> FindDependents(Relationship relationship, object principalKey)
    {
        var snapshot = Snapshot(Current);
        var found = snapshot.GetIndex(relationship.ForeignKeyIndexName) is { } index
            ? index.Range(ForeignKeyPrefix(principalKey), null, null, descending: false).Select(k => snapshot.Get(k)!).OrderBy(_getKey, _keys.Comparer)
            : Scan(snapshot.State).Where(d => Equals(relationship.ForeignKeyOf(d), principalKey));
        return found.Select(_copy).ToList();
    }

    public ICollectionSnapshot<T> Snapshot(DatabaseState state) => Snapshot((CollectionState<TKey, T>)state.Collections[Ordinal]);

    /// <summary>Stored documents of <paramref name="state"/> with keys between the bounds, in key order or reversed.</summary>
    public IEnumerable<T> KeyRange(CollectionState<TKey, T> state, Indexes.IndexBound? lower, Indexes.IndexBound? upper, bool descending)
    {
        var lo = lower is { } l ? (ConvertBound(l.Value), l.Inclusive) : ((TKey, bool)?)null;
        var hi = upper is { } u ? (ConvertBound(u.Value), u.Inclusive) : ((TKey, bool)?)null;
        var range = Scan(state, lo, hi);
        return descending ? range.Reverse() : range;
    }

    private TKey ConvertBound(object? value) => _keys.TryConvert(value, out var typed) || _keys.TryConvertComposite(value, allowPrefix: true, out typed)
        ? typed
        : throw new ZgDbValidationException(Name, $"the key bound {value} is not a {typeof(TKey).Name}.");

    // ---- writes ------------------------------------------------------------------------------------------

    private enum PutMode { Insert, Update, Upsert }

    public void Insert(T document) => _engine.Write(set => Put(set, document, PutMode.Insert));

    public void InsertMany(IEnumerable<T> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var list = documents as IReadOnlyList<T> ?? documents.ToList();
        _engine.Write(set =>
        {
            foreach (var document in list) Put(set, document, PutMode.Insert);
        });
    }

    public void Update(T document) => _engine.Write(set => Put(set, document, PutMode.Update));

    public void Upsert(T document) => _engine.Write(set => Put(set, document, PutMode.Upsert));

    public bool Delete(object key)
    {
        if (key is null) throw new ZgDbValidationException(Name, "Delete(null): a key is required.");
        var typed = ConvertKey(key);
        bool deleted = false;
        _engine.Write(set => deleted = Remove(set, typed));
        return deleted;
    }

    public int UpdateMany(Func<T, bool> predicate, Action<T> update)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(update);
        int updated = 0;
        _engine.Write(set =>
        {
            foreach (var stored in Scan(set.View<TKey, T>(Ordinal)).Where(predicate).ToList())
            {
                var copy = _copy(stored);
                var key = _getKey(copy);
                update(copy);
                if (_keys.Comparer.Compare(key, _getKey(copy)) != 0)
                    throw new ZgDbValidationException(Name, $"UpdateMany changed the key of document {ZgDbDuplicateKeyException.FormatKey(key)}; keys cannot change.");
                Put(set, copy, PutMode.Update);
                updated++;
            }
        });
        return updated;
    }

    public int DeleteMany(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        int deleted = 0;
        _engine.Write(set =>
        {
            foreach (var key in Scan(set.View<TKey, T>(Ordinal)).Where(predicate).Select(_getKey).ToList())
                if (Remove(set, key)) deleted++;
        });
        return deleted;
    }

    private void Put(WriteSet set, T document, PutMode mode)
    {
        if (document is null) throw new ZgDbValidationException(Name, "the document is null.");
        _validator.Validate(document, Name);
        var builder = set.For<TKey, T>(Ordinal);
        T stored;
        try
        {
            stored = _copy(document);
        }
        catch (DocumentTooDeepException e)
        {
            throw new ZgDbValidationException(Name, e.Message);
        }
        if (Entity.HasCompositeKey) CompositeKeyReader.Validate(Entity, Name, stored);
        var key = _getKey(stored);
        if (key is null || (key is string s && s.Length == 0))
            throw new ZgDbValidationException(Name, $"{Entity.Name}.{Entity.Key.Name} is the key and must not be null or empty.");
        if (key is string text && DocumentSerializer.InvalidUtf16At(text) is var bad and >= 0)
            throw new ZgDbValidationException(Name, $"the key {Entity.Name}.{Entity.Key.Name} holds a lone UTF-16 surrogate (U+{(int)text[bad]:X4} at index {bad}), which cannot be stored exactly.");
        if (key is char c && char.IsSurrogate(c))
            throw new ZgDbValidationException(Name, $"the key {Entity.Name}.{Entity.Key.Name} is a lone UTF-16 surrogate (U+{(int)c:X4}), which cannot be stored exactly.");
        bool assigned = false;
        if (_keys.IsUnassigned(key))
        {
            if (mode == PutMode.Update)
                throw new ZgDbNotFoundException(Name, key);
            key = _keys.Kind == KeyKind.Guid ? (TKey)(object)Guid.NewGuid() : NextAutoKey(builder);
            _setKey(stored, key);
            assigned = true;
        }
        var json = _engine.Serializer.Serialize(stored, Name);
        if (json.Length > _engine.Options.MaxDocumentBytes)
            throw new ZgDbValidationException(Name, $"the document with key {ZgDbDuplicateKeyException.FormatKey(key)} is {json.Length:N0} bytes of JSON, over the limit of {_engine.Options.MaxDocumentBytes:N0} (ZgDbOptions.MaxDocumentBytes).");
        var old = CurrentDocument(builder, key);
        bool exists = old is not null;
        if (exists && mode == PutMode.Insert) throw new ZgDbDuplicateKeyException(Name, key);
        if (!exists && mode == PutMode.Update) throw new ZgDbNotFoundException(Name, key);
        CheckPrincipals(set, stored, key);
        if (_indexes.Definitions.Length > 0) _indexes.Apply(builder.Indexes, key, old, stored, checkUnique: true);

        builder.Delta[key] = new DeltaEntry<T>(stored, set.Lsn);
        if (!exists) builder.Count++;
        if (_keys.Numeric(key) is { } number) builder.NextKey = AutoKeys.Advance(builder.NextKey, number);
        set.Ops.Add(new WalOp(WalOpKind.Put, Name, _keys.ToJson(key), json));
        if (assigned)
        {
            // Written back to the caller's object now (a transaction's next write may use it as a foreign key),
            // and reset to the unassigned value if the write is undone: a failed call, a rollback.
            _setKey(document, key);
            set.OnUndo(() => _setKey(document, default!));
        }
    }

    /// <summary>
    /// The next integer key, or a clear error once the key type's range is used up (never an overflow, never a
    /// wrap-around). A ulong key is assigned up to long.MaxValue (the counter's range); larger ones must be explicit.
    /// </summary>
    private TKey NextAutoKey(CollectionStateBuilder<TKey, T> builder)
    {
        long next = builder.NextKey;
        long max = KeyKinds.MaxAssigned(_keys.Kind);
        if (next == AutoKeys.Exhausted || next > max)
            throw new ZgDbValidationException(Name,
                $"no {typeof(TKey).Name} key is left to assign to {Entity.Name}.{Entity.Key.Name}: a document with key {max} " +
                $"({(_keys.Kind == KeyKind.UInt64 ? "Int64" : typeof(TKey).Name)}.MaxValue, the largest key ZgDb assigns) was stored, and keys are assigned in increasing order and never reused. " +
                "Give the document an explicit key, or use a wider integer or Guid key. Nothing was written.");
        return _keys.FromNumber(next);
    }

    private bool Remove(WriteSet set, TKey key)
    {
        var builder = set.For<TKey, T>(Ordinal);
        var old = CurrentDocument(builder, key);
        if (old is null) return false;
        if (_indexes.Definitions.Length > 0) _indexes.Apply(builder.Indexes, key, old, null, checkUnique: false);
        // Tombstone first, so a cycle of cascades comes back to a document that is already gone.
        builder.Delta[key] = new DeltaEntry<T>(null, set.Lsn);
        builder.Count--;
        set.Ops.Add(new WalOp(WalOpKind.Delete, Name, _keys.ToJson(key), null));
        foreach (var (relationship, dependents) in _dependents)
        {
            var keys = dependents.DependentKeys(set, relationship, key);
            if (keys.Count == 0) continue;
            switch (relationship.DeleteBehavior)
            {
                case DeleteBehavior.Cascade or DeleteBehavior.ClientCascade:
                    foreach (var dependent in keys) dependents.RemoveKey(set, dependent);
                    break;
                case DeleteBehavior.SetNull:
                    foreach (var dependent in keys) dependents.ClearForeignKey(set, dependent, relationship);
                    break;
                default:
                    throw new ZgDbForeignKeyException(Name, relationship.ToString(),
                        $"cannot delete {Entity.Name} {ZgDbDuplicateKeyException.FormatKey(key)}: {keys.Count} {relationship.Dependent.Name} document(s) " +
                        $"(keys {string.Join(", ", keys.Take(5).Select(ZgDbDuplicateKeyException.FormatKey))}{(keys.Count > 5 ? ", ..." : "")}) still reference it through " +
                        $"{relationship.Dependent.Name}.{relationship.ForeignKeyName} and the delete behaviour is {relationship.DeleteBehavior}. Delete or re-point them first.");
            }
        }
        return true;
    }

    private void CheckPrincipals(WriteSet set, T document, TKey key)
    {
        foreach (var (relationship, principal) in _principals)
        {
            var value = relationship.ForeignKeyOf(document);
            if (value is null)
            {
                if (relationship.IsRequired)
                    throw new ZgDbForeignKeyException(Name, relationship.ToString(),
                        $"{Entity.Name} {ZgDbDuplicateKeyException.FormatKey(key)} has no {relationship.ForeignKeyName}, but every {Entity.Name} needs a {relationship.Principal.Name}.");
                continue;
            }
            if (!principal.ContainsKey(set, value))
                throw new ZgDbForeignKeyException(Name, relationship.ToString(),
                    $"{Entity.Name} {ZgDbDuplicateKeyException.FormatKey(key)} refers to {relationship.Principal.Name} {ZgDbDuplicateKeyException.FormatKey(value)} through {relationship.ForeignKeyName}, which does not exist in '{relationship.Principal.CollectionName}'.");
        }
    }

    public void Link(IReadOnlyList<ICollectionStore> stores)
    {
        ICollectionStore StoreOf(EntityType entity) => stores.First(s => s.Entity == entity);
        _principals = _engine.Model.PrincipalsOf(Entity).Select(r => (r, StoreOf(r.Principal))).ToArray();
        _dependents = _engine.Model.DependentsOf(Entity).Select(r => (r, StoreOf(r.Dependent))).ToArray();
    }

    public bool ContainsKey(WriteSet set, object key) =>
        _keys.TryConvert(key, out var typed) && Exists(set.For<TKey, T>(Ordinal), typed);

    public List<object> DependentKeys(WriteSet set, Relationship relationship, object principalKey)
    {
        var view = set.View<TKey, T>(Ordinal);
        var index = Snapshot(view).GetIndex(relationship.ForeignKeyIndexName);
        if (index is not null) return index.Range(ForeignKeyPrefix(principalKey), null, null, descending: false).ToList();
        return Scan(view).Where(d => Equals(relationship.ForeignKeyOf(d), principalKey)).Select(d => (object)_getKey(d)).ToList();
    }

    /// <summary>The values the foreign key's index is searched for: the principal's key, or a composite key's parts (one per index column).</summary>
    private static object?[] ForeignKeyPrefix(object principalKey) => principalKey is CompositeKey composite ? [.. composite.Parts] : [principalKey];

    public bool RemoveKey(WriteSet set, object key) => _keys.TryConvert(key, out var typed) && Remove(set, typed);

    public void ClearForeignKey(WriteSet set, object key, Relationship relationship)
    {
        if (!_keys.TryConvert(key, out var typed) || TryGetStored(set.View<TKey, T>(Ordinal), typed) is not { } stored) return;
        var copy = _copy(stored);
        relationship.ClearForeignKey(copy);
        Put(set, copy, PutMode.Update);
    }

    private CollectionSnapshot<TKey, T> Snapshot(CollectionState<TKey, T> state) => new(this, state);

    private bool Exists(CollectionStateBuilder<TKey, T> builder, TKey key) =>
        builder.TryGetDelta(key, out var entry) ? entry.Document is not null : FromChunks(builder.Start, key) is not null;

    /// <summary>The document under <paramref name="key"/> as the write set sees it (its own changes first), or null.</summary>
    private T? CurrentDocument(CollectionStateBuilder<TKey, T> builder, TKey key) =>
        builder.TryGetDelta(key, out var entry) ? entry.Document : FromChunks(builder.Start, key);

    // ---- engine operations -------------------------------------------------------------------------------

    public CollectionState CreateState(Manifests.ManifestCollection? stored)
    {
        var empty = System.Collections.Immutable.ImmutableSortedDictionary.Create<TKey, DeltaEntry<T>>(_keys.Comparer);
        if (stored is null)
            return new CollectionState<TKey, T>([], empty, 0, 1, _indexes.Open(null, 0, () => []));
        var chunks = stored.Chunks.Select(c => new ChunkRef<TKey>(c.File, c.Count, _keys.FromJson(c.MinKey), _keys.FromJson(c.MaxKey), c.Bytes)).ToArray();
        // An index missing from the manifest is built from the checkpointed documents (the chunks alone): the WAL
        // replay then brings it up to date like every other index.
        var checkpointed = new CollectionState<TKey, T>(chunks, empty, stored.Count, stored.NextKey, []);
        _manifestListsDroppedIndexes = _indexes.HasDroppedIndexes(stored);
        return new CollectionState<TKey, T>(chunks, empty, stored.Count, stored.NextKey, _indexes.Open(stored, chunks.Sum(c => (long)c.Count), () => Scan(checkpointed), _engine.StoredModelAtOpen));
    }

    public void Replay(WriteSet set, WalOp op)
    {
        var builder = set.For<TKey, T>(Ordinal);
        var key = _keys.FromJson(op.KeyJson);
        var old = CurrentDocument(builder, key);
        bool exists = old is not null;
        if (op.Kind == WalOpKind.Delete)
        {
            if (!exists) return;
            if (_indexes.Definitions.Length > 0) _indexes.Apply(builder.Indexes, key, old, null, checkUnique: false);
            builder.Delta[key] = new DeltaEntry<T>(null, set.Lsn);
            builder.Count--;
            return;
        }
        var document = _engine.Serializer.Deserialize<T>(op.DocumentJson);
        if (_indexes.Definitions.Length > 0) _indexes.Apply(builder.Indexes, key, old, document, checkUnique: false);
        builder.Delta[key] = new DeltaEntry<T>(document, set.Lsn);
        if (!exists) builder.Count++;
        if (_keys.Numeric(key) is { } number) builder.NextKey = AutoKeys.Advance(builder.NextKey, number);
    }

    public CollectionState Checkpoint(CollectionState state, ChunkSink sink)
    {
        var s = (CollectionState<TKey, T>)state;
        var merged = new ChunkMerger<TKey, T>(this, sink).Merge(s);
        var indexes = _indexes.Checkpoint(s.Indexes, sink.IndexWriter(Name));
        _manifestListsDroppedIndexes = false;
        return new CollectionState<TKey, T>(merged.Chunks, merged.Delta, merged.Count, merged.NextKey, indexes);
    }

    public void CheckUniqueIndexes(CollectionState state) => _indexes.CheckUniqueAtOpen(((CollectionState<TKey, T>)state).Indexes);

    public bool NeedsCheckpoint(CollectionState state) =>
        _manifestListsDroppedIndexes || CollectionIndexes<TKey, T>.NeedsCheckpoint(((CollectionState<TKey, T>)state).Indexes);

    public CollectionState Rebase(CollectionState current, CollectionState snapshot, CollectionState checkpointed, long checkpointLsn)
    {
        var now = (CollectionState<TKey, T>)current;
        var done = (CollectionState<TKey, T>)checkpointed;
        var indexes = CollectionIndexes<TKey, T>.Rebase(now.Indexes, ((CollectionState<TKey, T>)snapshot).Indexes, done.Indexes);
        var delta = now.Delta.ToBuilder();
        foreach (var (key, entry) in now.Delta)
            if (entry.Lsn <= checkpointLsn) delta.Remove(key);
        return new CollectionState<TKey, T>(done.Chunks, delta.ToImmutable(), now.Count, now.NextKey, indexes);
    }

    public IEnumerable<(object Holder, string[] Files)> FileHolders(CollectionState state)
    {
        var s = (CollectionState<TKey, T>)state;
        // Each chunk's ref holds its file: every read of a chunk file goes through its ref (a point read may hold
        // nothing else of the state by then), so while any reader can still load the file, the file stays.
        foreach (var chunk in s.Chunks) yield return (chunk, [chunk.File]);
        foreach (var index in s.Indexes)
            if (index.Source.File is { } file) yield return (index.Source, [file]);
    }

    public Manifests.ManifestCollection Describe(CollectionState state)
    {
        var s = (CollectionState<TKey, T>)state;
        return new Manifests.ManifestCollection
        {
            Name = Name,
            KeyKind = Entity.KeyKind.ToString(),
            NextKey = s.NextKey,
            Count = s.Chunks.Sum(c => (long)c.Count),
            Chunks = s.Chunks.Select(c => new Manifests.ManifestChunk
            {
                File = c.File,
                Count = c.Count,
                MinKey = System.Text.Json.JsonSerializer.SerializeToElement(c.Min),
                MaxKey = System.Text.Json.JsonSerializer.SerializeToElement(c.Max),
                Bytes = c.FileBytes,
            }).ToList(),
            Indexes = _indexes.Describe(s.Indexes),
        };
    }
}
