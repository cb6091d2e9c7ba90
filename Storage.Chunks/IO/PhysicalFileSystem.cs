using System.Runtime.InteropServices;

namespace ZgDb.Storage.IO;

/// <summary>The real file system. Directory flushes use open(2)+fsync(2) on Linux and macOS; Windows has none.</summary>
internal sealed partial class PhysicalFileSystem : IStorageFileSystem
{
    public static readonly PhysicalFileSystem Instance = new();

    public bool FileExists(string path) => File.Exists(path);
    public bool DirectoryExists(string path) => Directory.Exists(path);
    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public string[] ListFiles(string directory, string pattern)
    {
        if (!Directory.Exists(directory)) return [];
        var names = Directory.GetFiles(directory, pattern).Select(System.IO.Path.GetFileName).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names!;
    }

    public IStorageFile Open(string path, FileMode mode, FileAccess access, FileShare share) =>
        new PhysicalFile(new FileStream(path, mode, access, share, bufferSize: 0, FileOptions.None));

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    public Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken) => File.ReadAllBytesAsync(path, cancellationToken);

    public void Move(string source, string destination) => File.Move(source, destination, overwrite: true);

    public void Delete(string path) => File.Delete(path);

    public void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return; // no directory fsync on Windows; File.Move is durable through NTFS's journal.
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"Cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(nint fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    private sealed class PhysicalFile(FileStream stream) : IStorageFile
    {
        public string Path => stream.Name;
        public long Length => stream.Length;

        public void Append(ReadOnlySpan<byte> data)
        {
            stream.Seek(0, SeekOrigin.End);
            stream.Write(data);
        }

        public int ReadAt(long offset, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = RandomAccess.Read(stream.SafeFileHandle, buffer[total..], offset + total);
                if (read == 0) break;
                total += read;
            }
            return total;
        }

        public void SetLength(long length) => stream.SetLength(length);

        public void FlushToDisk() => stream.Flush(flushToDisk: true);

        public void FlushDataToDisk()
        {
            if (!OperatingSystem.IsLinux())
            {
                FlushToDisk();
                return;
            }
            stream.Flush(flushToDisk: false); // the stream's buffer to the kernel
            bool added = false;
            var handle = stream.SafeFileHandle;
            try
            {
                handle.DangerousAddRef(ref added);
                if (Fdatasync(handle.DangerousGetHandle()) != 0)
                    throw new IOException($"fdatasync of '{stream.Name}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        public void Dispose() => stream.Dispose();
    }
}
