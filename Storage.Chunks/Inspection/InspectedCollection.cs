using ZgDb.Storage.Manifests;

namespace ZgDb.Storage.Inspection;

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
