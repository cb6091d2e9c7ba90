using ZgDb.Storage.Format;

namespace ZgDb.Storage.Wal;

/// <summary>One WAL segment to read: its path and how to get its bytes (from the file, or a handle kept open).</summary>
internal readonly record struct WalSegmentSource(string Path, Func<byte[]> Read);

/// <summary>A valid record as <see cref="WalReader"/> yields it: where it is, its LSN, kind and payload.</summary>
internal readonly record struct WalRecordRead(string Path, int Offset, long Lsn, uint Kind, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The offset just after the record.</summary>
    public int End => Offset + WalLayout.RecordHeaderLength + Payload.Length;
}

/// <summary>
/// Where <see cref="WalReader"/> sends what it finds wrong. Opening the database throws on damage and cuts a torn
/// tail; <c>zgdb verify</c> collects both; a backup throws on damage and copies up to a torn tail.
/// </summary>
internal interface IWalProblemSink
{
    /// <summary>
    /// Damage: a bad segment header, a gap or overlap between segments, an invalid record that is not a torn tail.
    /// Throw to stop; if it returns, the reader goes on with the next segment for a gap, and stops for the rest.
    /// </summary>
    void Corrupt(ZgDbCorruptFileException problem);

    /// <summary>The last segment's header was never completed (a crash while creating it): it holds no record.</summary>
    void IncompleteSegment(string path, int bytes);

    /// <summary>
    /// The last segment ends in a torn record at <paramref name="offset"/> (a write interrupted by a crash, never
    /// acknowledged); <paramref name="sameGroup"/> intact records after it belong to the same unflushed group.
    /// </summary>
    void TornTail(string path, int offset, int bytes, int sameGroup);

    /// <summary>A segment whose header is valid, before its records are read.</summary>
    void Segment(string path, int bytes, long firstLsn) { }
}

/// <summary>
/// The one reader of the write-ahead log, used by recovery (<see cref="WalRecovery"/>), the inspection reader and
/// the backup. Every record is checked (length, kind, checksum, LSN one more than the previous). An invalid record
/// is a torn tail only if it is in the last segment and no valid record of a later flush follows it (a crash
/// mid-append); anything else is corruption. What the reader finds wrong goes to an <see cref="IWalProblemSink"/>.
/// </summary>
internal static class WalReader
{
    /// <summary>
    /// Yields the valid records of <paramref name="segments"/> (in file-name order), in LSN order. With
    /// <paramref name="skipFolded"/>, leading segments every record of which the checkpoint at
    /// <paramref name="checkpointLsn"/> already holds are not read (<see cref="HoldsOnlyFolded"/>).
    /// </summary>
    public static IEnumerable<WalRecordRead> Read(IReadOnlyList<WalSegmentSource> segments, long checkpointLsn, bool skipFolded, IWalProblemSink problems)
    {
        long expected = -1; // the LSN the next record must carry; -1 until the first segment is read
        string? previous = null; // the segment before this one, and where it ended
        long previousEnd = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            var path = segments[s].Path;
            bool isLast = s == segments.Count - 1;
            if (skipFolded && !isLast && expected == -1 && HoldsOnlyFolded(segments[s + 1].Path, checkpointLsn))
                continue; // every record here is already in the chunks (kept only for a manifest fallback): not read
            var data = segments[s].Read();
            if (FirstLsn(data, path, isLast, problems) is not { } firstLsn) yield break;
            problems.Segment(path, data.Length, firstLsn);
            if (expected == -1)
            {
                if (firstLsn > checkpointLsn + 1)
                    problems.Corrupt(new ZgDbCorruptFileException(path, 8, ZgDbCorruptionReason.Missing, $"the log starts at LSN {firstLsn} but the checkpoint holds only up to LSN {checkpointLsn}: records {checkpointLsn + 1}..{firstLsn - 1} are missing."));
            }
            else if (firstLsn != expected)
            {
                // The damage is where the log stops too early (or runs on too far): the end of the previous segment.
                problems.Corrupt(new ZgDbCorruptFileException(previous!, previousEnd, firstLsn > expected ? ZgDbCorruptionReason.Missing : ZgDbCorruptionReason.Malformed, firstLsn > expected
                    ? $"the segment ends before LSN {expected}, but the next segment '{path}' starts at LSN {firstLsn}: records {expected}..{firstLsn - 1} are missing (this segment was cut short, or a segment was removed)."
                    : $"the segment runs to LSN {expected - 1}, but the next segment '{path}' starts at LSN {firstLsn}: the segments overlap."));
            }
            expected = firstLsn;
            int offset = WalLayout.SegmentHeaderLength;
            while (offset < data.Length)
            {
                if (!WalLayout.TryReadRecord(data, offset, out var lsn, out var kind, out var payload) || lsn != expected)
                {
                    bool lsnOnly = WalLayout.TryReadRecord(data, offset, out _, out _);
                    int sameGroup = 0;
                    if (!isLast || lsnOnly || !WalRecovery.IsTornTail(data, offset + 1, expected, out sameGroup))
                        problems.Corrupt(new ZgDbCorruptFileException(path, offset, lsnOnly ? ZgDbCorruptionReason.Malformed : ZgDbCorruptionReason.Checksum, lsnOnly
                            ? $"a record carries LSN {lsn} where LSN {expected} was expected."
                            : "an invalid WAL record (bad length, kind or checksum) is followed by valid ones of a later flush: the log is damaged, not torn."));
                    else
                        problems.TornTail(path, offset, data.Length - offset, sameGroup);
                    yield break;
                }
                var record = new WalRecordRead(path, offset, lsn, kind, data.AsMemory(offset + WalLayout.RecordHeaderLength, payload.Length));
                yield return record;
                expected = lsn + 1;
                offset = record.End;
            }
            previous = path;
            previousEnd = data.Length;
        }
    }

    /// <summary>The segment's first LSN, or null (reported) when its header is not valid.</summary>
    private static long? FirstLsn(byte[] data, string path, bool isLast, IWalProblemSink problems)
    {
        try
        {
            return WalLayout.ValidateSegmentHeader(data, path);
        }
        catch (ZgDbCorruptFileException) when (isLast && data.Length <= WalLayout.SegmentHeaderLength)
        {
            problems.IncompleteSegment(path, data.Length);
            return null;
        }
        catch (ZgDbCorruptFileException e)
        {
            problems.Corrupt(e);
            return null;
        }
    }

    /// <summary>
    /// The one "segment wholly below the checkpoint" rule: the segment before <paramref name="nextSegment"/> (a
    /// segment's file name, or path, is its first LSN) holds only records the checkpoint at
    /// <paramref name="checkpointLsn"/> has folded into the chunks.
    /// </summary>
    public static bool HoldsOnlyFolded(string nextSegment, long checkpointLsn) =>
        long.TryParse(Path.GetFileNameWithoutExtension(nextSegment), out var nextFirst) && nextFirst - 1 <= checkpointLsn;
}
