using System.Text.Json;
using Microsoft.Extensions.Logging;
using ZgDb.Storage.Format;
using ZgDb.Storage.IO;

namespace ZgDb.Storage.Manifests;

/// <summary>
/// Reads and atomically replaces the manifest. A new generation is written to a temp file, flushed to disk,
/// renamed into place and the directory flushed; the two newest generations are kept, so a damaged newest one
/// falls back to the one before (plus the WAL, which is kept back to that generation's checkpoint).
/// </summary>
internal sealed class ManifestStore(IStorageFileSystem fs, string directory, ILogger logger)
{

    /// <summary>The manifest in use, and the one before it (whose files must be kept).</summary>
    public Manifest? Current { get; private set; }
    public Manifest? Previous { get; private set; }

    /// <summary>
    /// Loads the newest manifest that validates. Returns null for a new database. If the newest is damaged and an
    /// older one is good, logs a warning and uses the older one; if every manifest is damaged, throws.
    /// </summary>
    public Manifest? Load()
    {
        ZgDbCorruptFileException? newestError = null;
        Current = Previous = null;
        foreach (var generation in Generations(fs, directory))
        {
            if (generation.Error is { } error and not ZgDbCorruptFileException)
                throw new ZgDbIOException(generation.Path, "read the manifest", error); // Judge keeps only I/O errors
            if (generation.Manifest is not { } manifest)
            {
                if (Current is null) newestError ??= (ZgDbCorruptFileException)generation.Error!;
                continue;
            }
            if (Current is not null)
            {
                Previous = manifest;
                break;
            }
            if (newestError is not null)
                logger.LogWarning(ZgDbEvents.ManifestFallback, newestError, "ZgDb recovery: the newest manifest is damaged; opened the previous checkpoint '{File}' and replayed the WAL from there.", generation.Path);
            Current = manifest;
        }
        if (Current is null && newestError is not null) throw newestError;
        return Current;
    }

    /// <summary>
    /// Every manifest file of <paramref name="directory"/>, newest first, each with its verdict: decoded, or the
    /// reason it is not used (a <see cref="ZgDbCorruptFileException"/>, or the I/O error reading it). The one rule
    /// for which generation a database opens at: the first that decodes. Lazy: a caller stops where it has enough.
    /// <paramref name="read"/> reads a file's bytes (default: <see cref="IStorageFileSystem.ReadAllBytes"/>; the
    /// backup reads through handles it keeps open).
    /// </summary>
    public static IEnumerable<ManifestGeneration> Generations(IStorageFileSystem fs, string directory, Func<string, byte[]>? read = null)
    {
        read ??= fs.ReadAllBytes;
        foreach (var name in fs.ListFiles(directory, "manifest-*.zgm").Reverse())
        {
            var path = Path.Combine(directory, name);
            yield return Judge(path, read);
        }
    }

    private static ManifestGeneration Judge(string path, Func<string, byte[]> read)
    {
        byte[] bytes;
        try
        {
            bytes = read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ManifestGeneration(path, null, null, e);
        }
        try
        {
            return new ManifestGeneration(path, bytes, Decode(bytes, path), null);
        }
        catch (ZgDbCorruptFileException e)
        {
            return new ManifestGeneration(path, bytes, null, e);
        }
    }

    public static Manifest Read(IStorageFileSystem fs, string path) => Decode(fs.ReadAllBytes(path), path);

    /// <summary>Validates and decodes a manifest's bytes (read from <paramref name="path"/>, named in errors).</summary>
    public static Manifest Decode(byte[] data, string path)
    {
        var (generation, body) = ManifestLayout.Validate(data, path);
        try
        {
            var manifest = JsonSerializer.Deserialize(body.Span, ManifestJsonContext.Default.Manifest)
                ?? throw new JsonException("the manifest is the JSON null.");
            if (manifest.Generation != generation)
                throw new ZgDbCorruptFileException(path, 8, ZgDbCorruptionReason.Malformed, $"the header says generation {generation} but the body says {manifest.Generation}.");
            if (manifest.MissingPart() is { } missing)
                throw new ZgDbCorruptFileException(path, ManifestLayout.HeaderLength, ZgDbCorruptionReason.Malformed, $"the manifest body has no {missing}.");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new ZgDbCorruptFileException(path, ManifestLayout.HeaderLength, ZgDbCorruptionReason.Malformed, "the manifest body is not valid: " + e.Message, e);
        }
    }

    /// <summary>Writes <paramref name="manifest"/> as the new current generation, durably, then drops generations older than the previous one.</summary>
    /// <remarks>
    /// The stored model's history (removed properties and collections, former types) is carried over from the current
    /// generation (<see cref="ModelHistory"/>): the engine hands in the application's model, the store keeps what the
    /// documents may still hold.
    /// </remarks>
    public void Write(Manifest manifest)
    {
        manifest = manifest with { Model = ModelHistory.Carry(manifest.Model, Current?.Model) };
        var body = JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.Manifest);
        var bytes = ManifestLayout.Encode(manifest.Generation, body);
        var final = Path.Combine(directory, ManifestLayout.FileName(manifest.Generation));
        var temp = final + ".tmp";
        using (var file = fs.Open(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Append(bytes);
            file.FlushToDisk();
        }
        fs.Move(temp, final);
        fs.FlushDirectory(directory);
        Previous = Current;
        Current = manifest;
        try
        {
            foreach (var name in fs.ListFiles(directory, "manifest-*.zgm"))
            {
                var path = Path.Combine(directory, name);
                if (path != final && (Previous is null || name != ManifestLayout.FileName(Previous.Generation)))
                    fs.Delete(path);
            }
            foreach (var name in fs.ListFiles(directory, "manifest-*.tmp"))
                fs.Delete(Path.Combine(directory, name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The new manifest is durable: an old generation left behind is only disk space; the next write retries.
            logger.LogWarning(ZgDbEvents.OldManifestsNotRemoved, e, "ZgDb: manifest generation {Generation} is durable, but removing older generations failed.", manifest.Generation);
        }
    }
}

/// <summary>
/// One manifest file as <see cref="ManifestStore.Generations"/> found it: its bytes (null when they could not be
/// read) and either the decoded <see cref="Manifest"/> or the <see cref="Error"/> that keeps it from being used.
/// </summary>
internal sealed record ManifestGeneration(string Path, byte[]? Bytes, Manifest? Manifest, Exception? Error)
{
    public string Name => System.IO.Path.GetFileName(Path);
}
