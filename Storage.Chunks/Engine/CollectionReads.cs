using ZgDb.Storage.Chunks;

namespace ZgDb.Storage.Engine;

/// <summary>
/// The reads of one collection over an immutable state: a point lookup (its delta first, then the one chunk whose
/// key range holds the key) and scans in key order (the chunks overlapping a key range, merged with the delta by
/// <see cref="SortedFold.Merge{TKey,TDocument}"/>). Chunks come through the engine's cache; nothing here writes.
/// </summary>
internal sealed class CollectionReads<TKey, T>(ChunkCache cache, Func<ChunkRef<TKey>, LoadedChunk<TKey, T>> loadChunk, IComparer<TKey> comparer)
    where TKey : notnull where T : class
{
    public LoadedChunk<TKey, T> Load(ChunkRef<TKey> chunk) => cache.GetOrLoad(chunk, loadChunk);

    /// <summary>The stored (shared, read-only) document under <paramref name="key"/> in <paramref name="state"/>, or null.</summary>
    public T? TryGetStored(CollectionState<TKey, T> state, TKey key)
    {
        if (state.Delta.TryGetValue(key, out var entry)) return entry.Document;
        return FromChunks(state, key);
    }

    /// <summary>The document under <paramref name="key"/> in the chunks of <paramref name="state"/> (its delta ignored), or null.</summary>
    public T? FromChunks(CollectionState<TKey, T> state, TKey key)
    {
        int c = state.FindChunk(key, comparer);
        if (c < 0) return null;
        var chunk = Load(state.Chunks[c]);
        int i = chunk.IndexOf(key, comparer);
        return i >= 0 ? chunk.Documents[i] : null;
    }

    /// <summary>
    /// Stored documents of <paramref name="state"/> with keys within the optional bounds, in key order: the chunks
    /// overlapping the range merged with the delta. Chunks outside the range are not loaded.
    /// </summary>
    public IEnumerable<T> Scan(CollectionState<TKey, T> state, (TKey Key, bool Inclusive)? lower, (TKey Key, bool Inclusive)? upper)
    {
        IEnumerable<KeyValuePair<TKey, DeltaEntry<T>>> deltaRange = state.Delta;
        if (lower is not null) deltaRange = deltaRange.SkipWhile(e => !AboveLower(e.Key, lower));
        var changes = deltaRange.Select(e => KeyValuePair.Create(e.Key, e.Value.Document));
        // A scan may outlive checkpoints: holding the state keeps its chunk files on disk (RetiredFiles).
        return SortedFold.Merge(ChunkRuns(state, lower, upper), changes, comparer, upper is null ? null : key => BelowUpper(key, upper));
    }

    /// <summary>The chunks overlapping the range, each from its first key above the lower bound (a chunk is loaded only when the merge reaches it).</summary>
    private IEnumerable<SortedRun<TKey, T>> ChunkRuns(CollectionState<TKey, T> state, (TKey Key, bool Inclusive)? lower, (TKey Key, bool Inclusive)? upper)
    {
        foreach (var chunkRef in state.Chunks)
        {
            if (!AboveLower(chunkRef.Max, lower)) continue;
            if (!BelowUpper(chunkRef.Min, upper)) yield break;
            var chunk = Load(chunkRef);
            var keys = chunk.Keys;
            int start = 0;
            if (lower is not null)
            {
                // The first key above the bound. Not Array.BinarySearch: a composite key prefix equals many keys.
                int lo = 0, hi = keys.Length;
                while (lo < hi)
                {
                    int mid = lo + (hi - lo) / 2;
                    if (AboveLower(keys[mid], lower)) hi = mid; else lo = mid + 1;
                }
                start = lo;
            }
            yield return new SortedRun<TKey, T>(keys, chunk.Documents, start);
        }
    }

    private bool AboveLower(TKey key, (TKey Key, bool Inclusive)? lower) =>
        lower is not { } lo || comparer.Compare(key, lo.Key) is var c && (c > 0 || c == 0 && lo.Inclusive);

    private bool BelowUpper(TKey key, (TKey Key, bool Inclusive)? upper) =>
        upper is not { } hi || comparer.Compare(key, hi.Key) is var c && (c < 0 || c == 0 && hi.Inclusive);
}
