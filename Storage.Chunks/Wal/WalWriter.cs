using Microsoft.Extensions.Logging;
using ZgDb.Storage.Format;
using ZgDb.Storage.IO;

namespace ZgDb.Storage.Wal;

/// <summary>
/// The background writer of the write-ahead log. Callers enqueue encoded records (in LSN order, under the
/// engine's write lock) and return; one thread takes everything queued, appends it to the current segment in one
/// write, flushes it to disk (fsync) once, and only then marks those LSNs durable and completes the callers
/// waiting on them (group commit). A failed write or flush is fatal: every waiter and every later write fails
/// with <see cref="ZgDbFaultedException"/>; the data on disk stays as the last successful flush left it.
/// </summary>
internal sealed class WalWriter : IDisposable
{
    private readonly IStorageFileSystem _fs;
    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly EngineTelemetry _telemetry;
    private readonly object _lock = new();
    private readonly object _segmentLock = new();
    private List<(long Lsn, uint Kind, byte[] Payload)> _queue = new();
    private readonly List<(long Lsn, TaskCompletionSource Done)> _waiters = new();
    private readonly Thread _thread;
    private IStorageFile? _segment;
    private long _enqueuedLsn;
    private long _durableLsn;
    private long _bytesWritten;
    private bool _stopping;
    private volatile bool _rollOver;
    private Exception? _fault;
    private byte[] _buffer = new byte[1 << 16];
    private readonly byte[] _header = new byte[WalLayout.RecordHeaderLength];

    public WalWriter(IStorageFileSystem fs, string directory, long lastLsn, long segmentBytes, ILogger logger, EngineTelemetry? telemetry = null)
    {
        _telemetry = telemetry ?? EngineTelemetry.Unnamed;
        _fs = fs;
        _directory = directory;
        _segmentBytes = segmentBytes;
        _logger = logger;
        _enqueuedLsn = _durableLsn = lastLsn;
        _thread = new Thread(Run) { IsBackground = true, Name = "ZgDb WAL writer" };
        _thread.Start();
    }

    /// <summary>The highest LSN flushed to disk.</summary>
    public long DurableLsn => Interlocked.Read(ref _durableLsn);

    /// <summary>Bytes appended to the log since the database opened.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>The failure that stopped the writer, if any.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>
    /// Queues the records of one write (<see cref="WalBatch.EncodeRecords"/>), with LSNs <paramref name="firstLsn"/>,
    /// +1, ...: LSNs must arrive in order. The write is durable once its last record is.
    /// </summary>
    /// <exception cref="ZgDbFaultedException">The writer has failed before; nothing is queued.</exception>
    public void Enqueue(long firstLsn, IReadOnlyList<(uint Kind, byte[] Payload)> records)
    {
        foreach (var (_, payload) in records)
            if (payload.Length is 0 or > WalLayout.MaxPayload)
                throw new ArgumentOutOfRangeException(nameof(records), payload.Length, $"a WAL record's payload must be 1 .. {WalLayout.MaxPayload} bytes.");
        lock (_lock)
        {
            ThrowIfFaulted();
            if (_stopping) throw new ObjectDisposedException(nameof(WalWriter), "The database is closed.");
            if (firstLsn != _enqueuedLsn + 1) throw new InvalidOperationException($"WAL LSN {firstLsn} enqueued after {_enqueuedLsn}.");
            bool wasEmpty = _queue.Count == 0;
            for (int i = 0; i < records.Count; i++) _queue.Add((firstLsn + i, records[i].Kind, records[i].Payload));
            _enqueuedLsn = firstLsn + records.Count - 1;
            if (wasEmpty) Monitor.Pulse(_lock);
        }
    }

    /// <summary>Completes once every record up to <paramref name="lsn"/> is on disk; faults if the writer failed.</summary>
    public Task WaitDurableAsync(long lsn)
    {
        if (DurableLsn >= lsn) return Task.CompletedTask;
        lock (_lock)
        {
            if (_fault is not null) return Task.FromException(Faulted(_fault));
            if (_durableLsn >= lsn) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((lsn, done));
            return done.Task;
        }
    }

    /// <summary>Completes once everything enqueued so far is on disk.</summary>
    public Task FlushAsync()
    {
        long target;
        lock (_lock) target = _enqueuedLsn;
        return WaitDurableAsync(target);
    }

    public void ThrowIfFaulted()
    {
        var fault = Volatile.Read(ref _fault);
        if (fault is not null) throw Faulted(fault);
    }

    private ZgDbFaultedException Faulted(Exception fault) =>
        fault as ZgDbFaultedException ?? new ZgDbFaultedException(
            "The write-ahead log could not be written or flushed, so the database no longer accepts writes; " +
            "reopen it to recover everything acknowledged as durable. Cause: " + fault.Message,
            fault is IOException or UnauthorizedAccessException ? new ZgDbIOException(_directory, "append to or flush the write-ahead log in", fault) : fault);

    /// <summary>
    /// Starts a new segment with the next record (after a checkpoint), so the records the checkpoint folded into
    /// chunks end up in segments that can be deleted whole once no manifest needs them.
    /// </summary>
    public void RollOver() => _rollOver = true;

    /// <summary>
    /// Deletes segments whose every record has an LSN at most <paramref name="lsn"/> (already in chunk files of a
    /// durable manifest). The segment being written is never deleted.
    /// </summary>
    public void DeleteSegmentsUpTo(long lsn)
    {
        lock (_segmentLock)
        {
            var names = _fs.ListFiles(_directory, "*.zgw");
            for (int i = 0; i + 1 < names.Length; i++)
            {
                if (_segment is not null && Path.GetFileName(_segment.Path) == names[i]) break;
                if (!WalReader.HoldsOnlyFolded(names[i + 1], lsn)) break;
                _fs.Delete(Path.Combine(_directory, names[i]));
            }
        }
    }

    private void Run()
    {
        while (true)
        {
            List<(long Lsn, uint Kind, byte[] Payload)> batch;
            lock (_lock)
            {
                while (_queue.Count == 0 && !_stopping) Monitor.Wait(_lock);
                if (_queue.Count == 0) return;
                batch = _queue;
                _queue = new List<(long, uint, byte[])>(batch.Count);
            }
            try
            {
                bool measured = EngineInstruments.WalFlushDuration.Enabled | EngineInstruments.WalFlushRecords.Enabled | EngineInstruments.WalFlushBytes.Enabled;
                long start = measured ? System.Diagnostics.Stopwatch.GetTimestamp() : 0, bytesBefore = measured ? BytesWritten : 0;
                WriteBatch(batch);
                if (measured)
                {
                    _telemetry.Record(EngineInstruments.WalFlushDuration, EngineInstruments.SecondsSince(start));
                    _telemetry.Record(EngineInstruments.WalFlushRecords, batch.Count);
                    _telemetry.Record(EngineInstruments.WalFlushBytes, BytesWritten - bytesBefore);
                }
            }
            catch (Exception e)
            {
                _logger.LogError(ZgDbEvents.WalFailed, e, "ZgDb: the write-ahead log failed at LSN {Lsn}; the database stops accepting writes.", batch[0].Lsn);
                lock (_lock)
                {
                    _fault = e;
                    foreach (var (_, done) in _waiters) done.TrySetException(Faulted(e));
                    _waiters.Clear();
                    _queue.Clear();
                }
                return;
            }
            var durable = batch[^1].Lsn;
            lock (_lock)
            {
                Volatile.Write(ref _durableLsn, durable);
                for (int i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Lsn > durable) continue;
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Records are gathered in a buffer up to this size; a larger record is written straight from its payload.</summary>
    private const int BufferBytes = 1 << 20;

    /// <summary>
    /// Appends the records to the current segment (a new one when it is full, or after a checkpoint, always at a
    /// record boundary), then flushes to disk once per segment touched: group commit.
    /// </summary>
    private void WriteBatch(List<(long Lsn, uint Kind, byte[] Payload)> batch)
    {
        int buffered = 0;
        bool unflushed = false; // bytes appended to the current segment and not yet flushed to disk
        long groupFirst = batch[0].Lsn; // the first record of the flush group (WalLayout: group offset)
        foreach (var (lsn, kind, payload) in batch)
        {
            long recordLength = WalLayout.RecordHeaderLength + (long)payload.Length;
            bool full = _segment is not null && _segment.Length + buffered > WalLayout.SegmentHeaderLength
                && (_rollOver || _segment.Length + buffered + recordLength > _segmentBytes);
            if (_segment is null || full || lsn - groupFirst > WalLayout.MaxGroupOffset)
            {
                unflushed |= Append(ref buffered);
                if (unflushed) _segment!.FlushDataToDisk();
                unflushed = false;
                groupFirst = lsn;
                if (_segment is null || full)
                {
                    _rollOver = false;
                    StartSegment(lsn);
                }
            }
            int groupOffset = (int)(lsn - groupFirst);
            if (buffered + recordLength > BufferBytes) unflushed |= Append(ref buffered);
            if (recordLength > BufferBytes)
            {
                WalLayout.WriteRecordHeader(_header, lsn, kind, payload, groupOffset);
                _segment!.Append(_header);
                _segment.Append(payload);
                Interlocked.Add(ref _bytesWritten, recordLength);
                unflushed = true;
                continue;
            }
            EnsureBuffer(buffered + (int)recordLength);
            WalLayout.WriteRecordHeader(_buffer.AsSpan(buffered), lsn, kind, payload, groupOffset);
            payload.CopyTo(_buffer.AsSpan(buffered + WalLayout.RecordHeaderLength));
            buffered += (int)recordLength;
        }
        unflushed |= Append(ref buffered);
        if (unflushed) _segment!.FlushDataToDisk();
    }

    /// <summary>Appends the buffered records to the segment (no flush); returns whether there were any.</summary>
    private bool Append(ref int buffered)
    {
        int length = buffered;
        buffered = 0;
        if (length == 0 || _segment is null) return false;
        _segment.Append(_buffer.AsSpan(0, length));
        Interlocked.Add(ref _bytesWritten, length);
        return true;
    }

    private void StartSegment(long firstLsn)
    {
        lock (_segmentLock)
        {
            _segment?.Dispose();
            _segment = null;
            var path = Path.Combine(_directory, WalLayout.SegmentName(firstLsn));
            var segment = _fs.Open(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            Span<byte> header = stackalloc byte[WalLayout.SegmentHeaderLength];
            WalLayout.WriteSegmentHeader(header, firstLsn);
            segment.Append(header);
            segment.FlushToDisk();
            _fs.FlushDirectory(_directory);
            _segment = segment;
        }
    }

    private void EnsureBuffer(int length)
    {
        if (_buffer.Length >= length) return;
        Array.Resize(ref _buffer, Math.Max(length, _buffer.Length * 2));
    }

    /// <summary>Writes and flushes everything queued, then stops the thread. Waits at most <paramref name="timeout"/>.</summary>
    public void Stop(TimeSpan timeout)
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.PulseAll(_lock);
        }
        _thread.Join(timeout);
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(30));
        lock (_segmentLock)
        {
            _segment?.Dispose();
            _segment = null;
        }
    }
}
