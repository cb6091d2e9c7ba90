using Microsoft.Extensions.Logging.Abstractions;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;

using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Inspection;

/// <summary>
/// Rewrites a closed database's chunks without the application's types (checkpoint, compact, import), holding the
/// directory's lock throughout. Follows the engine's durability order: new chunk files are written and flushed
/// (<see cref="ChunkFile.WriteRaw"/>), then the chunk directory is flushed, then the new manifest is made durable by
/// <see cref="ManifestStore.Write"/> (temp, fsync, rename, directory fsync), and only then are files no kept
/// manifest generation references deleted. Disposed without <see cref="Commit"/>, it deletes the chunks it wrote.
/// </summary>
internal sealed class DatabaseWriter : IDisposable
{
    private readonly LockFile _lock;
    private readonly List<string> _written = [];
    private long _nextChunkId;
    private bool _committed;

    private DatabaseWriter(LockFile fileLock, DatabaseReader reader)
    {
        _lock = fileLock;
        Reader = reader;
    }

    public DatabaseReader Reader { get; }
    private IStorageFileSystem Fs => Reader.FileSystem;

    /// <summary>Takes the lock (throws <see cref="ZgDbLockedException"/> if the database is open) and reads the database strictly.</summary>
    public static DatabaseWriter Open(string directory)
    {
        if (!Directory.Exists(directory)) throw new ZgDbException($"'{directory}' does not exist.");
        var fileLock = LockFile.Acquire(directory);
        try
        {
            var reader = DatabaseReader.Open(directory, strict: true);
            if (reader.Manifest is null)
                throw new ZgDbException($"'{directory}' has no manifest yet, so its stored model is unknown: open and close it with the application once (that checkpoints it), then run the tool again.");
            var unknown = reader.Collections.FirstOrDefault(c => c.Entity is null);
            if (unknown is not null)
                throw new ZgDbException($"the WAL holds documents of collection '{unknown.Name}', which the stored model does not list (the model changed since the last checkpoint): open and close the database with the application first.");
            var writer = new DatabaseWriter(fileLock, reader) { _nextChunkId = reader.Manifest.NextChunkId };
            writer.DeleteUnreferencedChunks();
            return writer;
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    private DatabaseFiles Files => new(Fs, Reader.ChunkDirectory);

    /// <summary>Chunk files no kept manifest lists (an interrupted checkpoint's): deleted, as the engine does on open.</summary>
    private void DeleteUnreferencedChunks() =>
        _nextChunkId = Files.DeleteAllBut(DatabaseFiles.Referenced(Reader.Manifest, Reader.PreviousManifest), _nextChunkId);

    /// <summary>Writes one chunk file from documents sorted by key.</summary>
    public ManifestChunk WriteChunk(InspectedCollection collection, IReadOnlyList<RawDocument> documents)
    {
        var name = DatabaseFiles.ChunkFileName(collection.Name, _nextChunkId++);
        var path = Path.Combine(Reader.ChunkDirectory, name);
        _written.Add(path);
        var (fileBytes, _) = ChunkFile.WriteRaw(Fs, path, collection.Name, documents.Count, DocumentJson.JoinArray(documents),
            documents[0].Key.ToJson(), documents[^1].Key.ToJson());
        return new ManifestChunk
        {
            File = name,
            Count = documents.Count,
            MinKey = documents[0].Key.ToJsonElement(),
            MaxKey = documents[^1].Key.ToJsonElement(),
            Bytes = fileBytes,
        };
    }

    /// <summary>Writes <paramref name="sorted"/> (strictly increasing keys) densely into new chunks of <paramref name="chunkDocuments"/>.</summary>
    public List<ManifestChunk> WriteDense(InspectedCollection collection, IEnumerable<RawDocument> sorted, int chunkDocuments, IWorkTask task, CancellationToken cancel)
    {
        var chunks = new List<ManifestChunk>();
        var batch = new List<RawDocument>(chunkDocuments);
        long batchBytes = 2; // the JSON array's brackets
        StoredKey? previous = null;
        foreach (var document in sorted)
        {
            if (previous is { } p && p >= document.Key)
                throw new ZgDbException($"Collection '{collection.Name}': key {document.Key} comes after {p}; documents must be in strictly increasing key order.");
            previous = document.Key;
            if (batch.Count > 0 && batchBytes + 1 + document.Json.Length > ChunkFile.DefaultMaxJsonBytes)
            {
                // Sized by bytes as the engine's checkpoint does: a chunk stays far below the runtime's array limits.
                chunks.Add(WriteChunk(collection, batch));
                task.Advance(batch.Count);
                batch.Clear();
                batchBytes = 2;
            }
            batchBytes += document.Json.Length + (batch.Count > 0 ? 1 : 0);
            batch.Add(document);
            if (batch.Count == chunkDocuments)
            {
                cancel.ThrowIfCancellationRequested();
                chunks.Add(WriteChunk(collection, batch));
                task.Advance(batch.Count);
                batch.Clear();
                batchBytes = 2;
            }
        }
        if (batch.Count > 0)
        {
            chunks.Add(WriteChunk(collection, batch));
            task.Advance(batch.Count);
        }
        return chunks;
    }

    /// <summary>
    /// A checkpoint of one collection, copy-on-write as the engine's ChunkMerger: chunks no change touches are kept;
    /// a touched chunk is merged with its changes and written anew (split at <paramref name="chunkDocuments"/>);
    /// changes past a full last chunk start new chunks.
    /// </summary>
    public List<ManifestChunk> Fold(InspectedCollection collection, int chunkDocuments, IWorkTask task, CancellationToken cancel)
    {
        var changes = collection.Delta.ToArray();
        var chunks = collection.Chunks;
        var result = new List<ManifestChunk>();
        var plan = SortedFold.Plan(chunks.Select(c => (c.Min, c.Max, c.Stored.Count)).ToArray(), changes.Select(c => c.Key).ToArray(), Comparer<StoredKey>.Default, chunkDocuments);
        foreach (var step in plan)
        {
            cancel.ThrowIfCancellationRequested();
            var range = changes.AsSpan(step.FirstChange, step.Changes).ToArray();
            if (step.Kind is FoldStepKind.Keep or FoldStepKind.KeepAndAppend) result.Add(chunks[step.Chunk].Stored);
            if (step.Kind == FoldStepKind.Keep) continue;
            var stored = step.Kind == FoldStepKind.Rewrite ? Reader.LoadChunk(collection, chunks[step.Chunk])! : [];
            result.AddRange(WriteDense(collection, MergeChanges(stored, range), chunkDocuments, NoProgress.Instance, cancel));
            task.Advance(step.Changes);
        }
        return result;
    }

    private static IEnumerable<RawDocument> MergeChanges(List<RawDocument> documents, KeyValuePair<StoredKey, RawDocument?>[] changes) =>
        SortedFold.Merge([SortedRun<StoredKey, RawDocument>.Of(documents, d => d.Key)], changes, Comparer<StoredKey>.Default);

    /// <summary>
    /// Makes the new chunk lists durable: flushes the chunk directory, writes <paramref name="generations"/> new
    /// manifest generations (by default two identical ones, as the engine seals the log at close: superseded chunks
    /// are then referenced by no kept generation, and no fallback needs the WAL), then deletes what no kept generation
    /// needs: chunk and index files, and the WAL (all of it when sealed, else segments wholly at or below the previous
    /// generation's checkpoint). Collections missing from <paramref name="changed"/> keep their chunks.
    /// </summary>
    /// <remarks>
    /// Index files of collections in <paramref name="documentsChanged"/> are dropped from the manifest (the engine
    /// builds a missing index from the documents on open); other collections keep theirs, since index entries name
    /// keys, not chunks.
    /// </remarks>
    public Manifest Commit(IReadOnlyDictionary<string, List<ManifestChunk>> changed, IReadOnlySet<string> documentsChanged, int generations = 2)
    {
        var old = Reader.Manifest!;
        Fs.FlushDirectory(Reader.ChunkDirectory);
        var collections = new List<ManifestCollection>();
        foreach (var collection in Reader.Collections)
        {
            var chunks = changed.TryGetValue(collection.Name, out var list) ? list : collection.Chunks.Select(c => c.Stored).ToList();
            var stored = collection.Stored ?? new ManifestCollection { Name = collection.Name, KeyKind = collection.KeyKind.Kind.ToString() };
            if (stored.Chunks.Count == 0 && chunks.Count == 0 && collection.Stored is null) continue;
            // Numeric keys are never reused: the next one is past every key ever stored (imported ones too).
            long nextKey = collection.NextKey;
            if (chunks.Count > 0 && StoredKey.TryFrom(chunks[^1].MaxKey, collection.KeyKind, out var max) && max.Number is { } number)
                nextKey = Math.Max(nextKey, number + 1);
            var indexes = documentsChanged.Contains(collection.Name) ? [] : stored.Indexes;
            collections.Add(stored with { Chunks = chunks, Count = chunks.Sum(c => (long)c.Count), NextKey = nextKey, Indexes = indexes });
        }
        var store = new ManifestStore(Fs, Reader.Directory, NullLogger.Instance);
        store.Load();
        Manifest manifest = old;
        for (int g = 0; g < generations; g++)
        {
            manifest = old with
            {
                Generation = store.Current!.Generation + 1,
                CheckpointLsn = Reader.LastLsn,
                NextChunkId = _nextChunkId,
                CreatedUtc = DateTime.UtcNow,
                Collections = collections,
                Metadata = new Dictionary<string, string>(Reader.Metadata, StringComparer.Ordinal),
            };
            store.Write(manifest);
        }
        _committed = true;
        Files.DeleteAllBut(DatabaseFiles.Referenced(store.Current, store.Previous), _nextChunkId);
        // Both kept generations hold everything (sealed, as the engine seals at close): no fallback needs the log.
        var segments = Fs.ListFiles(Reader.WalDirectory, "*.zgw");
        if (store.Previous?.CheckpointLsn == manifest.CheckpointLsn && manifest.CheckpointLsn == Reader.LastLsn)
        {
            foreach (var name in segments) Fs.Delete(Path.Combine(Reader.WalDirectory, name));
            if (segments.Length > 0) Fs.FlushDirectory(Reader.WalDirectory);
        }
        else
        {
            long keepFrom = store.Previous?.CheckpointLsn ?? 0;
            for (int i = 0; i + 1 < segments.Length; i++)
            {
                if (!WalReader.HoldsOnlyFolded(segments[i + 1], keepFrom)) break;
                Fs.Delete(Path.Combine(Reader.WalDirectory, segments[i]));
            }
        }
        return manifest;
    }

    public void Dispose()
    {
        try
        {
            if (!_committed)
                foreach (var path in _written)
                    if (Fs.FileExists(path)) Fs.Delete(path);
        }
        finally
        {
            _lock.Dispose();
        }
    }
}
