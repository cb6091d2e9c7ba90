using System.Text.Json;

namespace ZgDb.Storage.Manifests;

/// <summary>
/// The manifest: which chunk files make up each collection at a checkpoint, and the checkpoint's LSN (every
/// WAL record at or below it is already in the chunks). Serialized as JSON inside a <see cref="Format.ManifestLayout"/> file.
/// </summary>
internal sealed record Manifest
{
    public int FormatVersion { get; init; } = 1;
    public long Generation { get; init; }
    public long CheckpointLsn { get; init; }
    public long NextChunkId { get; init; } = 1;
    public DateTime CreatedUtc { get; init; }
    public StoredModel Model { get; init; } = new();
    public string ModelFingerprint { get; init; } = "";
    public List<ManifestCollection> Collections { get; init; } = [];

    /// <summary>Database metadata as of the checkpoint (e.g. the schema version of explicit migrations).</summary>
    public Dictionary<string, string> Metadata { get; init; } = [];

    public ManifestCollection? Find(string name) => Collections.FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// The first required part a decoded body lacks (JSON can say null where a list or name must be), or null when
    /// every part is there. A checksummed body that fails this is corrupt, never half used.
    /// </summary>
    private static bool CompleteProperties(List<StoredProperty>? properties) =>
        properties is not null && properties.All(p => p?.Name is not null && p.Type is not null && (p.Nested is null || CompleteProperties(p.Nested)));

    private static bool CompleteEntity(StoredEntity? e) =>
        e?.Collection is not null && e.ClrType is not null && e.Key is not null && e.KeyKind is not null && e.Properties is not null
        && e.Indexes is not null && e.Indexes.All(i => i?.Name is not null) && CompleteProperties(e.Properties);

    public string? MissingPart()
    {
        if (Model?.Entities is null || Model.Relationships is null
            || !Model.Entities.All(CompleteEntity)
            || Model.Relationships.Any(r => r?.Principal is null || r.Dependent is null || r.ForeignKey is null || r.OnDelete is null))
            return "complete model";
        if (Model.RemovedEntities?.All(CompleteEntity) == false
            || Model.RemovedProperties?.All(r => r?.Collection is not null && r.Path is not null && r.Type is not null && (r.Nested is null || CompleteProperties(r.Nested))) == false)
            return "complete model history";
        if (ModelFingerprint is null) return "model fingerprint";
        if (Metadata is null) return "metadata";
        if (Collections is null) return "collection list";
        foreach (var collection in Collections)
        {
            if (collection?.Name is null || collection.KeyKind is null || collection.Chunks is null || collection.Indexes is null)
                return "complete collection entry";
            if (collection.Chunks.Any(c => c?.File is null) || collection.Indexes.Any(i => i?.File is null || i.Name is null || i.Signature is null))
                return $"complete file entry in collection '{collection.Name}'";
        }
        return null;
    }
}

internal sealed record ManifestCollection
{
    public string Name { get; init; } = "";
    public string KeyKind { get; init; } = "";
    /// <summary>The next int/long key to assign (monotonic, never reused).</summary>
    public long NextKey { get; init; } = 1;
    public long Count { get; init; }
    public List<ManifestChunk> Chunks { get; init; } = [];
    /// <summary>The index files of the collection's secondary indexes (an index missing here is built from the documents).</summary>
    public List<ManifestIndex> Indexes { get; init; } = [];
}

internal sealed record ManifestChunk
{
    public string File { get; init; } = "";
    public int Count { get; init; }
    public JsonElement MinKey { get; init; }
    public JsonElement MaxKey { get; init; }
    public long Bytes { get; init; }
}

/// <summary>One index file: the index it holds (name and signature, see <c>IndexDefinition</c>) as of the checkpoint.</summary>
internal sealed record ManifestIndex
{
    public string Name { get; init; } = "";
    /// <summary>The column types and key kind; a file whose signature differs from the model's index is not used.</summary>
    public string Signature { get; init; } = "";
    public string File { get; init; } = "";
    public long Bytes { get; init; }
}

/// <summary>The manifest's JSON contract, generated at compile time: opening a database reads it without reflection.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Manifest))]
internal sealed partial class ManifestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
