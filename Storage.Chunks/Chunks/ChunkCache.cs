using System.Collections.Concurrent;

namespace ZgDb.Storage.Chunks;

/// <summary>
/// Decoded chunks kept in memory under a byte budget, shared by all collections of a database. Chunks are
/// immutable and always clean (changes live in the collection's delta until a checkpoint writes new chunks), so
/// any of them can be evicted; the least recently used go first. Thread-safe; a hit takes no lock.
/// </summary>
internal sealed class ChunkCache(long budgetBytes)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly object _evictLock = new();
    private long _clock;
    private long _bytes;
    private long _loads;
    private long _hits;

    public long BudgetBytes { get; } = budgetBytes;
    public long Bytes => Interlocked.Read(ref _bytes);
    public int Count => _entries.Count;

    /// <summary>How many chunks were loaded from disk (misses) since the database opened.</summary>
    public long Loads => Interlocked.Read(ref _loads);
    public long Hits => Interlocked.Read(ref _hits);

    public LoadedChunk<TKey, T> GetOrLoad<TKey, T>(ChunkRef<TKey> chunk, Func<ChunkRef<TKey>, LoadedChunk<TKey, T>> load)
    {
        if (chunk.Pinned is LoadedChunk<TKey, T> pinned) return pinned;
        if (_entries.TryGetValue(chunk.File, out var entry) && entry.Value.IsValueCreated)
        {
            entry.LastUse = ++_clock; // approximate LRU: a lost increment under a race only blurs the order.
            _hits++;
            return (LoadedChunk<TKey, T>)entry.Value.Value;
        }
        entry = _entries.GetOrAdd(chunk.File, _ => new Entry(new Lazy<object>(() => load(chunk), LazyThreadSafetyMode.ExecutionAndPublication)));
        LoadedChunk<TKey, T> loaded;
        try
        {
            loaded = (LoadedChunk<TKey, T>)entry.Value.Value;
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(chunk.File, entry));
            throw;
        }
        entry.LastUse = ++_clock;
        if (Interlocked.CompareExchange(ref entry.Counted, 1, 0) == 0)
        {
            Interlocked.Increment(ref _loads);
            entry.Bytes = loaded.EstimatedBytes;
            if (Interlocked.Add(ref _bytes, loaded.EstimatedBytes) > BudgetBytes) Evict(chunk.File);
        }
        return loaded;
    }

    /// <summary>Adds a chunk the engine just wrote (a checkpoint), so readers need not load it again.</summary>
    public void Add<TKey, T>(string file, LoadedChunk<TKey, T> chunk)
    {
        var entry = new Entry(new Lazy<object>(chunk)) { LastUse = ++_clock, Counted = 1, Bytes = chunk.EstimatedBytes };
        if (_entries.TryAdd(file, entry) && Interlocked.Add(ref _bytes, chunk.EstimatedBytes) > BudgetBytes) Evict(file);
    }

    /// <summary>Forgets a chunk (its file was deleted).</summary>
    public void Remove(string file)
    {
        if (_entries.TryRemove(file, out var entry) && entry.Counted == 1) Interlocked.Add(ref _bytes, -entry.Bytes);
    }

    private void Evict(string keep)
    {
        lock (_evictLock)
        {
            if (Bytes <= BudgetBytes) return;
            foreach (var (file, entry) in _entries.Where(e => e.Value.Counted == 1).OrderBy(e => e.Value.LastUse).ToList())
            {
                if (Bytes <= BudgetBytes) break;
                if (file == keep) continue;
                if (_entries.TryRemove(new KeyValuePair<string, Entry>(file, entry))) Interlocked.Add(ref _bytes, -entry.Bytes);
            }
        }
    }

    private sealed class Entry(Lazy<object> value)
    {
        public Lazy<object> Value { get; } = value;
        public long LastUse;
        public long Bytes;
        public int Counted;
    }
}
