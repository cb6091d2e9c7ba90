namespace ZgDb.Storage.Indexes;

/// <summary>
/// An index as of one collection snapshot (see <see cref="IIndexSnapshot"/>). Cheap to create; valid as long as it
/// is held. The first use may load the index file (or build the index from the documents) once for all snapshots.
/// </summary>
internal sealed class IndexSnapshot<TKey>(EntityIndex index, IndexState<TKey> state, long count) : IIndexSnapshot
{
    public EntityIndex Index => index;

    public long Count => count;

    public IEnumerable<object> Range(object?[] prefix, IndexBound? lower, IndexBound? upper, bool descending)
    {
        var (lo, hi) = Probes(prefix, lower, upper);
        foreach (var key in state.Keys(lo, hi, descending)) yield return key!;
    }

    public IEnumerable<IndexHit> RangeEntries(object?[] prefix, IndexBound? lower, IndexBound? upper, bool descending)
    {
        var (lo, hi) = Probes(prefix, lower, upper);
        foreach (var entry in state.Entries(lo, hi, descending)) yield return new IndexHit(entry.Values, entry.Key!);
    }

    public long CountRange(object?[] prefix, IndexBound? lower, IndexBound? upper)
    {
        var (lo, hi) = Probes(prefix, lower, upper);
        return state.CountRange(lo, hi);
    }

    public object? Normalize(int column, object? value) => state.Comparer.Columns[column].Normalize(value, index.Name);

    /// <summary>The search positions: just before the first entry of the range and just after its last.</summary>
    private (IndexEntry<TKey> Lower, IndexEntry<TKey> Upper) Probes(object?[] prefix, IndexBound? lower, IndexBound? upper)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var columns = state.Comparer.Columns;
        bool bounded = lower is not null || upper is not null;
        if (prefix.Length > columns.Length || (bounded && prefix.Length == columns.Length))
            throw new ArgumentException($"Index '{index.Name}' has {columns.Length} column(s): a prefix of {prefix.Length} value(s){(bounded ? " plus a bound" : "")} is too long.", nameof(prefix));
        var values = new object?[prefix.Length];
        for (int i = 0; i < prefix.Length; i++) values[i] = columns[i].Normalize(prefix[i], index.Name);
        var lo = lower is { } l
            ? new IndexEntry<TKey>([.. values, columns[prefix.Length].Normalize(l.Value, index.Name)], default!, l.Inclusive ? (sbyte)-1 : (sbyte)1)
            : IndexEntry<TKey>.Before(values);
        var hi = upper is { } u
            ? new IndexEntry<TKey>([.. values, columns[prefix.Length].Normalize(u.Value, index.Name)], default!, u.Inclusive ? (sbyte)1 : (sbyte)-1)
            : IndexEntry<TKey>.After(values);
        return (lo, hi);
    }
}
