using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Documents;
using ZgDb.Storage.Indexes;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Engine;

/// <summary>
/// The storage engine of one open database: the published state, the single-writer pipeline, the WAL writer,
/// checkpoints and the chunk cache. Concurrency: readers take <see cref="State"/> (an immutable snapshot) and
/// never lock; writers serialize on one lock, build a <see cref="WriteSet"/> on the newest written state, enqueue
/// its WAL record and publish a new state (with <see cref="Durability.Synchronous"/>, to readers only once its record
/// is durable); checkpoints run beside writers and swap in their chunks under the write lock at the end.
/// </summary>
internal sealed class StorageEngine : IDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly AsyncLocal<EngineTransaction?> _ambient = new();
    private readonly object _checkpointLock = new();
    private readonly ICollectionStore[] _stores;
    private readonly Dictionary<Type, object> _storesByType = new();
    private readonly List<ManifestCollection> _orphans = [];
    private DatabaseState _state; // the newest written state: writers build on it (under the gate)
    private DatabaseState _visible; // what readers see: _state, or with Synchronous durability its newest durable prefix
    private readonly object _revealLock = new();
    private readonly List<DatabaseState> _unrevealed = []; // written, not yet durable (Synchronous only), in LSN order
    private long _lastLsn;
    private long _nextChunkId = 1;
    private long _walBytesAtCheckpoint;
    private int _checkpointScheduled;
    private bool _disposed;
    private bool _closed; // set under _checkpointLock once Dispose is done with checkpoints: none may start after
    private Exception? _checkpointFault;
    private readonly WalWriter? _wal;
    private readonly ManifestStore? _manifests;
    private readonly LockFile? _lock;

    public StorageEngine(DatabaseModel model, string? directory, ZgDbOptions options)
    {
        options.Validate();
        Model = model;
        Options = options;
        Directory = directory is null ? null : Path.GetFullPath(directory);
        FileSystem = options.FileSystem;
        Serializer = new DocumentSerializer(model);
        Cloner = new DocumentCloner(model);
        Cache = new ChunkCache(options.ChunkCacheBytes);
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
            _state = _visible = new DatabaseState(_stores.Select(s => s.CreateState(null)).ToArray(), 0);
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
            if (manifest is not null) CheckModel(manifest);
            _nextChunkId = manifest?.NextChunkId ?? 1;
            _state = new DatabaseState(_stores.Select(s => CreateState(s, manifest)).ToArray(), manifest?.CheckpointLsn ?? 0,
                manifest?.Metadata.ToImmutableSortedDictionary(StringComparer.Ordinal));
            if (manifest is not null)
                _orphans.AddRange(manifest.Collections.Where(c => model.FindCollection(c.Name) is null));
            DeleteUnreferencedChunks();
            var checkpointed = _state;
            _lastLsn = Recover(manifest?.CheckpointLsn ?? 0); // in memory (a torn tail is cut): no record is written before RecordModel
            for (int i = 0; i < _stores.Length; i++) _stores[i].CheckUniqueIndexes(_state.Collections[i]); // before the new model is recorded
            if (manifest is null || manifest.ModelFingerprint != model.Stored.Fingerprint)
                RecordModel(manifest, checkpointed); // the model every later WAL record is written under is on disk first
            _state = _visible = new DatabaseState(_state.Collections, _lastLsn, _state.Metadata);
            MakeRecoveredFilesDurable();
            _wal = new WalWriter(FileSystem, WalDirectory, _lastLsn, options.WalSegmentBytes, options.LoggerFor(ZgDbLogCategories.Wal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The boundary of open: whatever file failed (a manifest, a WAL segment, a chunk while checking a unique
            // index, a flush), the caller sees the catalog's I/O error with the operating system's error inside.
            _lock.Dispose();
            throw new ZgDbIOException(Directory, "open the database", e);
        }
        catch
        {
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

    /// <summary>The model the opened manifest recorded (null when new or in memory); read while the collections open.</summary>
    internal StoredModel? StoredModelAtOpen => _manifests?.Current?.Model;

    /// <summary>Index files loaded and indexes built from documents since open (tests assert a reopen builds nothing).</summary>
    public IndexCounters IndexCounters { get; } = new();

    /// <summary>
    /// The newest published state. Readers hold on to it for a consistent view. With <see cref="Durability.Synchronous"/>
    /// it holds only writes whose WAL records are on disk (a reader never sees a write a crash could take back).
    /// </summary>
    public DatabaseState State => Volatile.Read(ref _visible);

    /// <summary>Whether writes are shown to readers only once durable (Synchronous on disk) rather than at once.</summary>
    private bool RevealsWhenDurable => _wal is not null && Options.Durability == Durability.Synchronous;

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
    internal Exception? Fault => _wal?.Fault ?? Volatile.Read(ref _checkpointFault);

    public ICollectionStore<T> Store<T>() where T : class =>
        _storesByType.TryGetValue(typeof(T), out var store)
            ? (ICollectionStore<T>)store
            : throw new ZgDbException($"{typeof(T).Name} is not an entity of this database: add a ZgCollection<{typeof(T).Name}> property to the database class.");

    public IReadOnlyList<ICollectionStore> Stores => _stores;

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
        if (_threadWriting is { } outer && outer.Engine == this)
        {
            // A write from inside another write's callback (an UpdateMany action, a DeleteMany predicate) on this
            // thread: the gate is already ours, so it joins the outer write as one atomic unit, undone alone if it throws.
            ApplyNested(outer.Set, write);
            return;
        }
        long lsn;
        EnterGate("a write");
        var set = new WriteSet(_state, _lastLsn + 1);
        var previous = _threadWriting;
        try
        {
            ThrowIfNotWritable();
            _threadWriting = (this, set);
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
            _threadWriting = previous;
            ExitGate();
        }
        AfterPublish(lsn);
    }

    /// <summary>The write this thread is building under the gate, if any (callbacks of that write run on it).</summary>
    [ThreadStatic] private static (StorageEngine Engine, WriteSet Set)? _threadWriting;

    /// <summary>Whether this thread is inside a write's callback (where waiting for the gate would wait for itself).</summary>
    private bool InsideWrite => _threadWriting is { } w && w.Engine == this;

    private static void ApplyNested(WriteSet set, Action<WriteSet> write)
    {
        var savepoint = set.Save();
        try
        {
            write(set);
        }
        catch
        {
            set.Restore(savepoint);
            throw;
        }
    }

    // Who holds the gate, for the timeout's message: recorded as plain fields (formatted only if a wait times out).
    private string? _gateHolder;
    private long _gateHeldSinceTicks;
    private int _gateHolderThread;

    private string DescribeGateHolder()
    {
        var what = Volatile.Read(ref _gateHolder);
        return what is null ? "another writer"
            : $"{what} started at {new DateTime(Volatile.Read(ref _gateHeldSinceTicks), DateTimeKind.Utc):HH:mm:ss.fff} UTC on thread {Volatile.Read(ref _gateHolderThread)}";
    }

    /// <summary>
    /// Takes the write gate, waiting at most <see cref="ZgDbOptions.WriteLockTimeout"/>; then fails with an error
    /// that names the holder instead of waiting for ever (a transaction nobody will finish is the usual cause).
    /// </summary>
    private void EnterGate(string what)
    {
        if (InsideWrite)
            throw new InvalidOperationException($"ZgDb cannot start {what} inside the callback of another write (an UpdateMany action or a DeleteMany predicate) on the same database: it would wait for itself. Writes (Insert, Update, Delete, ...) inside such a callback join the outer write; do this after it returns.");
        if (!_writeGate.Wait(Options.WriteLockTimeout))
            throw new ZgDbException(
                $"ZgDb waited {Options.WriteLockTimeout.TotalSeconds:0.#} s (ZgDbOptions.WriteLockTimeout) to start {what}, but the write lock is held by {DescribeGateHolder()}. " +
                "A transaction belongs to the async flow that began it: one begun inside an async method (after an await) is not seen by its caller once that method returns, " +
                "so the caller's writes wait for it. Commit or dispose every transaction, and begin it in the method that writes through it. Nothing was written.");
        _gateHeldSinceTicks = DateTime.UtcNow.Ticks;
        _gateHolderThread = Environment.CurrentManagedThreadId;
        Volatile.Write(ref _gateHolder, what);
    }

    private void ExitGate()
    {
        Volatile.Write(ref _gateHolder, null);
        _writeGate.Release();
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
        Volatile.Write(ref _state, built);
        if (RevealsWhenDurable)
            lock (_revealLock) _unrevealed.Add(built); // shown once its record is on disk (AfterPublish)
        else
            Volatile.Write(ref _visible, built);
        return last;
    }

    /// <summary>
    /// With <see cref="Durability.Synchronous"/>: waits (outside the gate, so writers queued meanwhile share the
    /// fsync) until the record is on disk, then shows readers the newest state whose records all are.
    /// </summary>
    private void AfterPublish(long lsn)
    {
        if (RevealsWhenDurable)
        {
            _wal!.WaitDurableAsync(lsn).GetAwaiter().GetResult();
            RevealDurable();
        }
        MaybeScheduleCheckpoint();
    }

    /// <summary>Publishes to readers the newest written state whose LSN is durable (one reveal serves a whole group commit).</summary>
    private void RevealDurable()
    {
        long durable = _wal!.DurableLsn;
        lock (_revealLock)
        {
            int n = 0;
            while (n < _unrevealed.Count && _unrevealed[n].Lsn <= durable) n++;
            if (n == 0) return;
            Volatile.Write(ref _visible, _unrevealed[n - 1]);
            _unrevealed.RemoveRange(0, n);
        }
    }

    /// <summary>
    /// Opens a transaction on the current async flow: takes the write gate (other writers wait) until it commits or
    /// is disposed. Its writes go to a private <see cref="WriteSet"/> that reads on this flow see.
    /// </summary>
    public EngineTransaction BeginTransaction()
    {
        if (CurrentTransaction is not null)
            throw new InvalidOperationException("A transaction is already open on this flow; ZgDb does not nest transactions. Commit or dispose it first.");
        EnterGate("a transaction");
        try
        {
            ThrowIfNotWritable();
            if (RevealsWhenDurable)
            {
                // The view starts from the written state: with Synchronous durability it shows nothing not yet on disk
                // (waits at most for the fsync in flight; nothing new can be queued while the gate is held).
                _wal!.WaitDurableAsync(_lastLsn).GetAwaiter().GetResult();
                RevealDurable();
            }
        }
        catch
        {
            ExitGate();
            throw;
        }
        var transaction = new EngineTransaction(this, new WriteSet(_state, _lastLsn + 1));
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
        ExitGate();
    }

    private void ThrowIfNotWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _wal?.ThrowIfFaulted();
        if (_checkpointFault is not null)
            throw new ZgDbFaultedException("A checkpoint failed to write its files, so the database no longer accepts writes; reopen it to recover. Cause: " + _checkpointFault.Message, _checkpointFault);
    }

    /// <summary>Completes when everything written so far is flushed to disk.</summary>
    public Task FlushAsync() => _wal?.FlushAsync() ?? Task.CompletedTask;

    // ---- recovery ----------------------------------------------------------------------------------------

    /// <summary>A collection's state from the manifest; a chunk list that does not decode (a key of the wrong type) is corruption.</summary>
    private CollectionState CreateState(ICollectionStore store, Manifest? manifest)
    {
        try
        {
            return store.CreateState(manifest?.Find(store.Name));
        }
        catch (Exception e) when (manifest is not null && e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new ZgDbCorruptFileException(Path.Combine(Directory!, Format.ManifestLayout.FileName(manifest.Generation)), Format.ManifestLayout.HeaderLength, ZgDbCorruptionReason.Malformed,
                $"the chunk list of collection '{store.Name}' does not decode: {e.Message}", e);
        }
    }

    /// <summary>
    /// Compares the stored model with the application's (<see cref="SchemaDiff"/>): refused changes stop the open
    /// before any file is written; the others are logged and handled as documents are read.
    /// </summary>
    private void CheckModel(Manifest manifest)
    {
        if (manifest.ModelFingerprint == Model.Stored.Fingerprint) return;
        var changes = SchemaDiff.Compare(manifest.Model, Model);
        if (changes.FirstOrDefault(c => c.IsRefused) is { } refused)
            throw new ZgDbSchemaMismatchException(refused.Collection, refused.Property,
                refused.Detail + ". The files were left untouched." + (changes.Count(c => c.IsRefused) > 1
                    ? " Other refused changes: " + string.Join("; ", changes.Where(c => c.IsRefused).Skip(1)) : ""));
        if (Options.StrictSchema && changes.FirstOrDefault(c => c.Kind == SchemaChangeKind.PossibleRename) is { } rename)
            throw new ZgDbSchemaMismatchException(rename.Collection, rename.Property,
                rename.Detail + ". StrictSchema refuses an open that may lose stored values this way; the files were left untouched.");
        foreach (var change in changes)
        {
            if (change.Kind == SchemaChangeKind.PossibleRename)
                Options.LoggerFor(ZgDbLogCategories.Schema).LogWarning(ZgDbEvents.PossibleRename, "ZgDb: model change {Change}", change.ToString());
            else
                Options.LoggerFor(ZgDbLogCategories.Schema).LogInformation(ZgDbEvents.ModelChanged, "ZgDb: model change {Change}", change.ToString());
        }
    }

    /// <summary>
    /// A process killed before its flushes returned leaves WAL records, renames and new directory entries in the OS
    /// cache only, and this open has just relied on them (replayed them, read that manifest, used that directory).
    /// They are flushed before anything new is acknowledged on top of them, so a power cut now cannot take them
    /// away from under acknowledged writes: every WAL segment, then the wal, chunks, database and parent directories.
    /// </summary>
    private void MakeRecoveredFilesDurable()
    {
        foreach (var name in FileSystem.ListFiles(WalDirectory, "*.zgw"))
        {
            using var segment = FileSystem.Open(Path.Combine(WalDirectory, name), FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            segment.FlushToDisk();
        }
        FileSystem.FlushDirectory(WalDirectory);
        FileSystem.FlushDirectory(ChunkDirectory);
        FileSystem.FlushDirectory(Directory!);
        if (Path.GetDirectoryName(Directory) is { } parent) FileSystem.FlushDirectory(parent);
    }

    private long Recover(long checkpointLsn)
    {
        var byName = _stores.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var state = _state;
        var result = WalRecovery.Replay(FileSystem, WalDirectory, checkpointLsn, Options.LoggerFor(ZgDbLogCategories.Recovery), (lsn, parts) =>
        {
            var set = new WriteSet(state, lsn);
            foreach (var (payload, file, offset) in parts)
            foreach (var op in WalBatch.Decode(payload.Span, file, offset))
            {
                if (op.Kind == WalOpKind.Meta)
                {
                    set.SetMetadata(System.Text.Json.JsonSerializer.Deserialize<string>(op.KeyJson)!, System.Text.Json.JsonSerializer.Deserialize<string>(op.DocumentJson)!, log: false);
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
        _state = state;
        if (result.RecordsApplied > 0)
            Options.LoggerFor(ZgDbLogCategories.Recovery).LogInformation(ZgDbEvents.WalReplayed, "ZgDb recovery: replayed {Records} WAL records up to LSN {Lsn}.", result.RecordsApplied, result.LastLsn);
        return result.LastLsn;
    }

    // ---- checkpoints -------------------------------------------------------------------------------------

    private void MaybeScheduleCheckpoint()
    {
        if (_disposed) return;
        var state = State;
        long changed = 0;
        foreach (var c in state.Collections) changed += c.DeltaCount;
        bool due = changed >= Options.Checkpoint.MaxChangedDocuments
            || (_wal is not null && _wal.BytesWritten - Interlocked.Read(ref _walBytesAtCheckpoint) >= Options.Checkpoint.MaxWalBytes);
        if (!due || Interlocked.CompareExchange(ref _checkpointScheduled, 1, 0) != 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            try
            {
                Checkpoint();
            }
            catch (ObjectDisposedException)
            {
                // The database was closed before this checkpoint started.
            }
            catch (Exception e)
            {
                Options.LoggerFor(ZgDbLogCategories.Storage).LogError(ZgDbEvents.BackgroundCheckpointFailed, e, "ZgDb: a background checkpoint failed.");
            }
            finally
            {
                Volatile.Write(ref _checkpointScheduled, 0);
            }
        }, null);
    }

    /// <summary>
    /// Folds every change into chunk files (new files, copy-on-write), then makes a new manifest durable, then
    /// deletes what no manifest of the last two generations references. Writers go on meanwhile. In memory, it
    /// folds the changes into pinned chunks.
    /// </summary>
    public void Checkpoint()
    {
        if (CurrentTransaction is not null)
            throw new InvalidOperationException("Checkpoint() cannot run inside a transaction: commit or dispose the transaction first.");
        if (InsideWrite)
            throw new InvalidOperationException("Checkpoint() cannot run inside the callback of a write (an UpdateMany action or a DeleteMany predicate): call it after the write returns.");
        lock (_checkpointLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_checkpointFault is not null) throw new ZgDbFaultedException("A previous checkpoint failed; reopen the database.", _checkpointFault);
            try
            {
                if (_lock?.Verify() == true)
                    Options.LoggerFor(ZgDbLogCategories.Storage).LogWarning(ZgDbEvents.LockFileReplaced, "ZgDb: the lock file in {Directory} was deleted or replaced while the database was open; it was recreated (never delete it: a stale one is harmless).", Directory);
            }
            catch (ZgDbLockedException e)
            {
                _checkpointFault = e; // another process may be writing these files: stop writing
                throw;
            }
            DatabaseState snapshot;
            long walBytes;
            EnterGate("a checkpoint");
            try
            {
                snapshot = _state;
                walBytes = _wal?.BytesWritten ?? 0;
            }
            finally
            {
                ExitGate();
            }
            var changed = Enumerable.Range(0, _stores.Length).Where(i => snapshot.Collections[i].DeltaCount > 0 || _stores[i].NeedsCheckpoint(snapshot.Collections[i])).ToList();
            if (changed.Count == 0 && (_manifests is null || _manifests.Current is not null && _manifests.Current.CheckpointLsn == snapshot.Lsn))
                return;
            var written = new CollectionState[_stores.Length];
            try
            {
                var sink = IsInMemory ? (ChunkSink)new PinnedChunkSink(this) : new FileChunkSink(this);
                foreach (var i in changed) written[i] = _stores[i].Checkpoint(snapshot.Collections[i], sink);
                if (!IsInMemory)
                {
                    FileSystem.FlushDirectory(ChunkDirectory);
                    var collections = _stores.Select((s, i) => s.Describe(written[i] ?? snapshot.Collections[i])).Concat(_orphans).ToList();
                    _manifests!.Write(new Manifest
                    {
                        Generation = (_manifests.Current?.Generation ?? 0) + 1,
                        CheckpointLsn = snapshot.Lsn,
                        NextChunkId = Interlocked.Read(ref _nextChunkId),
                        CreatedUtc = DateTime.UtcNow,
                        Model = Model.Stored,
                        ModelFingerprint = Model.Stored.Fingerprint,
                        Collections = collections,
                        Metadata = snapshot.Metadata.ToDictionary(),
                    });
                }
            }
            catch (Exception e) when (!IsInMemory && e is IOException or UnauthorizedAccessException or ZgDbIOException)
            {
                _checkpointFault = e;
                Options.LoggerFor(ZgDbLogCategories.Storage).LogError(ZgDbEvents.CheckpointFailed, e, "ZgDb: checkpoint failed; the database stops accepting writes. Reopening recovers from the last manifest and the WAL.");
                throw new ZgDbFaultedException("The checkpoint could not write its files: " + e.Message + ". The database no longer accepts writes; reopen it to recover.",
                    e as ZgDbIOException ?? new ZgDbIOException(Directory!, "write the checkpoint's files of", e));
            }
            // The files are durable: this swap must happen, however long a transaction holds the gate.
            _writeGate.Wait();
            try
            {
                var now = _state;
                var states = (CollectionState[])now.Collections.Clone();
                foreach (var i in changed)
                {
                    states[i] = _stores[i].Rebase(now.Collections[i], snapshot.Collections[i], written[i], snapshot.Lsn);
                    if (!IsInMemory) _retired.Retire(_stores[i], now.Collections[i], states[i]);
                }
                var rebased = new DatabaseState(states, now.Lsn, now.Metadata);
                Volatile.Write(ref _state, rebased);
                if (RevealsWhenDurable) RebaseUnrevealed(snapshot, written, changed, rebased);
                else Volatile.Write(ref _visible, rebased);
            }
            finally
            {
                _writeGate.Release();
            }
            Interlocked.Exchange(ref _walBytesAtCheckpoint, walBytes);
            _wal?.RollOver();
            if (!IsInMemory) TryDeleteObsoleteFiles(snapshot.Lsn);
            Options.LoggerFor(ZgDbLogCategories.Storage).LogDebug(ZgDbEvents.CheckpointCompleted, "ZgDb: checkpoint at LSN {Lsn} folded {Collections} collections.", snapshot.Lsn, changed.Count);
        }
    }

    /// <summary>
    /// The checkpoint's swap for what readers see with Synchronous durability (under the gate): the visible state and
    /// every written state not yet shown take the new chunks. Everything up to the checkpoint is durable now (its
    /// manifest is), so a visible state older than the checkpoint moves up to it, never past what is durable.
    /// </summary>
    private void RebaseUnrevealed(DatabaseState snapshot, CollectionState[] written, List<int> changed, DatabaseState rebasedHead)
    {
        DatabaseState Rebase(DatabaseState state)
        {
            var states = (CollectionState[])state.Collections.Clone();
            foreach (var i in changed) states[i] = _stores[i].Rebase(state.Collections[i], snapshot.Collections[i], written[i], snapshot.Lsn);
            return new DatabaseState(states, state.Lsn, state.Metadata);
        }
        lock (_revealLock)
        {
            _unrevealed.RemoveAll(s => s.Lsn <= snapshot.Lsn);
            if (_wal!.DurableLsn >= rebasedHead.Lsn) _unrevealed.Clear();
            for (int i = 0; i < _unrevealed.Count; i++) _unrevealed[i] = Rebase(_unrevealed[i]);
            var visible = _visible.Lsn >= snapshot.Lsn ? _visible : snapshot;
            Volatile.Write(ref _visible, _wal.DurableLsn >= rebasedHead.Lsn ? rebasedHead : Rebase(visible));
        }
    }

    /// <summary>
    /// At close, after the final checkpoint: writes one more manifest generation identical to the current one, so
    /// the two kept generations both hold everything (LSN = the last write) and no fallback needs the log. Returns
    /// whether the whole WAL may then be deleted.
    /// </summary>
    private bool Seal()
    {
        lock (_checkpointLock)
        {
            var current = _manifests?.Current;
            if (current is null || current.CheckpointLsn != Interlocked.Read(ref _lastLsn)) return false;
            if (_manifests!.Previous?.CheckpointLsn != current.CheckpointLsn)
            {
                try
                {
                    _manifests.Write(current with { Generation = current.Generation + 1, CreatedUtc = DateTime.UtcNow });
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The final checkpoint is durable; without the seal the log is simply kept for the next open.
                    Options.LoggerFor(ZgDbLogCategories.Storage).LogWarning(ZgDbEvents.SealFailed, e, "ZgDb: sealing the log at close failed; the log is kept and the next open replays nothing.");
                    return false;
                }
                TryDeleteObsoleteFiles(current.CheckpointLsn);
            }
            return true;
        }
    }

    /// <summary>Deletes every WAL segment once the writer is closed and both manifests hold everything (see <see cref="Seal"/>).</summary>
    private void DeleteWholeLog()
    {
        try
        {
            foreach (var name in FileSystem.ListFiles(WalDirectory, "*.zgw"))
                FileSystem.Delete(Path.Combine(WalDirectory, name));
            FileSystem.FlushDirectory(WalDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Every record left is at or below the checkpoint: the next open skips them, a later close retries.
            Options.LoggerFor(ZgDbLogCategories.Storage).LogWarning(ZgDbEvents.SealedLogNotDeleted, e, "ZgDb: deleting the sealed log at close failed; the segments left hold nothing the chunks lack.");
        }
    }

    /// <summary>Removes superseded files after a durable checkpoint; a failure only leaves disk space, retried next time.</summary>
    private void TryDeleteObsoleteFiles(long checkpointLsn)
    {
        try
        {
            DeleteObsoleteFiles();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Options.LoggerFor(ZgDbLogCategories.Storage).LogWarning(ZgDbEvents.SupersededFilesNotRemoved, e, "ZgDb: the checkpoint at LSN {Lsn} is durable, but removing superseded files failed; the next checkpoint retries.", checkpointLsn);
        }
    }

    /// <summary>Writes a manifest generation that changes nothing but the stored model (same chunks, same checkpoint LSN).</summary>
    private void RecordModel(Manifest? current, DatabaseState checkpointed)
    {
        _manifests!.Write(new Manifest
        {
            Generation = (current?.Generation ?? 0) + 1,
            CheckpointLsn = current?.CheckpointLsn ?? 0,
            NextChunkId = _nextChunkId,
            CreatedUtc = DateTime.UtcNow,
            Model = Model.Stored,
            ModelFingerprint = Model.Stored.Fingerprint,
            Collections = _stores.Select((s, i) => s.Describe(checkpointed.Collections[i])).Concat(_orphans).ToList(),
            Metadata = checkpointed.Metadata.ToDictionary(),
        });
    }

    internal long NextChunkId() => Interlocked.Increment(ref _nextChunkId) - 1;

    private HashSet<string> ReferencedChunks() => DatabaseFiles.Referenced(_manifests?.Current, _manifests?.Previous);

    private DatabaseFiles Files => new(FileSystem, ChunkDirectory);

    /// <summary>Chunk files a crashed checkpoint left behind (written, but no durable manifest lists them).</summary>
    private void DeleteUnreferencedChunks() => _nextChunkId = Files.DeleteAllBut(ReferencedChunks(), _nextChunkId);

    /// <summary>Files of superseded states that a reader may still hold (kept on disk until it is done).</summary>
    private readonly RetiredFiles _retired = new();

    private void DeleteObsoleteFiles()
    {
        var referenced = ReferencedChunks();
        referenced.UnionWith(_retired.FilesOfLiveReaders());
        Files.DeleteAllBut(referenced, 0, Cache.Remove);
        // The WAL is kept back to the previous manifest's checkpoint, so a damaged newest manifest can fall back.
        _wal?.DeleteSegmentsUpTo(_manifests!.Previous?.CheckpointLsn ?? 0);
    }

    // ---- shutdown ----------------------------------------------------------------------------------------

    /// <summary>Flushes the WAL, checkpoints (by policy), stops the writer and releases the lock.</summary>
    public void Dispose()
    {
        if (CurrentTransaction is { } open) End(open);
        EnterGate("closing the database");
        try
        {
            if (_disposed) return;
            _disposed = true;
        }
        finally
        {
            ExitGate();
        }
        bool sealedLog = false;
        try
        {
            if (_wal is not null && _wal.Fault is null && _checkpointFault is null)
            {
                _wal.FlushAsync().GetAwaiter().GetResult();
                if (Options.Checkpoint.OnDispose)
                {
                    Checkpoint();
                    sealedLog = Seal();
                }
            }
        }
        finally
        {
            // A background checkpoint may still be writing files: wait for it, and let none start, before the
            // directory's lock is released (else a new open would run beside it: two writers in one directory).
            lock (_checkpointLock) _closed = true;
            try
            {
                _wal?.Dispose();
                if (sealedLog) DeleteWholeLog();
            }
            finally
            {
                _lock?.Dispose(); // whatever closing the log did, the directory is released
            }
        }
    }
}
