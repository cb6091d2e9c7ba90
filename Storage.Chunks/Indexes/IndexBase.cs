namespace ZgDb.Storage.Indexes;

/// <summary>
/// The sorted, immutable part of an index as of the last checkpoint: one array per column and one of primary keys,
/// row i being the i-th entry in index order. Shared by every state until the next checkpoint builds a new one;
/// never mutated after construction.
/// </summary>
internal sealed class IndexBase<TKey>
{
    public IndexBase(IndexEntryComparer<TKey> comparer, object?[][] columns, TKey[] keys)
    {
        Comparer = comparer;
        Columns = columns;
        Keys = keys;
    }

    public IndexEntryComparer<TKey> Comparer { get; }

    /// <summary><c>Columns[c][row]</c>: the value of column c in entry row.</summary>
    public object?[][] Columns { get; }

    public TKey[] Keys { get; }

    public int Count => Keys.Length;

    public static IndexBase<TKey> Empty(IndexEntryComparer<TKey> comparer) =>
        new(comparer, comparer.Columns.Select(_ => Array.Empty<object?>()).ToArray(), []);

    /// <summary>Builds a base from entries already sorted by <see cref="Comparer"/>.</summary>
    public static IndexBase<TKey> FromSorted(IndexEntryComparer<TKey> comparer, IReadOnlyList<IndexEntry<TKey>> entries)
    {
        var columns = new object?[comparer.Columns.Length][];
        for (int c = 0; c < columns.Length; c++) columns[c] = new object?[entries.Count];
        var keys = new TKey[entries.Count];
        for (int row = 0; row < entries.Count; row++)
        {
            var entry = entries[row];
            for (int c = 0; c < columns.Length; c++) columns[c][row] = entry.Values[c];
            keys[row] = entry.Key;
        }
        return new IndexBase<TKey>(comparer, columns, keys);
    }

    public IndexEntry<TKey> Entry(int row)
    {
        var values = new object?[Columns.Length];
        for (int c = 0; c < values.Length; c++) values[c] = Columns[c][row];
        return new IndexEntry<TKey>(values, Keys[row]);
    }

    /// <summary>Compares row <paramref name="row"/> with an entry or probe, as <see cref="IndexEntryComparer{TKey}"/> would.</summary>
    public int CompareRow(int row, in IndexEntry<TKey> other)
    {
        var values = other.Values;
        for (int c = 0; c < values.Length; c++)
        {
            int order = Comparer.Columns[c].Compare(Columns[c][row], values[c]);
            if (order != 0) return order;
        }
        if (other.Probe != 0) return -other.Probe;
        if (values.Length < Columns.Length) return 1; // not reached: real entries hold every column
        return Comparer.Keys.Compare(Keys[row], other.Key);
    }

    /// <summary>Compares two rows (values, then key).</summary>
    public int CompareRows(int a, int b)
    {
        for (int c = 0; c < Columns.Length; c++)
        {
            int order = Comparer.Columns[c].Compare(Columns[c][a], Columns[c][b]);
            if (order != 0) return order;
        }
        return Comparer.Keys.Compare(Keys[a], Keys[b]);
    }

    /// <summary>
    /// <see cref="LowerBound(in IndexEntry{TKey})"/> within rows [<paramref name="lo"/>, <paramref name="hi"/>), galloping up
    /// from <paramref name="lo"/>: O(log d) comparisons for an answer d rows away.
    /// </summary>
    public int LowerBoundFrom(in IndexEntry<TKey> entry, int lo, int hi)
    {
        int step = 1, bound = lo;
        while (bound < hi && CompareRow(bound, entry) < 0)
        {
            lo = bound + 1;
            bound = lo + step;
            step <<= 1;
        }
        return Search(entry, lo, Math.Min(bound, hi));
    }

    /// <summary>The same, galloping down from <paramref name="hi"/> (for descending reads).</summary>
    public int LowerBoundBack(in IndexEntry<TKey> entry, int lo, int hi)
    {
        int step = 1, bound = hi - 1;
        while (bound >= lo && CompareRow(bound, entry) >= 0)
        {
            hi = bound;
            bound = hi - step;
            step <<= 1;
        }
        return Search(entry, Math.Max(bound + 1, lo), hi);
    }

    /// <summary>The first row not below <paramref name="probe"/> (rows before it sort before the probe).</summary>
    public int LowerBound(in IndexEntry<TKey> probe) => Search(probe, 0, Keys.Length);

    private int Search(in IndexEntry<TKey> probe, int lo, int hi)
    {
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (CompareRow(mid, probe) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
