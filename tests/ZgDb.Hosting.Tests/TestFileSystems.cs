using ZgDb.Storage.IO;

namespace ZgDb.Hosting.Tests;

/// <summary>
/// The real file system, with two switches: <see cref="FlushDelay"/> makes every fsync of a file slow (so a test
/// can tell whether a caller waited for it), <see cref="FailFlushes"/> makes it fail as a dying disk does (EIO).
/// </summary>
internal sealed class SwitchableFileSystem : IStorageFileSystem
{
    private readonly IStorageFileSystem _inner = PhysicalFileSystem.Instance;

    public TimeSpan FlushDelay { get; set; }
    public volatile bool FailFlushes;

    public bool FileExists(string path) => _inner.FileExists(path);
    public bool DirectoryExists(string path) => _inner.DirectoryExists(path);
    public void CreateDirectory(string path) => _inner.CreateDirectory(path);
    public string[] ListFiles(string directory, string pattern) => _inner.ListFiles(directory, pattern);
    public IStorageFile Open(string path, FileMode mode, FileAccess access, FileShare share) => new File(this, _inner.Open(path, mode, access, share));
    public byte[] ReadAllBytes(string path) => _inner.ReadAllBytes(path);
    public void Move(string source, string destination) => _inner.Move(source, destination);
    public void Delete(string path) => _inner.Delete(path);
    public void FlushDirectory(string directory) => _inner.FlushDirectory(directory);

    private sealed class File(SwitchableFileSystem fs, IStorageFile inner) : IStorageFile
    {
        public string Path => inner.Path;
        public long Length => inner.Length;
        public void Append(ReadOnlySpan<byte> data) => inner.Append(data);
        public int ReadAt(long offset, Span<byte> buffer) => inner.ReadAt(offset, buffer);
        public void SetLength(long length) => inner.SetLength(length);

        public void FlushToDisk()
        {
            if (fs.FailFlushes) throw new IOException($"Input/output error (injected) flushing '{inner.Path}'", 5);
            if (fs.FlushDelay > TimeSpan.Zero) Thread.Sleep(fs.FlushDelay);
            inner.FlushToDisk();
        }

        public void Dispose() => inner.Dispose();
    }
}
