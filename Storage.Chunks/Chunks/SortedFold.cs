namespace ZgDb.Storage.Chunks;

/// <summary>What a checkpoint does with one chunk (or with the changes past the last one).</summary>
internal enum FoldStepKind
{
    /// <summary>No change falls in the chunk: it is kept as it is.</summary>
    Keep,
    /// <summary>A full last chunk that only gains appended keys: it is kept, and the changes start new chunks.</summary>
    KeepAndAppend,
    /// <summary>The chunk is loaded, merged with its changes and written anew.</summary>
    Rewrite,
    /// <summary>Changes past every chunk (or a collection without chunks): new chunks.</summary>
    Append,
}

/// <summary>A key-ordered run of stored documents for <see cref="SortedFold.Merge{TKey,TDocument}"/> (a chunk's, from <paramref name="Start"/>).</summary>
internal readonly record struct SortedRun<TKey, TDocument>(TKey[] Keys, TDocument[] Documents, int Start = 0)
{
    /// <summary>A run of documents that carry their keys (the untyped tools' <c>RawDocument</c>s).</summary>
    public static SortedRun<TKey, TDocument> Of(IReadOnlyCollection<TDocument> documents, Func<TDocument, TKey> keyOf) => new(documents.Select(keyOf).ToArray(), documents.ToArray());
}

/// <summary>One step of <see cref="SortedFold.Plan{TKey}"/>: the chunk (-1 for <see cref="FoldStepKind.Append"/>) and its changes.</summary>
internal readonly record struct FoldStep(FoldStepKind Kind, int Chunk, int FirstChange, int Changes);

/// <summary>
/// The one sorted fold of chunks with a delta of changes, for the typed engine (<c>ChunkMerger</c>, every scan of
/// <c>CollectionReads</c>) and the untyped tools (<c>DatabaseWriter</c>, <c>DatabaseReader.Scan</c>): which changes fall in which chunk, and the merge of a
/// key-ordered run of documents with key-ordered changes (a change replaces or inserts; a null document deletes).
/// </summary>
internal static class SortedFold
{
    /// <summary>
    /// Plans a checkpoint's fold, copy-on-write: changes below the next chunk's first key belong to a chunk (the first
    /// chunk also takes keys below it); a chunk no change touches is kept; appends past a full last chunk (at least
    /// <paramref name="target"/> documents) go to new chunks without rewriting it.
    /// </summary>
    public static List<FoldStep> Plan<TKey>(IReadOnlyList<(TKey Min, TKey Max, int Count)> chunks, IReadOnlyList<TKey> changeKeys, IComparer<TKey> comparer, int target)
    {
        var steps = new List<FoldStep>(chunks.Count + 1);
        int next = 0; // the first change not yet placed
        for (int c = 0; c < chunks.Count; c++)
        {
            int end = next;
            bool last = c == chunks.Count - 1;
            while (end < changeKeys.Count && (last || comparer.Compare(changeKeys[end], chunks[c + 1].Min) < 0)) end++;
            var kind = end == next ? FoldStepKind.Keep
                : last && chunks[c].Count >= target && comparer.Compare(changeKeys[next], chunks[c].Max) > 0 ? FoldStepKind.KeepAndAppend
                : FoldStepKind.Rewrite;
            steps.Add(new FoldStep(kind, c, next, end - next));
            next = end;
        }
        if (next < changeKeys.Count) steps.Add(new FoldStep(FoldStepKind.Append, -1, next, changeKeys.Count - next));
        return steps;
    }

    /// <summary>
    /// Merges <paramref name="runs"/> (documents in strictly increasing key order across the runs, each run from its
    /// <see cref="SortedRun{TKey,TDocument}.Start"/>) with <paramref name="changes"/> (strictly increasing keys; a
    /// null value deletes the key's document), in key order, stopping at the first key <paramref name="withinUpper"/>
    /// refuses. Lazy: a run is taken (a chunk loaded) only when the merge reaches it.
    /// </summary>
    public static IEnumerable<TDocument> Merge<TKey, TDocument>(IEnumerable<SortedRun<TKey, TDocument>> runs,
        IEnumerable<KeyValuePair<TKey, TDocument?>> changes, IComparer<TKey> comparer, Func<TKey, bool>? withinUpper = null) where TDocument : class
    {
        using var change = changes.GetEnumerator();
        bool hasChange = change.MoveNext();
        foreach (var run in runs)
        {
            var keys = run.Keys;
            var documents = run.Documents;
            for (int i = run.Start; i < keys.Length; i++)
            {
                while (hasChange && comparer.Compare(change.Current.Key, keys[i]) < 0)
                {
                    if (withinUpper is not null && !withinUpper(change.Current.Key)) yield break;
                    if (change.Current.Value is { } inserted) yield return inserted;
                    hasChange = change.MoveNext();
                }
                if (withinUpper is not null && !withinUpper(keys[i])) yield break;
                if (hasChange && comparer.Compare(change.Current.Key, keys[i]) == 0)
                {
                    if (change.Current.Value is { } replaced) yield return replaced;
                    hasChange = change.MoveNext();
                    continue;
                }
                yield return documents[i];
            }
        }
        while (hasChange && (withinUpper is null || withinUpper(change.Current.Key)))
        {
            if (change.Current.Value is { } inserted) yield return inserted;
            hasChange = change.MoveNext();
        }
    }
}
