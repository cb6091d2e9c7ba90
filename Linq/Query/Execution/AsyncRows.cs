namespace ZgDb.Query.Execution;

/// <summary>
/// The rows of a query as an <see cref="IAsyncEnumerable{T}"/> (<c>AsAsyncEnumerable()</c>, <c>await foreach</c>). The
/// query starts when the enumerator is made, with the token current (<see cref="QueryCancellation"/>) so its
/// snapshots check it between stored rows, and <see cref="Enumerator.MoveNextAsync"/> checks it before each row.
/// Each step completes synchronously: the engine's chunk loads are synchronous (a chunk not yet cached is read on
/// the calling thread). An awaitable chunk load would be awaited in <see cref="Enumerator.MoveNextAsync"/>.
/// </summary>
internal sealed class AsyncRows<T>(IQueryable<T> query) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using (QueryCancellation.Enter(cancellationToken))
            return new Enumerator(query.GetEnumerator(), cancellationToken);
    }

    private sealed class Enumerator(IEnumerator<T> rows, CancellationToken token) : IAsyncEnumerator<T>
    {
        public T Current => rows.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            token.ThrowIfCancellationRequested();
            return ValueTask.FromResult(rows.MoveNext());
        }

        public ValueTask DisposeAsync()
        {
            rows.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
