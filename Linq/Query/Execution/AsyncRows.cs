using ZgDb.Storage.Engine;

namespace ZgDb.Query.Execution;

/// <summary>
/// The rows of a query as an <see cref="IAsyncEnumerable{T}"/> (<c>AsAsyncEnumerable()</c>, <c>await foreach</c>). The
/// query starts at the first <see cref="Enumerator.MoveNextAsync"/>, with the token current (<see cref="QueryCancellation"/>)
/// so its snapshots check it between stored rows, and inside an <see cref="AsyncChunkLoads"/> scope, so chunks not yet
/// cached are loaded by awaited reads: until the first row, a miss stops the query, the load is awaited and the query
/// starts again (nothing has been handed out); after it, a sequential scan names the next chunk it will read and the
/// enumerator awaits that load before its next step. From a warm cache every step completes synchronously.
/// </summary>
internal sealed class AsyncRows<T>(IQueryable<T> query) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new Enumerator(query, cancellationToken);
    }

    private sealed class Enumerator(IQueryable<T> query, CancellationToken token) : IAsyncEnumerator<T>
    {
        private readonly AsyncChunkLoads _loads = new();
        private IEnumerator<T>? _rows;
        private T _current = default!;

        public T Current => _current;

        public ValueTask<bool> MoveNextAsync()
        {
            token.ThrowIfCancellationRequested();
            if (_loads.Ahead is null)
            {
                try
                {
                    return ValueTask.FromResult(Step());
                }
                catch (ChunkLoadRequired required) when (required.Scope == _loads)
                {
                    return new ValueTask<bool>(StepAfterLoads(required));
                }
            }
            return new ValueTask<bool>(StepAfterLoads(null));
        }

        /// <summary>One synchronous step of the query (started on the first), inside this enumeration's scopes.</summary>
        private bool Step()
        {
            using (QueryCancellation.Enter(token))
            using (AsyncChunkLoads.Enter(_loads))
            {
                try
                {
                    _rows ??= query.GetEnumerator();
                    if (!_rows.MoveNext()) return false;
                }
                catch (ChunkLoadRequired required) when (required.Scope == _loads)
                {
                    // Nothing was handed out yet: the query is dropped and starts again once the chunks are cached.
                    _rows?.Dispose();
                    _rows = null;
                    throw;
                }
                _current = _rows.Current;
                _loads.Restartable = false; // a row is out: from now on, read-ahead
                return true;
            }
        }

        private async Task<bool> StepAfterLoads(ChunkLoadRequired? required)
        {
            while (true)
            {
                if (required is not null)
                {
                    await required.LoadAsync(token).ConfigureAwait(false);
                    _loads.AwaitedLoads += required.Chunks;
                    _loads.Restarts++;
                    if (_loads.Restarts >= AsyncChunkLoads.MaxRestarts) _loads.Restartable = false;
                    required = null;
                }
                if (_loads.Ahead is { } ahead)
                {
                    _loads.Ahead = null;
                    await ahead(token).ConfigureAwait(false);
                    _loads.AwaitedLoads++;
                }
                token.ThrowIfCancellationRequested();
                try
                {
                    return Step();
                }
                catch (ChunkLoadRequired again) when (again.Scope == _loads)
                {
                    required = again;
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            _rows?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
