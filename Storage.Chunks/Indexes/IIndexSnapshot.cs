namespace ZgDb.Storage.Indexes;

/// <summary>A bound of an index range: a value and whether the range includes it.</summary>
internal readonly record struct IndexBound(object? Value, bool Inclusive);

/// <summary>One entry of an index: its indexed values (one per column, the index's stored objects: do not mutate) and the document's primary key (boxed).</summary>
internal readonly record struct IndexHit(IReadOnlyList<object?> Values, object Key);

/// <summary>
/// One secondary index as of one collection snapshot (immutable; consistent with the snapshot's documents).
/// Indexed values are the CLR values of the index's property paths (boxed; null sorts first); entries are ordered
/// by value, then by primary key. Strings compare ordinally. A value along a null step of a nested path
/// (<c>Address.City</c> with no <c>Address</c>) is null.
/// Values passed in (prefix, bounds) are brought to the column's type when an exact equivalent exists (an int for a
/// long column, an enum's number); otherwise <see cref="ArgumentException"/>. The first use may load the index file or
/// build the index from the documents (once, for every snapshot); a damaged file throws <see cref="ZgDbCorruptFileException"/>.
/// Get one with <c>ICollectionSnapshot&lt;T&gt;.GetIndex(EntityIndex.Name)</c>.
/// </summary>
internal interface IIndexSnapshot
{
    EntityIndex Index { get; }

    /// <summary>Number of entries (one per document).</summary>
    long Count { get; }

    /// <summary>
    /// Primary keys (boxed) of the documents whose first <c>prefix.Length</c> indexed values equal <paramref name="prefix"/>
    /// and whose next indexed value lies between the bounds (null bound = unbounded), in index order (or reversed).
    /// </summary>
    IEnumerable<object> Range(object?[] prefix, IndexBound? lower, IndexBound? upper, bool descending);

    /// <summary>How many entries <see cref="Range"/> would return, without enumerating them when the structure allows.</summary>
    long CountRange(object?[] prefix, IndexBound? lower, IndexBound? upper);

    /// <summary>Like <see cref="Range"/>, with each entry's indexed values (for answers the index alone can give).</summary>
    IEnumerable<IndexHit> RangeEntries(object?[] prefix, IndexBound? lower, IndexBound? upper, bool descending);

    /// <summary>
    /// <paramref name="value"/> brought to the type of column <paramref name="column"/> (see above); throws
    /// <see cref="ArgumentException"/> when it has no exact equivalent (25.5 for an int column).
    /// </summary>
    object? Normalize(int column, object? value);
}
