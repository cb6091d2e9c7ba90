namespace ZgDb.Storage.Chunks;

/// <summary>A chunk's decoded documents, sorted by key. Shared by every reader; never mutated after loading.</summary>
internal sealed class LoadedChunk<TKey, T>(TKey[] keys, T[] documents, long estimatedBytes)
{
    public TKey[] Keys { get; } = keys;
    public T[] Documents { get; } = documents;

    /// <summary>An estimate of the memory the decoded documents take, for the cache's budget.</summary>
    public long EstimatedBytes { get; } = estimatedBytes;

    public int IndexOf(TKey key, IComparer<TKey> comparer) => Array.BinarySearch(Keys, key, comparer);
}
