using Microsoft.Extensions.Logging;
using ZgDb.Storage.Manifests;

namespace ZgDb.Storage.Engine;

/// <summary>
/// The checkpoints of one engine: when one is due (scheduled on the thread pool), the fold of every change into
/// chunk files and a new durable manifest generation, the swap of the new chunks into the published states, the
/// manifest that records a changed model at open, and the seal at close. A failed checkpoint faults the engine
/// (<see cref="Fault"/>): no write is accepted until it is reopened. One checkpoint runs at a time.
/// </summary>
internal sealed class CheckpointRunner(StorageEngine engine)
{
    private readonly object _checkpointLock = new();
    private long _walBytesAtCheckpoint;
    private int _checkpointScheduled;
    private bool _closed; // set under _checkpointLock once the engine is done with checkpoints: none may start after
    private Exception? _checkpointFault;

    /// <summary>Why checkpoints (and so writes) stopped, or null.</summary>
    public Exception? Fault => Volatile.Read(ref _checkpointFault);

    private ILogger Log => engine.Options.LoggerFor(ZgDbLogCategories.Storage);

    /// <summary>Queues a checkpoint when the changes or the WAL bytes since the last one reach the policy's limits.</summary>
    public void MaybeSchedule()
    {
        if (engine.IsDisposed) return;
        var state = engine.State;
        var wal = engine.Wal;
        long changed = 0;
        foreach (var c in state.Collections) changed += c.DeltaCount;
        bool due = changed >= engine.Options.Checkpoint.MaxChangedDocuments
            || (wal is not null && wal.BytesWritten - Interlocked.Read(ref _walBytesAtCheckpoint) >= engine.Options.Checkpoint.MaxWalBytes);
        if (!due || Interlocked.CompareExchange(ref _checkpointScheduled, 1, 0) != 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            try
            {
                Run();
            }
            catch (ObjectDisposedException)
            {
                // The database was closed before this checkpoint started.
            }
            catch (Exception e)
            {
                Log.LogError(ZgDbEvents.BackgroundCheckpointFailed, e, "ZgDb: a background checkpoint failed.");
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
    public void Run()
    {
        if (engine.CurrentTransaction is not null)
            throw new InvalidOperationException("Checkpoint() cannot run inside a transaction: commit or dispose the transaction first.");
        if (engine.Gate.InsideWrite)
            throw new InvalidOperationException("Checkpoint() cannot run inside the callback of a write (an UpdateMany action or a DeleteMany predicate): call it after the write returns.");
        lock (_checkpointLock)
        {
            ObjectDisposedException.ThrowIf(_closed, engine);
            if (_checkpointFault is not null) throw new ZgDbFaultedException("A previous checkpoint failed; reopen the database.", _checkpointFault);
            try
            {
                if (engine.DirectoryLock?.Verify() == true)
                    Log.LogWarning(ZgDbEvents.LockFileReplaced, "ZgDb: the lock file in {Directory} was deleted or replaced while the database was open; it was recreated (never delete it: a stale one is harmless).", engine.Directory);
            }
            catch (ZgDbLockedException e)
            {
                _checkpointFault = e; // another process may be writing these files: stop writing
                throw;
            }
            var stores = engine.Stores;
            var manifests = engine.Manifests;
            var wal = engine.Wal;
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            DatabaseState snapshot;
            long walBytes;
            engine.Gate.Enter("a checkpoint");
            try
            {
                snapshot = engine.Published.Written;
                walBytes = wal?.BytesWritten ?? 0;
            }
            finally
            {
                engine.Gate.Exit();
            }
            var changed = Enumerable.Range(0, stores.Count).Where(i => snapshot.Collections[i].DeltaCount > 0 || stores[i].NeedsCheckpoint(snapshot.Collections[i])).ToList();
            if (changed.Count == 0 && (manifests is null || manifests.Current is not null && manifests.Current.CheckpointLsn == snapshot.Lsn))
                return;
            using var span = engine.Telemetry.StartSpan("checkpoint");
            span?.SetTag("zgdb.checkpoint.lsn", snapshot.Lsn);
            span?.SetTag("zgdb.checkpoint.collections", changed.Count);
            var written = new CollectionState[stores.Count];
            try
            {
                var sink = engine.IsInMemory ? (ChunkSink)new PinnedChunkSink(engine) : new FileChunkSink(engine);
                foreach (var i in changed) written[i] = stores[i].Checkpoint(snapshot.Collections[i], sink);
                if (!engine.IsInMemory)
                {
                    engine.FileSystem.FlushDirectory(engine.ChunkDirectory);
                    var collections = stores.Select((s, i) => s.Describe(written[i] ?? snapshot.Collections[i])).Concat(engine.Orphans).ToList();
                    manifests!.Write(new Manifest
                    {
                        Generation = (manifests.Current?.Generation ?? 0) + 1,
                        CheckpointLsn = snapshot.Lsn,
                        NextChunkId = engine.Files.NextChunkId,
                        CreatedUtc = DateTime.UtcNow,
                        Model = engine.Model.Stored,
                        ModelFingerprint = engine.Model.Stored.Fingerprint,
                        Collections = collections,
                        Metadata = snapshot.Metadata.ToDictionary(),
                    });
                }
            }
            catch (Exception e) when (!engine.IsInMemory && e is IOException or UnauthorizedAccessException or ZgDbIOException)
            {
                _checkpointFault = e;
                EngineTelemetry.Failed(span, e);
                Log.LogError(ZgDbEvents.CheckpointFailed, e, "ZgDb: checkpoint failed; the database stops accepting writes. Reopening recovers from the last manifest and the WAL.");
                throw new ZgDbFaultedException("The checkpoint could not write its files: " + e.Message + ". The database no longer accepts writes; reopen it to recover.",
                    e as ZgDbIOException ?? new ZgDbIOException(engine.Directory!, "write the checkpoint's files of", e));
            }
            DatabaseState Rebase(DatabaseState state)
            {
                var states = (CollectionState[])state.Collections.Clone();
                foreach (var i in changed) states[i] = stores[i].Rebase(state.Collections[i], snapshot.Collections[i], written[i], snapshot.Lsn);
                return new DatabaseState(states, state.Lsn, state.Metadata);
            }
            // The files are durable: this swap must happen, however long a transaction holds the gate.
            engine.Gate.EnterUnbounded();
            try
            {
                var now = engine.Published.Written;
                var states = (CollectionState[])now.Collections.Clone();
                foreach (var i in changed)
                {
                    states[i] = stores[i].Rebase(now.Collections[i], snapshot.Collections[i], written[i], snapshot.Lsn);
                    if (!engine.IsInMemory) engine.Files.Retire(stores[i], now.Collections[i], states[i]);
                }
                engine.Published.SwapCheckpoint(new DatabaseState(states, now.Lsn, now.Metadata), snapshot, Rebase, () => wal!.DurableLsn);
            }
            finally
            {
                engine.Gate.ExitUnbounded();
            }
            Interlocked.Exchange(ref _walBytesAtCheckpoint, walBytes);
            wal?.RollOver();
            if (!engine.IsInMemory) engine.Files.TryDeleteObsolete(snapshot.Lsn, manifests!, wal);
            engine.Telemetry.Record(EngineInstruments.CheckpointDuration, EngineInstruments.SecondsSince(started));
            Log.LogDebug(ZgDbEvents.CheckpointCompleted, "ZgDb: checkpoint at LSN {Lsn} folded {Collections} collections.", snapshot.Lsn, changed.Count);
        }
    }

    /// <summary>
    /// At close, after the final checkpoint: writes one more manifest generation identical to the current one, so
    /// the two kept generations both hold everything (LSN = the last write) and no fallback needs the log. Returns
    /// whether the whole WAL may then be deleted.
    /// </summary>
    public bool Seal()
    {
        lock (_checkpointLock)
        {
            var manifests = engine.Manifests;
            var current = manifests?.Current;
            if (current is null || current.CheckpointLsn != engine.LastLsn) return false;
            if (manifests!.Previous?.CheckpointLsn != current.CheckpointLsn)
            {
                try
                {
                    manifests.Write(current with { Generation = current.Generation + 1, CreatedUtc = DateTime.UtcNow });
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The final checkpoint is durable; without the seal the log is simply kept for the next open.
                    Log.LogWarning(ZgDbEvents.SealFailed, e, "ZgDb: sealing the log at close failed; the log is kept and the next open replays nothing.");
                    return false;
                }
                engine.Files.TryDeleteObsolete(current.CheckpointLsn, manifests, engine.Wal);
            }
            return true;
        }
    }

    /// <summary>Waits for a running checkpoint and lets none start after (the close, before the directory's lock is released).</summary>
    public void Close()
    {
        lock (_checkpointLock) _closed = true;
    }

    /// <summary>Writes a manifest generation that changes nothing but the stored model (same chunks, same checkpoint LSN).</summary>
    public void RecordModel(Manifest? current, DatabaseState checkpointed)
    {
        engine.Manifests!.Write(new Manifest
        {
            Generation = (current?.Generation ?? 0) + 1,
            CheckpointLsn = current?.CheckpointLsn ?? 0,
            NextChunkId = engine.Files.NextChunkId,
            CreatedUtc = DateTime.UtcNow,
            Model = engine.Model.Stored,
            ModelFingerprint = engine.Model.Stored.Fingerprint,
            Collections = engine.Stores.Select((s, i) => s.Describe(checkpointed.Collections[i])).Concat(engine.Orphans).ToList(),
            Metadata = checkpointed.Metadata.ToDictionary(),
        });
    }
}
