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
    private readonly object _lock = new();
    private readonly object _segmentLock = new();
    private List<(long Lsn, byte[] Payload)> _queue = new();
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

    public WalWriter(IStorageFileSystem fs, string directory, long lastLsn, long segmentBytes, ILogger logger)
    {
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

    /// <summary>Queues a record. LSNs must arrive in order, one more each time.</summary>
    /// <exception cref="ZgDbFaultedException">The writer has failed before; nothing is queued.</exception>
    public void Enqueue(long lsn, byte[] payload)
    {
        lock (_lock)
        {
            ThrowIfFaulted();
            if (_stopping) throw new ObjectDisposedException(nameof(WalWriter), "The database is closed.");
            if (lsn != _enqueuedLsn + 1) throw new InvalidOperationException($"WAL LSN {lsn} enqueued after {_enqueuedLsn}.");
            _enqueuedLsn = lsn;
            _queue.Add((lsn, payload));
            if (_queue.Count == 1) Monitor.Pulse(_lock);
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

    private static ZgDbFaultedException Faulted(Exception fault) =>
        fault as ZgDbFaultedException ?? new ZgDbFaultedException(
            "The write-ahead log could not be written or flushed, so the database no longer accepts writes; " +
            "reopen it to recover everything acknowledged as durable. Cause: " + fault.Message, fault);

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
                if (!long.TryParse(Path.GetFileNameWithoutExtension(names[i + 1]), out var nextFirst) || nextFirst - 1 > lsn) break;
                _fs.Delete(Path.Combine(_directory, names[i]));
            }
        }
    }

    private void Run()
    {
        while (true)
        {
            List<(long Lsn, byte[] Payload)> batch;
            lock (_lock)
            {
                while (_queue.Count == 0 && !_stopping) Monitor.Wait(_lock);
                if (_queue.Count == 0) return;
                batch = _queue;
                _queue = new List<(long, byte[])>(batch.Count);
            }
            try
            {
                WriteBatch(batch);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "ZgDb: the write-ahead log failed at LSN {Lsn}; the database stops accepting writes.", batch[0].Lsn);
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

    private void WriteBatch(List<(long Lsn, byte[] Payload)> batch)
    {
        int length = 0;
        foreach (var (lsn, payload) in batch)
        {
            int recordLength = WalLayout.RecordHeaderLength + payload.Length;
            bool full = _segment is not null && _segment.Length + length > WalLayout.SegmentHeaderLength
                && (_rollOver || _segment.Length + length + recordLength > _segmentBytes);
            if (_segment is null || full)
            {
                _rollOver = false;
                Append(length);
                length = 0;
                StartSegment(lsn);
            }
            EnsureBuffer(length + recordLength);
            WalLayout.WriteRecordHeader(_buffer.AsSpan(length), lsn, payload);
            payload.CopyTo(_buffer.AsSpan(length + WalLayout.RecordHeaderLength));
            length += recordLength;
        }
        Append(length);
    }

    private void Append(int length)
    {
        if (length == 0 || _segment is null) return;
        _segment.Append(_buffer.AsSpan(0, length));
        _segment.FlushToDisk();
        Interlocked.Add(ref _bytesWritten, length);
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
