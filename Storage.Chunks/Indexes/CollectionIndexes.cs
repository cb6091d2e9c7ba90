using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ZgDb.Storage.Engine;
using ZgDb.Storage.Manifests;

namespace ZgDb.Storage.Indexes;

/// <summary>How often index bases were loaded from files or built from documents since the database opened.</summary>
internal sealed class IndexCounters
{
    private long _fileLoads;
    private long _builds;

    public long FileLoads => Interlocked.Read(ref _fileLoads);
    public long Builds => Interlocked.Read(ref _builds);
    public void FileLoaded() => Interlocked.Increment(ref _fileLoads);
    public void Built() => Interlocked.Increment(ref _builds);
}

/// <summary>
/// The secondary indexes of one collection: opening them (from index files, lazily, or built from the documents
/// when the manifest has none), maintaining them on every write (with the unique checks), folding them into new
/// bases and files at a checkpoint, and describing them in the manifest. Stateless between calls: the states
/// live in <see cref="CollectionState{TKey,T}.Indexes"/>, one per entry of <see cref="Definitions"/>.
/// </summary>
internal sealed class CollectionIndexes<TKey, T> where TKey : notnull where T : class
{
    private const int ProgressEvery = 100_000;
    private readonly StorageEngine _engine;
    private readonly string _collection;
    private readonly Func<T, TKey> _keyOf;
    private readonly IComparer<TKey> _keys;

    public CollectionIndexes(StorageEngine engine, EntityType entity, IComparer<TKey> keys, Func<T, TKey> keyOf)
    {
        _engine = engine;
        _collection = entity.CollectionName;
        _keyOf = keyOf;
        _keys = keys;
        Definitions = entity.Indexes.Select(i => new IndexDefinition<TKey, T>(entity.CollectionName, entity, i, keys)).ToArray();
    }

    public IndexDefinition<TKey, T>[] Definitions { get; }

    /// <summary>
    /// Per index: whether it is unique but the documents it was opened over were not written under that constraint
    /// (a new unique index, one changed from non-unique, one rebuilt from documents), so
    /// <see cref="CheckUniqueAtOpen"/> must look for duplicates before anything is written under the new model.
    /// </summary>
    private bool[] _uniqueUnchecked = [];

    public int Find(string name)
    {
        for (int i = 0; i < Definitions.Length; i++)
            if (Definitions[i].Name == name) return i;
        return -1;
    }

    // ---- open --------------------------------------------------------------------------------------------

    /// <summary>
    /// The index states of a collection just opened: each index's base comes from the file the manifest lists
    /// (loaded on first use), or, when the manifest has none for it (a new index, a changed column type), is built
    /// on first use from <paramref name="checkpointed"/>'s documents (the chunks, before the WAL replay).
    /// </summary>
    /// <para>
    /// <paramref name="storedModel"/> is the model the data was written under: a unique index it did not declare
    /// unique (or whose file is not used) is marked for <see cref="CheckUniqueAtOpen"/>.
    /// </para>
    public IndexState<TKey>[] Open(ManifestCollection? stored, long storedDocuments, Func<IEnumerable<T>> checkpointed, StoredModel? storedModel = null)
    {
        var states = new IndexState<TKey>[Definitions.Length];
        var storedUnique = storedModel?.Entities.FirstOrDefault(e => e.Collection == _collection)?.Indexes
            .Where(x => x.Unique).Select(x => x.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        _uniqueUnchecked = new bool[Definitions.Length];
        for (int i = 0; i < states.Length; i++)
        {
            var definition = Definitions[i];
            var file = stored?.Indexes.FirstOrDefault(x => x.Name == definition.Name && x.Signature == definition.Signature);
            _uniqueUnchecked[i] = definition.Index.IsUnique && !(file is not null && storedUnique.Contains(definition.Name));
            IndexBaseSource<TKey> source;
            if (file is not null)
            {
                var path = _engine.ChunkPath(file.File);
                source = new IndexBaseSource<TKey>(() =>
                {
                    _engine.IndexCounters.FileLoaded();
                    return IndexFile.Read(_engine.FileSystem, path, definition.Comparer, definition.KeyKind, definition.Identity, definition.KeyParts);
                }, file.File, file.Bytes, isStored: true);
            }
            else if (storedDocuments == 0)
            {
                source = new IndexBaseSource<TKey>(IndexBase<TKey>.Empty(definition.Comparer), null, 0);
            }
            else
            {
                source = new IndexBaseSource<TKey>(() => Build(definition, checkpointed(), storedDocuments), null, 0, isStored: false);
            }
            states[i] = IndexState<TKey>.Create(definition.Comparer, source);
        }
        return states;
    }

    /// <summary>
    /// Looks for duplicate values in each unique index <see cref="Open"/> marked (<paramref name="states"/> are the
    /// states after the WAL replay, so documents not yet checkpointed count too) and throws
    /// <see cref="ZgDbUniqueConstraintException"/> naming the collection, the index and a few duplicates: the open
    /// then stops before the new model is recorded, and nothing is written. Entries with a null value are not
    /// constrained, as on writes. Builds (or loads) the marked indexes' bases now instead of on first use.
    /// </summary>
    public void CheckUniqueAtOpen(IndexState<TKey>[] states)
    {
        const int Shown = 5;
        for (int i = 0; i < states.Length; i++)
        {
            if (!_uniqueUnchecked[i]) continue;
            var definition = Definitions[i];
            var shown = new List<string>();
            long duplicateValues = 0;
            object?[]? runValues = null;
            var runKeys = new List<TKey>();
            void EndRun()
            {
                if (runKeys.Count < 2) return;
                duplicateValues++;
                if (shown.Count < Shown)
                    shown.Add($"{Format(definition.Display(runValues!))} in documents {string.Join(", ", runKeys.Take(Shown).Select(k => Format(k)))}{(runKeys.Count > Shown ? ", ..." : "")}");
            }
            foreach (var entry in states[i].All())
            {
                if (!Array.TrueForAll(entry.Values, v => v is not null)) continue;
                if (runValues is not null && definition.Comparer.SameValues(runValues, entry.Values))
                {
                    runKeys.Add(entry.Key);
                    continue;
                }
                EndRun();
                runValues = entry.Values;
                runKeys.Clear();
                runKeys.Add(entry.Key);
            }
            EndRun();
            if (duplicateValues > 0)
                throw new ZgDbUniqueConstraintException(_collection, definition.Name, shown, duplicateValues);
            _uniqueUnchecked[i] = false;
        }
    }

    private static string Format(object? value) => value is string s ? $"'{s}'" : value?.ToString() ?? "null";

    /// <summary>Whether the manifest lists an index the model no longer declares (a checkpoint drops it).</summary>
    public bool HasDroppedIndexes(ManifestCollection? stored) =>
        stored is not null && stored.Indexes.Any(x => Definitions.All(d => d.Name != x.Name || d.Signature != x.Signature));

    private IndexBase<TKey> Build(IndexDefinition<TKey, T> definition, IEnumerable<T> documents, long count)
    {
        var logger = _engine.Options.LoggerFor(ZgDbLogCategories.Indexes);
        logger.LogInformation(ZgDbEvents.IndexBuildStarted, "ZgDb: building index '{Index}' of collection '{Collection}' from {Count} documents (the manifest holds no file for it).",
            definition.Name, _collection, count);
        var watch = Stopwatch.StartNew();
        var entries = new List<IndexEntry<TKey>>((int)Math.Min(count, int.MaxValue));
        foreach (var document in documents)
        {
            entries.Add(new IndexEntry<TKey>(definition.ValuesOf(document), _keyOf(document)));
            if (entries.Count % ProgressEvery == 0)
                logger.LogDebug(ZgDbEvents.IndexBuildProgress, "ZgDb: index '{Index}' of '{Collection}': {Done} of {Count} documents read.", definition.Name, _collection, entries.Count, count);
        }
        entries.Sort(definition.Comparer);
        _engine.IndexCounters.Built();
        logger.LogInformation(ZgDbEvents.IndexBuilt, "ZgDb: built index '{Index}' of '{Collection}' ({Count} entries) in {Ms} ms.", definition.Name, _collection, entries.Count, watch.ElapsedMilliseconds);
        return IndexBase<TKey>.FromSorted(definition.Comparer, entries);
    }

    // ---- writes ------------------------------------------------------------------------------------------

    /// <summary>
    /// Updates <paramref name="states"/> (a write set's private copy) for the document under <paramref name="key"/>
    /// changing from <paramref name="old"/> to <paramref name="now"/> (null = absent). With
    /// <paramref name="checkUnique"/>, first throws <see cref="ZgDbUniqueConstraintException"/> if a unique index
    /// already holds the new non-null values under another key (the caller then drops the write set: nothing is
    /// published). WAL replay passes false: what was logged was checked when it was written.
    /// </summary>
    public void Apply(IndexState<TKey>[] states, TKey key, T? old, T? now, bool checkUnique)
    {
        if (states.Length == 0) return;
        var changes = new (object?[]? Old, object?[]? New)[states.Length];
        for (int i = 0; i < states.Length; i++)
        {
            var definition = Definitions[i];
            var oldValues = old is null ? null : definition.ValuesOf(old);
            var newValues = now is null ? null : definition.ValuesOf(now);
            if (oldValues is not null && newValues is not null && definition.Comparer.SameValues(oldValues, newValues)) continue;
            changes[i] = (oldValues, newValues);
            if (checkUnique && newValues is not null && definition.Index.IsUnique && Array.TrueForAll(newValues, v => v is not null))
            {
                foreach (var other in states[i].Keys(IndexEntry<TKey>.Before(newValues), IndexEntry<TKey>.After(newValues), false))
                    if (_keys.Compare(other, key) != 0)
                        throw new ZgDbUniqueConstraintException(_collection, definition.Name, definition.Display(newValues), other);
            }
        }
        for (int i = 0; i < states.Length; i++)
        {
            var (oldValues, newValues) = changes[i];
            var state = states[i];
            if (oldValues is not null) state = state.Remove(new IndexEntry<TKey>(oldValues, key));
            if (newValues is not null) state = state.Add(new IndexEntry<TKey>(newValues, key));
            states[i] = state;
        }
    }

    /// <summary>
    /// Starts the index side of a batch of inserts (<c>InsertMany</c>). Per-document <see cref="Apply"/> inserts each
    /// entry into a persistent tree, copying a path of ~17 nodes per index and document and missing the cache at every
    /// level; a batch collects each index's entries in a list and merges them into the index once, sorted
    /// (<see cref="InsertBatch.Complete"/>). <paramref name="states"/> are not changed until then, so the unique
    /// checks read them as they were before the batch, plus the batch's own values.
    /// </summary>
    public InsertBatch BeginInserts(IndexState<TKey>[] states, int documents) => new(this, states, documents);

    /// <summary>The index entries of one batch of inserts (see <see cref="BeginInserts"/>); used by one writer.</summary>
    internal sealed class InsertBatch
    {
        private readonly CollectionIndexes<TKey, T> _owner;
        private readonly IndexState<TKey>[] _start;
        private readonly List<IndexEntry<TKey>>[] _entries;
        private readonly Dictionary<object?[], TKey>?[] _unique;

        public InsertBatch(CollectionIndexes<TKey, T> owner, IndexState<TKey>[] states, int documents)
        {
            _owner = owner;
            _start = (IndexState<TKey>[])states.Clone();
            _entries = new List<IndexEntry<TKey>>[states.Length];
            _unique = new Dictionary<object?[], TKey>?[states.Length];
            for (int i = 0; i < states.Length; i++)
            {
                _entries[i] = new List<IndexEntry<TKey>>(documents);
                var definition = owner.Definitions[i];
                if (definition.Index.IsUnique) _unique[i] = new Dictionary<object?[], TKey>(documents, new SameValues(definition.Columns));
            }
        }

        /// <summary>
        /// Adds the entries of <paramref name="document"/>, new under <paramref name="key"/>; first throws
        /// <see cref="ZgDbUniqueConstraintException"/> (as <see cref="Apply"/> does) when a unique index already
        /// holds its non-null values, before the batch or earlier in it. Nothing is added when it throws.
        /// </summary>
        public void Insert(TKey key, T document)
        {
            var definitions = _owner.Definitions;
            var values = new object?[definitions.Length][];
            for (int i = 0; i < definitions.Length; i++)
            {
                var definition = definitions[i];
                var v = values[i] = definition.ValuesOf(document);
                if (_unique[i] is not { } batch || !Array.TrueForAll(v, x => x is not null)) continue;
                foreach (var other in _start[i].Keys(IndexEntry<TKey>.Before(v), IndexEntry<TKey>.After(v), false))
                    if (_owner._keys.Compare(other, key) != 0)
                        throw new ZgDbUniqueConstraintException(_owner._collection, definition.Name, definition.Display(v), other);
                if (batch.TryGetValue(v, out var earlier) && _owner._keys.Compare(earlier, key) != 0)
                    throw new ZgDbUniqueConstraintException(_owner._collection, definition.Name, definition.Display(v), earlier);
            }
            for (int i = 0; i < definitions.Length; i++)
            {
                _entries[i].Add(new IndexEntry<TKey>(values[i], key));
                if (_unique[i] is { } batch && Array.TrueForAll(values[i], x => x is not null)) batch[values[i]] = key;
            }
        }

        /// <summary>
        /// Merges the batch's entries into each index and writes the states into <paramref name="states"/> (the write
        /// set's copy). The indexes are independent: a large batch merges them in parallel where cores exist.
        /// </summary>
        public void Complete(IndexState<TKey>[] states)
        {
            if (_entries[0].Count >= ParallelMergeEntries && states.Length > 1 && Environment.ProcessorCount > 1)
                Parallel.For(0, states.Length, i => states[i] = _start[i].AddMany(_entries[i]));
            else
                for (int i = 0; i < states.Length; i++) states[i] = _start[i].AddMany(_entries[i]);
        }

        /// <summary>Below this many entries per index, merging on other threads costs more than it saves.</summary>
        private const int ParallelMergeEntries = 4096;

        /// <summary>
        /// Value tuples equal column by column as the index compares them (the unique constraint's sameness). The hash
        /// is each value's own (ordinal for strings), which agrees with the columns' comparisons: values that compare
        /// equal (1.0m and 1.00m, 0.0 and -0.0, two DateTime kinds of one tick) hash alike.
        /// </summary>
        private sealed class SameValues(IndexColumn[] columns) : IEqualityComparer<object?[]>
        {
            public bool Equals(object?[]? x, object?[]? y)
            {
                for (int i = 0; i < columns.Length; i++)
                    if (columns[i].Compare(x![i], y![i]) != 0) return false;
                return true;
            }

            public int GetHashCode(object?[] values)
            {
                var hash = new HashCode();
                foreach (var value in values) hash.Add(value is string s ? string.GetHashCode(s, StringComparison.Ordinal) : value?.GetHashCode() ?? 0);
                return hash.ToHashCode();
            }
        }
    }

    // ---- checkpoint --------------------------------------------------------------------------------------

    /// <summary>Whether an index's base exists only in memory, built from documents: a checkpoint must write its file.</summary>
    public static bool NeedsCheckpoint(IndexState<TKey>[] states) => states.Any(s => !s.Source.IsStored);

    /// <summary>
    /// Folds each changed (or never written) index into a new base; <paramref name="writeFile"/> (null in memory)
    /// stores it as a new file and returns the file's name and size. Unchanged, stored indexes are kept as they are.
    /// </summary>
    public IndexState<TKey>[] Checkpoint(IndexState<TKey>[] states, Func<byte[], (string File, long Bytes)>? writeFile)
    {
        var result = new IndexState<TKey>[states.Length];
        for (int i = 0; i < states.Length; i++)
        {
            var state = states[i];
            if (state.IsClean && state.Source.IsStored)
            {
                result[i] = state;
                continue;
            }
            var definition = Definitions[i];
            var merged = state.IsClean ? state.Base : IndexBase<TKey>.FromSorted(definition.Comparer, state.All());
            IndexBaseSource<TKey> source;
            if (writeFile is null)
                source = new IndexBaseSource<TKey>(merged, null, 0);
            else
            {
                var (file, bytes) = writeFile(IndexFile.Encode(merged, definition.KeyKind, definition.Identity, definition.KeyParts));
                source = new IndexBaseSource<TKey>(merged, file, bytes);
            }
            result[i] = IndexState<TKey>.Create(definition.Comparer, source);
        }
        return result;
    }

    /// <summary>The newest states rebased on the checkpoint's new bases (see <see cref="IndexState{TKey}.Rebase"/>).</summary>
    public static IndexState<TKey>[] Rebase(IndexState<TKey>[] now, IndexState<TKey>[] checkpointed, IndexState<TKey>[] written)
    {
        var result = new IndexState<TKey>[now.Length];
        for (int i = 0; i < now.Length; i++)
            result[i] = ReferenceEquals(checkpointed[i], written[i]) ? now[i] : now[i].Rebase(checkpointed[i], written[i].Source);
        return result;
    }

    public List<ManifestIndex> Describe(IndexState<TKey>[] states) =>
        Definitions.Zip(states)
            .Where(x => x.Second.Source.File is not null)
            .Select(x => new ManifestIndex
            {
                Name = x.First.Name,
                Signature = x.First.Signature,
                File = x.Second.Source.File!,
                Bytes = x.Second.Source.FileBytes,
            })
            .ToList();
}
