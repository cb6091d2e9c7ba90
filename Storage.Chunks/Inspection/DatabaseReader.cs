using System.Text.Json;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Format;
using ZgDb.Storage.Indexes;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Inspection;

/// <summary>A chunk as the manifest lists it, with its key bounds read per the collection's key kind.</summary>
internal sealed record InspectedChunk(ManifestChunk Stored, StoredKey Min, StoredKey Max)
{
    public string File => Stored.File;
}

/// <summary>
/// One collection of a database read without the application's types: its chunks (from the manifest), and the
/// changes the WAL holds since the checkpoint (<see cref="Delta"/>: a document, or null for a delete).
/// </summary>
internal sealed class InspectedCollection(string name, StoredKeyType keyKind, StoredEntity? entity, ManifestCollection? stored)
{
    public string Name { get; } = name;
    /// <summary>The key's kind (and, for a composite key, its parts' kinds).</summary>
    public StoredKeyType KeyKind { get; } = keyKind;
    /// <summary>The stored model's entity, or null when the collection appears only in the WAL (a model newer than the manifest).</summary>
    public StoredEntity? Entity { get; } = entity;
    public string? KeyProperty => Entity?.Key;
    public ManifestCollection? Stored { get; } = stored;
    public List<InspectedChunk> Chunks { get; } = [];
    public SortedDictionary<StoredKey, RawDocument?> Delta { get; } = new();
    /// <summary>Documents after replaying the WAL.</summary>
    public long Count { get; internal set; }
    public long NextKey { get; internal set; } = stored?.NextKey ?? 1;
    public long ChunkBytes => Chunks.Sum(c => c.Stored.Bytes);
}

/// <summary>What the WAL directory holds.</summary>
internal sealed record WalSegmentInfo(string File, long Bytes, long FirstLsn);

/// <summary>
/// Reads a database directory without the application's assembly and without writing anything: the newest valid
/// manifest, its chunks, and the WAL replayed in memory. Every byte goes through the engine's validated decoders
/// (<see cref="ManifestLayout"/>, <see cref="ChunkFile.ReadRaw"/>, <see cref="WalLayout"/>, <see cref="WalBatch"/>).
/// In strict mode the first error throws <see cref="ZgDbCorruptFileException"/>; otherwise errors are collected in
/// <see cref="Problems"/> (what <c>zgdb verify</c> reports) and reading goes on where it can.
/// </summary>
internal sealed class DatabaseReader
{
    private readonly bool _strict;
    private readonly Dictionary<string, HashSet<StoredKey>> _chunkKeys = new(StringComparer.Ordinal);
    private readonly HashSet<InspectionProblem> _reported = [];

    private DatabaseReader(IStorageFileSystem fs, string directory, bool strict)
    {
        FileSystem = fs;
        Directory = Path.GetFullPath(directory);
        _strict = strict;
    }

    public IStorageFileSystem FileSystem { get; }
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
    public int WalRecords { get; private set; }
    public int WalRecordsAfterCheckpoint { get; private set; }
    public long CheckpointLsn => Manifest?.CheckpointLsn ?? 0;
    public long LastLsn { get; private set; }
    /// <summary>Bytes at the end of the last WAL segment that are a torn (never acknowledged) record.</summary>
    public long TornTailBytes { get; private set; }

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
        reader.ReadWal();
        reader.CountDocuments();
        return reader;
    }

    private void Report(string file, long offset, string? collection, string? key, string message, bool warning = false,
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

    // ---- chunks ------------------------------------------------------------------------------------------

    /// <summary>
    /// Loads one chunk, checking everything <see cref="ChunkFile.Read{TKey,T}"/> checks (header, body checksum,
    /// decompressed length, document count, key order, key bounds) plus the manifest's bounds and count. Returns
    /// null if the chunk is unreadable (non-strict mode; the problem is in <see cref="Problems"/>).
    /// </summary>
    public List<RawDocument>? LoadChunk(InspectedCollection collection, InspectedChunk chunk)
    {
        var path = Path.Combine(ChunkDirectory, chunk.File);
        ChunkHeader header;
        byte[] raw;
        try
        {
            (header, raw) = ChunkFile.ReadRaw(FileSystem, path);
        }
        catch (ZgDbCorruptFileException e)
        {
            Report(e.File, e.Offset, collection.Name, null, e.Detail, reason: e.Reason);
            return null;
        }
        catch (ZgDbIOException e) when (!_strict)
        {
            Report(path, 0, collection.Name, null, "cannot read the chunk: " + e.InnerException!.Message);
            return null;
        }
        catch (OutOfMemoryException e)
        {
            Report(path, 0, collection.Name, null, "cannot read the chunk: " + e.Message);
            return null;
        }
        int bodyOffset = header.Length;
        if (header.Collection != collection.Name)
        {
            Report(path, ChunkHeader.FixedLength, collection.Name, null, $"the chunk belongs to collection '{header.Collection}'.");
            return null;
        }
        List<ReadOnlyMemory<byte>> slices;
        try
        {
            slices = DocumentJson.SplitArray(raw);
        }
        catch (JsonException e)
        {
            Report(path, bodyOffset, collection.Name, null, "the body is not a JSON array of documents: " + e.Message);
            return null;
        }
        if (slices.Count != header.DocumentCount || slices.Count != chunk.Stored.Count || slices.Count == 0)
            Report(path, 8, collection.Name, null, $"the header says {header.DocumentCount} documents, the manifest {chunk.Stored.Count}, the body holds {slices.Count}.");
        if (collection.KeyProperty is not { } keyProperty)
        {
            Report(path, bodyOffset, collection.Name, null, "the stored model has no entity for this collection, so its keys cannot be read.");
            return null;
        }
        var documents = new List<RawDocument>(slices.Count);
        bool ok = true;
        for (int i = 0; i < slices.Count; i++)
        {
            if (!DocumentJson.TryReadKey(slices[i].Span, keyProperty, collection.KeyKind, out var key))
            {
                Report(path, bodyOffset, collection.Name, null, $"document {i} is not an object with a valid {collection.KeyKind} key '{keyProperty}'.");
                ok = false;
                continue;
            }
            if (documents.Count > 0 && documents[^1].Key >= key)
            {
                Report(path, bodyOffset, collection.Name, key.ToString(), $"document {i} is out of key order (after {documents[^1].Key}).");
                ok = false;
            }
            documents.Add(new RawDocument(key, slices[i]));
        }
        if (documents.Count > 0)
        {
            if (!StoredKey.TryFrom(header.MinKeyJson, collection.KeyKind, out var min) || !StoredKey.TryFrom(header.MaxKeyJson, collection.KeyKind, out var max)
                || min != documents[0].Key || max != documents[^1].Key)
                Report(path, ChunkHeader.FixedLength, collection.Name, null, "the key range in the header does not match the documents.");
            if (chunk.Min != documents[0].Key || chunk.Max != documents[^1].Key)
                Report(ManifestFile ?? path, ManifestLayout.HeaderLength, collection.Name, null, $"the manifest's key range of '{chunk.File}' ({chunk.Min} .. {chunk.Max}) does not match the chunk ({documents[0].Key} .. {documents[^1].Key}).");
        }
        return ok ? documents : documents.OrderBy(d => d.Key).ToList();
    }

    /// <summary>
    /// Checks the collection's index files as the manifest lists them: present, decoded by the engine's decoder
    /// (<see cref="IndexFile.Decode"/>: header, body checksum, decompressed length, every stored value, nothing
    /// after the last entry), entries in index order, and one entry per document of the checkpoint. Returns how many were checked.
    /// </summary>
    public int CheckIndexFiles(InspectedCollection collection)
    {
        int checkedFiles = 0;
        foreach (var index in collection.Stored?.Indexes ?? [])
        {
            var path = Path.Combine(ChunkDirectory, index.File);
            try
            {
                var data = FileSystem.ReadAllBytes(path);
                var identity = IndexSignature.Identity(collection.Name, index.Name, index.Signature);
                var body = IndexFile.Decode(data, path, identity, IndexSignature.ColumnCount(index.Signature));
                IndexFile.CheckValueOrder(body, path);
                var header = body.Header;
                if (collection.Stored is { } stored && header.EntryCount != stored.Count)
                    Report(path, 8, collection.Name, null, $"index '{index.Name}' holds {header.EntryCount} entries but the checkpoint holds {stored.Count} documents.");
                if (data.Length != index.Bytes)
                    Report(path, 0, collection.Name, null, $"index '{index.Name}': the file is {data.Length} bytes but the manifest says {index.Bytes}.");
                checkedFiles++;
            }
            catch (FileNotFoundException)
            {
                Report(path, 0, collection.Name, null, $"the index file of '{index.Name}' that the manifest lists is missing.", reason: ZgDbCorruptionReason.Missing);
            }
            catch (ZgDbCorruptFileException e)
            {
                Report(e.File, e.Offset, collection.Name, null, $"index '{index.Name}': " + e.Detail, reason: e.Reason);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && _strict)
            {
                throw new ZgDbIOException(path, "read the index file", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException)
            {
                Report(path, 0, collection.Name, null, "cannot read the index file: " + e.Message);
            }
        }
        return checkedFiles;
    }

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
        SortedFold.Merge(StoredDocuments(collection, cancel), collection.Delta, Comparer<StoredKey>.Default).Select(d => d.Value);

    /// <summary>The documents of the collection's chunks, loaded one chunk at a time (an unreadable chunk is skipped, reported).</summary>
    private IEnumerable<KeyValuePair<StoredKey, RawDocument>> StoredDocuments(InspectedCollection collection, CancellationToken cancel)
    {
        foreach (var chunk in collection.Chunks)
        {
            cancel.ThrowIfCancellationRequested();
            foreach (var document in LoadChunk(collection, chunk) ?? [])
                yield return KeyValuePair.Create(document.Key, document);
        }
    }

    // ---- WAL ---------------------------------------------------------------------------------------------

    private void ReadWal()
    {
        var assembler = new WalWriteAssembler(CheckpointLsn);
        try
        {
            ReadWal(assembler);
        }
        catch (ZgDbCorruptFileException e)
        {
            Report(e.File, e.Offset, null, null, e.Detail, reason: e.Reason);
        }
        assembler.End();
        foreach (var (first, last, parts, file, offset) in assembler.Dropped)
            Report(file, offset, null, null, $"an unfinished write of {parts} WAL records (LSN {first}..{last}) never got its last part (a crash while it was being logged, never acknowledged); it is not applied.", warning: true);
    }

    private void ReadWal(WalWriteAssembler assembler)
    {
        LastLsn = CheckpointLsn;
        var segments = FileSystem.ListFiles(WalDirectory, "*.zgw").Select(name => Path.Combine(WalDirectory, name))
            .Select(path => new WalSegmentSource(path, () => ReadSegment(path))).ToArray();
        try
        {
            foreach (var record in WalReader.Read(segments, CheckpointLsn, skipFolded: false, new CollectingSink(this)))
            {
                WalRecords++;
                if (record.Lsn > CheckpointLsn) WalRecordsAfterCheckpoint++;
                if (assembler.Add(record.Kind, record.Lsn, record.Payload, record.Path, record.Offset) is { } parts && record.Lsn > CheckpointLsn)
                    foreach (var part in parts) Apply(part.File, part.Offset, record.Lsn, part.Ops.Span);
                LastLsn = Math.Max(LastLsn, record.Lsn);
            }
        }
        catch (ZgDbIOException e) when (!_strict)
        {
            Report(e.Path, 0, null, null, "cannot read the WAL segment: " + e.InnerException!.Message);
        }
    }

    private byte[] ReadSegment(string path)
    {
        try
        {
            return FileSystem.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ZgDbIOException(path, "read the WAL segment", e);
        }
    }

    /// <summary><c>zgdb verify</c>'s rules for the WAL: damage and a torn tail are reported, and reading stops there.</summary>
    private sealed class CollectingSink(DatabaseReader reader) : IWalProblemSink
    {
        public void Corrupt(ZgDbCorruptFileException problem) =>
            reader.Report(problem.File, problem.Offset, null, null, problem.Detail, reason: problem.Reason);

        public void IncompleteSegment(string path, int bytes)
        {
            reader.WalSegments.Add(new WalSegmentInfo(Path.GetFileName(path), bytes, 0));
            reader.TornTailBytes = bytes;
            reader.Report(path, 0, null, null, "a WAL segment whose header was never completed (a crash while creating it); opening the database removes it.", warning: true);
        }

        public void TornTail(string path, int offset, int bytes, int sameGroup)
        {
            reader.TornTailBytes = bytes;
            reader.Report(path, offset, null, null, $"a torn record of {bytes} bytes ends the log (a write interrupted by a crash, never acknowledged); opening the database cuts it off.", warning: true);
        }

        public void Segment(string path, int bytes, long firstLsn) => reader.WalSegments.Add(new WalSegmentInfo(Path.GetFileName(path), bytes, firstLsn));
    }

    private void Apply(string path, long offset, long lsn, ReadOnlySpan<byte> payload)
    {
        List<WalOp> ops;
        try
        {
            ops = WalBatch.Decode(payload, path, offset);
        }
        catch (ZgDbCorruptFileException e)
        {
            Report(path, offset, null, null, e.Detail, reason: e.Reason);
            return;
        }
        foreach (var op in ops)
        {
            if (op.Kind == WalOpKind.Meta)
            {
                try
                {
                    Metadata[JsonSerializer.Deserialize<string>(op.KeyJson)!] = JsonSerializer.Deserialize<string>(op.DocumentJson!)!;
                }
                catch (Exception e) when (e is JsonException or ArgumentNullException or NullReferenceException)
                {
                    Report(path, offset, null, null, $"LSN {lsn}: a metadata entry does not decode: {e.Message}");
                }
                continue;
            }
            var collection = Find(op.Collection);
            if (collection is null)
            {
                // A collection the checkpointed model does not know (added since): infer its key kind from the key's JSON.
                StoredKeyType kind = op.KeyJson.Length > 0 && op.KeyJson[0] == (byte)'"' ? KeyKind.String : KeyKind.Int64;
                if (Manifest is not null)
                    Report(path, offset, op.Collection, null, $"LSN {lsn} changes collection '{op.Collection}', which the stored model (manifest) does not list; its documents cannot be checked against a model until the application checkpoints.", warning: true);
                collection = new InspectedCollection(op.Collection, kind, null, null);
                Collections.Add(collection);
            }
            if (!StoredKey.TryFrom(op.KeyJson, collection.KeyKind, out var key))
            {
                Report(path, offset, op.Collection, System.Text.Encoding.UTF8.GetString(op.KeyJson), $"LSN {lsn}: the key is not a valid {collection.KeyKind}.");
                continue;
            }
            if (op.Kind == WalOpKind.Delete)
            {
                collection.Delta[key] = null;
                continue;
            }
            var json = op.DocumentJson!;
            if (collection.KeyProperty is { } keyProperty)
            {
                if (!DocumentJson.TryReadKey(json, keyProperty, collection.KeyKind, out var documentKey))
                    Report(path, offset, op.Collection, key.ToString(), $"LSN {lsn}: the document is not a JSON object with a valid {collection.KeyKind} key '{keyProperty}'.");
                else if (documentKey != key)
                    Report(path, offset, op.Collection, key.ToString(), $"LSN {lsn}: the document's key {documentKey} differs from the record's key.");
            }
            else
            {
                try { using var _ = JsonDocument.Parse(json); }
                catch (JsonException e) { Report(path, offset, op.Collection, key.ToString(), $"LSN {lsn}: the document is not valid JSON: {e.Message}"); }
            }
            collection.Delta[key] = new RawDocument(key, json);
            if (key.Number is { } number) collection.NextKey = Engine.AutoKeys.Advance(collection.NextKey, number);
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
