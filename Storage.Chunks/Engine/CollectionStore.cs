using ZgDb.Storage.Chunks;
using ZgDb.Storage.Documents;
using ZgDb.Storage.Indexes;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Engine;

/// <summary>
/// One collection of the engine, whatever its key type: the API its <c>ZgCollection&lt;T&gt;</c> calls, its writes
/// into <see cref="WriteSet"/>s (validation, keys, indexes), and its part in the engine's replay, checkpoints and
/// manifest. Reads over immutable states are <see cref="CollectionReads{TKey,T}"/>; foreign keys and delete
/// behaviours are <see cref="ReferentialChecks{TKey}"/>; the fold into chunk files is <see cref="ChunkMerger{TKey,T}"/>.
/// </summary>
internal sealed class CollectionStore<TKey, T> : ICollectionStore<T>, ICollectionStore where TKey : notnull where T : class
{
    private readonly StorageEngine _engine;
    private readonly KeyCodec<TKey> _keys;
    private readonly Func<T, TKey> _getKey;
    private readonly Action<T, TKey> _setKey;
    private readonly Func<T, T> _copy;
    private Func<T, T>? _compiledCopy;
    private readonly CollectionReads<TKey, T> _reads;
    private readonly ReferentialChecks<TKey> _references;
    private readonly DocumentValidator<T> _validator;
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
        _reads = new CollectionReads<TKey, T>(engine.Cache,
            c => ChunkFile.Read(_engine.FileSystem, _engine.ChunkPath(c.File), Name, _keys, _getKey, _engine.Serializer),
            (c, token) => ChunkFile.ReadAsync(_engine.FileSystem, _engine.ChunkPath(c.File), Name, _keys, _getKey, _engine.Serializer, token), _keys.Comparer);
        _references = new ReferentialChecks<TKey>(entity, entity.CollectionName);
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
    public T? TryGetStored(CollectionState<TKey, T> state, TKey key) => _reads.TryGetStored(state, key);

    public LoadedChunk<TKey, T> Load(ChunkRef<TKey> chunk) => _reads.Load(chunk);

    public long Count() => Current.Count;

    public IEnumerable<T> ScanStored() => Scan(Current);

    /// <summary>Every stored document of <paramref name="state"/> in key order: the chunks merged with the delta.</summary>
    public IEnumerable<T> Scan(CollectionState<TKey, T> state) => Scan(state, null, null);

    /// <summary>
    /// Stored documents of <paramref name="state"/> with keys within the optional bounds, in key order: the chunks
    /// overlapping the range merged with the delta. Chunks outside the range are not loaded.
    /// </summary>
    public IEnumerable<T> Scan(CollectionState<TKey, T> state, (TKey Key, bool Inclusive)? lower, (TKey Key, bool Inclusive)? upper) =>
        _reads.Scan(state, lower, upper);

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
            ? index.Range(ReferentialChecks<TKey>.ForeignKeyPrefix(principalKey), null, null, descending: false).Select(k => snapshot.Get(k)!).OrderBy(_getKey, _keys.Comparer)
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
            if (_indexes.Definitions.Length == 0 || list.Count < 2)
            {
                foreach (var document in list) Put(set, document, PutMode.Insert);
                return;
            }
            var indexes = set.For<TKey, T>(Ordinal).Indexes;
            var batch = _indexes.BeginInserts(indexes, list.Count);
            foreach (var document in list) Put(set, document, PutMode.Insert, batch);
            batch.Complete(indexes);
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

    private void Put(WriteSet set, T document, PutMode mode, CollectionIndexes<TKey, T>.InsertBatch? inserts = null)
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
        _references.CheckPrincipals(set, stored, key);
        if (inserts is not null) inserts.Insert(key, stored); // an InsertMany: old is null (a duplicate key threw above)
        else if (_indexes.Definitions.Length > 0) _indexes.Apply(builder.Indexes, key, old, stored, checkUnique: true);

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
        _references.ApplyDeleteBehaviours(set, key);
        return true;
    }

    public void Link(IReadOnlyList<ICollectionStore> stores) => _references.Link(_engine.Model, stores);

    public bool ContainsKey(WriteSet set, object key) =>
        _keys.TryConvert(key, out var typed) && Exists(set.For<TKey, T>(Ordinal), typed);

    public List<object> DependentKeys(WriteSet set, Relationship relationship, object principalKey)
    {
        var view = set.View<TKey, T>(Ordinal);
        var index = Snapshot(view).GetIndex(relationship.ForeignKeyIndexName);
        if (index is not null) return index.Range(ReferentialChecks<TKey>.ForeignKeyPrefix(principalKey), null, null, descending: false).ToList();
        return Scan(view).Where(d => Equals(relationship.ForeignKeyOf(d), principalKey)).Select(d => (object)_getKey(d)).ToList();
    }

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
        builder.TryGetDelta(key, out var entry) ? entry.Document is not null : _reads.FromChunks(builder.Start, key) is not null;

    /// <summary>The document under <paramref name="key"/> as the write set sees it (its own changes first), or null.</summary>
    private T? CurrentDocument(CollectionStateBuilder<TKey, T> builder, TKey key) =>
        builder.TryGetDelta(key, out var entry) ? entry.Document : _reads.FromChunks(builder.Start, key);

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
            Chunks = s.Chunks.Select(c => c.ToManifest()).ToList(),
            Indexes = _indexes.Describe(s.Indexes),
        };
    }
}
