using Microsoft.Extensions.Logging;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Engine;

/// <summary>
/// The life of an engine's files: ids for new chunk and index files, the files superseded states still pin
/// (<see cref="RetiredFiles"/>), and clean-up of what neither a kept manifest generation nor a live reader
/// references (after a crashed checkpoint at open, after every durable checkpoint, the sealed log at close).
/// </summary>
internal sealed class EngineFiles(IStorageFileSystem fileSystem, string? chunkDirectory, string? walDirectory, ChunkCache cache, ZgDbOptions options)
{
    private long _nextChunkId = 1;

    /// <summary>Files of superseded states that a reader may still hold (kept on disk until it is done).</summary>
    private readonly RetiredFiles _retired = new();

    /// <summary>The id the next new file takes (recorded in every manifest).</summary>
    public long NextChunkId
    {
        get => Interlocked.Read(ref _nextChunkId);
        set => _nextChunkId = value;
    }

    /// <summary>Takes the next file id.</summary>
    public long NewChunkId() => Interlocked.Increment(ref _nextChunkId) - 1;

    private DatabaseFiles Files => new(fileSystem, chunkDirectory!);

    private static HashSet<string> Referenced(ManifestStore? manifests) => DatabaseFiles.Referenced(manifests?.Current, manifests?.Previous);

    /// <summary>Chunk files a crashed checkpoint left behind (written, but no durable manifest lists them).</summary>
    public void DeleteUnreferenced(ManifestStore manifests) => _nextChunkId = Files.DeleteAllBut(Referenced(manifests), _nextChunkId);

    /// <summary>Records the files of <paramref name="old"/> that <paramref name="now"/> no longer goes through (see <see cref="RetiredFiles"/>).</summary>
    public void Retire(ICollectionStore store, CollectionState old, CollectionState now) => _retired.Retire(store, old, now);

    /// <summary>Removes superseded files after a durable checkpoint; a failure only leaves disk space, retried next time.</summary>
    public void TryDeleteObsolete(long checkpointLsn, ManifestStore manifests, WalWriter? wal)
    {
        try
        {
            DeleteObsolete(manifests, wal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            options.LoggerFor(ZgDbLogCategories.Storage).LogWarning(ZgDbEvents.SupersededFilesNotRemoved, e, "ZgDb: the checkpoint at LSN {Lsn} is durable, but removing superseded files failed; the next checkpoint retries.", checkpointLsn);
        }
    }

    private void DeleteObsolete(ManifestStore manifests, WalWriter? wal)
    {
        var referenced = Referenced(manifests);
        referenced.UnionWith(_retired.FilesOfLiveReaders());
        Files.DeleteAllBut(referenced, 0, cache.Remove);
        // The WAL is kept back to the previous manifest's checkpoint, so a damaged newest manifest can fall back.
        wal?.DeleteSegmentsUpTo(manifests.Previous?.CheckpointLsn ?? 0);
    }

    /// <summary>Deletes every WAL segment once the writer is closed and both manifests hold everything (see <see cref="CheckpointRunner.Seal"/>).</summary>
    public void DeleteWholeLog()
    {
        try
        {
            foreach (var name in fileSystem.ListFiles(walDirectory!, "*.zgw"))
                fileSystem.Delete(Path.Combine(walDirectory!, name));
            fileSystem.FlushDirectory(walDirectory!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Every record left is at or below the checkpoint: the next open skips them, a later close retries.
            options.LoggerFor(ZgDbLogCategories.Storage).LogWarning(ZgDbEvents.SealedLogNotDeleted, e, "ZgDb: deleting the sealed log at close failed; the segments left hold nothing the chunks lack.");
        }
    }
}
