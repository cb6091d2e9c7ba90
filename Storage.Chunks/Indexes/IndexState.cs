using System.Collections.Immutable;

namespace ZgDb.Storage.Indexes;

/// <summary>
/// Where an index's base comes from: an index file (loaded on first use), the documents of the last checkpoint
/// (built on first use, when the file is missing), or memory. Shared by every state until the next checkpoint.
/// Thread-safe: the first reader loads, the others wait for it; a failed load throws again on every use.
/// </summary>
internal sealed class IndexBaseSource<TKey>
{
    private readonly Lazy<IndexBase<TKey>> _base;

    /// <summary>A base to load or build on first use.</summary>
    public IndexBaseSource(Func<IndexBase<TKey>> load, string? file, long fileBytes, bool isStored)
    {
        _base = new Lazy<IndexBase<TKey>>(load, LazyThreadSafetyMode.ExecutionAndPublication);
        File = file;
        FileBytes = fileBytes;
        IsStored = isStored;
    }

    /// <summary>A base already in memory (just built by a checkpoint, or an empty one).</summary>
    public IndexBaseSource(IndexBase<TKey> loaded, string? file, long fileBytes)
    {
        _base = new Lazy<IndexBase<TKey>>(loaded);
        File = file;
        FileBytes = fileBytes;
        IsStored = true;
    }

    public IndexBase<TKey> Value
    {
        get
        {
            var value = _base.Value;
            GC.KeepAlive(this); // this source pins its file (RetiredFiles) until the load is done
            return value;
        }
    }
    public bool IsLoaded => _base.IsValueCreated;

    /// <summary>The index file (inside <c>chunks/</c>) holding this base, or null (in memory, or not written yet).</summary>
    public string? File { get; }

    public long FileBytes { get; }

    /// <summary>False when the base must be built from documents and no file holds it yet: the next checkpoint writes one.</summary>
    public bool IsStored { get; }
}

/// <summary>
/// One immutable version of a secondary index: the <see cref="IndexBase{TKey}"/> of the last checkpoint, and the
/// entries added to and removed from it since (persistent sorted sets, so a write copies only a path). Invariants:
/// <c>Added</c> holds no entry of the base, <c>Removed</c> only entries of the base. The index's entries are
/// <c>base - Removed + Added</c>, read merged in order. Writers derive new states; readers never see a change.
/// </summary>
internal sealed class IndexState<TKey>
{
    public IndexState(IndexEntryComparer<TKey> comparer, IndexBaseSource<TKey> source,
        ImmutableSortedSet<IndexEntry<TKey>> added, ImmutableSortedSet<IndexEntry<TKey>> removed)
    {
        Comparer = comparer;
        Source = source;
        Added = added;
        Removed = removed;
    }

    public static IndexState<TKey> Create(IndexEntryComparer<TKey> comparer, IndexBaseSource<TKey> source)
    {
        var empty = ImmutableSortedSet.Create<IndexEntry<TKey>>(comparer);
        return new IndexState<TKey>(comparer, source, empty, empty);
    }

    public IndexEntryComparer<TKey> Comparer { get; }
    public IndexBaseSource<TKey> Source { get; }
    public ImmutableSortedSet<IndexEntry<TKey>> Added { get; }
    public ImmutableSortedSet<IndexEntry<TKey>> Removed { get; }

    /// <summary>The base (loading or building it on first use).</summary>
    public IndexBase<TKey> Base => Source.Value;

    /// <summary>No change since the base.</summary>
    public bool IsClean => Added.IsEmpty && Removed.IsEmpty;

    /// <summary>The state with <paramref name="entry"/> (not in the index) added.</summary>
    public IndexState<TKey> Add(IndexEntry<TKey> entry) => Removed.Contains(entry)
        ? new IndexState<TKey>(Comparer, Source, Added, Removed.Remove(entry))
        : new IndexState<TKey>(Comparer, Source, Added.Add(entry), Removed);

    /// <summary>
    /// The state with <paramref name="entries"/> (not in the index, any order) added: one rebuild instead of an insert
    /// per entry. An entry removed since the base comes back by leaving <see cref="Removed"/>. When the batch is small
    /// next to <see cref="Added"/>, the entries go in through a builder (which copies only the paths it touches);
    /// otherwise the added set is rebuilt from leaf to root over one sort of both.
    /// </summary>
    public IndexState<TKey> AddMany(List<IndexEntry<TKey>> entries)
    {
        if (entries.Count == 0) return this;
        var removed = Removed;
        var fresh = entries;
        if (!removed.IsEmpty)
        {
            ImmutableSortedSet<IndexEntry<TKey>>.Builder? back = null;
            fresh = new List<IndexEntry<TKey>>(entries.Count);
            foreach (var entry in entries)
                if (removed.Contains(entry)) (back ??= removed.ToBuilder()).Remove(entry);
                else fresh.Add(entry);
            if (back is not null) removed = back.ToImmutable();
        }
        ImmutableSortedSet<IndexEntry<TKey>> added;
        if (fresh.Count == 0) added = Added;
        else if (Added.Count > fresh.Count * 8)
        {
            var builder = Added.ToBuilder();
            foreach (var entry in fresh) builder.Add(entry);
            added = builder.ToImmutable();
        }
        else added = ImmutableSortedSet.CreateRange(Comparer, Added.IsEmpty ? fresh : Added.Concat(fresh));
        return new IndexState<TKey>(Comparer, Source, added, removed);
    }

    /// <summary>The state without <paramref name="entry"/> (which is in the index).</summary>
    public IndexState<TKey> Remove(IndexEntry<TKey> entry) => Added.Contains(entry)
        ? new IndexState<TKey>(Comparer, Source, Added.Remove(entry), Removed)
        : new IndexState<TKey>(Comparer, Source, Added, Removed.Add(entry));

    /// <summary>How many entries lie between the probes: counted from positions, never enumerated.</summary>
    public long CountRange(in IndexEntry<TKey> lower, in IndexEntry<TKey> upper)
    {
        var b = Base;
        long count = Math.Max(0, b.LowerBound(upper) - b.LowerBound(lower));
        var (added, removed) = Views();
        count -= Math.Max(0, removed.Position(upper, Comparer) - removed.Position(lower, Comparer));
        count += Math.Max(0, added.Position(upper, Comparer) - added.Position(lower, Comparer));
        return count;
    }

    /// <summary>Primary keys of the entries between the probes, in index order or reversed.</summary>
    public IEnumerable<TKey> Keys(IndexEntry<TKey> lower, IndexEntry<TKey> upper, bool descending)
    {
        var b = Base;
        if (IsClean)
        {
            // no delta: a plain walk over the base's rows
            int lo = b.LowerBound(lower), hi = b.LowerBound(upper);
            var keys = b.Keys;
            if (!descending)
                for (int row = lo; row < hi; row++) yield return keys[row];
            else
                for (int row = hi - 1; row >= lo; row--) yield return keys[row];
            yield break;
        }
        foreach (var (row, added) in Merge(b, lower, upper, descending))
            yield return row >= 0 ? b.Keys[row] : added.Key;
    }

    /// <summary>The entries between the probes, in index order or reversed.</summary>
    public IEnumerable<IndexEntry<TKey>> Entries(IndexEntry<TKey> lower, IndexEntry<TKey> upper, bool descending)
    {
        var b = Base;
        foreach (var (row, added) in Merge(b, lower, upper, descending))
            yield return row >= 0 ? b.Entry(row) : added;
    }

    /// <summary>Every entry, in index order (a checkpoint folds them into the next base).</summary>
    public List<IndexEntry<TKey>> All()
    {
        var all = new List<IndexEntry<TKey>>(Base.Count - Removed.Count + Added.Count);
        all.AddRange(Entries(IndexEntry<TKey>.Before([]), IndexEntry<TKey>.After([]), false));
        return all;
    }

    /// <summary>
    /// The merge of the base rows (minus removed ones) with the added entries between the probes: a base row as its
    /// row number, an added entry as row -1 and the entry.
    /// </summary>
    private IEnumerable<(int Row, IndexEntry<TKey> Added)> Merge(IndexBase<TKey> b, IndexEntry<TKey> lower, IndexEntry<TKey> upper, bool descending)
    {
        int bl = b.LowerBound(lower), bh = b.LowerBound(upper);
        var (added, removed) = Views();
        int al = added.Position(lower, Comparer), ah = added.Position(upper, Comparer);
        int rl = removed.Position(lower, Comparer), rh = removed.Position(upper, Comparer);
        Touched((ah - al) + (rh - rl));
        // Each delta element (fetched once: the sets' indexers cost O(log n)) finds its base row by a galloping
        // search from the current row, so base rows between delta elements are emitted without comparisons.
        if (!descending)
        {
            int bi = bl, ai = al, ri = rl;
            var nextAdded = ai < ah ? added[ai] : default;
            var nextRemoved = ri < rh ? removed[ri] : default;
            int addedRow = ai < ah ? b.LowerBoundFrom(nextAdded, bi, bh) : bh;   // base rows before it sort before it
            int removedRow = ri < rh ? b.LowerBoundFrom(nextRemoved, bi, bh) : bh; // the base row it removes
            while (true)
            {
                int stop = Math.Min(addedRow, removedRow);
                while (bi < stop) yield return (bi++, default);
                if (ai < ah && addedRow == bi)
                {
                    yield return (-1, nextAdded);
                    if (++ai < ah)
                    {
                        nextAdded = added[ai];
                        addedRow = b.LowerBoundFrom(nextAdded, bi, bh);
                    }
                    else addedRow = bh;
                    continue;
                }
                if (ri < rh && removedRow == bi && bi < bh)
                {
                    bi++;
                    if (++ri < rh)
                    {
                        nextRemoved = removed[ri];
                        removedRow = b.LowerBoundFrom(nextRemoved, bi, bh);
                    }
                    else removedRow = bh;
                    continue;
                }
                if (bi >= bh && ai >= ah) yield break;
                ri = rh; // not reached while the invariants hold (a removed entry is a base row): emit the rest
                removedRow = bh;
            }
        }
        else
        {
            int bi = bh - 1, ai = ah - 1, ri = rh - 1;
            var nextAdded = ai >= al ? added[ai] : default;
            var nextRemoved = ri >= rl ? removed[ri] : default;
            int addedRow = ai >= al ? b.LowerBoundBack(nextAdded, bl, bh) : bl;     // base rows from here up sort after it
            int removedRow = ri >= rl ? b.LowerBoundBack(nextRemoved, bl, bh) : bl - 1;
            while (true)
            {
                int stop = Math.Max(addedRow, removedRow + 1);
                while (bi >= stop) yield return (bi--, default);
                if (ai >= al && bi == addedRow - 1)
                {
                    yield return (-1, nextAdded);
                    if (--ai >= al)
                    {
                        nextAdded = added[ai];
                        addedRow = b.LowerBoundBack(nextAdded, bl, bi + 1);
                    }
                    else addedRow = bl;
                    continue;
                }
                if (ri >= rl && removedRow == bi && bi >= bl)
                {
                    bi--;
                    if (--ri >= rl)
                    {
                        nextRemoved = removed[ri];
                        removedRow = b.LowerBoundBack(nextRemoved, bl, bi + 1);
                    }
                    else removedRow = bl - 1;
                    continue;
                }
                if (bi < bl && ai < al) yield break;
                ri = rl - 1; // not reached while the invariants hold (a removed entry is a base row): emit the rest
                removedRow = bl - 1;
            }
        }
    }

    /// <summary>
    /// The sorted sets cost O(log n) pointer chases per element read. Once reads of this state have touched as many
    /// delta elements as the delta holds, the sets are copied to arrays (once per state, shared by its readers), so
    /// repeated reads of a large delta cost what reads of the base cost; the copy at most doubles what was spent.
    /// </summary>
    private sealed class DeltaArrays(IndexEntry<TKey>[] added, IndexEntry<TKey>[] removed)
    {
        public IndexEntry<TKey>[] Added { get; } = added;
        public IndexEntry<TKey>[] Removed { get; } = removed;
    }

    private DeltaArrays? _arrays;
    private long _deltaReads;

    private (DeltaView Added, DeltaView Removed) Views()
    {
        var arrays = Volatile.Read(ref _arrays);
        return (new DeltaView(Added, arrays?.Added), new DeltaView(Removed, arrays?.Removed));
    }

    private void Touched(int elements)
    {
        if (elements <= 0 || Volatile.Read(ref _arrays) is not null) return;
        if (Interlocked.Add(ref _deltaReads, elements) > Added.Count + Removed.Count)
            Volatile.Write(ref _arrays, new DeltaArrays([.. Added], [.. Removed]));
    }

    /// <summary>A delta set, read through its array copy when there is one.</summary>
    private readonly struct DeltaView(ImmutableSortedSet<IndexEntry<TKey>> set, IndexEntry<TKey>[]? array)
    {
        public IndexEntry<TKey> this[int index] => array is null ? set[index] : array[index];

        public int Position(in IndexEntry<TKey> probe, IComparer<IndexEntry<TKey>> comparer)
        {
            if (set.IsEmpty) return 0;
            int i = array is null ? set.IndexOf(probe) : Array.BinarySearch(array, probe, comparer);
            return i < 0 ? ~i : i;
        }
    }

    /// <summary>
    /// The state of this index after a checkpoint folded <paramref name="checkpointed"/>'s changes into
    /// <paramref name="newBase"/>, keeping the changes made since (this state is the newest). With A/R the added and
    /// removed sets: the entries now are <c>old - R_now + A_now</c> and the new base is <c>old - R_cp + A_cp</c>, so
    /// relative to the new base: added = (A_now - A_cp) + (R_cp - R_now), removed = (A_cp - A_now) + (R_now - R_cp).
    /// </summary>
    public IndexState<TKey> Rebase(IndexState<TKey> checkpointed, IndexBaseSource<TKey> newBase)
    {
        if (ReferenceEquals(Added, checkpointed.Added) && ReferenceEquals(Removed, checkpointed.Removed))
            return Create(Comparer, newBase);
        var added = Added.Except(checkpointed.Added).Union(checkpointed.Removed.Except(Removed));
        var removed = checkpointed.Added.Except(Added).Union(Removed.Except(checkpointed.Removed));
        return new IndexState<TKey>(Comparer, newBase, added, removed);
    }
}
