using ZgDb.Storage.Chunks;
using ZgDb.Storage.Indexes;

namespace ZgDb.Storage.Engine;

// The two places a checkpoint puts the chunks it builds (ChunkSink): files on disk, or pinned in memory.

/// <summary>A disk database's checkpoint output: new chunk and index files in <c>chunks/</c>, named by <see cref="DatabaseFiles"/>; each new chunk enters the cache.</summary>
internal sealed class FileChunkSink(StorageEngine engine) : ChunkSink
{
    public override bool NeedsJson => true;

    public override ChunkRef<TKey> Write<TKey, T>(CollectionStore<TKey, T> store, TKey[] keys, T[] documents, byte[] json)
    {
        var name = DatabaseFiles.ChunkFileName(store.Name, engine.NextChunkId());
        var (fileBytes, rawBytes) = ChunkFile.WriteRaw(engine.FileSystem, engine.ChunkPath(name), store.Name, documents.Length, json,
            store.Keys.ToJson(keys[0]), store.Keys.ToJson(keys[^1]));
        var chunk = new ChunkRef<TKey>(name, keys.Length, keys[0], keys[^1], fileBytes);
        engine.Cache.Add(chunk, new LoadedChunk<TKey, T>(keys, documents, ChunkFile.EstimateBytes(rawBytes, documents.Length)));
        return chunk;
    }

    public override Func<byte[], (string File, long Bytes)> IndexWriter(string collection) => content =>
    {
        var name = DatabaseFiles.IndexFileName(collection, engine.NextChunkId());
        IndexFile.Write(engine.FileSystem, engine.ChunkPath(name), content);
        return (name, content.Length);
    };
}

/// <summary>An in-memory database's checkpoint output: chunks pinned in memory (the only copy), no index files.</summary>
internal sealed class PinnedChunkSink(StorageEngine engine) : ChunkSink
{
    public override bool NeedsJson => false;

    public override ChunkRef<TKey> Write<TKey, T>(CollectionStore<TKey, T> store, TKey[] keys, T[] documents, byte[] json) =>
        new($"memory-{engine.NextChunkId()}", keys.Length, keys[0], keys[^1], 0, new LoadedChunk<TKey, T>(keys, documents, 0));

    public override Func<byte[], (string File, long Bytes)>? IndexWriter(string collection) => null;
}
