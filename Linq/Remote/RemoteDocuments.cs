using ZstdSharp;

namespace ZgDb.Remote;

/// <summary>
/// Documents on the wire: the engine's UTF-8 JSON as it is, or zstd-compressed (level 1) when longer than a
/// threshold. The two are told apart by the first bytes: a zstd frame starts with its magic number 28 B5 2F FD, which
/// JSON text never does (it starts with <c>{ [ "</c>, a digit, a letter or white space), so no flag travels.
/// </summary>
public static class RemoteDocuments
{
    private static ReadOnlySpan<byte> Magic => [0x28, 0xB5, 0x2F, 0xFD];

    /// <summary>The zstd level: the fastest; documents are compressed on every call.</summary>
    public const int Level = 1;

    /// <summary><paramref name="json"/> as it travels: compressed when longer than <paramref name="compressAbove"/> bytes and smaller so; otherwise unchanged.</summary>
    public static byte[] Pack(byte[] json, int compressAbove)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length <= compressAbove) return json;
        using var compressor = new Compressor(Level);
        var packed = compressor.Wrap(json);
        return packed.Length < json.Length ? packed.ToArray() : json;
    }

    /// <summary>Whether <paramref name="data"/> is a compressed document.</summary>
    public static bool IsCompressed(ReadOnlySpan<byte> data) => data.StartsWith(Magic);

    /// <summary>
    /// The JSON of a document as it arrived: decompressed if it was compressed. A compressed document whose frame does
    /// not declare its size, declares more than <paramref name="maxLength"/> bytes (a decompression bomb) or does not
    /// decompress to what it declares is refused with <see cref="InvalidDataException"/>.
    /// </summary>
    public static ReadOnlySpan<byte> Unpack(ReadOnlySpan<byte> data, int maxLength)
    {
        if (!IsCompressed(data)) return data;
        ulong declared;
        try
        {
            declared = Decompressor.GetDecompressedSize(data);
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException($"a compressed document is not a zstd frame: {e.Message}", e);
        }
        if (declared == 0 || declared > (ulong)maxLength)
            throw new InvalidDataException($"a compressed document declares {declared} bytes; documents must declare their size, at most {maxLength} bytes (the message size limit).");
        var json = new byte[(int)declared];
        int written;
        try
        {
            using var decompressor = new Decompressor();
            written = decompressor.Unwrap(data, json);
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException($"a compressed document does not decompress: {e.Message}", e);
        }
        if (written != json.Length) throw new InvalidDataException($"a compressed document declares {json.Length} bytes but holds {written}.");
        return json;
    }
}
