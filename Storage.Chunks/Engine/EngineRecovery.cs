using Microsoft.Extensions.Logging;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Engine;

/// <summary>
/// The steps of opening a database on disk that rebuild its state (<see cref="StorageEngine"/> runs them in
/// order): the stored model judged against the application's, each collection's state from the manifest, the WAL
/// replayed on top, and the recovered files made durable before anything new is acknowledged.
/// </summary>
internal static class EngineRecovery
{
    /// <summary>A collection's state from the manifest; a chunk list that does not decode (a key of the wrong type) is corruption.</summary>
    public static CollectionState CreateState(StorageEngine engine, ICollectionStore store, Manifest? manifest)
    {
        try
        {
            return store.CreateState(manifest?.Find(store.Name));
        }
        catch (Exception e) when (manifest is not null && e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new ZgDbCorruptFileException(Path.Combine(engine.Directory!, Format.ManifestLayout.FileName(manifest.Generation)), Format.ManifestLayout.HeaderLength, ZgDbCorruptionReason.Malformed,
                $"the chunk list of collection '{store.Name}' does not decode: {e.Message}", e);
        }
    }

    /// <summary>
    /// Compares the stored model with the application's (<see cref="SchemaDiff"/>): refused changes stop the open
    /// before any file is written; the others are logged and handled as documents are read.
    /// </summary>
    public static void CheckModel(DatabaseModel model, ZgDbOptions options, Manifest manifest)
    {
        if (manifest.ModelFingerprint == model.Stored.Fingerprint) return;
        var changes = SchemaDiff.Compare(manifest.Model, model);
        if (changes.FirstOrDefault(c => c.IsRefused) is { } refused)
            throw new ZgDbSchemaMismatchException(refused.Collection, refused.Property,
                refused.Detail + ". The files were left untouched." + (changes.Count(c => c.IsRefused) > 1
                    ? " Other refused changes: " + string.Join("; ", changes.Where(c => c.IsRefused).Skip(1)) : ""));
        if (options.StrictSchema && changes.FirstOrDefault(c => c.Kind == SchemaChangeKind.PossibleRename) is { } rename)
            throw new ZgDbSchemaMismatchException(rename.Collection, rename.Property,
                rename.Detail + ". StrictSchema refuses an open that may lose stored values this way; the files were left untouched.");
        foreach (var change in changes)
        {
            if (change.Kind == SchemaChangeKind.PossibleRename)
                options.LoggerFor(ZgDbLogCategories.Schema).LogWarning(ZgDbEvents.PossibleRename, "ZgDb: model change {Change}", change.ToString());
            else
                options.LoggerFor(ZgDbLogCategories.Schema).LogInformation(ZgDbEvents.ModelChanged, "ZgDb: model change {Change}", change.ToString());
        }
    }

    /// <summary>
    /// A process killed before its flushes returned leaves WAL records, renames and new directory entries in the OS
    /// cache only, and this open has just relied on them (replayed them, read that manifest, used that directory).
    /// They are flushed before anything new is acknowledged on top of them, so a power cut now cannot take them
    /// away from under acknowledged writes: every WAL segment, then the wal, chunks, database and parent directories.
    /// </summary>
    public static void MakeRecoveredFilesDurable(StorageEngine engine)
    {
        var fileSystem = engine.FileSystem;
        foreach (var name in fileSystem.ListFiles(engine.WalDirectory, "*.zgw"))
        {
            using var segment = fileSystem.Open(Path.Combine(engine.WalDirectory, name), FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            segment.FlushToDisk();
        }
        fileSystem.FlushDirectory(engine.WalDirectory);
        fileSystem.FlushDirectory(engine.ChunkDirectory);
        fileSystem.FlushDirectory(engine.Directory!);
        if (Path.GetDirectoryName(engine.Directory) is { } parent) fileSystem.FlushDirectory(parent);
    }

    /// <summary>
    /// Replays the WAL past <paramref name="checkpointLsn"/> onto the written state (in memory; a torn tail is cut)
    /// and returns the last LSN it holds.
    /// </summary>
    public static long Replay(StorageEngine engine, PublishedStates states, long checkpointLsn, System.Diagnostics.Activity? span = null)
    {
        var byName = engine.Stores.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var state = states.Written;
        var result = WalRecovery.Replay(engine.FileSystem, engine.WalDirectory, checkpointLsn, engine.Options.LoggerFor(ZgDbLogCategories.Recovery), (lsn, parts) =>
        {
            var set = new WriteSet(state, lsn);
            foreach (var (payload, file, offset) in parts)
            foreach (var op in WalBatch.Decode(payload.Span, file, offset))
            {
                if (op.Kind == WalOpKind.Meta)
                {
                    set.SetMetadata(System.Text.Json.JsonSerializer.Deserialize<string>(op.KeyJson, ZgJson.Default)!, System.Text.Json.JsonSerializer.Deserialize<string>(op.DocumentJson, ZgJson.Default)!, log: false);
                    continue;
                }
                if (!byName.TryGetValue(op.Collection, out var store))
                    throw new ZgDbSchemaMismatchException(op.Collection, null,
                        $"the write-ahead log ('{file}', offset {offset}) holds changes to this collection, which the model no longer has. Open the database with the previous model once so they are checkpointed, or restore the collection.");
                try
                {
                    store.Replay(set, op);
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw new ZgDbCorruptFileException(file, offset, ZgDbCorruptionReason.Malformed, $"a document of collection '{op.Collection}' in the log does not decode: {e.Message}", e);
                }
            }
            state = set.Build();
        });
        states.Written = state;
        if (span is not null)
        {
            span.SetTag("zgdb.recovery.checkpoint_lsn", checkpointLsn);
            span.SetTag("zgdb.recovery.last_lsn", result.LastLsn);
            span.SetTag("zgdb.recovery.replayed_records", result.RecordsApplied);
            span.SetTag("zgdb.recovery.torn_bytes_cut", result.TornBytesCut);
        }
        if (result.RecordsApplied > 0)
            engine.Options.LoggerFor(ZgDbLogCategories.Recovery).LogInformation(ZgDbEvents.WalReplayed, "ZgDb recovery: replayed {Records} WAL records up to LSN {Lsn}.", result.RecordsApplied, result.LastLsn);
        return result.LastLsn;
    }
}
