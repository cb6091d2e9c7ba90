using ZgDb.Storage.Chunks;
using ZgDb.Storage.Format;
using ZgDb.Storage.Indexes;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Inspection;

/// <summary>
/// Reads a database directory without the application's assembly and without writing anything: the newest valid
/// manifest, its chunks, and the WAL replayed in memory. Every byte goes through the engine's validated decoders
/// (<see cref="ManifestLayout"/>, <see cref="ChunkFile.ReadRaw"/>, <see cref="WalLayout"/>, <see cref="WalBatch"/>): the
/// chunk and index files through <see cref="ChunkChecks"/>, the log through <see cref="WalInspection"/>.
/// In strict mode the first error throws <see cref="ZgDbCorruptFileException"/>; otherwise errors are collected in
/// <see cref="Problems"/> (what <c>zgdb verify</c> reports) and reading goes on where it can.
/// </summary>
internal sealed class DatabaseReader
{
    private readonly bool _strict;
    private readonly Dictionary<string, HashSet<StoredKey>> _chunkKeys = new(StringComparer.Ordinal);
    private readonly HashSet<InspectionProblem> _reported = [];
    private readonly ChunkChecks _checks;

    private DatabaseReader(IStorageFileSystem fs, string directory, bool strict)
    {
        FileSystem = fs;
        Directory = Path.GetFullPath(directory);
        _strict = strict;
        _checks = new ChunkChecks(this);
    }

    public IStorageFileSystem FileSystem { get; }
    /// <summary>Whether the first error throws (<see cref="ZgDbCorruptFileException"/>) rather than being collected in <see cref="Problems"/>.</summary>
    internal bool Strict => _strict;
    public string Directory { get; }
    public string ChunkDirectory => Path.Combine(Directory, "chunks");
    public string WalDirectory => Path.Combine(Directory, "wal");
    public Manifest? Manifest { get; private set; }
    public string? ManifestFile { get; private set; }
    /// <summary>The manifest generation before <see cref="Manifest"/>, if one is kept.</summary>
    public Manifest? PreviousManifest { get; private set; }
    public List<InspectedCollection> Collections { get; } = [];
    /// <summary>Database metadata (the manifest's, updated by the WAL's metadata entries), e.g. the schema version.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
    public List<InspectionProblem> Problems { get; } = [];
    public List<WalSegmentInfo> WalSegments { get; } = [];
    public long WalBytes => WalSegments.Sum(s => s.Bytes);
    public int WalRecords { get; internal set; }
    public int WalRecordsAfterCheckpoint { get; internal set; }
    public long CheckpointLsn => Manifest?.CheckpointLsn ?? 0;
    public long LastLsn { get; internal set; }
    /// <summary>Bytes at the end of the last WAL segment that are a torn (never acknowledged) record.</summary>
    public long TornTailBytes { get; internal set; }

    public InspectedCollection? Find(string name) => Collections.FirstOrDefault(c => c.Name == name);

    /// <summary>Reads the directory. Throws <see cref="ZgDbException"/> when it is not a database.</summary>
    public static DatabaseReader Open(string directory, bool strict = true, IStorageFileSystem? fs = null)
    {
        fs ??= PhysicalFileSystem.Instance;
        if (!fs.DirectoryExists(directory))
            throw new ZgDbException($"'{directory}' does not exist.");
        var reader = new DatabaseReader(fs, directory, strict);
        if (fs.ListFiles(reader.Directory, "manifest-*.zgm").Length == 0 && !fs.DirectoryExists(reader.WalDirectory))
            throw new ZgDbException($"'{directory}' is not a ZgDb database: it has neither a manifest nor a wal/ directory.");
        reader.LoadManifest();
        new WalInspection(reader).Read();
        reader.CountDocuments();
        return reader;
    }

    internal void Report(string file, long offset, string? collection, string? key, string message, bool warning = false,
        ZgDbCorruptionReason reason = ZgDbCorruptionReason.Malformed)
    {
        if (_strict && !warning) throw new ZgDbCorruptFileException(file, offset, reason, (collection is null ? "" : $"collection '{collection}'" + (key is null ? "" : $", key {key}") + ": ") + message);
        var problem = new InspectionProblem(file, offset, collection, key, message, warning);
        if (_reported.Add(problem)) Problems.Add(problem); // a chunk read twice (counting, then scanning) is reported once
    }

    // ---- manifest ----------------------------------------------------------------------------------------

    private void LoadManifest()
    {
        string? newest = null;
        foreach (var generation in ManifestStore.Generations(FileSystem, Directory))
        {
            newest ??= generation.Path;
            if (generation.Manifest is { } manifest)
            {
                if (Manifest is null)
                {
                    Manifest = manifest;
                    ManifestFile = generation.Path;
                }
                else
                {
                    PreviousManifest ??= manifest;
                }
                continue;
            }
            // The engine falls back to the previous generation (strict mode does too); verify reports the damage.
            if (_strict) continue;
            if (generation.Error is ZgDbCorruptFileException e)
                Report(e.File, e.Offset, null, null, e.Detail, reason: e.Reason);
            else
                Report(generation.Path, 0, null, null, "cannot read the manifest: " + generation.Error!.Message);
        }
        if (Manifest is null)
        {
            if (newest is not null && _strict) throw new ZgDbCorruptFileException(newest, 0, ZgDbCorruptionReason.Missing, "no manifest generation is readable.");
            return;
        }
        foreach (var (name, value) in Manifest.Metadata) Metadata[name] = value;
        foreach (var stored in Manifest.Collections)
        {
            var entity = Manifest.Model.Entities.FirstOrDefault(e => e.Collection == stored.Name);
            if (!Enum.TryParse<KeyKind>(stored.KeyKind, out var parsed) || StoredKeyType.Of(parsed, entity) is not { } kind)
            {
                Report(ManifestFile!, ManifestLayout.HeaderLength, stored.Name, null, parsed == KeyKind.Composite
                    ? $"the composite key's parts are not described by the stored model (key '{entity?.Key}', parts {string.Join(", ", entity?.KeyParts ?? [])})."
                    : $"unknown key kind '{stored.KeyKind}'.");
                continue;
            }
            var collection = new InspectedCollection(stored.Name, kind, entity, stored);
            foreach (var chunk in stored.Chunks)
            {
                if (!StoredKey.TryFrom(chunk.MinKey, kind, out var min) || !StoredKey.TryFrom(chunk.MaxKey, kind, out var max) || min > max)
                {
                    Report(ManifestFile!, ManifestLayout.HeaderLength, stored.Name, null, $"chunk '{chunk.File}' has invalid key bounds {chunk.MinKey} .. {chunk.MaxKey}.");
                    continue;
                }
                if (collection.Chunks.Count > 0 && collection.Chunks[^1].Max >= min)
                    Report(ManifestFile!, ManifestLayout.HeaderLength, stored.Name, min.ToString(), $"chunk '{chunk.File}' starts at or below the end of the chunk before it ('{collection.Chunks[^1].File}'): chunks overlap or are out of key order.");
                collection.Chunks.Add(new InspectedChunk(chunk, min, max));
            }
            long sum = stored.Chunks.Sum(c => (long)c.Count);
            if (sum != stored.Count)
                Report(ManifestFile!, ManifestLayout.HeaderLength, stored.Name, null, $"the manifest counts {stored.Count} documents but its chunks hold {sum}.");
            Collections.Add(collection);
        }
        // Collections of the stored model that were empty at the checkpoint may still get documents in the WAL.
        foreach (var entity in Manifest.Model.Entities)
            if (Find(entity.Collection) is null && Enum.TryParse<KeyKind>(entity.KeyKind, out var parsed) && StoredKeyType.Of(parsed, entity) is { } kind)
                Collections.Add(new InspectedCollection(entity.Collection, kind, entity, null));
    }

    // ---- chunks and index files (ChunkChecks) ------------------------------------------------------------

    /// <summary>
    /// Loads one chunk, checking everything <see cref="ChunkFile.Read{TKey,T}"/> checks plus the manifest's bounds
    /// and count (see <see cref="ChunkChecks.LoadChunk"/>). Returns null if the chunk is unreadable (non-strict
    /// mode; the problem is in <see cref="Problems"/>).
    /// </summary>
    public List<RawDocument>? LoadChunk(InspectedCollection collection, InspectedChunk chunk) => _checks.LoadChunk(collection, chunk);

    /// <summary>Checks the collection's index files as the manifest lists them (see <see cref="ChunkChecks.CheckIndexFiles"/>); returns how many were read.</summary>
    public int CheckIndexFiles(InspectedCollection collection) => _checks.CheckIndexFiles(collection);

    private bool ExistsInChunks(InspectedCollection collection, StoredKey key)
    {
        foreach (var chunk in collection.Chunks)
        {
            if (key < chunk.Min || key > chunk.Max) continue;
            if (!_chunkKeys.TryGetValue(chunk.File, out var keys))
            {
                keys = (LoadChunk(collection, chunk) ?? []).Select(d => d.Key).ToHashSet();
                if (_chunkKeys.Count > 64) _chunkKeys.Clear();
                _chunkKeys[chunk.File] = keys;
            }
            return keys.Contains(key);
        }
        return false;
    }

    /// <summary>Every document of the collection after the WAL, in key order: its chunks (one at a time) merged with the delta.</summary>
    public IEnumerable<RawDocument> Scan(InspectedCollection collection, CancellationToken cancel = default) =>
        SortedFold.Merge(StoredDocuments(collection, cancel), collection.Delta, Comparer<StoredKey>.Default);

    /// <summary>The documents of the collection's chunks, loaded one chunk at a time (an unreadable chunk is skipped, reported).</summary>
    private IEnumerable<SortedRun<StoredKey, RawDocument>> StoredDocuments(InspectedCollection collection, CancellationToken cancel)
    {
        foreach (var chunk in collection.Chunks)
        {
            cancel.ThrowIfCancellationRequested();
            yield return SortedRun<StoredKey, RawDocument>.Of(LoadChunk(collection, chunk) ?? [], d => d.Key);
        }
    }

    private void CountDocuments()
    {
        foreach (var collection in Collections)
        {
            long count = collection.Stored?.Count ?? 0;
            foreach (var (key, document) in collection.Delta)
            {
                bool before = ExistsInChunks(collection, key);
                if (before && document is null) count--;
                else if (!before && document is not null) count++;
            }
            collection.Count = count;
        }
        _chunkKeys.Clear();
    }
}
