using System.Runtime.InteropServices;

namespace ZgDb.Storage.IO;

/// <summary>
/// An exclusive flock(2) on a database directory itself (Linux and macOS), taken through libc rather than through
/// .NET's <see cref="FileShare"/>, so <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> cannot turn it off, and held on a
/// file that is never deleted or replaced while the database lives. flock belongs to the open file description: a
/// second open of the same directory, in this process or another, conflicts; the kernel releases it when the
/// descriptor is closed or the process dies. The descriptor is close-on-exec, so child processes do not inherit
/// the lock. On Windows there is none (<see cref="FileShare.None"/> on <c>zgdb.lock</c> is the lock there).
/// </summary>
internal sealed partial class DirectoryLock : IDisposable
{
    private const int LockExclusive = 2; // LOCK_EX (Linux and macOS)
    private const int LockNonBlocking = 4; // LOCK_NB
    private int _fd;

    private DirectoryLock(int fd) => _fd = fd;

    /// <summary>
    /// The lock on <paramref name="directory"/>, or null when another open file description holds it. A file system
    /// without flock support (an errno other than EWOULDBLOCK) is not refused, as .NET does for its own lock. A
    /// directory that cannot be opened throws <see cref="ZgDbIOException"/>.
    /// </summary>
    public static DirectoryLock? TryTake(string directory)
    {
        if (OperatingSystem.IsWindows()) return new DirectoryLock(-1);
        int closeOnExec = OperatingSystem.IsMacOS() ? 0x0100_0000 : 0x0008_0000; // O_CLOEXEC
        int fd = Open(directory, closeOnExec /* | O_RDONLY (0) */);
        if (fd < 0)
        {
            int openError = Marshal.GetLastPInvokeError();
            throw new ZgDbIOException(directory, "lock the database directory", new IOException($"open(2) of the directory failed (errno {openError}).", openError));
        }
        if (Flock(fd, LockExclusive | LockNonBlocking) == 0) return new DirectoryLock(fd);
        int errno = Marshal.GetLastPInvokeError();
        int wouldBlock = OperatingSystem.IsMacOS() ? 35 : 11; // EWOULDBLOCK (= EAGAIN)
        if (errno == wouldBlock)
        {
            _ = Close(fd);
            return null;
        }
        return new DirectoryLock(fd); // no flock on this file system: zgdb.lock's FileShare.None is all there is
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>A lock never disposed (a leaked database) is released when it is collected, as a FileStream's would be.</summary>
    ~DirectoryLock() => Release();

    private void Release()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) _ = Close(fd); // closing the last descriptor of the description releases the flock
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

/// <summary>
/// A file's identity (device and inode) on Linux, read with statx(2), whose buffer layout is the same on every
/// architecture. Tells whether a path still names the file an open handle holds. Not available elsewhere.
/// </summary>
internal readonly partial record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;

    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>The identity of the file <paramref name="path"/> names now, or null if none does.</summary>
    public static FileIdentity? OfPath(string path) => Stat(AtFdCwd, path, 0);

    /// <summary>The identity of the file an open handle holds (deleted or not).</summary>
    public static FileIdentity? OfHandle(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Stat((int)handle.DangerousGetHandle(), "", AtEmptyPath);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static unsafe FileIdentity? Stat(int dirFd, string path, int flags)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(dirFd, path, flags, StatxIno, buffer) != 0) return null;
        // struct statx: stx_ino at 32, stx_dev_major at 136, stx_dev_minor at 140.
        return new FileIdentity(*(uint*)(buffer + 136), *(uint*)(buffer + 140), *(ulong*)(buffer + 32));
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
