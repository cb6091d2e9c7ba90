namespace ZgDb.Storage.Indexes;

/// <summary>A bound of an index range: a value and whether the range includes it.</summary>
internal readonly record struct IndexBound(object? Value, bool Inclusive);

/// <summary>
/// One secondary index as of one collection snapshot (immutable; consistent with the snapshot's documents).
/// Indexed values are the CLR values of the index's property paths (boxed; null sorts first); entries are ordered
/// by value, then by primary key. Strings compare ordinally.
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
}
