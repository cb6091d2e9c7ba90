using System.Buffers.Binary;
using System.IO.Hashing;

namespace ZgDb.Storage.Format;

/// <summary>
/// A manifest file (<c>manifest-&lt;generation, 10 digits&gt;.zgm</c>): a 32-byte header, then the manifest as UTF-8 JSON.
/// <code>
/// 00-03 [u8 x4] magic "ZGMF"
/// 04-05 [u16]   format version (1)
/// 06-07 [u16]   reserved (0)
/// 08-15 [u64]   generation (one more than the manifest it replaces)
/// 16-19 [u32]   JSON body length
/// 20-23 [u32]   reserved (0)
/// 24-31 [u64]   XxHash64 of bytes [0, 24) followed by the body
/// 32..          body (JSON)
/// </code>
/// </summary>
internal static class ManifestLayout
{
    public const uint Magic = 0x464D475A; // "ZGMF"
    public const ushort FormatVersion = 1;
    public const int HeaderLength = 32;

    public static string FileName(long generation) => $"manifest-{generation:D10}.zgm";

    public static byte[] Encode(long generation, ReadOnlySpan<byte> body)
    {
        var bytes = new byte[HeaderLength + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), generation);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), body.Length);
        body.CopyTo(bytes.AsSpan(HeaderLength));
        var hash = new XxHash64();
        hash.Append(bytes.AsSpan(0, 24));
        hash.Append(body);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), hash.GetCurrentHashAsUInt64());
        return bytes;
    }

    /// <summary>Checks magic, length, checksum, then the version the checksum covers (a sound manifest of another version is <see cref="ZgDbUnsupportedVersionException"/>); returns the generation and the JSON body.</summary>
    public static (long Generation, ReadOnlyMemory<byte> Body) Validate(byte[] data, string file)
    {
        if (data.Length < HeaderLength)
            throw new ZgDbCorruptFileException(file, 0, ZgDbCorruptionReason.Truncated, $"the file is {data.Length} bytes, shorter than a manifest header.");
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
            throw new ZgDbCorruptFileException(file, 0, ZgDbCorruptionReason.BadMagic, "bad magic: this is not a ZgDb manifest.");
        int length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(16));
        if (length < 0 || HeaderLength + (long)length != data.Length)
            throw new ZgDbCorruptFileException(file, 16, ZgDbCorruptionReason.Truncated, $"the body should be {length} bytes but the file holds {data.Length - HeaderLength}.");
        var hash = new XxHash64();
        hash.Append(data.AsSpan(0, 24));
        hash.Append(data.AsSpan(HeaderLength));
        if (hash.GetCurrentHashAsUInt64() != BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(24)))
            throw new ZgDbCorruptFileException(file, 24, ZgDbCorruptionReason.Checksum, "checksum mismatch.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(4));
        if (version != FormatVersion) // after the checksum, which covers it: a damaged version byte is corruption
            throw new ZgDbUnsupportedVersionException(file, "manifest", version, [FormatVersion]);
        return (BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8)), data.AsMemory(HeaderLength));
    }
}
