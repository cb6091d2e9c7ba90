namespace ZgDb.Storage.Engine;

/// <summary>
/// Files of superseded states (chunks and index bases a checkpoint replaced), each with the object every read of
/// it goes through (its <c>ChunkRef</c>, its index base source). A reader holding an old state (a lazy query, a
/// scan, a point or navigation lookup, even mid-load when it holds only the chunk's ref) keeps that object
/// reachable, so its file stays on disk however many checkpoints pass; once the last reader is done and the
/// object is collected, the next checkpoint deletes the file. Thread-safe.
/// </summary>
internal sealed class RetiredFiles
{
    private readonly List<(WeakReference Holder, string[] Files)> _retired = [];

    /// <summary>Records the files of <paramref name="old"/> that <paramref name="now"/> (the state replacing it) no longer goes through.</summary>
    public void Retire(ICollectionStore store, CollectionState old, CollectionState now)
    {
        var kept = store.FileHolders(now).Select(h => h.Holder).ToHashSet(ReferenceEqualityComparer.Instance);
        lock (_retired)
            foreach (var (holder, files) in store.FileHolders(old))
                if (files.Length > 0 && !kept.Contains(holder)) _retired.Add((new WeakReference(holder), files));
    }

    /// <summary>Files that a state still reachable by a reader refers to (pruning the entries of collected states).</summary>
    public IEnumerable<string> FilesOfLiveReaders()
    {
        lock (_retired)
        {
            _retired.RemoveAll(r => !r.Holder.IsAlive);
            return _retired.SelectMany(r => r.Files).ToList();
        }
    }
}
