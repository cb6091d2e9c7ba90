namespace ZgDb.Storage.IO;

/// <summary>
/// The one seam between the engine and the disk. Every byte the engine writes or reads goes through it, so
/// tests can make any step fail, tear or run out of space (see tests' FaultyFileSystem).
/// </summary>
internal interface IStorageFileSystem
{
    bool FileExists(string path);
    bool DirectoryExists(string path);
    void CreateDirectory(string path);

    /// <summary>File names (not paths) in <paramref name="directory"/> matching <paramref name="pattern"/>, sorted ordinally.</summary>
    string[] ListFiles(string directory, string pattern);

    /// <summary>Opens a file; the handle is only valid until disposed.</summary>
    IStorageFile Open(string path, FileMode mode, FileAccess access, FileShare share);

    byte[] ReadAllBytes(string path);

    /// <summary>
    /// Reads a whole file without holding the caller's thread for the I/O (an async query's chunk loads). A file
    /// system without asynchronous reads (the tests' fault injectors) reads synchronously, after checking the token.
    /// </summary>
    Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ReadAllBytes(path));
    }

    /// <summary>Renames a file, replacing the target if it exists (atomic on POSIX file systems).</summary>
    void Move(string source, string destination);

    void Delete(string path);

    /// <summary>Makes the directory's entries (created, renamed, deleted files) durable: fsync on the directory.</summary>
    void FlushDirectory(string directory);
}

/// <summary>An open file. Writes append at the end; reads are positional.</summary>
internal interface IStorageFile : IDisposable
{
    string Path { get; }
    long Length { get; }

    /// <summary>Appends <paramref name="data"/> at the end of the file.</summary>
    void Append(ReadOnlySpan<byte> data);

    /// <summary>Reads up to <paramref name="buffer"/>'s length at <paramref name="offset"/>; returns the bytes read.</summary>
    int ReadAt(long offset, Span<byte> buffer);

    void SetLength(long length);

    /// <summary>Flushes the file's data to the disk itself (fsync), not only to the OS cache.</summary>
    void FlushToDisk();

    /// <summary>
    /// Flushes the file's data and the metadata needed to read it back (its length) to the disk: fdatasync on Linux,
    /// as PostgreSQL's and SQLite's logs are flushed; it skips timestamps, which nothing reads. Used for records
    /// appended to a WAL segment that already exists (its creation is flushed with <see cref="FlushToDisk"/> and a
    /// directory flush). A file system without it flushes everything.
    /// </summary>
    void FlushDataToDisk() => FlushToDisk();
}
