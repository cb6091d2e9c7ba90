using System.Collections.Immutable;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Indexes;

namespace ZgDb.Storage.Engine;

/// <summary>
/// A change since the last checkpoint: the document now stored under a key, or null when it was deleted. Two entries
/// are equal only when they hold the very same document object: an entity type's own <c>Equals</c> (EF Core models
/// often compare by key) must never make the delta's dictionary keep an older version as "unchanged".
/// </summary>
internal readonly record struct DeltaEntry<T>(T? Document, long Lsn) where T : class
{
    public bool Equals(DeltaEntry<T> other) => ReferenceEquals(Document, other.Document) && Lsn == other.Lsn;

    public override int GetHashCode() => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Document), Lsn);
}

/// <summary>The part of a collection's state every collection shares, whatever its key and document types.</summary>
internal abstract class CollectionState
{
    /// <summary>Documents in the collection.</summary>
    public abstract long Count { get; }

    /// <summary>Changes not yet in chunk files.</summary>
    public abstract int DeltaCount { get; }

    /// <summary>The next int/long key to assign.</summary>
    public abstract long NextKey { get; }
}

/// <summary>
/// One immutable version of a collection: its chunks (sorted, non-overlapping key ranges) and the sorted delta of
/// changes since the last checkpoint, and its index states. Readers take a state and keep a consistent view however long they hold it;
/// writers publish new states. Documents reachable from a state are never mutated.
/// </summary>
internal sealed class CollectionState<TKey, T> : CollectionState where TKey : notnull where T : class
{
    public CollectionState(ChunkRef<TKey>[] chunks, ImmutableSortedDictionary<TKey, DeltaEntry<T>> delta, long count, long nextKey, IndexState<TKey>[] indexes)
    {
        Chunks = chunks;
        Indexes = indexes;
        Delta = delta;
        _count = count;
        _nextKey = nextKey;
    }

    private readonly long _count;
    private readonly long _nextKey;

    public ChunkRef<TKey>[] Chunks { get; }
    public ImmutableSortedDictionary<TKey, DeltaEntry<T>> Delta { get; }

    /// <summary>The secondary indexes, one per <see cref="EntityType.Indexes"/> entry, consistent with the documents.</summary>
    public IndexState<TKey>[] Indexes { get; }
    public override long Count => _count;
    public override int DeltaCount => Delta.Count;
    public override long NextKey => _nextKey;

    /// <summary>The index of the chunk whose key range holds <paramref name="key"/>, or -1.</summary>
    public int FindChunk(TKey key, IComparer<TKey> comparer)
    {
        int lo = 0, hi = Chunks.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var chunk = Chunks[mid];
            if (comparer.Compare(key, chunk.Min) < 0) hi = mid - 1;
            else if (comparer.Compare(key, chunk.Max) > 0) lo = mid + 1;
            else return mid;
        }
        return -1;
    }
}
