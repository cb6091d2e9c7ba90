using System.Collections.Concurrent;

namespace ZgDb.Storage.Chunks;

/// <summary>
/// Decoded chunks kept in memory under a byte budget, shared by all collections of a database. Chunks are
/// immutable and always clean (changes live in the collection's delta until a checkpoint writes new chunks), so
/// any of them can be evicted; the least recently used go first. Thread-safe. A hit takes no lock and no lookup:
/// the <see cref="ChunkRef{TKey}"/> points at its cache entry while the entry lives.
/// </summary>
internal sealed class ChunkCache(long budgetBytes, EngineTelemetry? telemetry = null)
{
    private readonly EngineTelemetry _telemetry = telemetry ?? EngineTelemetry.Unnamed;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly object _evictLock = new();
    private long _clock;
    private long _bytes;
    private long _loads;
    private long _evictions;

    public long BudgetBytes { get; } = budgetBytes;
    public long Bytes => Interlocked.Read(ref _bytes);
    public int Count => _entries.Count;

    /// <summary>How many chunks were loaded from disk (misses) since the database opened.</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>How many chunks were dropped to stay under the budget since the database opened.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    public LoadedChunk<TKey, T> GetOrLoad<TKey, T>(ChunkRef<TKey> chunk, Func<ChunkRef<TKey>, LoadedChunk<TKey, T>> load)
    {
        if (chunk.Pinned is LoadedChunk<TKey, T> pinned) return pinned;
        if (chunk.Cached is Entry { Loaded: LoadedChunk<TKey, T> hit } cached)
        {
            cached.LastUse = ++_clock; // approximate LRU: a lost increment under a race only blurs the order.
            _telemetry.Add(EngineInstruments.ChunkCacheHits, 1);
            return hit;
        }
        Entry entry;
        LoadedChunk<TKey, T> loaded;
        while (true)
        {
            entry = _entries.GetOrAdd(chunk.File, _ => new Entry());
            Monitor.Enter(entry);
            if (!entry.Dropped) break;
            Monitor.Exit(entry); // evicted between the lookup and the lock: take a fresh entry
        }
        try
        {
            if (entry.Loaded is null)
            {
                entry.Loaded = load(chunk); // a failure leaves the entry empty; the next reader tries again
                entry.Bytes = ((LoadedChunk<TKey, T>)entry.Loaded).EstimatedBytes;
                Interlocked.Increment(ref _loads);
                Interlocked.Add(ref _bytes, entry.Bytes);
            }
            else
            {
                _telemetry.Add(EngineInstruments.ChunkCacheHits, 1); // loaded by another reader, or through another ref
            }
            loaded = (LoadedChunk<TKey, T>)entry.Loaded;
            entry.Owners.Add(new WeakReference<IChunkRef>(chunk));
            chunk.Cached = entry;
        }
        finally
        {
            Monitor.Exit(entry);
        }
        entry.LastUse = ++_clock;
        if (Bytes > BudgetBytes) Evict(entry);
        return loaded;
    }

    /// <summary>Whether reading <paramref name="chunk"/> now would find it decoded (pinned in memory, or cached).</summary>
    public static bool IsCached<TKey>(ChunkRef<TKey> chunk) => chunk.Pinned is not null || chunk.Cached is Entry { Loaded: not null };

    /// <summary>
    /// The chunk, from the cache or loaded by <paramref name="loadAsync"/> (awaited: the file read holds no thread of
    /// the caller's), then kept as <see cref="GetOrLoad{TKey,T}"/> keeps it: a chunk another reader loaded meanwhile wins.
    /// </summary>
    public async ValueTask<LoadedChunk<TKey, T>> GetOrLoadAsync<TKey, T>(ChunkRef<TKey> chunk, Func<ChunkRef<TKey>, CancellationToken, Task<LoadedChunk<TKey, T>>> loadAsync,
        CancellationToken cancellationToken)
    {
        if (chunk.Pinned is LoadedChunk<TKey, T> pinned) return pinned;
        if (chunk.Cached is Entry { Loaded: LoadedChunk<TKey, T> hit } cached)
        {
            cached.LastUse = ++_clock;
            _telemetry.Add(EngineInstruments.ChunkCacheHits, 1);
            return hit;
        }
        var loaded = await loadAsync(chunk, cancellationToken).ConfigureAwait(false);
        return GetOrLoad(chunk, _ => loaded);
    }

    /// <summary>Adds a chunk the engine just wrote (a checkpoint), so readers need not load it again.</summary>
    public void Add<TKey, T>(ChunkRef<TKey> chunk, LoadedChunk<TKey, T> loaded)
    {
        var entry = new Entry { Loaded = loaded, Bytes = loaded.EstimatedBytes, LastUse = ++_clock };
        entry.Owners.Add(new WeakReference<IChunkRef>(chunk));
        if (!_entries.TryAdd(chunk.File, entry)) return;
        chunk.Cached = entry;
        if (Interlocked.Add(ref _bytes, entry.Bytes) > BudgetBytes) Evict(entry);
    }

    /// <summary>Forgets a chunk (its file was deleted).</summary>
    public void Remove(string file)
    {
        if (_entries.TryRemove(file, out var entry)) Drop(entry);
    }

    private void Evict(Entry keep)
    {
        lock (_evictLock)
        {
            if (Bytes <= BudgetBytes) return;
            foreach (var (file, entry) in _entries.Where(e => e.Value.Loaded is not null).OrderBy(e => e.Value.LastUse).ToList())
            {
                if (Bytes <= BudgetBytes) break;
                if (entry == keep) continue;
                if (_entries.TryRemove(new KeyValuePair<string, Entry>(file, entry)))
                {
                    Drop(entry);
                    Interlocked.Increment(ref _evictions);
                    _telemetry.Add(EngineInstruments.ChunkCacheEvictions, 1);
                }
            }
        }
    }

    private void Drop(Entry entry)
    {
        lock (entry)
        {
            entry.Dropped = true;
            if (entry.Loaded is null) return;
            foreach (var owner in entry.Owners)
                if (owner.TryGetTarget(out var chunk)) chunk.ClearCached(entry);
            entry.Owners.Clear();
            entry.Loaded = null;
            Interlocked.Add(ref _bytes, -entry.Bytes);
        }
    }

    /// <summary>
    /// One cached chunk. <see cref="Owners"/> are the refs pointing at it, unhooked on eviction; weakly held, since a
    /// chunk's ref keeps its file on disk (RetiredFiles) and the cache is no reader.
    /// </summary>
    internal sealed class Entry
    {
        public object? Loaded;
        public long Bytes;
        public long LastUse;
        public bool Dropped;
        public readonly List<WeakReference<IChunkRef>> Owners = [];
    }
}
