using System.Text.Json;
using ZgDb.Storage.Chunks;

namespace ZgDb.Storage.Engine;

/// <summary>Where a checkpoint puts the chunks it builds: new files on disk, or pinned in memory for an in-memory database.</summary>
internal abstract class ChunkSink
{
    /// <summary>
    /// Writes one chunk. <paramref name="json"/> is the documents' JSON array (what the file holds) when
    /// <see cref="NeedsJson"/>, else empty.
    /// </summary>
    public abstract ChunkRef<TKey> Write<TKey, T>(CollectionStore<TKey, T> store, TKey[] keys, T[] documents, byte[] json) where TKey : notnull where T : class;

    /// <summary>Whether chunks are stored as JSON (on disk), so the merger sizes them by bytes as well as by count.</summary>
    public abstract bool NeedsJson { get; }

    /// <summary>
    /// Writes an encoded index file (<see cref="Indexes.IndexFile"/>) of <paramref name="collection"/> and returns its
    /// name and size; null when indexes live only in memory (then nothing is encoded).
    /// </summary>
    public abstract Func<byte[], (string File, long Bytes)>? IndexWriter(string collection);
}

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
        int next = 0; // the first change not yet placed
        var chunks = state.Chunks;
        for (int c = 0; c < chunks.Length; c++)
        {
            // Changes below the next chunk's first key belong to this chunk (the first chunk also takes keys below it).
            int end = next;
            bool last = c == chunks.Length - 1;
            while (end < changes.Length && (last || _comparer.Compare(changes[end].Key, chunks[c + 1].Min) < 0)) end++;
            if (end == next)
            {
                result.Add(chunks[c]);
                continue;
            }
            if (last && chunks[c].Count >= _target && _comparer.Compare(changes[next].Key, chunks[c].Max) > 0)
            {
                result.Add(chunks[c]); // a full last chunk stays; appends start new chunks
                Emit(result, [], [], changes.AsSpan(next, end - next));
            }
            else
            {
                var loaded = store.Load(chunks[c]);
                Emit(result, loaded.Keys, loaded.Documents, changes.AsSpan(next, end - next));
            }
            next = end;
        }
        if (next < changes.Length) Emit(result, [], [], changes.AsSpan(next));
        return new CollectionState<TKey, T>(result.ToArray(), state.Delta.Clear(), state.Count, state.NextKey, state.Indexes);
    }

    private void Emit(List<ChunkRef<TKey>> result, TKey[] keys, T[] documents, ReadOnlySpan<KeyValuePair<TKey, DeltaEntry<T>>> changes)
    {
        var mergedKeys = new List<TKey>(keys.Length + changes.Length);
        var mergedDocs = new List<T>(keys.Length + changes.Length);
        int i = 0, j = 0;
        while (i < keys.Length || j < changes.Length)
        {
            int order = i >= keys.Length ? 1 : j >= changes.Length ? -1 : _comparer.Compare(keys[i], changes[j].Key);
            if (order < 0)
            {
                mergedKeys.Add(keys[i]);
                mergedDocs.Add(documents[i++]);
                continue;
            }
            if (changes[j].Value.Document is { } document)
            {
                mergedKeys.Add(changes[j].Key);
                mergedDocs.Add(document);
            }
            if (order == 0) i++;
            j++;
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
