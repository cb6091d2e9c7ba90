using System.Buffers.Binary;
using System.IO.Hashing;

namespace ZgDb.Storage.Format;

/// <summary>
/// The header of an index file (<c>chunks/&lt;collection&gt;-i&lt;id, 8 digits&gt;.zgi</c>). All integers little-endian.
/// <code>
/// 00-03 [u8 x4]  magic "ZGIX"
/// 04-05 [u16]    format version (1)
/// 06-07 [u16]    column count C (1..255)
/// 08-15 [i64]    entry count N (0..int.MaxValue)
/// 16-19 [i32]    uncompressed body length
/// 20-23 [i32]    compressed body length (zstd frame)
/// 24-31 [u64]    XxHash64 of the compressed body
/// 32-39 [u64]    index identity: XxHash64 of the UTF-8 of "collection/index name/signature" (see IndexDefinition)
/// 40-47 [u64]    XxHash64 of header bytes [0, 40)
/// 48..           body: the zstd frame (layout in Indexes/IndexFile.cs)
/// </code>
/// </summary>
internal readonly record struct IndexHeader(int ColumnCount, long EntryCount, int RawLength, int CompressedLength, ulong BodyHash, ulong Identity)
{
    public const uint Magic = 0x5849475A; // "ZGIX" read as little-endian u32
    public const ushort FormatVersion = 1;
    public const int Length = 48;
    public const int ChecksumOffset = 40;
    public const int IdentityOffset = 32;

    public void Write(Span<byte> target)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(target, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(target[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(target[6..], checked((ushort)ColumnCount));
        BinaryPrimitives.WriteInt64LittleEndian(target[8..], EntryCount);
        BinaryPrimitives.WriteInt32LittleEndian(target[16..], RawLength);
        BinaryPrimitives.WriteInt32LittleEndian(target[20..], CompressedLength);
        BinaryPrimitives.WriteUInt64LittleEndian(target[24..], BodyHash);
        BinaryPrimitives.WriteUInt64LittleEndian(target[IdentityOffset..], Identity);
        BinaryPrimitives.WriteUInt64LittleEndian(target[ChecksumOffset..], XxHash64.HashToUInt64(target[..ChecksumOffset]));
    }

    /// <summary>
    /// Reads and checks a header: magic, header checksum, version (after the checksum that covers it, so only a sound
    /// header of another version is <see cref="ZgDbUnsupportedVersionException"/>), lengths against the file's size, the body
    /// checksum, and that the file belongs to the expected index. Throws <see cref="ZgDbCorruptFileException"/>
    /// naming the file and offset.
    /// </summary>
    public static IndexHeader Validate(ReadOnlySpan<byte> data, string file, ulong expectedIdentity, int expectedColumns)
    {
        if (data.Length < Length)
            throw new ZgDbCorruptFileException(file, 0, ZgDbCorruptionReason.Truncated, $"the file is {data.Length} bytes, shorter than an index header ({Length}).");
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
            throw new ZgDbCorruptFileException(file, 0, ZgDbCorruptionReason.BadMagic, "bad magic: this is not a ZgDb index file.");
        if (XxHash64.HashToUInt64(data[..ChecksumOffset]) != BinaryPrimitives.ReadUInt64LittleEndian(data[ChecksumOffset..]))
            throw new ZgDbCorruptFileException(file, ChecksumOffset, ZgDbCorruptionReason.Checksum, "header checksum mismatch.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (version != FormatVersion) // after the checksum, which covers it: a damaged version byte is corruption
            throw new ZgDbUnsupportedVersionException(file, "index", version, [FormatVersion]);
        var header = new IndexHeader(
            BinaryPrimitives.ReadUInt16LittleEndian(data[6..]),
            BinaryPrimitives.ReadInt64LittleEndian(data[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[16..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[20..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[IdentityOffset..]));
        if (header.Identity != expectedIdentity)
            throw new ZgDbCorruptFileException(file, IdentityOffset, ZgDbCorruptionReason.Malformed, "the file belongs to another index (or another version of this index's columns).");
        if (header.ColumnCount != expectedColumns)
            throw new ZgDbCorruptFileException(file, 6, ZgDbCorruptionReason.Malformed, $"the header says {header.ColumnCount} columns but the index has {expectedColumns}.");
        if (header.EntryCount is < 0 or > int.MaxValue)
            throw new ZgDbCorruptFileException(file, 8, ZgDbCorruptionReason.Malformed, $"impossible entry count {header.EntryCount}.");
        if (header.RawLength < 0 || header.CompressedLength < 0)
            throw new ZgDbCorruptFileException(file, 16, ZgDbCorruptionReason.Malformed, "negative body length in the header.");
        if ((long)Length + header.CompressedLength != data.Length)
            throw new ZgDbCorruptFileException(file, Length, ZgDbCorruptionReason.Truncated, $"the body should be {header.CompressedLength} bytes but the file holds {data.Length - Length} after the header (truncated or extended).");
        if (XxHash64.HashToUInt64(data[Length..]) != header.BodyHash)
            throw new ZgDbCorruptFileException(file, Length, ZgDbCorruptionReason.Checksum, "body checksum mismatch.");
        return header;
    }
}
