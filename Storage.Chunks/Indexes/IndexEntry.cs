namespace ZgDb.Storage.Indexes;

/// <summary>
/// One index entry: the indexed values of a document (one per column) and its primary key. A probe is a search
/// position rather than an entry: it may hold fewer values than the index has columns (a prefix), and sorts just
/// before (<see cref="Probe"/> = -1) or just after (+1) every entry that starts with its values.
/// </summary>
internal readonly struct IndexEntry<TKey>(object?[] values, TKey key, sbyte probe = 0)
{
    public object?[] Values { get; } = values;
    public TKey Key { get; } = key;
    public sbyte Probe { get; } = probe;

    public static IndexEntry<TKey> Before(object?[] values) => new(values, default!, -1);
    public static IndexEntry<TKey> After(object?[] values) => new(values, default!, 1);
}

/// <summary>Orders entries by their values column by column (see <see cref="IndexColumn.Compare"/>), then by primary key.</summary>
internal sealed class IndexEntryComparer<TKey>(IndexColumn[] columns, IComparer<TKey> keys) : IComparer<IndexEntry<TKey>>
{
    public IndexColumn[] Columns { get; } = columns;
    public IComparer<TKey> Keys { get; } = keys;

    public int Compare(IndexEntry<TKey> a, IndexEntry<TKey> b)
    {
        var x = a.Values;
        var y = b.Values;
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            int c = Columns[i].Compare(x[i], y[i]);
            if (c != 0) return c;
        }
        if (a.Probe != 0 || b.Probe != 0) return a.Probe - b.Probe;
        return Keys.Compare(a.Key, b.Key);
    }

    /// <summary>Whether two value tuples are equal column by column (then an update leaves the index alone).</summary>
    public bool SameValues(object?[] a, object?[] b)
    {
        for (int i = 0; i < a.Length; i++)
            if (Columns[i].Compare(a[i], b[i]) != 0) return false;
        return true;
    }
}
