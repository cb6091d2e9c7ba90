using System.Text.Json;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Inspection;

/// <summary>
/// The WAL as <see cref="DatabaseReader"/> reads it: every segment through the engine's <see cref="WalReader"/>
/// (with <c>zgdb verify</c>'s problem sink), multi-part writes assembled as recovery does, and each change past the
/// checkpoint applied to its collection's delta, checking what the typed engine would (the key, the document's JSON).
/// </summary>
internal sealed class WalInspection(DatabaseReader reader)
{
    /// <summary>Reads every WAL segment into the reader: the changes past the checkpoint, the segments and counts, and what is wrong.</summary>
    public void Read()
    {
        var assembler = new WalWriteAssembler(reader.CheckpointLsn);
        try
        {
            Read(assembler);
        }
        catch (ZgDbCorruptFileException e)
        {
            reader.Report(e.File, e.Offset, null, null, e.Detail, reason: e.Reason);
        }
        assembler.End();
        foreach (var (first, last, parts, file, offset) in assembler.Dropped)
            reader.Report(file, offset, null, null, $"an unfinished write of {parts} WAL records (LSN {first}..{last}) never got its last part (a crash while it was being logged, never acknowledged); it is not applied.", warning: true);
    }

    private void Read(WalWriteAssembler assembler)
    {
        reader.LastLsn = reader.CheckpointLsn;
        var segments = reader.FileSystem.ListFiles(reader.WalDirectory, "*.zgw").Select(name => Path.Combine(reader.WalDirectory, name))
            .Select(path => new WalSegmentSource(path, () => ReadSegment(path))).ToArray();
        try
        {
            foreach (var record in WalReader.Read(segments, reader.CheckpointLsn, skipFolded: false, new CollectingSink(reader)))
            {
                reader.WalRecords++;
                if (record.Lsn > reader.CheckpointLsn) reader.WalRecordsAfterCheckpoint++;
                if (assembler.Add(record.Kind, record.Lsn, record.Payload, record.Path, record.Offset) is { } parts && record.Lsn > reader.CheckpointLsn)
                    foreach (var part in parts) Apply(part.File, part.Offset, record.Lsn, part.Ops.Span);
                reader.LastLsn = Math.Max(reader.LastLsn, record.Lsn);
            }
        }
        catch (ZgDbIOException e) when (!reader.Strict)
        {
            reader.Report(e.Path, 0, null, null, "cannot read the WAL segment: " + e.InnerException!.Message);
        }
    }

    private byte[] ReadSegment(string path)
    {
        try
        {
            return reader.FileSystem.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ZgDbIOException(path, "read the WAL segment", e);
        }
    }

    private void Apply(string path, long offset, long lsn, ReadOnlySpan<byte> payload)
    {
        List<WalOp> ops;
        try
        {
            ops = WalBatch.Decode(payload, path, offset);
        }
        catch (ZgDbCorruptFileException e)
        {
            reader.Report(path, offset, null, null, e.Detail, reason: e.Reason);
            return;
        }
        foreach (var op in ops)
        {
            if (op.Kind == WalOpKind.Meta)
            {
                try
                {
                    reader.Metadata[JsonSerializer.Deserialize<string>(op.KeyJson, ZgJson.Default)!] = JsonSerializer.Deserialize<string>(op.DocumentJson!, ZgJson.Default)!;
                }
                catch (Exception e) when (e is JsonException or ArgumentNullException or NullReferenceException)
                {
                    reader.Report(path, offset, null, null, $"LSN {lsn}: a metadata entry does not decode: {e.Message}");
                }
                continue;
            }
            var collection = reader.Find(op.Collection);
            if (collection is null)
            {
                // A collection the checkpointed model does not know (added since): infer its key kind from the key's JSON.
                StoredKeyType kind = op.KeyJson.Length > 0 && op.KeyJson[0] == (byte)'"' ? KeyKind.String : KeyKind.Int64;
                if (reader.Manifest is not null)
                    reader.Report(path, offset, op.Collection, null, $"LSN {lsn} changes collection '{op.Collection}', which the stored model (manifest) does not list; its documents cannot be checked against a model until the application checkpoints.", warning: true);
                collection = new InspectedCollection(op.Collection, kind, null, null);
                reader.Collections.Add(collection);
            }
            if (!StoredKey.TryFrom(op.KeyJson, collection.KeyKind, out var key))
            {
                reader.Report(path, offset, op.Collection, System.Text.Encoding.UTF8.GetString(op.KeyJson), $"LSN {lsn}: the key is not a valid {collection.KeyKind}.");
                continue;
            }
            if (op.Kind == WalOpKind.Delete)
            {
                collection.Delta[key] = null;
                continue;
            }
            var json = op.DocumentJson!;
            if (collection.KeyProperty is { } keyProperty)
            {
                if (!DocumentJson.TryReadKey(json, keyProperty, collection.KeyKind, out var documentKey))
                    reader.Report(path, offset, op.Collection, key.ToString(), $"LSN {lsn}: the document is not a JSON object with a valid {collection.KeyKind} key '{keyProperty}'.");
                else if (documentKey != key)
                    reader.Report(path, offset, op.Collection, key.ToString(), $"LSN {lsn}: the document's key {documentKey} differs from the record's key.");
            }
            else
            {
                try { using var _ = JsonDocument.Parse(json); }
                catch (JsonException e) { reader.Report(path, offset, op.Collection, key.ToString(), $"LSN {lsn}: the document is not valid JSON: {e.Message}"); }
            }
            collection.Delta[key] = new RawDocument(key, json);
            if (key.Number is { } number) collection.NextKey = Engine.AutoKeys.Advance(collection.NextKey, number);
        }
    }

    /// <summary><c>zgdb verify</c>'s rules for the WAL: damage and a torn tail are reported, and reading stops there.</summary>
    private sealed class CollectingSink(DatabaseReader reader) : IWalProblemSink
    {
        public void Corrupt(ZgDbCorruptFileException problem) =>
            reader.Report(problem.File, problem.Offset, null, null, problem.Detail, reason: problem.Reason);

        public void IncompleteSegment(string path, int bytes)
        {
            reader.WalSegments.Add(new WalSegmentInfo(Path.GetFileName(path), bytes, 0));
            reader.TornTailBytes = bytes;
            reader.Report(path, 0, null, null, "a WAL segment whose header was never completed (a crash while creating it); opening the database removes it.", warning: true);
        }

        public void TornTail(string path, int offset, int bytes, int sameGroup)
        {
            reader.TornTailBytes = bytes;
            reader.Report(path, offset, null, null, $"a torn record of {bytes} bytes ends the log (a write interrupted by a crash, never acknowledged); opening the database cuts it off.", warning: true);
        }

        public void Segment(string path, int bytes, long firstLsn) => reader.WalSegments.Add(new WalSegmentInfo(Path.GetFileName(path), bytes, firstLsn));
    }
}
