using System.Buffers.Binary;
using System.IO.Hashing;

namespace ZgDb.Storage.Format;

/// <summary>
/// The write-ahead log's byte layouts. A segment (<c>wal/&lt;first LSN, 20 digits&gt;.zgw</c>) is a header then records.
/// <code>
/// Segment header (32 bytes):
/// 00-03 [u8 x4] magic "ZGWL"
/// 04-05 [u16]   format version (1)
/// 06-07 [u16]   reserved (0)
/// 08-15 [u64]   LSN of the segment's first record
/// 16-23 [u64]   reserved (0)
/// 24-31 [u64]   XxHash64 of bytes [0, 24)
///
/// Record (24-byte header + payload):
/// 00-03 [u32]   payload length N (1 .. MaxPayload); 0 is invalid, so zero-filled regions are never records
/// 04-04 [u8]    record kind: 1 = a whole atomic write (a batch of operations);
///               2 = a part of a write too large for one record, 3 = its last part (see WalBatch: parts begin
///               with the LSN of the write's first part and are applied all together, on the last one, or not at all)
/// 05-07 [u24]   group offset: how many records before this one the writer's flush group began (the records it
///               appended and then flushed to disk at once, within this segment); 0 for the group's first record.
///               A power cut may tear a group's unflushed sectors in any order, so recovery may cut a damaged
///               record as a torn tail when every valid record after it is of the same group (WalRecovery)
/// 08-15 [u64]   LSN (each record's is the previous one's plus one)
/// 16-23 [u64]   XxHash64 of bytes [0, 16) of the header followed by the payload
/// 24..          payload
/// </code>
/// </summary>
internal static class WalLayout
{
    public const uint SegmentMagic = 0x4C57475A; // "ZGWL"
    public const ushort FormatVersion = 1;
    public const int SegmentHeaderLength = 32;
    public const int RecordHeaderLength = 24;
    public const uint KindBatch = 1;
    public const uint KindPart = 2;
    public const uint KindLastPart = 3;
    public const int MaxPayload = 1 << 30;

    /// <summary>The most records one flush group may hold before the writer flushes and begins another (the group offset is 24 bits).</summary>
    public const int MaxGroupOffset = (1 << 24) - 1;

    public static string SegmentName(long firstLsn) => $"{firstLsn:D20}.zgw";

    public static void WriteSegmentHeader(Span<byte> target, long firstLsn)
    {
        target[..SegmentHeaderLength].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(target, SegmentMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(target[4..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(target[8..], firstLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(target[24..], XxHash64.HashToUInt64(target[..24]));
    }

    /// <summary>Checks a segment header; returns the first LSN. Throws naming the file and offset.</summary>
    public static long ValidateSegmentHeader(ReadOnlySpan<byte> data, string file)
    {
        if (data.Length < SegmentHeaderLength)
            throw new ZgDbCorruptFileException(file, 0, ZgDbCorruptionReason.Truncated, $"the file is {data.Length} bytes, shorter than a WAL segment header.");
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != SegmentMagic)
            throw new ZgDbCorruptFileException(file, 0, ZgDbCorruptionReason.BadMagic, "bad magic: this is not a ZgDb WAL segment.");
        if (XxHash64.HashToUInt64(data[..24]) != BinaryPrimitives.ReadUInt64LittleEndian(data[24..]))
            throw new ZgDbCorruptFileException(file, 24, ZgDbCorruptionReason.Checksum, "segment header checksum mismatch.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (version != FormatVersion)
            throw new ZgDbUnsupportedVersionException(file, "WAL", version, [FormatVersion]);
        return BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
    }

    public static void WriteRecordHeader(Span<byte> target, long lsn, ReadOnlySpan<byte> payload) => WriteRecordHeader(target, lsn, KindBatch, payload);

    public static void WriteRecordHeader(Span<byte> target, long lsn, uint kind, ReadOnlySpan<byte> payload, int groupOffset = 0)
    {
        if ((uint)groupOffset > MaxGroupOffset) throw new ArgumentOutOfRangeException(nameof(groupOffset), groupOffset, "a flush group holds at most 2^24 records.");
        BinaryPrimitives.WriteInt32LittleEndian(target, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(target[4..], kind | (uint)groupOffset << 8);
        BinaryPrimitives.WriteInt64LittleEndian(target[8..], lsn);
        var hash = new XxHash64();
        hash.Append(target[..16]);
        hash.Append(payload);
        BinaryPrimitives.WriteUInt64LittleEndian(target[16..], hash.GetCurrentHashAsUInt64());
    }

    /// <summary>
    /// Tries to read a whole, valid record at <paramref name="offset"/>: length in range, known kind, checksum
    /// matching. Returns false for anything else (a torn or damaged record, zeros).
    /// </summary>
    public static bool TryReadRecord(ReadOnlySpan<byte> segment, int offset, out long lsn, out ReadOnlySpan<byte> payload) =>
        TryReadRecord(segment, offset, out lsn, out _, out payload);

    /// <inheritdoc cref="TryReadRecord(ReadOnlySpan{byte}, int, out long, out ReadOnlySpan{byte})"/>
    public static bool TryReadRecord(ReadOnlySpan<byte> segment, int offset, out long lsn, out uint kind, out ReadOnlySpan<byte> payload) =>
        TryReadRecord(segment, offset, out lsn, out kind, out _, out payload);

    /// <inheritdoc cref="TryReadRecord(ReadOnlySpan{byte}, int, out long, out ReadOnlySpan{byte})"/>
    public static bool TryReadRecord(ReadOnlySpan<byte> segment, int offset, out long lsn, out uint kind, out int groupOffset, out ReadOnlySpan<byte> payload)
    {
        lsn = 0;
        kind = 0;
        groupOffset = 0;
        payload = default;
        if (segment.Length - offset < RecordHeaderLength) return false;
        var header = segment.Slice(offset, RecordHeaderLength);
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length <= 0 || length > MaxPayload || length > segment.Length - offset - RecordHeaderLength) return false;
        uint kindAndGroup = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        kind = kindAndGroup & 0xFF;
        if (kind is not (KindBatch or KindPart or KindLastPart)) return false;
        var body = segment.Slice(offset + RecordHeaderLength, length);
        var hash = new XxHash64();
        hash.Append(header[..16]);
        hash.Append(body);
        if (hash.GetCurrentHashAsUInt64() != BinaryPrimitives.ReadUInt64LittleEndian(header[16..])) return false;
        lsn = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        groupOffset = (int)(kindAndGroup >> 8);
        payload = body;
        return true;
    }
}
