using System.IO.Hashing;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using ZgDb.Storage.Documents;
using ZgDb.Storage.Format;
using ZgDb.Storage.IO;
using ZstdSharp;

namespace ZgDb.Storage.Chunks;

/// <summary>Writes and reads chunk files: a <see cref="ChunkHeader"/> then a zstd frame holding a JSON array of documents sorted by key.</summary>
internal static class ChunkFile
{
    public const int CompressionLevel = 3;

    /// <summary>The most bytes of JSON a chunk holds by default (one larger document is stored alone).</summary>
    public const long DefaultMaxJsonBytes = 64L << 20;

    private static readonly ObjectPool<Compressor> Compressors = new DefaultObjectPool<Compressor>(new CodecPolicy<Compressor>(() => new Compressor(CompressionLevel)));
    private static readonly ObjectPool<Decompressor> Decompressors = new DefaultObjectPool<Decompressor>(new CodecPolicy<Decompressor>(() => new Decompressor()));

    /// <summary>Writes a new chunk file and flushes it to disk. The caller flushes the directory before relying on it.</summary>
    public static (long FileBytes, long RawBytes) Write<TKey, T>(IStorageFileSystem fs, string path, string collection, KeyCodec<TKey> keys,
        ReadOnlySpan<TKey> chunkKeys, ReadOnlySpan<T> documents, DocumentSerializer serializer) where TKey : notnull
    {
        var raw = JsonSerializer.SerializeToUtf8Bytes(documents.ToArray(), serializer.Options);
        return WriteRaw(fs, path, collection, documents.Length, raw, keys.ToJson(chunkKeys[0]), keys.ToJson(chunkKeys[^1]));
    }

    /// <summary>
    /// Writes a new chunk file from the documents' JSON array (<paramref name="raw"/>, sorted by key) and flushes it
    /// to disk. The caller flushes the directory before relying on it.
    /// </summary>
    public static (long FileBytes, long RawBytes) WriteRaw(IStorageFileSystem fs, string path, string collection, int documentCount,
        ReadOnlySpan<byte> raw, byte[] minKeyJson, byte[] maxKeyJson)
    {
        var compressor = Compressors.Get();
        byte[] body;
        try
        {
            body = compressor.Wrap(raw).ToArray();
        }
        finally
        {
            Compressors.Return(compressor);
        }
        var header = new ChunkHeader(collection, documentCount, raw.Length, body.Length, XxHash64.HashToUInt64(body), minKeyJson, maxKeyJson);
        var file = new byte[header.Length + body.Length];
        header.Write(file);
        body.CopyTo(file.AsSpan(header.Length));
        using (var stream = fs.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Append(file);
            stream.FlushToDisk();
        }
        return (file.Length, raw.Length);
    }

    /// <summary>
    /// Reads a chunk file, checking the header, the body checksum (before decompressing), the document count and
    /// the key order. Any failure is a <see cref="ZgDbCorruptFileException"/> naming the file and offset.
    /// </summary>
    public static LoadedChunk<TKey, T> Read<TKey, T>(IStorageFileSystem fs, string path, string collection, KeyCodec<TKey> keys,
        Func<T, TKey> keyOf, DocumentSerializer serializer) where TKey : notnull =>
        Decode(path, DatabaseFiles.ReadListed(fs, path, "chunk file"), collection, keys, keyOf, serializer);

    /// <summary>
    /// As <see cref="Read{TKey,T}"/>, with the file read awaited (<see cref="IStorageFileSystem.ReadAllBytesAsync"/>) and
    /// cancelled by <paramref name="cancellationToken"/>; the checks and the decoding are the same, on the thread that resumes.
    /// </summary>
    public static async Task<LoadedChunk<TKey, T>> ReadAsync<TKey, T>(IStorageFileSystem fs, string path, string collection, KeyCodec<TKey> keys,
        Func<T, TKey> keyOf, DocumentSerializer serializer, CancellationToken cancellationToken) where TKey : notnull
    {
        var data = await DatabaseFiles.ReadListedAsync(fs, path, "chunk file", cancellationToken).ConfigureAwait(false);
        return Decode(path, data, collection, keys, keyOf, serializer);
    }

    private static LoadedChunk<TKey, T> Decode<TKey, T>(string path, byte[] data, string collection, KeyCodec<TKey> keys,
        Func<T, TKey> keyOf, DocumentSerializer serializer) where TKey : notnull
    {
        var (header, raw) = CheckRaw(path, data);
        var headerLength = header.Length;
        var problems = ChunkBodyRules.Throw(path);
        ChunkBodyRules.BelongsTo(header, collection, problems);
        T[] documents;
        try
        {
            documents = JsonSerializer.Deserialize<T[]>(raw, serializer.Options) ?? [];
        }
        catch (JsonException e)
        {
            throw new ZgDbCorruptFileException(path, headerLength, ZgDbCorruptionReason.Malformed, $"the documents do not decode as {typeof(T).Name}: {e.Message}", e);
        }
        ChunkBodyRules.CountMatches(header, documents.Length, problems);
        var chunkKeys = new TKey[documents.Length];
        Comparison<TKey> compare = keys.Comparer.Compare;
        for (int i = 0; i < documents.Length; i++)
        {
            if (documents[i] is null) throw new ZgDbCorruptFileException(path, headerLength, ZgDbCorruptionReason.Malformed, $"document {i} is null.");
            chunkKeys[i] = keyOf(documents[i]);
            if (i > 0) ChunkBodyRules.InOrder(chunkKeys[i - 1], chunkKeys[i], i, compare, header, problems);
        }
        TKey min, max;
        try
        {
            min = keys.FromJson(header.MinKeyJson);
            max = keys.FromJson(header.MaxKeyJson);
        }
        catch (JsonException e)
        {
            throw new ZgDbCorruptFileException(path, ChunkHeader.FixedLength, ZgDbCorruptionReason.Malformed, "the key range in the header does not decode: " + e.Message, e);
        }
        ChunkBodyRules.RangeMatches(chunkKeys[0], chunkKeys[^1], min is not null && max is not null, min!, max!, compare, problems);
        return new LoadedChunk<TKey, T>(chunkKeys, documents, EstimateBytes(header.RawLength, documents.Length));
    }

    /// <summary>
    /// Reads a chunk file's header and its documents' JSON array (UTF-8), checking the header, the body checksum
    /// (before decompressing) and the decompressed length. Any failure is a <see cref="ZgDbCorruptFileException"/>.
    /// </summary>
    public static (ChunkHeader Header, byte[] Raw) ReadRaw(IStorageFileSystem fs, string path) => CheckRaw(path, DatabaseFiles.ReadListed(fs, path, "chunk file"));

    /// <summary>As <see cref="ReadRaw(IStorageFileSystem, string)"/>, over the file's bytes already read.</summary>
    private static (ChunkHeader Header, byte[] Raw) CheckRaw(string path, byte[] data)
    {
        var header = ChunkHeader.Validate(data, path);
        var headerLength = header.Length;
        var body = data.AsSpan(headerLength);
        if (XxHash64.HashToUInt64(body) != header.BodyHash)
            throw new ZgDbCorruptFileException(path, headerLength, ZgDbCorruptionReason.Checksum, "body checksum mismatch.");
        var raw = new byte[header.RawLength];
        var decompressor = Decompressors.Get();
        try
        {
            int written = decompressor.Unwrap(body, raw);
            if (written != raw.Length)
                throw new ZgDbCorruptFileException(path, headerLength, ZgDbCorruptionReason.Malformed, $"the body decompresses to {written} bytes, not the {raw.Length} the header says.");
        }
        catch (ZstdException e)
        {
            throw new ZgDbCorruptFileException(path, headerLength, ZgDbCorruptionReason.Malformed, "the body is not a valid zstd frame: " + e.Message, e);
        }
        finally
        {
            Decompressors.Return(decompressor);
        }
        return (header, raw);
    }

    /// <summary>Decoded objects take roughly twice their JSON plus per-object overhead.</summary>
    public static long EstimateBytes(long rawJsonBytes, int documents) => rawJsonBytes * 2 + documents * 64L;

    private sealed class CodecPolicy<TCodec>(Func<TCodec> create) : PooledObjectPolicy<TCodec> where TCodec : notnull
    {
        public override TCodec Create() => create();
        public override bool Return(TCodec obj) => true;
    }
}
