using Microsoft.Extensions.Logging;
using ZgDb.Storage.Format;
using ZgDb.Storage.IO;

namespace ZgDb.Storage.Wal;

/// <summary>
/// Replays the write-ahead log on open. Every record is checked (length, kind, checksum, LSN one more than the
/// previous). An invalid record is a torn tail, cut off and logged, only if it is in the last segment and no
/// valid record follows it (a crash mid-append); anything else is corruption, reported with the file and offset.
/// </summary>
internal static class WalRecovery
{
    /// <summary>What replay found.</summary>
    public sealed record Result(long LastLsn, int RecordsApplied, long TornBytesCut, string? TornFile, long TornOffset);

    /// <summary>Replays the log segments in <paramref name="directory"/> after <paramref name="checkpointLsn"/>.</summary>
    /// <param name="fs">The file system to read through.</param>
    /// <param name="directory">The <c>wal/</c> directory.</param>
    /// <param name="checkpointLsn">The LSN the manifest's chunks already hold; records up to it are skipped.</param>
    /// <param name="logger">Where a cut torn tail is reported.</param>
    /// <param name="apply">
    /// Called for every complete atomic write with an LSN above <paramref name="checkpointLsn"/>, in order, with its
    /// LSN (its last record's) and its records' operations (one part, or every part of a write split into several).
    /// </param>
    public static Result Replay(IStorageFileSystem fs, string directory, long checkpointLsn, ILogger logger,
        Action<long, IReadOnlyList<WalPart>> apply)
    {
        var assembler = new WalWriteAssembler(checkpointLsn);
        try
        {
            return Replay(fs, directory, checkpointLsn, logger, assembler, apply);
        }
        finally
        {
            assembler.End();
            foreach (var (first, last, parts, file, offset) in assembler.Dropped)
                logger.LogWarning(ZgDbEvents.UnfinishedWriteDropped, "ZgDb recovery: dropped an unfinished write of {Parts} WAL records (LSN {First}..{Last}, from offset {Offset} of '{File}') whose last part was never written (a crash while it was being logged; it was never acknowledged).", parts, first, last, offset, file);
        }
    }

    private static Result Replay(IStorageFileSystem fs, string directory, long checkpointLsn, ILogger logger,
        WalWriteAssembler assembler, Action<long, IReadOnlyList<WalPart>> apply)
    {
        var names = fs.ListFiles(directory, "*.zgw");
        long lastLsn = checkpointLsn;
        long expected = -1; // the LSN the next record must carry; -1 until the first record is read
        int applied = 0;
        string? previous = null; // the segment before this one, and where it ended
        long previousEnd = 0;
        for (int s = 0; s < names.Length; s++)
        {
            var path = Path.Combine(directory, names[s]);
            bool isLast = s == names.Length - 1;
            if (!isLast && expected == -1 && long.TryParse(Path.GetFileNameWithoutExtension(names[s + 1]), out var nextFirst) && nextFirst - 1 <= checkpointLsn)
                continue; // every record here is already in the chunks (kept only for a manifest fallback): not read
            var data = fs.ReadAllBytes(path);
            long firstLsn;
            try
            {
                firstLsn = WalLayout.ValidateSegmentHeader(data, path);
            }
            catch (ZgDbCorruptFileException) when (isLast && data.Length <= WalLayout.SegmentHeaderLength)
            {
                // A crash while the segment was being created: it holds no record. Remove it.
                logger.LogWarning(ZgDbEvents.IncompleteSegmentRemoved, "ZgDb recovery: removed WAL segment '{File}' whose header was never completed ({Bytes} bytes).", path, data.Length);
                fs.Delete(path);
                fs.FlushDirectory(directory);
                return new Result(lastLsn, applied, data.Length, path, 0);
            }
            if (expected == -1)
            {
                if (firstLsn > checkpointLsn + 1)
                    throw new ZgDbCorruptFileException(path, 8, $"the log starts at LSN {firstLsn} but the checkpoint holds only up to LSN {checkpointLsn}: records {checkpointLsn + 1}..{firstLsn - 1} are missing.");
            }
            else if (firstLsn != expected)
            {
                // The damage is where the log stops too early (or runs on too far): the end of the previous segment.
                throw new ZgDbCorruptFileException(previous!, previousEnd, firstLsn > expected
                    ? $"the segment ends before LSN {expected}, but the next segment '{path}' starts at LSN {firstLsn}: records {expected}..{firstLsn - 1} are missing (this segment was cut short, or a segment was removed)."
                    : $"the segment runs to LSN {expected - 1}, but the next segment '{path}' starts at LSN {firstLsn}: the segments overlap.");
            }
            expected = firstLsn;

            int offset = WalLayout.SegmentHeaderLength;
            var span = data.AsSpan();
            while (offset < data.Length)
            {
                if (!WalLayout.TryReadRecord(span, offset, out var lsn, out var kind, out var payload) || lsn != expected)
                {
                    bool lsnOnly = WalLayout.TryReadRecord(span, offset, out _, out _);
                    int sameGroup = 0;
                    if (!isLast || lsnOnly || !IsTornTail(span, offset + 1, expected, out sameGroup))
                        throw new ZgDbCorruptFileException(path, offset, lsnOnly
                            ? $"a record carries LSN {lsn} where LSN {expected} was expected."
                            : "an invalid WAL record (bad length, kind or checksum) is followed by valid ones of a later flush: the log is damaged, not torn.");
                    long cut = data.Length - offset;
                    using (var file = fs.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                    {
                        file.SetLength(offset);
                        file.FlushToDisk();
                    }
                    logger.LogWarning(ZgDbEvents.TornTailCut, "ZgDb recovery: cut off a torn WAL tail of {Bytes} bytes at offset {Offset} of '{File}' (a write interrupted by a crash; it was never acknowledged durable){Group}.", cut, offset, path,
                        sameGroup > 0 ? $"; {sameGroup} intact records after it belong to the same unflushed group, torn out of order by a power cut, and were cut too" : "");
                    return new Result(lastLsn, applied, cut, path, offset);
                }
                if (assembler.Add(kind, lsn, data.AsMemory(offset + WalLayout.RecordHeaderLength, payload.Length), path, offset) is { } parts
                    && lsn > checkpointLsn)
                {
                    apply(lsn, parts);
                    applied++;
                }
                lastLsn = Math.Max(lastLsn, lsn);
                expected = lsn + 1;
                offset += WalLayout.RecordHeaderLength + payload.Length;
            }
            previous = path;
            previousEnd = data.Length;
        }
        return new Result(lastLsn, applied, 0, null, 0);
    }

    /// <summary>
    /// Whether the invalid bytes before <paramref name="from"/> in the last segment, where the record with LSN
    /// <paramref name="expected"/> should be, are a torn tail: no valid record follows, or every valid record that
    /// follows belongs to the same flush group as the damaged one (the writer appends a group, then flushes it once;
    /// a power cut before that flush returned may keep a later sector of the group and lose an earlier one, and
    /// nothing of the group was acknowledged). A valid record of a later group means the damaged bytes had been
    /// flushed before it was written: that is corruption. <paramref name="sameGroup"/> counts the records cut with it.
    /// </summary>
    internal static bool IsTornTail(ReadOnlySpan<byte> segment, int from, long expected, out int sameGroup)
    {
        sameGroup = 0;
        long groupStart = -1;
        for (int offset = from; offset + WalLayout.RecordHeaderLength <= segment.Length; offset++)
        {
            long candidate = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(segment[(offset + 8)..]);
            if (candidate < expected || candidate > expected + WalLayout.MaxGroupOffset) continue;
            if (!WalLayout.TryReadRecord(segment, offset, out var lsn, out _, out int groupOffset, out var payload)) continue;
            long start = lsn - groupOffset;
            if (start > expected || groupStart >= 0 && start != groupStart) return false;
            groupStart = start;
            sameGroup++;
            offset += WalLayout.RecordHeaderLength + payload.Length - 1;
        }
        return true;
    }
}
