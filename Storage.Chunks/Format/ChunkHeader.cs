using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ZgDb.Storage.Format;

/// <summary>
/// The header of a chunk file (<c>chunks/*.zgc</c>). All integers little-endian.
/// <code>
/// 00-03 [u8 x4]  magic "ZGCK"
/// 04-05 [u16]    format version (1)
/// 06-07 [u16]    header length H (fixed part 28 + variable part + 8)
/// 08-11 [u32]    document count
/// 12-15 [u32]    uncompressed body length (JSON array, UTF-8)
/// 16-19 [u32]    compressed body length (zstd frame)
/// 20-27 [u64]    XxHash64 of the compressed body
/// 28..  variable: [u16 n][n bytes UTF-8 collection name] [u16 n][n bytes JSON min key] [u16 n][n bytes JSON max key]
/// H-8..H-1 [u64] XxHash64 of header bytes [0, H-8)
/// H..   body: the zstd frame
/// </code>
/// </summary>
internal sealed record ChunkHeader(string Collection, int DocumentCount, int RawLength, int CompressedLength, ulong BodyHash, byte[] MinKeyJson, byte[] MaxKeyJson)
{
    public const uint Magic = 0x4B43475A; // "ZGCK" read as little-endian u32
    public const ushort FormatVersion = 1;
    public const int FixedLength = 28;
    public const int ChecksumLength = 8;
    public const int MaxHeaderLength = 64 * 1024;

    public int Length => FixedLength + 6 + Encoding.UTF8.GetByteCount(Collection) + MinKeyJson.Length + MaxKeyJson.Length + ChecksumLength;

    public void Write(Span<byte> target)
    {
        int length = Length;
        BinaryPrimitives.WriteUInt32LittleEndian(target, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(target[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(target[6..], checked((ushort)length));
        BinaryPrimitives.WriteInt32LittleEndian(target[8..], DocumentCount);
        BinaryPrimitives.WriteInt32LittleEndian(target[12..], RawLength);
        BinaryPrimitives.WriteInt32LittleEndian(target[16..], CompressedLength);
        BinaryPrimitives.WriteUInt64LittleEndian(target[20..], BodyHash);
        int offset = FixedLength;
        offset += WriteField(target[offset..], Encoding.UTF8.GetBytes(Collection));
        offset += WriteField(target[offset..], MinKeyJson);
        offset += WriteField(target[offset..], MaxKeyJson);
        BinaryPrimitives.WriteUInt64LittleEndian(target[offset..], XxHash64.HashToUInt64(target[..offset]));
    }

    /// <summary>
    /// Reads and checks a header: magic, header length, header checksum, then the version (which the checksum covers,
    /// so a damaged version byte is <see cref="ZgDbCorruptFileException"/> and only a sound header of another version
    /// is <see cref="ZgDbUnsupportedVersionException"/>; every version keeps the magic, the version at 04 and the
    /// header length and checksum where version 1 has them). Throws naming the file and offset.
    /// </summary>
    public static ChunkHeader Validate(ReadOnlySpan<byte> data, string file)
    {
        if (data.Length < FixedLength + 6 + ChecksumLength)
            throw new ZgDbCorruptFileException(file, 0, ZgDbCorruptionReason.Truncated, $"the file is {data.Length} bytes, shorter than a chunk header.");
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
            throw new ZgDbCorruptFileException(file, 0, ZgDbCorruptionReason.BadMagic, "bad magic: this is not a ZgDb chunk file.");
        int length = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        if (length < FixedLength + 6 + ChecksumLength || length > data.Length)
            throw new ZgDbCorruptFileException(file, 6, ZgDbCorruptionReason.Malformed, $"header length {length} is impossible for a file of {data.Length} bytes.");
        var stored = BinaryPrimitives.ReadUInt64LittleEndian(data[(length - ChecksumLength)..]);
        if (XxHash64.HashToUInt64(data[..(length - ChecksumLength)]) != stored)
            throw new ZgDbCorruptFileException(file, length - ChecksumLength, ZgDbCorruptionReason.Checksum, "header checksum mismatch.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (version != FormatVersion) // after the checksum, which covers it: a damaged version byte is corruption
            throw new ZgDbUnsupportedVersionException(file, "chunk", version, [FormatVersion]);
        int offset = FixedLength;
        var name = ReadField(data, ref offset, length, file);
        var min = ReadField(data, ref offset, length, file);
        var max = ReadField(data, ref offset, length, file);
        var header = new ChunkHeader(Encoding.UTF8.GetString(name), BinaryPrimitives.ReadInt32LittleEndian(data[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[12..]), BinaryPrimitives.ReadInt32LittleEndian(data[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[20..]), min.ToArray(), max.ToArray());
        if (header.DocumentCount < 0 || header.RawLength < 0 || header.CompressedLength < 0)
            throw new ZgDbCorruptFileException(file, 8, ZgDbCorruptionReason.Malformed, "negative count or length in the header.");
        if ((long)length + header.CompressedLength != data.Length)
            throw new ZgDbCorruptFileException(file, length, ZgDbCorruptionReason.Truncated, $"the body should be {header.CompressedLength} bytes but the file holds {data.Length - length} after the header (truncated or extended).");
        return header;
    }

    private static int WriteField(Span<byte> target, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(target, checked((ushort)value.Length));
        value.CopyTo(target[2..]);
        return 2 + value.Length;
    }

    private static ReadOnlySpan<byte> ReadField(ReadOnlySpan<byte> data, ref int offset, int headerLength, string file)
    {
        int n = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
        if (offset + 2 + n > headerLength - ChecksumLength)
            throw new ZgDbCorruptFileException(file, offset, ZgDbCorruptionReason.Malformed, "a header field runs past the header.");
        var value = data.Slice(offset + 2, n);
        offset += 2 + n;
        return value;
    }
}
