using System.Collections.Immutable;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Documents;
using ZgDb.Storage.Indexes;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Engine;

/// <summary>
/// The storage engine of one open database: it owns the collections, the published states, the WAL writer and the
/// chunk cache, and runs writes and transactions through the single-writer pipeline. Concurrency: readers take
/// <see cref="State"/> (an immutable snapshot) and never lock; writers serialize on one gate (<see cref="WriteGate"/>),
/// build a <see cref="WriteSet"/> on the newest written state, enqueue its WAL record and publish a new state
/// (<see cref="PublishedStates"/>: with <see cref="Durability.Synchronous"/>, to readers only once its record is
/// durable). The open's recovery is <see cref="EngineRecovery"/>, checkpoints are <see cref="CheckpointRunner"/>
/// (they run beside writers and swap in their chunks under the gate at the end), the files' life is <see cref="EngineFiles"/>.
/// </summary>
internal sealed class StorageEngine : IDisposable
{
    private readonly AsyncLocal<EngineTransaction?> _ambient = new();
    private readonly ICollectionStore[] _stores;
    private readonly Dictionary<Type, object> _storesByType = new();
    private readonly List<ManifestCollection> _orphans = [];
    private readonly PublishedStates _published;
    private readonly CheckpointRunner _checkpoints;
    private long _lastLsn;
    private bool _disposed;
    private readonly WalWriter? _wal;
    private readonly ManifestStore? _manifests;
    private readonly LockFile? _lock;

    public StorageEngine(DatabaseModel model, string? directory, ZgDbOptions options, string? telemetryName = null)
    {
        options.Validate();
        Telemetry = telemetryName is null ? EngineTelemetry.Unnamed : new EngineTelemetry(telemetryName);
        Model = model;
        Options = options;
        Directory = directory is null ? null : Path.GetFullPath(directory);
        FileSystem = options.FileSystem;
        Serializer = new DocumentSerializer(model);
        Cloner = new DocumentCloner(model);
        Cache = new ChunkCache(options.ChunkCacheBytes, Telemetry);
        Gate = new WriteGate(options.WriteLockTimeout, Telemetry);
        Files = new EngineFiles(FileSystem, Directory is null ? null : ChunkDirectory, Directory is null ? null : WalDirectory, Cache, options);
        _checkpoints = new CheckpointRunner(this);
        _stores = new ICollectionStore[model.Entities.Count];
        for (int i = 0; i < _stores.Length; i++)
        {
            var entity = model.Entities[i];
            var store = (ICollectionStore)Activator.CreateInstance(
                typeof(CollectionStore<,>).MakeGenericType(entity.KeyClrType, entity.ClrType), this, entity, i)!;
            _stores[i] = store;
            _storesByType[entity.ClrType] = store;
        }
        foreach (var store in _stores) store.Link(_stores);

        if (Directory is null)
        {
            _published = new PublishedStates(new DatabaseState(_stores.Select(s => s.CreateState(null)).ToArray(), 0), revealsWhenDurable: false);
            return;
        }

        try
        {
            FileSystem.CreateDirectory(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ZgDbIOException(Directory, "create the database directory", e);
        }
        _lock = LockFile.Acquire(Directory);
        using var recovery = Telemetry.StartSpan("recovery"); // the open's reading of the manifest and replay of the log
        try
        {
            if (!FileSystem.DirectoryExists(ChunkDirectory) || !FileSystem.DirectoryExists(WalDirectory))
            {
                FileSystem.CreateDirectory(ChunkDirectory);
                FileSystem.CreateDirectory(WalDirectory);
                FileSystem.FlushDirectory(Directory); // the new directories' entries are durable before any file in them is relied on
            }
            _manifests = new ManifestStore(FileSystem, Directory, options.LoggerFor(ZgDbLogCategories.Recovery));
            var manifest = _manifests.Load();
            if (manifest is not null) EngineRecovery.CheckModel(model, options, manifest);
            Files.NextChunkId = manifest?.NextChunkId ?? 1;
            _published = new PublishedStates(new DatabaseState(_stores.Select(s => EngineRecovery.CreateState(this, s, manifest)).ToArray(), manifest?.CheckpointLsn ?? 0,
                manifest?.Metadata.ToImmutableSortedDictionary(StringComparer.Ordinal)), options.Durability == Durability.Synchronous);
            if (manifest is not null)
                _orphans.AddRange(manifest.Collections.Where(c => model.FindCollection(c.Name) is null));
            Files.DeleteUnreferenced(_manifests);
            var checkpointed = _published.Written;
            _lastLsn = EngineRecovery.Replay(this, _published, manifest?.CheckpointLsn ?? 0, recovery); // in memory (a torn tail is cut): no record is written before RecordModel
            var recovered = _published.Written;
            for (int i = 0; i < _stores.Length; i++) _stores[i].CheckUniqueIndexes(recovered.Collections[i]); // before the new model is recorded
            if (manifest is null || manifest.ModelFingerprint != model.Stored.Fingerprint)
                _checkpoints.RecordModel(manifest, checkpointed); // the model every later WAL record is written under is on disk first
            _published.Reset(new DatabaseState(recovered.Collections, _lastLsn, recovered.Metadata));
            EngineRecovery.MakeRecoveredFilesDurable(this);
            _wal = new WalWriter(FileSystem, WalDirectory, _lastLsn, options.WalSegmentBytes, options.LoggerFor(ZgDbLogCategories.Wal), Telemetry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            EngineTelemetry.Failed(recovery, e);
            // The boundary of open: whatever file failed (a manifest, a WAL segment, a chunk while checking a unique
            // index, a flush), the caller sees the catalog's I/O error with the operating system's error inside.
            _lock.Dispose();
            throw new ZgDbIOException(Directory, "open the database", e);
        }
        catch (Exception e)
        {
            EngineTelemetry.Failed(recovery, e);
            _lock.Dispose();
            throw;
        }
    }

    public DatabaseModel Model { get; }
    public ZgDbOptions Options { get; }
    public string? Directory { get; }
    public bool IsInMemory => Directory is null;
    public IStorageFileSystem FileSystem { get; }
    public DocumentSerializer Serializer { get; }
    public DocumentCloner Cloner { get; }
    public ChunkCache Cache { get; }

    /// <summary>This database's telemetry identity (<c>db.namespace</c>) and engine spans.</summary>
    public EngineTelemetry Telemetry { get; }

    /// <summary>The model the opened manifest recorded (null when new or in memory); read while the collections open.</summary>
    internal StoredModel? StoredModelAtOpen => _manifests?.Current?.Model;

    /// <summary>Index files loaded and indexes built from documents since open (tests assert a reopen builds nothing).</summary>
    public IndexCounters IndexCounters { get; } = new();

    /// <summary>
    /// The newest published state. Readers hold on to it for a consistent view. With <see cref="Durability.Synchronous"/>
    /// it holds only writes whose WAL records are on disk (a reader never sees a write a crash could take back).
    /// </summary>
    public DatabaseState State => _published.Visible;

    /// <summary>What a read on this flow sees: the open transaction's view (its own writes included), else <see cref="State"/>.</summary>
    public DatabaseState ReadState() => CurrentTransaction?.View() ?? State;

    /// <summary>The transaction open on this async flow, if any.</summary>
    public EngineTransaction? CurrentTransaction => _ambient.Value is { IsActive: true } tx ? tx : null;

    public string ChunkDirectory => Path.Combine(Directory!, "chunks");
    public string WalDirectory => Path.Combine(Directory!, "wal");
    public string ChunkPath(string file) => Path.Combine(ChunkDirectory, file);

    /// <summary>The highest LSN known durable (everything when in memory).</summary>
    public long DurableLsn => _wal?.DurableLsn ?? _lastLsn;
    public long LastLsn => Interlocked.Read(ref _lastLsn);
    public long CheckpointLsn => _manifests?.Current?.CheckpointLsn ?? 0;
    public long WalBytesWritten => _wal?.BytesWritten ?? 0;

    /// <summary>
    /// Why the engine no longer accepts writes (the write-ahead log writer's or a checkpoint's failure), or null while
    /// it does. Read by the hosting package's health check.
    /// </summary>
    internal Exception? Fault => _wal?.Fault ?? _checkpoints.Fault;

    public ICollectionStore<T> Store<T>() where T : class =>
        _storesByType.TryGetValue(typeof(T), out var store)
            ? (ICollectionStore<T>)store
            : throw new ZgDbException($"{typeof(T).Name} is not an entity of this database: add a ZgCollection<{typeof(T).Name}> property to the database class.");

    public IReadOnlyList<ICollectionStore> Stores => _stores;

    // What the engine's collaborators (CheckpointRunner, EngineRecovery, the chunk sinks) work on.
    internal WriteGate Gate { get; }
    internal PublishedStates Published => _published;
    internal EngineFiles Files { get; }
    internal WalWriter? Wal => _wal;
    internal ManifestStore? Manifests => _manifests;
    internal LockFile? DirectoryLock => _lock;
    /// <summary>Collections the manifest lists that the model no longer has (kept in every manifest written).</summary>
    internal IReadOnlyList<ManifestCollection> Orphans => _orphans;
    internal bool IsDisposed => _disposed;

    // ---- writes ------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="write"/> under the write lock on a new <see cref="WriteSet"/>, then logs and publishes it
    /// as one atomic unit. If <paramref name="write"/> throws, nothing is published or logged. With
    /// <see cref="Durability.Synchronous"/>, returns only once the record is on disk.
    /// </summary>
    public void Write(Action<WriteSet> write)
    {
        if (CurrentTransaction is { } transaction)
        {
            transaction.Apply(write);
            return;
        }
        if (Gate.OuterWrite is { } outer)
        {
            // A write from inside another write's callback (an UpdateMany action, a DeleteMany predicate) on this
            // thread: the gate is already ours, so it joins the outer write as one atomic unit, undone alone if it throws.
            outer.ApplyAtomically(write);
            return;
        }
        long lsn;
        Gate.Enter("a write");
        var set = new WriteSet(_published.Written, _lastLsn + 1);
        var previous = WriteGate.ThreadWrite;
        try
        {
            ThrowIfNotWritable();
            Gate.StartWriting(set);
            write(set);
            if (set.Ops.Count == 0) return;
            lsn = Publish(set);
        }
        catch
        {
            set.Undo();
            throw;
        }
        finally
        {
            WriteGate.ThreadWrite = previous;
            Gate.Exit();
        }
        AfterPublish(lsn);
    }

    /// <summary>Logs and publishes a set. The caller holds the write gate.</summary>
    private long Publish(WriteSet set)
    {
        long last = set.Lsn;
        if (_wal is not null)
        {
            // Encoded before anything is published: a write too large for the log throws here and has no effect.
            var records = WalBatch.EncodeRecords(set.Ops, set.Lsn, Options.WalPartBytes);
            last = set.Lsn + records.Count - 1;
            _wal.Enqueue(set.Lsn, records);
        }
        _lastLsn = last;
        var built = set.Build(last);
        _published.Publish(built); // with Synchronous durability, shown once its record is on disk (AfterPublish)
        return last;
    }

    /// <summary>
    /// With <see cref="Durability.Synchronous"/>: waits (outside the gate, so writers queued meanwhile share the
    /// fsync) until the record is on disk, then shows readers the newest state whose records all are.
    /// </summary>
    private void AfterPublish(long lsn)
    {
        if (_published.RevealsWhenDurable)
        {
            _wal!.WaitDurableAsync(lsn).GetAwaiter().GetResult();
            _published.RevealDurable(_wal.DurableLsn);
        }
        _checkpoints.MaybeSchedule();
    }

    /// <summary>
    /// Opens a transaction on the current async flow: takes the write gate (other writers wait) until it commits or
    /// is disposed. Its writes go to a private <see cref="WriteSet"/> that reads on this flow see.
    /// </summary>
    public EngineTransaction BeginTransaction()
    {
        if (CurrentTransaction is not null)
            throw new InvalidOperationException("A transaction is already open on this flow; ZgDb does not nest transactions. Commit or dispose it first.");
        Gate.Enter("a transaction");
        try
        {
            ThrowIfNotWritable();
            if (_published.RevealsWhenDurable)
            {
                // The view starts from the written state: with Synchronous durability it shows nothing not yet on disk
                // (waits at most for the fsync in flight; nothing new can be queued while the gate is held).
                _wal!.WaitDurableAsync(_lastLsn).GetAwaiter().GetResult();
                _published.RevealDurable(_wal.DurableLsn);
            }
        }
        catch
        {
            Gate.Exit();
            throw;
        }
        var transaction = new EngineTransaction(this, new WriteSet(_published.Written, _lastLsn + 1));
        _ambient.Value = transaction;
        return transaction;
    }

    /// <summary>Publishes a transaction's set as one WAL record (all or nothing) and releases the gate.</summary>
    internal void Commit(EngineTransaction transaction)
    {
        long lsn = 0;
        bool published = false;
        try
        {
            ThrowIfNotWritable();
            if (transaction.Set.Ops.Count > 0) lsn = Publish(transaction.Set);
            published = true;
        }
        finally
        {
            End(transaction, published);
        }
        if (lsn > 0) AfterPublish(lsn);
    }

    /// <summary>
    /// Drops a transaction (rollback: the keys it wrote back to callers' objects are reset) or finishes a commit:
    /// releases the gate once.
    /// </summary>
    internal void End(EngineTransaction transaction, bool committed = false)
    {
        if (!transaction.Finish()) return;
        if (!committed) transaction.Set.Undo();
        if (_ambient.Value == transaction) _ambient.Value = null;
        Gate.Exit();
    }

    private void ThrowIfNotWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _wal?.ThrowIfFaulted();
        if (_checkpoints.Fault is { } fault)
            throw new ZgDbFaultedException("A checkpoint failed to write its files, so the database no longer accepts writes; reopen it to recover. Cause: " + fault.Message, fault);
    }

    /// <summary>Completes when everything written so far is flushed to disk.</summary>
    public Task FlushAsync() => _wal?.FlushAsync() ?? Task.CompletedTask;

    // ---- checkpoints (CheckpointRunner) and files (EngineFiles) ------------------------------------------

    /// <summary>
    /// Folds every change into chunk files (new files, copy-on-write), then makes a new manifest durable, then
    /// deletes what no manifest of the last two generations references. Writers go on meanwhile. In memory, it
    /// folds the changes into pinned chunks.
    /// </summary>
    public void Checkpoint() => _checkpoints.Run();

    internal long NextChunkId() => Files.NewChunkId();

    // ---- shutdown ----------------------------------------------------------------------------------------

    /// <summary>Flushes the WAL, checkpoints (by policy), stops the writer and releases the lock.</summary>
    public void Dispose()
    {
        if (CurrentTransaction is { } open) End(open);
        Gate.Enter("closing the database");
        try
        {
            if (_disposed) return;
            _disposed = true;
        }
        finally
        {
            Gate.Exit();
        }
        bool sealedLog = false;
        try
        {
            if (_wal is not null && _wal.Fault is null && _checkpoints.Fault is null)
            {
                _wal.FlushAsync().GetAwaiter().GetResult();
                if (Options.Checkpoint.OnDispose)
                {
                    Checkpoint();
                    sealedLog = _checkpoints.Seal();
                }
            }
        }
        finally
        {
            // A background checkpoint may still be writing files: wait for it, and let none start, before the
            // directory's lock is released (else a new open would run beside it: two writers in one directory).
            _checkpoints.Close();
            try
            {
                _wal?.Dispose();
                if (sealedLog) Files.DeleteWholeLog();
            }
            finally
            {
                _lock?.Dispose(); // whatever closing the log did, the directory is released
            }
        }
    }
}
