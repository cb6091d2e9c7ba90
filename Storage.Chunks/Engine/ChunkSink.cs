using ZgDb.Storage.Chunks;

namespace ZgDb.Storage.Engine;

/// <summary>Where a checkpoint puts the chunks it builds: new files on disk, or pinned in memory for an in-memory database.</summary>
internal abstract class ChunkSink
{
    /// <summary>
    /// Writes one chunk. <paramref name="json"/> is the documents' JSON array (what the file holds) when
    /// <see cref="NeedsJson"/>, else empty.
    /// </summary>
    public abstract ChunkRef<TKey> Write<TKey, T>(CollectionStore<TKey, T> store, TKey[] keys, T[] documents, byte[] json) where TKey : notnull where T : class;

    /// <summary>Whether chunks are stored as JSON (on disk), so the merger sizes them by bytes as well as by count.</summary>
    public abstract bool NeedsJson { get; }

    /// <summary>
    /// Writes an encoded index file (<see cref="Indexes.IndexFile"/>) of <paramref name="collection"/> and returns its
    /// name and size; null when indexes live only in memory (then nothing is encoded).
    /// </summary>
    public abstract Func<byte[], (string File, long Bytes)>? IndexWriter(string collection);
}
