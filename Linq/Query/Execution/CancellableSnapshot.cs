using ZgDb.Storage.Engine;
using ZgDb.Storage.Indexes;

namespace ZgDb.Query.Execution;

/// <summary>
/// A collection snapshot that throws <see cref="OperationCanceledException"/> between stored rows once its token is
/// cancelled: every access path reads through <see cref="QueryContext.Snapshot{T}"/>, so a cancelled
/// <c>CountAsync(predicate, token)</c> stops inside a full scan, not only between the rows it returns. Used only
/// when the execution's token can be cancelled.
/// </summary>
internal sealed class CancellableSnapshot<T>(ICollectionSnapshot<T> inner, CancellationToken token) : ICollectionSnapshot<T> where T : class
{
    public EntityType Entity => inner.Entity;
    public long Count => inner.Count;

    public IEnumerable<T> Scan() => Checked(inner.Scan(), token);

    public T? Get(object key)
    {
        token.ThrowIfCancellationRequested();
        return inner.Get(key);
    }

    public object KeyOf(T document) => inner.KeyOf(document);

    public IEnumerable<T> KeyRange(IndexBound? lower, IndexBound? upper, bool descending) =>
        Checked(inner.KeyRange(lower, upper, descending), token);

    public IIndexSnapshot? GetIndex(string name) => inner.GetIndex(name) is { } index ? new CancellableIndex(index, token) : null;

    public T Copy(T stored) => inner.Copy(stored);

    internal static IEnumerable<TRow> Checked<TRow>(IEnumerable<TRow> rows, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        foreach (var row in rows)
        {
            token.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    /// <summary>An index read that checks the token between entries.</summary>
    private sealed class CancellableIndex(IIndexSnapshot inner, CancellationToken token) : IIndexSnapshot
    {
        public EntityIndex Index => inner.Index;
        public long Count => inner.Count;

        public IEnumerable<object> Range(object?[] prefix, IndexBound? lower, IndexBound? upper, bool descending) =>
            Checked(inner.Range(prefix, lower, upper, descending), token);

        public long CountRange(object?[] prefix, IndexBound? lower, IndexBound? upper)
        {
            token.ThrowIfCancellationRequested();
            return inner.CountRange(prefix, lower, upper);
        }

        public IEnumerable<IndexHit> RangeEntries(object?[] prefix, IndexBound? lower, IndexBound? upper, bool descending) =>
            Checked(inner.RangeEntries(prefix, lower, upper, descending), token);

        public object? Normalize(int column, object? value) => inner.Normalize(column, value);
    }
}
