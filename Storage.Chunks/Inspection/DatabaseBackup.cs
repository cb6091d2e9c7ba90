using ZgDb.Storage.Format;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;

namespace ZgDb.Storage.Inspection;

/// <summary>What a backup copied.</summary>
internal sealed record BackupResult(long Generation, long CheckpointLsn, long LastLsn, int Chunks, int WalSegments, long Bytes, int Attempts);

/// <summary>
/// Consistent copies of a database that may be open in another process, and restores. A backup copies the newest
/// manifest, the chunk files it lists and the WAL from its checkpoint on. Chunk files are immutable and the engine
/// keeps every file of the previous manifest generation, so the copy is consistent as long as the copied manifest is
/// still current or previous once everything is copied; if a checkpoint (two, in fact) raced the copy, it starts over.
/// </summary>
internal static class DatabaseBackup
{
    public const int MaxAttempts = 8;

    public static BackupResult Backup(string directory, string target, IWorkProgress progress, CancellationToken cancel)
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
                if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
                var result = TryCopy(fs, directory, temp, attempt, progress, cancel);
                if (result is null)
                {
                    if (attempt == MaxAttempts)
                        throw new ZgDbException($"Checkpoints kept replacing the files of '{directory}' during {MaxAttempts} attempts to copy it; try again when it is less busy.");
                    continue;
                }
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

    /// <summary>One attempt; null if a checkpoint raced it (a file it needed disappeared, or its manifest is no longer kept).</summary>
    private static BackupResult? TryCopy(IStorageFileSystem fs, string source, string temp, int attempt, IWorkProgress progress, CancellationToken cancel)
    {
        fs.CreateDirectory(Path.Combine(temp, "chunks"));
        fs.CreateDirectory(Path.Combine(temp, "wal"));
        long bytes = 0;
        // The newest manifest that validates (as the engine picks it).
        Manifest? manifest = null;
        string? manifestName = null;
        foreach (var name in fs.ListFiles(source, "manifest-*.zgm").Reverse())
        {
            byte[] data;
            try
            {
                data = fs.ReadAllBytes(Path.Combine(source, name));
                ManifestLayout.Validate(data, name);
            }
            catch (FileNotFoundException) { return null; }
            catch (ZgDbCorruptFileException) { continue; }
            bytes += Write(fs, Path.Combine(temp, name), data);
            manifest = ManifestStore.Read(fs, Path.Combine(temp, name));
            manifestName = name;
            break;
        }
        // Chunk files and index files alike are immutable and kept while a kept manifest generation lists them.
        var chunks = manifest?.Collections.SelectMany(c => c.Chunks.Concat(c.Indexes.Select(i => new ManifestChunk { File = i.File, Bytes = i.Bytes }))).ToList() ?? [];
        var task = progress.Start(attempt == 1 ? "backup" : $"backup (attempt {attempt})", Math.Max(1, chunks.Sum(c => c.Bytes)));
        foreach (var chunk in chunks)
        {
            cancel.ThrowIfCancellationRequested();
            byte[] data;
            try
            {
                data = fs.ReadAllBytes(Path.Combine(source, "chunks", chunk.File));
            }
            catch (FileNotFoundException) { return null; }
            if (chunk.File.EndsWith(".zgc", StringComparison.Ordinal)) ChunkHeader.Validate(data, Path.Combine(source, "chunks", chunk.File));
            bytes += Write(fs, Path.Combine(temp, "chunks", chunk.File), data);
            task.Advance(data.Length);
        }
        // The WAL from the checkpoint on; the segment being appended is copied up to its last whole record.
        long checkpoint = manifest?.CheckpointLsn ?? 0;
        var segments = fs.ListFiles(Path.Combine(source, "wal"), "*.zgw");
        long lastLsn = checkpoint;
        int copied = 0;
        long expectedFirst = -1;
        for (int i = 0; i < segments.Length; i++)
        {
            bool needed = i == segments.Length - 1
                || !long.TryParse(Path.GetFileNameWithoutExtension(segments[i + 1]), out var nextFirst) || nextFirst - 1 > checkpoint;
            if (!needed) continue;
            byte[] data;
            try
            {
                data = fs.ReadAllBytes(Path.Combine(source, "wal", segments[i]));
            }
            catch (FileNotFoundException) { return null; }
            if (data.Length <= WalLayout.SegmentHeaderLength && i == segments.Length - 1) break; // being created
            long first = WalLayout.ValidateSegmentHeader(data, Path.Combine(source, "wal", segments[i]));
            if (expectedFirst == -1 && first > checkpoint + 1) return null; // a segment we need was deleted under us
            int end = WalLayout.SegmentHeaderLength;
            long expected = first;
            while (WalLayout.TryReadRecord(data, end, out var lsn, out var payload) && lsn == expected)
            {
                end += WalLayout.RecordHeaderLength + payload.Length;
                lastLsn = Math.Max(lastLsn, lsn);
                expected++;
            }
            expectedFirst = expected;
            bytes += Write(fs, Path.Combine(temp, "wal", segments[i]), data.AsSpan(0, end));
            copied++;
            if (end < data.Length) break; // the tail was being written: nothing after it can be whole
        }
        fs.FlushDirectory(Path.Combine(temp, "chunks"));
        fs.FlushDirectory(Path.Combine(temp, "wal"));
        fs.FlushDirectory(temp);
        // Consistent only if our manifest is still one the engine keeps (so nothing it lists was deleted meanwhile).
        if (manifestName is not null && !fs.FileExists(Path.Combine(source, manifestName))) return null;
        return new BackupResult(manifest?.Generation ?? 0, checkpoint, lastLsn, chunks.Count, copied, bytes, attempt);
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
