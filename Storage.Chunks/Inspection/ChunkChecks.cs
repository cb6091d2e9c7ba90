using System.Text.Json;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Format;
using ZgDb.Storage.Indexes;

namespace ZgDb.Storage.Inspection;

/// <summary>
/// The checks of <see cref="DatabaseReader"/> on the files a manifest lists: a chunk decoded through the engine's
/// <see cref="ChunkFile.ReadRaw"/> with its documents read untyped (keys per the stored model) and held against the
/// header and the manifest; an index file decoded through the engine's <see cref="IndexFile.Decode"/>. What is
/// wrong goes to the reader's <see cref="DatabaseReader.Report"/> (thrown in strict mode, collected for verify).
/// </summary>
internal sealed class ChunkChecks(DatabaseReader reader)
{
    /// <summary>
    /// Loads one chunk, checking everything <see cref="ChunkFile.Read{TKey,T}"/> checks (header, body checksum,
    /// decompressed length, document count, key order, key bounds) plus the manifest's bounds and count. Returns
    /// null if the chunk is unreadable (non-strict mode; the problem is in <see cref="DatabaseReader.Problems"/>).
    /// </summary>
    public List<RawDocument>? LoadChunk(InspectedCollection collection, InspectedChunk chunk)
    {
        var path = Path.Combine(reader.ChunkDirectory, chunk.File);
        ChunkHeader header;
        byte[] raw;
        try
        {
            (header, raw) = ChunkFile.ReadRaw(reader.FileSystem, path);
        }
        catch (ZgDbCorruptFileException e)
        {
            reader.Report(e.File, e.Offset, collection.Name, null, e.Detail, reason: e.Reason);
            return null;
        }
        catch (ZgDbIOException e) when (!reader.Strict)
        {
            reader.Report(path, 0, collection.Name, null, "cannot read the chunk: " + e.InnerException!.Message);
            return null;
        }
        catch (OutOfMemoryException e)
        {
            reader.Report(path, 0, collection.Name, null, "cannot read the chunk: " + e.Message);
            return null;
        }
        int bodyOffset = header.Length;
        // The engine's rules (Chunks/ChunkBodyRules), reported here instead of thrown, so verify lists every problem.
        var problems = new Reported(reader, path, collection.Name);
        if (!ChunkBodyRules.BelongsTo(header, collection.Name, problems)) return null;
        List<ReadOnlyMemory<byte>> slices;
        try
        {
            slices = DocumentJson.SplitArray(raw);
        }
        catch (JsonException e)
        {
            reader.Report(path, bodyOffset, collection.Name, null, "the body is not a JSON array of documents: " + e.Message);
            return null;
        }
        ChunkBodyRules.CountMatches(header, slices.Count, problems);
        if (slices.Count != chunk.Stored.Count)
            reader.Report(reader.ManifestFile ?? path, ManifestLayout.HeaderLength, collection.Name, null, $"the manifest lists {chunk.Stored.Count} documents in '{chunk.File}', the body holds {slices.Count}.");
        if (collection.KeyProperty is not { } keyProperty)
        {
            reader.Report(path, bodyOffset, collection.Name, null, "the stored model has no entity for this collection, so its keys cannot be read.");
            return null;
        }
        var documents = new List<RawDocument>(slices.Count);
        Comparison<StoredKey> compare = (a, b) => a.CompareTo(b);
        bool ok = true;
        for (int i = 0; i < slices.Count; i++)
        {
            if (!DocumentJson.TryReadKey(slices[i].Span, keyProperty, collection.KeyKind, out var key))
            {
                reader.Report(path, bodyOffset, collection.Name, null, $"document {i} is not an object with a valid {collection.KeyKind} key '{keyProperty}'.");
                ok = false;
                continue;
            }
            if (documents.Count > 0 && !ChunkBodyRules.InOrder(documents[^1].Key, key, i, compare, header, problems, key.ToString())) ok = false;
            documents.Add(new RawDocument(key, slices[i]));
        }
        if (documents.Count > 0)
        {
            bool decodes = StoredKey.TryFrom(header.MinKeyJson, collection.KeyKind, out var min) & StoredKey.TryFrom(header.MaxKeyJson, collection.KeyKind, out var max);
            ChunkBodyRules.RangeMatches(documents[0].Key, documents[^1].Key, decodes, min, max, compare, problems);
            if (chunk.Min != documents[0].Key || chunk.Max != documents[^1].Key)
                reader.Report(reader.ManifestFile ?? path, ManifestLayout.HeaderLength, collection.Name, null, $"the manifest's key range of '{chunk.File}' ({chunk.Min} .. {chunk.Max}) does not match the chunk ({documents[0].Key} .. {documents[^1].Key}).");
        }
        return ok ? documents : documents.OrderBy(d => d.Key).ToList();
    }

    /// <summary>
    /// Checks the collection's index files as the manifest lists them: present, decoded by the engine's decoder
    /// (<see cref="IndexFile.Decode"/>: header, body checksum, decompressed length, every stored value, nothing
    /// after the last entry), entries in index order, and one entry per document of the checkpoint. Returns how many were checked.
    /// </summary>
    public int CheckIndexFiles(InspectedCollection collection)
    {
        int checkedFiles = 0;
        foreach (var index in collection.Stored?.Indexes ?? [])
        {
            var path = Path.Combine(reader.ChunkDirectory, index.File);
            try
            {
                var data = reader.FileSystem.ReadAllBytes(path);
                var identity = IndexSignature.Identity(collection.Name, index.Name, index.Signature);
                var body = IndexFile.Decode(data, path, identity, IndexSignature.ColumnCount(index.Signature));
                IndexFile.CheckValueOrder(body, path);
                var header = body.Header;
                if (collection.Stored is { } stored && header.EntryCount != stored.Count)
                    reader.Report(path, 8, collection.Name, null, $"index '{index.Name}' holds {header.EntryCount} entries but the checkpoint holds {stored.Count} documents.");
                if (data.Length != index.Bytes)
                    reader.Report(path, 0, collection.Name, null, $"index '{index.Name}': the file is {data.Length} bytes but the manifest says {index.Bytes}.");
                checkedFiles++;
            }
            catch (FileNotFoundException)
            {
                reader.Report(path, 0, collection.Name, null, $"the index file of '{index.Name}' that the manifest lists is missing.", reason: ZgDbCorruptionReason.Missing);
            }
            catch (ZgDbCorruptFileException e)
            {
                reader.Report(e.File, e.Offset, collection.Name, null, $"index '{index.Name}': " + e.Detail, reason: e.Reason);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && reader.Strict)
            {
                throw new ZgDbIOException(path, "read the index file", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException)
            {
                reader.Report(path, 0, collection.Name, null, "cannot read the index file: " + e.Message);
            }
        }
        return checkedFiles;
    }

    /// <summary>The shared chunk rules' problems, reported to the reader (thrown in strict mode, collected for verify).</summary>
    private sealed class Reported(DatabaseReader reader, string path, string collection) : IChunkProblems
    {
        public void Problem(long offset, ZgDbCorruptionReason reason, string detail, string? key = null) =>
            reader.Report(path, offset, collection, key, detail, reason: reason);
    }
}
