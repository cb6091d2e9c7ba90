using System.Text;
using System.Text.Json;
using ZgDb.Storage.Inspection;
using ZgDb.Storage.Manifests;

namespace ZgDb.Tooling;

/// <summary>
/// What the files of a database directory hold, read without the application's types and without taking the lock
/// (<see cref="DatabaseDirectory.Read"/>): the manifest, the write-ahead log, every collection with its chunk and index
/// files, and the documents as JSON (the chunks merged with the log's changes, in key order). One read is one
/// generation of the files: an application's checkpoint may delete files under it (a later scan then fails; read again).
/// </summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class DatabaseDirectoryReader
{
    private readonly DatabaseReader _reader;

    internal DatabaseDirectoryReader(DatabaseReader reader)
    {
        _reader = reader;
        Manifest = reader.Manifest is { } manifest ? new ManifestInfo(manifest) : null;
        PreviousManifest = reader.PreviousManifest is { } previous ? new ManifestInfo(previous) : null;
        Collections = [.. reader.Collections.Select(c => new CollectionFiles(c))];
        WalSegments = [.. reader.WalSegments.Select(s => new WalSegmentFile(s.File, s.Bytes, s.FirstLsn))];
        Warnings = [.. reader.Problems.Select(p => new FileProblem(p))];
    }

    /// <summary>The database directory.</summary>
    public string Directory => _reader.Directory;

    /// <summary>The newest valid manifest, or null when the database was never checkpointed.</summary>
    public ManifestInfo? Manifest { get; }

    /// <summary>The manifest before it, when kept.</summary>
    public ManifestInfo? PreviousManifest { get; }

    /// <summary>The database's metadata (for example the schema version the migrations reached).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _reader.Metadata;

    /// <summary>Every collection, in the manifest's order.</summary>
    public IReadOnlyList<CollectionFiles> Collections { get; }

    /// <summary>The write-ahead log's segments, oldest first.</summary>
    public IReadOnlyList<WalSegmentFile> WalSegments { get; }

    /// <summary>Bytes of every write-ahead log segment.</summary>
    public long WalBytes => _reader.WalBytes;

    /// <summary>Records in the write-ahead log.</summary>
    public int WalRecords => _reader.WalRecords;

    /// <summary>Records after the checkpoint (what a checkpoint would fold).</summary>
    public int WalRecordsAfterCheckpoint => _reader.WalRecordsAfterCheckpoint;

    /// <summary>The LSN the manifest's checkpoint folded (0 without a manifest).</summary>
    public long CheckpointLsn => _reader.CheckpointLsn;

    /// <summary>The newest LSN in the files.</summary>
    public long LastLsn => _reader.LastLsn;

    /// <summary>Bytes of a torn record at the log's end (a write a crash interrupted), which opening the database drops.</summary>
    public long TornTailBytes => _reader.TornTailBytes;

    /// <summary>What the read noticed without failing (a torn tail, a manifest it fell back from).</summary>
    public IReadOnlyList<FileProblem> Warnings { get; }

    /// <summary>The collection named <paramref name="name"/> (ordinal), or null.</summary>
    public CollectionFiles? Find(string name) => Collections.FirstOrDefault(c => c.Name == name);

    /// <summary>Every document of <paramref name="collection"/> in key order: its chunks merged with the write-ahead log's changes, one chunk in memory at a time.</summary>
    /// <exception cref="ZgDbCorruptFileException">A chunk file is missing or fails its checks.</exception>
    public IEnumerable<FileDocument> Scan(CollectionFiles collection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        return _reader.Scan(collection.Inspected, cancellationToken).Select(d => new FileDocument(d));
    }

    /// <summary>The key <paramref name="keyJson"/> (JSON: <c>42</c>, <c>"abc"</c>, <c>[1,"x"]</c> for a composite key) of <paramref name="collection"/>, as text.</summary>
    /// <exception cref="ZgDbException"><paramref name="keyJson"/> is not a key of the collection's key kind.</exception>
    public static string KeyText(CollectionFiles collection, string keyJson)
    {
        ArgumentNullException.ThrowIfNull(collection);
        return ParseKey(collection, keyJson).ToString();
    }

    /// <summary>The document of <paramref name="collection"/> with the key <paramref name="keyJson"/> (as <see cref="KeyText"/> reads it), or null.</summary>
    /// <exception cref="ZgDbException"><paramref name="keyJson"/> is not a key of the collection's key kind.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk file is missing or fails its checks.</exception>
    public FileDocument? FindDocument(CollectionFiles collection, string keyJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var key = ParseKey(collection, keyJson);
        return _reader.Scan(collection.Inspected, cancellationToken).Where(d => d.Key == key).Select(d => new FileDocument(d)).FirstOrDefault();
    }

    internal static StoredKey ParseKey(CollectionFiles collection, string keyJson) =>
        StoredKey.TryFrom(Encoding.UTF8.GetBytes(keyJson ?? ""), collection.Inspected.KeyKind, out var key)
            ? key
            : throw new ZgDbException($"'{keyJson}' is not a {collection.KeyKind} key of '{collection.Name}'.");
}

/// <summary>One manifest of a database directory: its generation and the model it stores.</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class ManifestInfo
{
    internal ManifestInfo(Manifest manifest)
    {
        FormatVersion = manifest.FormatVersion;
        Generation = manifest.Generation;
        CreatedUtc = manifest.CreatedUtc;
        ModelFingerprint = manifest.ModelFingerprint;
        CheckpointLsn = manifest.CheckpointLsn;
        Model = manifest.Model;
    }

    /// <summary>The file format version.</summary>
    public int FormatVersion { get; }

    /// <summary>The manifest's generation (one more per checkpoint).</summary>
    public long Generation { get; }

    /// <summary>When it was written (UTC).</summary>
    public DateTime CreatedUtc { get; }

    /// <summary>The fingerprint of the stored model.</summary>
    public string ModelFingerprint { get; }

    /// <summary>The LSN its checkpoint folded into chunks.</summary>
    public long CheckpointLsn { get; }

    /// <summary>The model as stored: entities, properties, indexes, relationships, what was removed.</summary>
    public StoredModel Model { get; }
}

/// <summary>One collection of a database directory (<see cref="DatabaseDirectoryReader.Collections"/>).</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class CollectionFiles
{
    internal CollectionFiles(InspectedCollection inspected)
    {
        Inspected = inspected;
        Chunks = [.. inspected.Chunks.Select(c => new ChunkFile(c.File, c.Stored.Count, c.Stored.Bytes, c.Min.ToString(), c.Max.ToString()))];
        IndexFiles = [.. (inspected.Stored?.Indexes ?? []).Select(i => new IndexFile(i.Name, i.File, i.Bytes))];
    }

    internal InspectedCollection Inspected { get; }

    /// <summary>The collection's name.</summary>
    public string Name => Inspected.Name;

    /// <summary>The key property, when the stored model knows it.</summary>
    public string? KeyProperty => Inspected.KeyProperty;

    /// <summary>The key's kind as text: <c>Int32</c>, <c>String</c>, ... or <c>Composite(Int32, String)</c>.</summary>
    public string KeyKind => Inspected.KeyKind.ToString();

    /// <summary>The collection's entity in the stored model, or null when it was never checkpointed.</summary>
    public StoredEntity? Entity => Inspected.Entity;

    /// <summary>Documents (the chunks with the write-ahead log's changes).</summary>
    public long Count => Inspected.Count;

    /// <summary>The next integer key the engine assigns.</summary>
    public long NextKey => Inspected.NextKey;

    /// <summary>The chunk files, in key order.</summary>
    public IReadOnlyList<ChunkFile> Chunks { get; }

    /// <summary>Bytes of the chunk files.</summary>
    public long ChunkBytes => Inspected.ChunkBytes;

    /// <summary>The index files of the last checkpoint (an index without one is built from the documents at open).</summary>
    public IReadOnlyList<IndexFile> IndexFiles { get; }

    /// <summary>Documents the write-ahead log changes after the checkpoint (what a checkpoint would fold).</summary>
    public int PendingChanges => Inspected.Delta.Count;
}

/// <summary>One chunk file of a collection.</summary>
/// <param name="File">The file's name in <c>chunks/</c>.</param>
/// <param name="Documents">Documents it holds.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="FirstKey">Its first key, as text.</param>
/// <param name="LastKey">Its last key, as text.</param>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed record ChunkFile(string File, int Documents, long Bytes, string FirstKey, string LastKey);

/// <summary>One index file of a collection.</summary>
/// <param name="Index">The index it holds (its name in the model).</param>
/// <param name="File">The file's name.</param>
/// <param name="Bytes">Its size.</param>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed record IndexFile(string Index, string File, long Bytes);

/// <summary>One segment of the write-ahead log.</summary>
/// <param name="File">The file's name in <c>wal/</c>.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="FirstLsn">The LSN of its first record.</param>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed record WalSegmentFile(string File, long Bytes, long FirstLsn);

/// <summary>One document as stored: its key and its JSON.</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class FileDocument
{
    private readonly RawDocument _document;

    internal FileDocument(RawDocument document) => _document = document;

    /// <summary>The key as text (<c>42</c>, <c>'abc'</c>).</summary>
    public string Key => _document.Key.ToString();

    /// <summary>The key as JSON (<c>42</c>, <c>"abc"</c>), the form <see cref="DatabaseDirectoryReader.FindDocument"/> takes.</summary>
    public string KeyJson => Encoding.UTF8.GetString(_document.Key.ToJson());

    /// <summary>The document's key when it is an integer, else null.</summary>
    public long? KeyNumber => _document.Key.Number;

    /// <summary>The document's UTF-8 JSON, as stored.</summary>
    public ReadOnlyMemory<byte> Json => _document.Json;

    /// <summary>The JSON on one line (for JSON Lines output).</summary>
    public ReadOnlyMemory<byte> JsonLine => DocumentJson.OneLine(_document.Json);

    /// <summary>Parses the JSON (dispose the result).</summary>
    public JsonDocument Parse() => _document.Parse();
}
