using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ZgDb.Storage.IO;

namespace ZgDb;

/// <summary>When a write is acknowledged.</summary>
public enum Durability
{
    /// <summary>
    /// Writes return as soon as they are applied in memory and queued; the background writer group-commits them to
    /// the write-ahead log and flushes it to disk within milliseconds. <c>FlushAsync</c> waits for that flush.
    /// </summary>
    Background,

    /// <summary>Each write returns only after its write-ahead log record has been flushed to disk.</summary>
    Synchronous,
}

/// <summary>When the engine folds the write-ahead log into chunk files.</summary>
public sealed class CheckpointPolicy
{
    /// <summary>Checkpoint in the background once this many documents changed since the last checkpoint. Default 50,000.</summary>
    public int MaxChangedDocuments { get; set; } = 50_000;

    /// <summary>Checkpoint in the background once the write-ahead log grew by this many bytes. Default 64 MiB.</summary>
    public long MaxWalBytes { get; set; } = 64L << 20;

    /// <summary>Checkpoint when the database is disposed, so the next open replays nothing. Default true.</summary>
    public bool OnDispose { get; set; } = true;

    /// <summary>Never checkpoint automatically (only <c>Checkpoint()</c> and dispose do).</summary>
    public static CheckpointPolicy Manual => new() { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue };
}

/// <summary>Options for opening a database. Every option has a sensible default: <c>new ZgDbOptions()</c> is zero-config.</summary>
public sealed class ZgDbOptions
{
    /// <summary>When writes are acknowledged. Default <see cref="ZgDb.Durability.Background"/>.</summary>
    public Durability Durability { get; set; } = Durability.Background;

    /// <summary>The memory budget of the chunk cache, in bytes (an estimate of the decoded documents' size). Default 512 MiB.
    /// Chunks past the budget are evicted, least recently used first, and loaded again on demand.</summary>
    public long ChunkCacheBytes { get; set; } = 512L << 20;

    /// <summary>When checkpoints run.</summary>
    public CheckpointPolicy Checkpoint { get; set; } = new();

    /// <summary>The largest document accepted, in bytes of JSON. Default 16 MiB; at most 256 MiB.</summary>
    public int MaxDocumentBytes { get; set; } = 16 << 20;

    /// <summary>The most documents in one chunk file. Default 2,048.</summary>
    public int ChunkDocuments { get; set; } = 2048;

    /// <summary>
    /// Where recovery notes (a torn write-ahead log tail cut off, a manifest fallback), checkpoints and model changes
    /// are logged when <see cref="LoggerFactory"/> is not set. Every event has an id from <see cref="ZgDbEvents"/>.
    /// </summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// When set, ZgDb logs through a logger of this factory per category (<see cref="ZgDbLogCategories"/>:
    /// <c>ZgDb.Storage</c>, <c>ZgDb.Recovery</c>, <c>ZgDb.Wal</c>, <c>ZgDb.Schema</c>, <c>ZgDb.Indexes</c>) instead of
    /// <see cref="Logger"/>. The generic host's <c>AddZgDb</c> sets it to the host's factory.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The logger of <paramref name="category"/>: from <see cref="LoggerFactory"/> when set, else <see cref="Logger"/>.</summary>
    internal ILogger LoggerFor(string category) => LoggerFactory?.CreateLogger(category) ?? Logger;

    /// <summary>
    /// How long a write, <c>BeginTransaction</c>, a checkpoint or closing waits for the write lock (held by one write
    /// or transaction at a time) before failing with a <see cref="ZgDbException"/> that names the holder. Default
    /// 30 seconds, as SQLite's busy timeout in Microsoft.Data.Sqlite; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// </summary>
    public TimeSpan WriteLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Refuse to open when the model removes a property and adds one of the same type at the same level (a rename
    /// made without <c>HasFormerName</c> would read every stored value of the old name as the default). Without it
    /// such an open goes ahead with a warning in <see cref="Logger"/> that names both properties. Default false.
    /// </summary>
    public bool StrictSchema { get; set; }

    /// <summary>
    /// Sees each query shape once, when it is compiled (a plan-cache miss), before it runs; never on a cache hit.
    /// Null (the default) costs nothing. ZgDb.Migrations' <c>CheckEfCoreTranslation</c> sets it.
    /// </summary>
    public ICompiledQueryObserver? QueryObserver { get; set; }

    /// <summary>
    /// Whether this database's query spans carry <c>db.query.text</c>: the query's shape with every constant and
    /// captured value as a parameter (<c>@p0</c>), never the values. Off by default, as OpenTelemetry's conventions
    /// make it opt-in; <c>ZgDbTelemetry.RecordQueryText</c> turns it on for every database of the process.
    /// </summary>
    public bool RecordQueryText { get; set; }

    /// <summary>The file system the engine uses; tests replace it to inject faults.</summary>
    internal IStorageFileSystem FileSystem { get; set; } = PhysicalFileSystem.Instance;

    /// <summary>
    /// The most bytes of JSON in one chunk file (a chunk closes before it would pass them, or holds one larger
    /// document alone). Default 64 MiB: far below the runtime's 2 GiB array limit, whatever the documents.
    /// </summary>
    internal long ChunkMaxBytes { get; set; } = ZgDb.Storage.Chunks.ChunkFile.DefaultMaxJsonBytes;

    /// <summary>The payload size past which one write is logged as several WAL records (parts). Default 32 MiB.</summary>
    internal int WalPartBytes { get; set; } = ZgDb.Storage.Wal.WalBatch.PartBytes;

    /// <summary>The largest <see cref="MaxDocumentBytes"/> allowed.</summary>
    internal const int MaxDocumentBytesLimit = 256 << 20;

    /// <summary>The size at which a write-ahead log segment is closed and a new one started. Default 64 MiB.</summary>
    internal long WalSegmentBytes { get; set; } = 64L << 20;

    internal void Validate()
    {
        if (ChunkCacheBytes < 0) throw new ArgumentOutOfRangeException(nameof(ChunkCacheBytes), ChunkCacheBytes, "ChunkCacheBytes must not be negative.");
        if (MaxDocumentBytes <= 0 || MaxDocumentBytes > MaxDocumentBytesLimit)
            throw new ArgumentOutOfRangeException(nameof(MaxDocumentBytes), MaxDocumentBytes, $"MaxDocumentBytes must be between 1 and {MaxDocumentBytesLimit:N0} (256 MiB).");
        if (WalPartBytes < 1024 || WalPartBytes > ZgDb.Storage.Format.WalLayout.MaxPayload / 2)
            throw new ArgumentOutOfRangeException(nameof(WalPartBytes), WalPartBytes, "WalPartBytes must be between 1 KiB and half a WAL record's limit.");
        if (ChunkMaxBytes < 1024) throw new ArgumentOutOfRangeException(nameof(ChunkMaxBytes), ChunkMaxBytes, "ChunkMaxBytes must be at least 1 KiB.");
        if (ChunkDocuments < 16) throw new ArgumentOutOfRangeException(nameof(ChunkDocuments), ChunkDocuments, "ChunkDocuments must be at least 16.");
        if (WriteLockTimeout < TimeSpan.Zero && WriteLockTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(WriteLockTimeout), WriteLockTimeout, "WriteLockTimeout must not be negative (use Timeout.InfiniteTimeSpan to wait for ever).");
        ArgumentNullException.ThrowIfNull(Checkpoint);
        ArgumentNullException.ThrowIfNull(Logger);
    }
}
