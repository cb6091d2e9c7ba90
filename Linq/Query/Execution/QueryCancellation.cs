namespace ZgDb.Query.Execution;

/// <summary>
/// The cancellation token of the asynchronous operator running on this thread (<c>ToListAsync(token)</c>...), so the
/// query it runs checks it between stored rows (<see cref="CancellableSnapshot{T}"/>). Queries run synchronously
/// inside the operator's call, so a thread-static scope reaches the <see cref="QueryContext"/> the pipeline makes;
/// a synchronous query outside any scope sees <see cref="CancellationToken.None"/> and pays nothing.
/// </summary>
internal static class QueryCancellation
{
    [ThreadStatic] private static CancellationToken _current;

    /// <summary>The token of the innermost scope on this thread, or <see cref="CancellationToken.None"/>.</summary>
    public static CancellationToken Current => _current;

    /// <summary>Makes <paramref name="token"/> current until the returned scope is disposed (on the same thread).</summary>
    public static Scope Enter(CancellationToken token)
    {
        var previous = _current;
        _current = token;
        return new Scope(previous);
    }

    /// <summary>Restores the token that was current before <see cref="Enter"/>.</summary>
    public readonly struct Scope(CancellationToken previous) : IDisposable
    {
        public void Dispose() => _current = previous;
    }
}
