namespace ZgDb.Storage.Chunks;

/// <summary>
/// What a collection state knows of one chunk without loading it: its file, key range and document count.
/// Immutable; a checkpoint replaces changed chunks with new ones. An in-memory database keeps its chunks
/// <see cref="ChunkRef{TKey}.Pinned"/> instead of in files.
/// </summary>
internal interface IChunkRef
{
    string File { get; }
    void ClearCached(object entry);
}

internal sealed class ChunkRef<TKey>(string file, int count, TKey min, TKey max, long fileBytes, object? pinned = null) : IChunkRef
{
    /// <summary>The chunk file's name inside <c>chunks/</c>; for pinned chunks a unique label.</summary>
    public string File { get; } = file;
    public int Count { get; } = count;
    public TKey Min { get; } = min;
    public TKey Max { get; } = max;
    public long FileBytes { get; } = fileBytes;

    /// <summary>The decoded chunk itself, for an in-memory database (never evicted: it is the only copy).</summary>
    public object? Pinned { get; } = pinned;

    /// <summary>The decoded chunk while the cache holds it (set and cleared by <see cref="ChunkCache"/>): a cache hit is one field read.</summary>
    internal volatile object? Cached;

    void IChunkRef.ClearCached(object entry) => Interlocked.CompareExchange(ref Cached, null, entry);

    /// <summary>The chunk as the manifest lists it.</summary>
    public Manifests.ManifestChunk ToManifest() => new()
    {
        File = File,
        Count = Count,
        MinKey = System.Text.Json.JsonSerializer.SerializeToElement(Min, ZgJson.Default),
        MaxKey = System.Text.Json.JsonSerializer.SerializeToElement(Max, ZgJson.Default),
        Bytes = FileBytes,
    };
}
