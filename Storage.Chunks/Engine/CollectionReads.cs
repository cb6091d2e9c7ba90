using ZgDb.Storage.Chunks;

namespace ZgDb.Storage.Engine;

/// <summary>
/// The reads of one collection over an immutable state: a point lookup (its delta first, then the one chunk whose
/// key range holds the key) and scans in key order (the chunks overlapping a key range, merged with the delta by
/// <see cref="SortedFold.Merge{TKey,TDocument}"/>). Chunks come through the engine's cache; nothing here writes.
/// </summary>
internal sealed class CollectionReads<TKey, T>(ChunkCache cache, Func<ChunkRef<TKey>, LoadedChunk<TKey, T>> loadChunk,
    Func<ChunkRef<TKey>, CancellationToken, Task<LoadedChunk<TKey, T>>> loadChunkAsync, IComparer<TKey> comparer)
    where TKey : notnull where T : class
{
    /// <summary>A chunk, from the cache or its file; inside an asynchronous query's scope a miss is awaited instead (<see cref="AsyncChunkLoads"/>).</summary>
    public LoadedChunk<TKey, T> Load(ChunkRef<TKey> chunk)
    {
        if (AsyncChunkLoads.Current is { } scope && !ChunkCache.IsCached(chunk))
        {
            if (scope.Restartable) throw new ChunkLoadRequired(scope, token => LoadAllAsync([chunk], token), 1);
            scope.SynchronousLoads++;
        }
        return cache.GetOrLoad(chunk, loadChunk);
    }

    /// <summary>Loads a chunk into the cache, awaiting its file read.</summary>
    public async Task LoadAsync(ChunkRef<TKey> chunk, CancellationToken cancellationToken) =>
        await cache.GetOrLoadAsync(chunk, loadChunkAsync, cancellationToken).ConfigureAwait(false);

    private async Task LoadAllAsync(IReadOnlyList<ChunkRef<TKey>> chunks, CancellationToken cancellationToken)
    {
        foreach (var chunk in chunks) await LoadAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inside a restartable asynchronous scope, before a scan reads the uncached chunk <paramref name="first"/> of
    /// <paramref name="state"/>: the load of it and the uncached chunks after it in the range, up to half the cache's
    /// budget (a decoded chunk is estimated at 16 times its file), so one restart serves a long scan.
    /// </summary>
    private ChunkLoadRequired LoadAheadRequired(AsyncChunkLoads scope, CollectionState<TKey, T> state, int first, (TKey Key, bool Inclusive)? upper)
    {
        var chunks = new List<ChunkRef<TKey>>();
        long bytes = 0;
        for (int c = first; c < state.Chunks.Length; c++)
        {
            var chunk = state.Chunks[c];
            if (!BelowUpper(chunk.Min, upper)) break;
            if (ChunkCache.IsCached(chunk)) continue;
            long estimate = Math.Max(chunk.FileBytes, 1) * 16;
            if (chunks.Count > 0 && bytes + estimate > cache.BudgetBytes / 2) break;
            chunks.Add(chunk);
            bytes += estimate;
        }
        return new ChunkLoadRequired(scope, token => LoadAllAsync(chunks, token), chunks.Count);
    }

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
        for (int c = 0; c < state.Chunks.Length; c++)
        {
            var chunkRef = state.Chunks[c];
            if (!AboveLower(chunkRef.Max, lower)) continue;
            if (!BelowUpper(chunkRef.Min, upper)) yield break;
            if (AsyncChunkLoads.Current is { Restartable: true } scope && !ChunkCache.IsCached(chunkRef)) throw LoadAheadRequired(scope, state, c, upper);
            var chunk = Load(chunkRef);
            if (AsyncChunkLoads.Current is { } reading && c + 1 < state.Chunks.Length
                && state.Chunks[c + 1] is var next && BelowUpper(next.Min, upper) && !ChunkCache.IsCached(next))
                reading.Ahead = token => LoadAsync(next, token); // read-ahead: awaited before the enumerator's next step
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
