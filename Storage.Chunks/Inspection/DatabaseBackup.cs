using ZgDb.Storage.Format;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;
using ZgDb.Storage.Wal;

namespace ZgDb.Storage.Inspection;

/// <summary>What a backup copied.</summary>
internal sealed record BackupResult(long Generation, long CheckpointLsn, long LastLsn, int Chunks, int WalSegments, long Bytes, int Attempts);

/// <summary>
/// Consistent copies of a database that may be open (and busy) in another process, and restores. A backup copies
/// the newest manifest, the chunk and index files it lists and the WAL from its checkpoint on. Right after reading
/// the manifest it opens every one of those files at once (with <see cref="FileShare.Delete"/>), checks the set is
/// complete (no file gone, the WAL unbroken from the checkpoint), and only then copies, from those handles: a
/// checkpoint that deletes a file meanwhile removes only its name (POSIX unlink; on Windows the delete waits for
/// the last handle), so the copy reads the generation it chose however many checkpoints pass. Only when a file
/// vanished in the short window before it could be opened does the attempt start over, from the new manifest.
/// </summary>
internal static class DatabaseBackup
{
    /// <summary>Attempts to open a complete set; each costs a directory listing and some opens, no copying.</summary>
    public const int MaxAttempts = 100;

    private const FileShare Shared = FileShare.ReadWrite | FileShare.Delete;

    /// <exception cref="ZgDbIOException">Reading the source or writing the copy failed (the partial copy is removed).</exception>
    public static BackupResult Backup(string directory, string target, IWorkProgress progress, CancellationToken cancel)
    {
        try
        {
            return BackupOnce(directory, target, progress, cancel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ZgDbIOException(Path.GetFullPath(directory), $"back up (to '{Path.GetFullPath(target)}') the database", e);
        }
    }

    private static BackupResult BackupOnce(string directory, string target, IWorkProgress progress, CancellationToken cancel)
    {
        var fs = PhysicalFileSystem.Instance;
        directory = Path.GetFullPath(directory);
        target = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        if (!Directory.Exists(directory)) throw new ZgDbException($"'{directory}' does not exist.");
        CheckNewTarget(target);
        var temp = $"{target}.partial-{Environment.ProcessId}";
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                cancel.ThrowIfCancellationRequested();
                using var set = OpenGeneration(fs, directory);
                if (set is null)
                {
                    if (attempt == MaxAttempts)
                        throw new ZgDbException($"Checkpoints kept deleting the files of '{directory}' before they could be opened, during {MaxAttempts} attempts; try again when it is less busy.");
                    Thread.Sleep(Math.Min(attempt, 20)); // let the racing checkpoint finish
                    continue;
                }
                if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
                var result = Copy(fs, set, temp, attempt, progress, cancel);
                Directory.Move(temp, target);
                fs.FlushDirectory(Path.GetDirectoryName(target)!);
                var report = DatabaseVerifier.Verify(target, null, cancel);
                if (!report.IsHealthy)
                    throw new ZgDbException($"The backup in '{target}' does not verify: {report.Errors.First()}");
                return result;
            }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static void CheckNewTarget(string target)
    {
        if (File.Exists(target) || Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new ZgDbException($"'{target}' already exists and is not empty; the copy goes to a new directory.");
        if (Directory.Exists(target)) Directory.Delete(target);
    }

    /// <summary>Every file of one manifest generation, held open; disposing closes them.</summary>
    private sealed class HeldGeneration : IDisposable
    {
        private readonly List<IStorageFile> _handles = [];

        public string Source { get; init; } = "";
        public string? ManifestName { get; set; }
        public byte[]? ManifestBytes { get; set; }
        public Manifest? Manifest { get; set; }
        public List<(ManifestChunk Chunk, IStorageFile File)> Chunks { get; } = [];
        public List<(string Name, IStorageFile File)> Segments { get; } = [];

        public IStorageFile Hold(IStorageFile file)
        {
            _handles.Add(file);
            return file;
        }

        public void Dispose()
        {
            foreach (var handle in _handles) handle.Dispose();
        }
    }

    /// <summary>
    /// Reads the newest valid manifest and opens every file its generation needs; null (nothing held) if one of
    /// them vanished first, so the caller starts over from the manifest that replaced it.
    /// </summary>
    private static HeldGeneration? OpenGeneration(IStorageFileSystem fs, string source)
    {
        var set = new HeldGeneration { Source = source };
        try
        {
            // The generation the engine would open: the newest that decodes (a damaged newest one falls back).
            var read = (string path) => ReadAll(set.Hold(fs.Open(path, FileMode.Open, FileAccess.Read, Shared)));
            foreach (var generation in ManifestStore.Generations(fs, source, read))
            {
                if (generation.Error is FileNotFoundException or DirectoryNotFoundException)
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(generation.Error); // vanished: start over
                if (generation.Error is { } error and not ZgDbCorruptFileException)
                    throw new ZgDbIOException(generation.Path, "read the manifest", error);
                if (generation.Manifest is null) continue;
                set.ManifestName = generation.Name;
                set.ManifestBytes = generation.Bytes;
                set.Manifest = generation.Manifest;
                break;
            }
            // Chunk files and index files alike are immutable and kept while a kept manifest generation lists them.
            var chunks = set.Manifest?.Collections.SelectMany(c => c.Chunks.Concat(c.Indexes.Select(i => new ManifestChunk { File = i.File, Bytes = i.Bytes }))) ?? [];
            foreach (var chunk in chunks)
                set.Chunks.Add((chunk, set.Hold(fs.Open(Path.Combine(source, "chunks", chunk.File), FileMode.Open, FileAccess.Read, Shared))));
            // The WAL segments holding records after the checkpoint (the last one is the one being appended).
            long checkpoint = set.Manifest?.CheckpointLsn ?? 0;
            var segments = fs.ListFiles(Path.Combine(source, "wal"), "*.zgw");
            for (int i = 0; i < segments.Length; i++)
            {
                bool needed = i == segments.Length - 1 || !WalReader.HoldsOnlyFolded(segments[i + 1], checkpoint);
                if (needed) set.Segments.Add((segments[i], set.Hold(fs.Open(Path.Combine(source, "wal", segments[i]), FileMode.Open, FileAccess.Read, Shared))));
            }
            if (set.Segments.Count > 0 && long.TryParse(Path.GetFileNameWithoutExtension(set.Segments[0].Name), out var first) && first > checkpoint + 1)
            {
                set.Dispose(); // the segment after the checkpoint was deleted under us (two checkpoints passed)
                return null;
            }
            return set;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            set.Dispose();
            return null;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    private static byte[] ReadAll(IStorageFile file)
    {
        var data = new byte[file.Length];
        int read = file.ReadAt(0, data);
        return read == data.Length ? data : data[..read];
    }

    /// <summary>Copies the held generation into <paramref name="temp"/>, from the open handles.</summary>
    private static BackupResult Copy(IStorageFileSystem fs, HeldGeneration set, string temp, int attempt, IWorkProgress progress, CancellationToken cancel)
    {
        fs.CreateDirectory(Path.Combine(temp, "chunks"));
        fs.CreateDirectory(Path.Combine(temp, "wal"));
        long bytes = 0;
        if (set.ManifestName is not null) bytes += Write(fs, Path.Combine(temp, set.ManifestName), set.ManifestBytes!);
        var task = progress.Start(attempt == 1 ? "backup" : $"backup (attempt {attempt})", Math.Max(1, set.Chunks.Sum(c => c.Chunk.Bytes)));
        foreach (var (chunk, file) in set.Chunks)
        {
            cancel.ThrowIfCancellationRequested();
            var data = ReadAll(file);
            var path = Path.Combine(set.Source, "chunks", chunk.File);
            if (chunk.File.EndsWith(".zgc", StringComparison.Ordinal)) ChunkHeader.Validate(data, path);
            bytes += Write(fs, Path.Combine(temp, "chunks", chunk.File), data);
            task.Advance(data.Length);
        }
        // The WAL from the checkpoint on, read by the engine's rules (damage refuses the backup); the segment being
        // appended is copied up to its last whole record.
        long checkpoint = set.Manifest?.CheckpointLsn ?? 0;
        long lastLsn = checkpoint;
        var walBytes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var sources = set.Segments.Select(s => new WalSegmentSource(Path.Combine(set.Source, "wal", s.Name), () => walBytes[Path.Combine(set.Source, "wal", s.Name)] = ReadAll(s.File))).ToArray();
        var ends = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in WalReader.Read(sources, checkpoint, skipFolded: false, new BackupSink(ends)))
        {
            ends[record.Path] = record.End;
            lastLsn = Math.Max(lastLsn, record.Lsn);
        }
        int copied = 0;
        foreach (var source in sources)
        {
            if (!ends.TryGetValue(source.Path, out var end)) continue; // a last segment still being created
            bytes += Write(fs, Path.Combine(temp, "wal", Path.GetFileName(source.Path)), walBytes[source.Path].AsSpan(0, end));
            copied++;
        }
        fs.FlushDirectory(Path.Combine(temp, "chunks"));
        fs.FlushDirectory(Path.Combine(temp, "wal"));
        fs.FlushDirectory(temp);
        return new BackupResult(set.Manifest?.Generation ?? 0, checkpoint, lastLsn, set.Chunks.Count, copied, bytes, attempt);
    }

    /// <summary>A backup's rules for the WAL: damage refuses the copy; a torn or incomplete end is left out of it.</summary>
    private sealed class BackupSink(Dictionary<string, int> ends) : IWalProblemSink
    {
        public void Corrupt(ZgDbCorruptFileException problem) => throw problem;

        public void IncompleteSegment(string path, int bytes) { }

        public void TornTail(string path, int offset, int bytes, int sameGroup) { }

        public void Segment(string path, int bytes, long firstLsn) => ends[path] = WalLayout.SegmentHeaderLength;
    }

    private static long Write(IStorageFileSystem fs, string path, ReadOnlySpan<byte> data)
    {
        using var file = fs.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Append(data);
        file.FlushToDisk();
        return data.Length;
    }

    /// <summary>
    /// Restores a backup (verified first) into <paramref name="target"/>: a new directory, or with
    /// <paramref name="replace"/> an existing database that is not open (its lock is taken), swapped by renames.
    /// </summary>
    public static long Restore(string backup, string target, bool replace, IWorkProgress progress, CancellationToken cancel)
    {
        var fs = PhysicalFileSystem.Instance;
        backup = Path.GetFullPath(backup);
        target = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        var report = DatabaseVerifier.Verify(backup, null, cancel);
        if (!report.IsHealthy)
            throw new ZgDbException($"'{backup}' does not verify, so it is not restored: {report.Errors.First()}");
        bool exists = Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any();
        if (exists && !replace)
            throw new ZgDbException($"'{target}' already exists and is not empty; pass --replace to replace that database with the backup.");
        using var targetLock = exists ? LockFile.Acquire(target) : null;
        var temp = $"{target}.restore-{Environment.ProcessId}";
        var old = $"{target}.replaced-{Environment.ProcessId}";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        long bytes = 0;
        try
        {
            var files = Directory.GetFiles(backup, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f) != LockFile.FileName).ToList();
            var task = progress.Start("restore", Math.Max(1, files.Sum(f => new FileInfo(f).Length)));
            foreach (var sub in new[] { "", "chunks", "wal" }) fs.CreateDirectory(Path.Combine(temp, sub));
            foreach (var file in files)
            {
                cancel.ThrowIfCancellationRequested();
                var relative = Path.GetRelativePath(backup, file);
                var destination = Path.Combine(temp, relative);
                fs.CreateDirectory(Path.GetDirectoryName(destination)!);
                var data = fs.ReadAllBytes(file);
                bytes += Write(fs, destination, data);
                task.Advance(data.Length);
            }
            foreach (var sub in new[] { "chunks", "wal", "" }) fs.FlushDirectory(Path.Combine(temp, sub));
            if (Directory.Exists(target))
            {
                Directory.Move(target, old);
            }
            Directory.Move(temp, target);
            fs.FlushDirectory(Path.GetDirectoryName(target)!);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        targetLock?.Dispose();
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        return bytes;
    }
}
