using ZgDb.Storage.Inspection;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;

namespace ZgDb.Tooling;

/// <summary>
/// The files of a database directory, read and written without the application's types: what <c>zgdb</c> and its
/// studio do (info, verify, checkpoint and compact, backup and restore, JSON Lines export and import, query, edits).
/// Reads take no lock (an application may have the database open); writes take the directory's lock, so they fail
/// with <see cref="ZgDbLockedException"/> while an application has it open.
/// </summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public static class DatabaseDirectory
{
    /// <summary>Documents per chunk the engine writes by default (what <see cref="Checkpoint"/> and the edits use unless told).</summary>
    public const int DefaultChunkDocuments = 2048;

    /// <summary>The name of the lock file an open database holds in its directory.</summary>
    public static string LockFileName => LockFile.FileName;

    /// <summary>Whether a process (an application, or a tool writing) holds <paramref name="directory"/>'s lock now.</summary>
    public static bool IsOpenElsewhere(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return LockFile.IsHeld(directory);
    }

    /// <summary>Reads the manifest and the write-ahead log of <paramref name="directory"/> (strictly: a file that fails its checks fails the read); chunks are read by the scans.</summary>
    /// <exception cref="ZgDbCorruptFileException">A file fails its checks (names the file and offset).</exception>
    /// <exception cref="ZgDbException">The directory is not a database.</exception>
    public static DatabaseDirectoryReader Read(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return new DatabaseDirectoryReader(DatabaseReader.Open(directory, strict: true));
    }

    /// <summary>Checks every checksum, that the manifest reaches every chunk, key order, counts, index files and foreign keys; reports every problem instead of stopping at the first.</summary>
    public static VerificationReport Verify(string directory, IToolProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return new VerificationReport(DatabaseVerifier.Verify(directory, ToolProgressAdapter.For(progress), cancellationToken));
    }

    /// <summary>
    /// Folds the write-ahead log's changes into new chunk files (copy-on-write) and writes a new manifest; with
    /// <paramref name="compact"/>, rewrites every collection densely instead. The database must be closed (the lock is taken).
    /// </summary>
    /// <exception cref="ZgDbLockedException">The database is open.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkDocuments"/> is less than 1.</exception>
    public static CheckpointReport Checkpoint(string directory, bool compact, int chunkDocuments = DefaultChunkDocuments, IToolProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkDocuments, 1);
        using var writer = DatabaseWriter.Open(directory);
        var reader = writer.Reader;
        var before = new CheckpointReport
        {
            Collections = reader.Collections.Count,
            Documents = reader.Collections.Sum(c => c.Count),
            Changes = reader.Collections.Sum(c => (long)c.Delta.Count),
            ChunksBefore = reader.Collections.Sum(c => c.Chunks.Count),
            ChunkBytesBefore = reader.Collections.Sum(c => c.ChunkBytes),
            WalBytesBefore = reader.WalBytes,
            ManifestGeneration = reader.Manifest?.Generation ?? 0,
            CheckpointLsn = reader.CheckpointLsn,
        };
        if (!compact && reader.WalRecordsAfterCheckpoint == 0)
            return before;
        var work = ToolProgressAdapter.For(progress);
        var changed = new Dictionary<string, List<ManifestChunk>>(StringComparer.Ordinal);
        foreach (var collection in reader.Collections)
        {
            if (compact)
            {
                var task = work.Start($"compact {collection.Name}", Math.Max(1, collection.Count));
                changed[collection.Name] = writer.WriteDense(collection, reader.Scan(collection, cancellationToken), chunkDocuments, task, cancellationToken);
            }
            else if (collection.Delta.Count > 0)
            {
                var task = work.Start($"checkpoint {collection.Name}", collection.Delta.Count);
                changed[collection.Name] = writer.Fold(collection, chunkDocuments, task, cancellationToken);
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        var documentsChanged = reader.Collections.Where(c => c.Delta.Count > 0).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var manifest = writer.Commit(changed, documentsChanged);
        return new CheckpointReport
        {
            Written = true,
            Collections = before.Collections,
            Documents = before.Documents,
            Changes = before.Changes,
            CollectionsRewritten = changed.Count,
            ChunksBefore = before.ChunksBefore,
            ChunkBytesBefore = before.ChunkBytesBefore,
            ChunksAfter = manifest.Collections.Sum(c => c.Chunks.Count),
            ChunkBytesAfter = manifest.Collections.Sum(c => c.Chunks.Sum(k => k.Bytes)),
            WalBytesBefore = before.WalBytesBefore,
            WalBytesAfter = System.IO.Directory.Exists(reader.WalDirectory) ? System.IO.Directory.GetFiles(reader.WalDirectory, "*.zgw").Sum(f => new FileInfo(f).Length) : 0,
            ManifestGeneration = manifest.Generation,
            CheckpointLsn = manifest.CheckpointLsn,
        };
    }

    /// <summary>Copies the database to <paramref name="target"/> (a new directory) consistently, even while an application has it open, and verifies the copy.</summary>
    public static BackupReport Backup(string directory, string target, IToolProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        return new BackupReport(DatabaseBackup.Backup(directory, target, ToolProgressAdapter.For(progress), cancellationToken));
    }

    /// <summary>Verifies the backup in <paramref name="backup"/> and restores it into <paramref name="directory"/> (replacing a closed database there only with <paramref name="replace"/>); returns the bytes restored.</summary>
    public static long Restore(string backup, string directory, bool replace, IToolProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backup);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return DatabaseBackup.Restore(backup, directory, replace, ToolProgressAdapter.For(progress), cancellationToken);
    }

    /// <summary>Exports every collection (or those in <paramref name="collections"/>, when not empty) to <paramref name="target"/>, a new directory of <c>&lt;collection&gt;.jsonl</c> files, one document per line as stored, streaming. A failed export leaves nothing behind.</summary>
    public static TransferReport ExportJson(string directory, string target, IReadOnlyCollection<string>? collections = null, IToolProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        return new TransferReport(JsonTransfer.Export(directory, target, collections ?? [], ToolProgressAdapter.For(progress), cancellationToken));
    }

    /// <summary>Imports JSON Lines files (a directory of <c>&lt;collection&gt;.jsonl</c>, or one such file) into the closed database, each document checked against the stored model; a key that exists fails the import unless <paramref name="upsert"/>.</summary>
    /// <exception cref="ZgDbLockedException">The database is open.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkDocuments"/> is less than 1.</exception>
    public static TransferReport ImportJson(string directory, string source, bool upsert, int chunkDocuments = DefaultChunkDocuments, IToolProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkDocuments, 1);
        return new TransferReport(JsonTransfer.Import(directory, source, upsert, chunkDocuments, ToolProgressAdapter.For(progress), cancellationToken));
    }

    /// <summary>
    /// Replaces one document of a closed database with <paramref name="json"/>, checked against the stored model, its
    /// unique indexes and relationships, then folded into new chunks with the log's other changes under a new manifest.
    /// The key cannot change. A refused edit changes nothing.
    /// </summary>
    /// <exception cref="ZgDbLockedException">The database is open.</exception>
    /// <exception cref="ZgDbValidationException">The JSON is invalid, breaks the model or changes the key.</exception>
    /// <exception cref="ZgDbForeignKeyException">It would refer to a document that does not exist.</exception>
    /// <exception cref="ZgDbUniqueConstraintException">Another document holds its value of a unique index.</exception>
    /// <exception cref="ZgDbNotFoundException">No document has the key.</exception>
    public static void ReplaceDocument(string directory, string collection, string keyJson, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(keyJson);
        ArgumentNullException.ThrowIfNull(json);
        DocumentEditor.Replace(directory, collection, keyJson, json, cancellationToken);
    }

    /// <summary>Deletes one document of a closed database; refused (nothing changed) while another document refers to it (deletes do not cascade here).</summary>
    /// <exception cref="ZgDbLockedException">The database is open.</exception>
    /// <exception cref="ZgDbForeignKeyException">Another document refers to it.</exception>
    /// <exception cref="ZgDbNotFoundException">No document has the key.</exception>
    public static void DeleteDocument(string directory, string collection, string keyJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(keyJson);
        DocumentEditor.Delete(directory, collection, keyJson, cancellationToken);
    }
}
