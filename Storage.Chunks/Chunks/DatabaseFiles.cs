using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;

namespace ZgDb.Storage.Chunks;

/// <summary>
/// The one set of rules for the files in <c>chunks/</c>: how chunk and index files are named (one id counter for
/// both), which of them the kept manifest generations reference, and the clean-up of the rest. Used by the engine
/// (<c>StorageEngine</c>), the CLI's writer and <c>zgdb verify</c>.
/// </summary>
internal sealed class DatabaseFiles(IStorageFileSystem fs, string chunkDirectory)
{
    public string ChunkDirectory { get; } = chunkDirectory;

    /// <summary>A chunk file's name: <c>&lt;collection&gt;-&lt;id, 8 digits&gt;.zgc</c>.</summary>
    public static string ChunkFileName(string collection, long id) => $"{collection}-{id:D8}.zgc";

    /// <summary>An index file's name: <c>&lt;collection&gt;-i&lt;id, 8 digits&gt;.zgi</c>.</summary>
    public static string IndexFileName(string collection, long id) => $"{collection}-i{id:D8}.zgi";

    /// <summary>The id in a chunk or index file's name, or null for a name that is neither.</summary>
    public static long? IdOf(string name)
    {
        int dash = name.LastIndexOf('-');
        return dash >= 0 && long.TryParse(name.AsSpan(dash + 1, name.Length - dash - 1 - ".zgc".Length).TrimStart('i'), out var id) ? id : null;
    }

    /// <summary>
    /// Reads a file a manifest lists (<paramref name="what"/>: "chunk file", "index file"): a missing one is
    /// corruption (<see cref="ZgDbCorruptionReason.Missing"/>), any other failed read the catalog's <see cref="ZgDbIOException"/>.
    /// </summary>
    /// <summary>As <see cref="ReadListed"/>, awaiting the read (an async query's chunk load); cancellation is an <see cref="OperationCanceledException"/>.</summary>
    public static async Task<byte[]> ReadListedAsync(IStorageFileSystem fs, string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await fs.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ZgDbCorruptFileException(path, 0, ZgDbCorruptionReason.Missing, $"the {what} the manifest lists is missing.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ZgDbIOException(path, $"read the {what}", e);
        }
    }

    public static byte[] ReadListed(IStorageFileSystem fs, string path, string what)
    {
        try
        {
            return fs.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ZgDbCorruptFileException(path, 0, ZgDbCorruptionReason.Missing, $"the {what} the manifest lists is missing.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ZgDbIOException(path, $"read the {what}", e);
        }
    }

    /// <summary>Chunk files (<c>*.zgc</c>) and index files (<c>*.zgi</c>) in <c>chunks/</c>.</summary>
    public IEnumerable<string> Stored() => fs.ListFiles(ChunkDirectory, "*.zgc").Concat(fs.ListFiles(ChunkDirectory, "*.zgi"));

    /// <summary>Every chunk and index file the given manifest generations list (the kept ones: current and previous).</summary>
    public static HashSet<string> Referenced(params Manifest?[] manifests) =>
        manifests.Where(m => m is not null).SelectMany(m => m!.Collections)
            .SelectMany(c => c.Chunks.Select(k => k.File).Concat(c.Indexes.Select(i => i.File))).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Deletes every stored file not in <paramref name="keep"/> (calling <paramref name="deleted"/> with its name) and
    /// returns the next free id: past <paramref name="nextId"/> and every id a stored file carries.
    /// </summary>
    public long DeleteAllBut(HashSet<string> keep, long nextId, Action<string>? deleted = null)
    {
        foreach (var name in Stored())
        {
            if (IdOf(name) is { } id && id >= nextId) nextId = id + 1;
            if (keep.Contains(name)) continue;
            fs.Delete(Path.Combine(ChunkDirectory, name));
            deleted?.Invoke(name);
        }
        return nextId;
    }
}
