using Microsoft.Extensions.Logging;

namespace ZgDb;

/// <summary>
/// The logging categories ZgDb writes to when <see cref="ZgDbOptions.LoggerFactory"/> is set (one logger per
/// category); without a factory every event goes to <see cref="ZgDbOptions.Logger"/>. Every category starts with
/// <c>ZgDb.</c>, so <c>"Logging": { "LogLevel": { "ZgDb": "Warning" } }</c> filters them all.
/// </summary>
public static class ZgDbLogCategories
{
    /// <summary><c>ZgDb.Storage</c>: checkpoints, the lock file, closing.</summary>
    public const string Storage = "ZgDb.Storage";

    /// <summary><c>ZgDb.Recovery</c>: what an open found and repaired (a torn log tail, a manifest fallback, an unfinished write).</summary>
    public const string Recovery = "ZgDb.Recovery";

    /// <summary><c>ZgDb.Wal</c>: the write-ahead log writer.</summary>
    public const string Wal = "ZgDb.Wal";

    /// <summary><c>ZgDb.Schema</c>: model changes at open, migration steps, a transaction rolled back at dispose.</summary>
    public const string Schema = "ZgDb.Schema";

    /// <summary><c>ZgDb.Indexes</c>: indexes built from the documents.</summary>
    public const string Indexes = "ZgDb.Indexes";
}

/// <summary>
/// The event id of everything ZgDb logs: stable numbers (a change of meaning gets a new number), grouped by category
/// in thousands. High-volume events are logged at <see cref="LogLevel.Debug"/>.
/// </summary>
public static class ZgDbEvents
{
    /// <summary>1001 (Error, Storage): a background checkpoint failed; the next one retries.</summary>
    public static readonly EventId BackgroundCheckpointFailed = new(1001, nameof(BackgroundCheckpointFailed));
    /// <summary>1002 (Error, Storage): a checkpoint failed and the database stops accepting writes.</summary>
    public static readonly EventId CheckpointFailed = new(1002, nameof(CheckpointFailed));
    /// <summary>1003 (Debug, Storage): a checkpoint folded the log into chunk files.</summary>
    public static readonly EventId CheckpointCompleted = new(1003, nameof(CheckpointCompleted));
    /// <summary>1004 (Warning, Storage): a durable checkpoint could not remove superseded files (retried later).</summary>
    public static readonly EventId SupersededFilesNotRemoved = new(1004, nameof(SupersededFilesNotRemoved));
    /// <summary>1005 (Warning, Recovery): a durable manifest could not remove older generations (retried later).</summary>
    public static readonly EventId OldManifestsNotRemoved = new(1005, nameof(OldManifestsNotRemoved));
    /// <summary>1006 (Warning, Storage): the lock file was deleted or replaced while the database was open.</summary>
    public static readonly EventId LockFileReplaced = new(1006, nameof(LockFileReplaced));
    /// <summary>1007 (Warning, Storage): sealing the log at close failed; the next open replays it.</summary>
    public static readonly EventId SealFailed = new(1007, nameof(SealFailed));
    /// <summary>1008 (Warning, Storage): deleting the sealed log at close failed; the next open removes it.</summary>
    public static readonly EventId SealedLogNotDeleted = new(1008, nameof(SealedLogNotDeleted));

    /// <summary>2001 (Information, Recovery): the open replayed write-ahead log records.</summary>
    public static readonly EventId WalReplayed = new(2001, nameof(WalReplayed));
    /// <summary>2002 (Warning, Recovery): a torn log tail (a write never acknowledged) was cut off.</summary>
    public static readonly EventId TornTailCut = new(2002, nameof(TornTailCut));
    /// <summary>2003 (Warning, Recovery): a log segment whose header was never completed was removed.</summary>
    public static readonly EventId IncompleteSegmentRemoved = new(2003, nameof(IncompleteSegmentRemoved));
    /// <summary>2004 (Warning, Recovery): an unfinished multi-record write (never acknowledged) was dropped.</summary>
    public static readonly EventId UnfinishedWriteDropped = new(2004, nameof(UnfinishedWriteDropped));
    /// <summary>2005 (Warning, Recovery): the newest manifest is damaged; the previous generation was opened.</summary>
    public static readonly EventId ManifestFallback = new(2005, nameof(ManifestFallback));

    /// <summary>3001 (Error, Wal): the write-ahead log failed; the database stops accepting writes.</summary>
    public static readonly EventId WalFailed = new(3001, nameof(WalFailed));

    /// <summary>4001 (Information, Schema): the stored model and the application's differ by this change.</summary>
    public static readonly EventId ModelChanged = new(4001, nameof(ModelChanged));
    /// <summary>4002 (Warning, Schema): a property removed and one of the same type added: a rename without <c>HasFormerName</c>?</summary>
    public static readonly EventId PossibleRename = new(4002, nameof(PossibleRename));
    /// <summary>4003 (Information, Schema): a migration step is running.</summary>
    public static readonly EventId MigrationStepRunning = new(4003, nameof(MigrationStepRunning));
    /// <summary>4004 (Warning, Schema): a transaction still open at dispose was rolled back.</summary>
    public static readonly EventId TransactionRolledBackAtDispose = new(4004, nameof(TransactionRolledBackAtDispose));

    /// <summary>5001 (Information, Indexes): an index is being built from the documents.</summary>
    public static readonly EventId IndexBuildStarted = new(5001, nameof(IndexBuildStarted));
    /// <summary>5002 (Debug, Indexes): progress of an index build.</summary>
    public static readonly EventId IndexBuildProgress = new(5002, nameof(IndexBuildProgress));
    /// <summary>5003 (Information, Indexes): an index was built.</summary>
    public static readonly EventId IndexBuilt = new(5003, nameof(IndexBuilt));

    /// <summary>6001 (Information, ZgDb.Server): the server stopped: its calls drained, the database flushed and checkpointed.</summary>
    public static readonly EventId ServerDrained = new(6001, nameof(ServerDrained));
    /// <summary>6002 (Error, ZgDb.Server): the final flush or checkpoint of a stopping server failed (the database's dispose tries again).</summary>
    public static readonly EventId ServerDrainFailed = new(6002, nameof(ServerDrainFailed));
}
