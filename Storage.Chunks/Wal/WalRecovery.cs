using Microsoft.Extensions.Logging;
using ZgDb.Storage.Format;
using ZgDb.Storage.IO;

namespace ZgDb.Storage.Wal;

/// <summary>
/// Replays the write-ahead log on open, through the one <see cref="WalReader"/>: damage throws
/// <see cref="ZgDbCorruptFileException"/> with the file and offset; a torn tail (a crash mid-append) is cut off and
/// logged; an incomplete last segment is removed.
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
        var segments = fs.ListFiles(directory, "*.zgw").Select(name => Path.Combine(directory, name))
            .Select(path => new WalSegmentSource(path, () => fs.ReadAllBytes(path))).ToArray();
        var sink = new RecoverySink(fs, directory, logger);
        long lastLsn = checkpointLsn;
        int applied = 0;
        foreach (var record in WalReader.Read(segments, checkpointLsn, skipFolded: true, sink))
        {
            if (assembler.Add(record.Kind, record.Lsn, record.Payload, record.Path, record.Offset) is { } parts && record.Lsn > checkpointLsn)
            {
                apply(record.Lsn, parts);
                applied++;
            }
            lastLsn = Math.Max(lastLsn, record.Lsn);
        }
        return new Result(lastLsn, applied, sink.CutBytes, sink.CutFile, sink.CutOffset);
    }

    /// <summary>Opening's rules: damage throws; an incomplete last segment is removed and a torn tail cut off, both logged.</summary>
    private sealed class RecoverySink(IStorageFileSystem fs, string directory, ILogger logger) : IWalProblemSink
    {
        public long CutBytes { get; private set; }
        public string? CutFile { get; private set; }
        public long CutOffset { get; private set; }

        public void Corrupt(ZgDbCorruptFileException problem) => throw problem;

        public void IncompleteSegment(string path, int bytes)
        {
            logger.LogWarning(ZgDbEvents.IncompleteSegmentRemoved, "ZgDb recovery: removed WAL segment '{File}' whose header was never completed ({Bytes} bytes).", path, bytes);
            fs.Delete(path);
            fs.FlushDirectory(directory);
            (CutBytes, CutFile, CutOffset) = (bytes, path, 0);
        }

        public void TornTail(string path, int offset, int bytes, int sameGroup)
        {
            using (var file = fs.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                file.SetLength(offset);
                file.FlushToDisk();
            }
            logger.LogWarning(ZgDbEvents.TornTailCut, "ZgDb recovery: cut off a torn WAL tail of {Bytes} bytes at offset {Offset} of '{File}' (a write interrupted by a crash; it was never acknowledged durable){Group}.", (long)bytes, offset, path,
                sameGroup > 0 ? $"; {sameGroup} intact records after it belong to the same unflushed group, torn out of order by a power cut, and were cut too" : "");
            (CutBytes, CutFile, CutOffset) = (bytes, path, offset);
        }
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
