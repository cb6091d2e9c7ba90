namespace ZgDb.Storage.Engine;

/// <summary>
/// How an asynchronous query (<c>ToListAsync</c>, <c>CountAsync</c>, <c>AsAsyncEnumerable()</c>...) gets its chunk
/// loads awaited instead of read on its thread. The query layer runs the query's synchronous pipeline inside a scope
/// (<see cref="Enter"/>, thread-static, as the query's cancellation token); the engine's reads consult it when a chunk
/// they need is not cached:
/// <list type="bullet">
/// <item>While the scope is <see cref="Restartable"/> (the query has handed out nothing yet), the read throws
/// <see cref="ChunkLoadRequired"/> carrying the load: the chunk, and for a scan the next uncached chunks of its key
/// range (up to half the cache's budget). The operator awaits it, then runs the query again from its start over a
/// fresh snapshot; the chunks are now cached. At most <see cref="MaxRestarts"/> times per query.</item>
/// <item>Once rows have been handed out (an <c>await foreach</c> past its first row), a scan names the next chunk it
/// will read as <see cref="Ahead"/>, and the enumerator awaits that load before its next step (read-ahead).</item>
/// <item>Anything else (past the restarts, a chunk reached out of sequence) is read synchronously and counted in
/// <see cref="SynchronousLoads"/>.</item>
/// </list>
/// A synchronous query runs outside any scope and pays one thread-static read per chunk miss.
/// </summary>
internal sealed class AsyncChunkLoads
{
    /// <summary>Restarts allowed per query; past them, misses are read synchronously.</summary>
    public const int MaxRestarts = 16;

    [ThreadStatic] private static AsyncChunkLoads? _current;

    /// <summary>The scope of the asynchronous query running on this thread, or null.</summary>
    public static AsyncChunkLoads? Current => _current;

    /// <summary>Whether a miss may stop the query to be awaited and run again (nothing handed out yet, restarts left).</summary>
    public bool Restartable { get; set; } = true;

    /// <summary>The load of the chunk a sequential scan reads next, when it is not cached: awaited before the next step.</summary>
    public Func<CancellationToken, Task>? Ahead { get; set; }

    /// <summary>Chunk loads awaited for this query (restarts' loads and read-ahead).</summary>
    public int AwaitedLoads { get; set; }

    /// <summary>Chunk loads this query read synchronously on its thread.</summary>
    public int SynchronousLoads { get; set; }

    /// <summary>Times the query was run again after awaiting its loads.</summary>
    public int Restarts { get; set; }

    /// <summary>Makes <paramref name="loads"/> current on this thread until the scope is disposed.</summary>
    public static Scope Enter(AsyncChunkLoads loads)
    {
        var previous = _current;
        _current = loads;
        return new Scope(previous);
    }

    /// <summary>Restores the scope current before <see cref="Enter"/>.</summary>
    public readonly struct Scope(AsyncChunkLoads? previous) : IDisposable
    {
        public void Dispose() => _current = previous;
    }
}

/// <summary>
/// Thrown by an engine read inside a <see cref="AsyncChunkLoads.Restartable"/> scope when a chunk it needs is not
/// cached: the asynchronous operator that made the scope catches it, awaits <see cref="LoadAsync"/> and runs the query
/// again. Never reaches application code (the scope exists only inside ZgDb's asynchronous operators).
/// </summary>
internal sealed class ChunkLoadRequired(AsyncChunkLoads scope, Func<CancellationToken, Task> load, int chunks)
    : Exception($"ZgDb: an asynchronous query needs {chunks} chunk(s) loaded from disk first (handled inside the operator).")
{
    /// <summary>The scope whose operator handles it.</summary>
    public AsyncChunkLoads Scope { get; } = scope;

    /// <summary>The chunks to load.</summary>
    public int Chunks { get; } = chunks;

    /// <summary>Loads the chunks into the cache.</summary>
    public Task LoadAsync(CancellationToken cancellationToken) => load(cancellationToken);
}
