using System.Buffers.Binary;
using ZgDb.Storage.Format;

namespace ZgDb.Storage.Wal;

/// <summary>One record's operations (a batch payload) and where the record starts.</summary>
internal readonly record struct WalPart(ReadOnlyMemory<byte> Ops, string File, long Offset);

/// <summary>
/// Turns the log's records, read in order, back into atomic writes. A <see cref="WalLayout.KindBatch"/> record is a
/// write on its own; the parts of a larger write (<see cref="WalLayout.KindPart"/> ... <see cref="WalLayout.KindLastPart"/>,
/// each starting with the LSN of the write's first part) complete only with the last part. Parts never completed (a
/// crash between them) are dropped: such a write was never acknowledged. Every reader of the log (recovery, the
/// inspection reader) goes through this one class.
/// </summary>
internal sealed class WalWriteAssembler(long checkpointLsn)
{
    private readonly List<WalPart> _pending = [];
    private long _pendingFirst = -1;
    private long _pendingLast = -1;

    /// <summary>Writes dropped unfinished (first LSN, last LSN, parts, and where the first part is), for a recovery note.</summary>
    public List<(long First, long Last, int Parts, string File, long Offset)> Dropped { get; } = [];

    /// <summary>
    /// Adds a valid record (its LSN already checked to follow the previous one). Returns the parts of a write that
    /// is now complete, or null while a write's parts are still arriving (or the record belongs to a write wholly at
    /// or below the checkpoint whose first parts were not read).
    /// </summary>
    /// <exception cref="ZgDbCorruptFileException">A part that names a write other than the one in progress.</exception>
    public IReadOnlyList<WalPart>? Add(uint kind, long lsn, ReadOnlyMemory<byte> payload, string file, long offset)
    {
        if (kind == WalLayout.KindBatch)
        {
            DropPending();
            return [new WalPart(payload, file, offset)];
        }
        if (payload.Length < WalBatch.PartPrefixLength)
            throw new ZgDbCorruptFileException(file, offset, ZgDbCorruptionReason.Malformed, $"a WAL part record of {payload.Length} bytes is too short to name its write.");
        long first = BinaryPrimitives.ReadInt64LittleEndian(payload.Span);
        var part = new WalPart(payload[WalBatch.PartPrefixLength..], file, offset);
        if (first == lsn)
        {
            DropPending(); // a new large write begins: an unfinished one before it never completed
            _pendingFirst = first;
        }
        else if (first != _pendingFirst || first > lsn)
        {
            // The first parts were in a segment not read because it lies wholly below the checkpoint.
            if (_pendingFirst == -1 && lsn <= checkpointLsn && first < lsn) return null;
            throw new ZgDbCorruptFileException(file, offset, ZgDbCorruptionReason.Malformed, _pendingFirst == -1
                ? $"a WAL part record (LSN {lsn}) continues the write that began at LSN {first}, but that write's first part was not found."
                : $"a WAL part record (LSN {lsn}) continues the write that began at LSN {first}, but the write in progress began at LSN {_pendingFirst}.");
        }
        _pending.Add(part);
        _pendingLast = lsn;
        if (kind != WalLayout.KindLastPart) return null;
        var complete = _pending.ToArray();
        _pending.Clear();
        _pendingFirst = _pendingLast = -1;
        return complete;
    }

    /// <summary>Called at the end of the log: a write still in progress there was cut short by a crash.</summary>
    public void End() => DropPending();

    private void DropPending()
    {
        if (_pending.Count > 0) Dropped.Add((_pendingFirst, _pendingLast, _pending.Count, _pending[0].File, _pending[0].Offset));
        _pending.Clear();
        _pendingFirst = _pendingLast = -1;
    }
}
