using System.Text.Json;
using ZgDb.Storage.Chunks;

namespace ZgDb.Storage.Engine;

/// <summary>
/// Folds a collection's delta into its chunks, copy-on-write: a chunk no change touches is kept as it is; a
/// touched chunk is loaded, merged with its changes and written anew (split when it outgrows the chunk size);
/// appends past a full last chunk go to new chunks without rewriting it. A chunk holds at most
/// <see cref="ZgDbOptions.ChunkDocuments"/> documents and, on disk, at most <see cref="ZgDbOptions.ChunkMaxBytes"/>
/// bytes of JSON (or one document, if that alone is larger), so every chunk stays far below the runtime's array
/// limits whatever the documents' size.
/// </summary>
internal sealed class ChunkMerger<TKey, T>(CollectionStore<TKey, T> store, ChunkSink sink) where TKey : notnull where T : class
{
    private readonly IComparer<TKey> _comparer = store.Comparer;
    private readonly int _target = store.ChunkDocuments;
    private readonly long _maxBytes = store.ChunkMaxBytes;

    public CollectionState<TKey, T> Merge(CollectionState<TKey, T> state)
    {
        if (state.Delta.Count == 0) return state;
        var changes = state.Delta.ToArray(); // sorted by key
        var result = new List<ChunkRef<TKey>>(state.Chunks.Length + 1);
        var chunks = state.Chunks;
        foreach (var step in SortedFold.Plan(chunks.Select(c => (c.Min, c.Max, c.Count)).ToArray(), changes.Select(c => c.Key).ToArray(), _comparer, _target))
        {
            var range = new ArraySegment<KeyValuePair<TKey, DeltaEntry<T>>>(changes, step.FirstChange, step.Changes);
            switch (step.Kind)
            {
                case FoldStepKind.Keep:
                    result.Add(chunks[step.Chunk]);
                    break;
                case FoldStepKind.KeepAndAppend:
                    result.Add(chunks[step.Chunk]); // a full last chunk stays; appends start new chunks
                    Emit(result, [], [], range);
                    break;
                case FoldStepKind.Rewrite:
                    var loaded = store.Load(chunks[step.Chunk]);
                    Emit(result, loaded.Keys, loaded.Documents, range);
                    break;
                default:
                    Emit(result, [], [], range);
                    break;
            }
        }
        return new CollectionState<TKey, T>(result.ToArray(), state.Delta.Clear(), state.Count, state.NextKey, state.Indexes);
    }

    private void Emit(List<ChunkRef<TKey>> result, TKey[] keys, T[] documents, ArraySegment<KeyValuePair<TKey, DeltaEntry<T>>> changes)
    {
        var mergedKeys = new List<TKey>(keys.Length + changes.Count);
        var mergedDocs = new List<T>(keys.Length + changes.Count);
        foreach (var document in SortedFold.Merge([new SortedRun<TKey, T>(keys, documents)], changes.Select(c => KeyValuePair.Create(c.Key, c.Value.Document)), _comparer))
        {
            mergedKeys.Add(store.KeyOf(document));
            mergedDocs.Add(document);
        }
        if (!sink.NeedsJson)
        {
            for (int start = 0; start < mergedKeys.Count; start += _target)
            {
                int count = Math.Min(_target, mergedKeys.Count - start);
                result.Add(sink.Write(store, mergedKeys.GetRange(start, count).ToArray(), mergedDocs.GetRange(start, count).ToArray(), []));
            }
            return;
        }
        // Each document is serialized once; a chunk closes at the count target or before it would pass the byte limit.
        var group = new List<byte[]>();
        long groupBytes = 2; // "[" and "]"
        int first = 0;
        for (int d = 0; d < mergedDocs.Count; d++)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(mergedDocs[d], store.Serializer.Options);
            if (group.Count > 0 && (group.Count == _target || groupBytes + 1 + json.Length > _maxBytes))
            {
                result.Add(Flush(mergedKeys, mergedDocs, first, group, groupBytes));
                first = d;
                group.Clear();
                groupBytes = 2;
            }
            groupBytes += json.Length + (group.Count > 0 ? 1 : 0);
            group.Add(json);
        }
        if (group.Count > 0) result.Add(Flush(mergedKeys, mergedDocs, first, group, groupBytes));
    }

    private ChunkRef<TKey> Flush(List<TKey> keys, List<T> documents, int first, List<byte[]> group, long bytes)
    {
        var array = new byte[bytes];
        array[0] = (byte)'[';
        int position = 1;
        foreach (var json in group)
        {
            if (position > 1) array[position++] = (byte)',';
            json.CopyTo(array, position);
            position += json.Length;
        }
        array[position] = (byte)']';
        return sink.Write(store, keys.GetRange(first, group.Count).ToArray(), documents.GetRange(first, group.Count).ToArray(), array);
    }
}
