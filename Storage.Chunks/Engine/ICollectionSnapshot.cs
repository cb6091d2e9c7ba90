using ZgDb.Storage.Indexes;

namespace ZgDb.Storage.Engine;

/// <summary>
/// A read-only view of one collection as of one published state: documents, count and indexes all agree.
/// Stored documents are shared with every reader: read them, never mutate or hand them out (use <see cref="Copy"/>).
/// </summary>
internal interface ICollectionSnapshot<T> where T : class
{
    EntityType Entity { get; }
    long Count { get; }

    /// <summary>All stored documents in primary-key order, loading chunks on demand.</summary>
    IEnumerable<T> Scan();

    /// <summary>The stored document with this key (boxed, of the key's type or convertible), or null.</summary>
    T? Get(object key);

    /// <summary>The primary key of a stored document, boxed.</summary>
    object KeyOf(T document);

    /// <summary>Stored documents whose keys lie between the bounds (null = unbounded), in key order or reversed.</summary>
    IEnumerable<T> KeyRange(IndexBound? lower, IndexBound? upper, bool descending);

    /// <summary>The named secondary index (<see cref="EntityIndex.Name"/>), or null when the collection has no such index.</summary>
    IIndexSnapshot? GetIndex(string name);

    /// <summary>A deep copy of a stored document for handing to a caller.</summary>
    T Copy(T stored);
}
