using System.Text;

namespace ZgDb.Storage.IO;

/// <summary>
/// The exclusive lock on a database directory. Held from open to dispose; a second open, from this process or
/// another, fails with <see cref="ZgDbLockedException"/>. Two locks are held, both dropped by the kernel when the
/// process dies (a "stale" lock file left by a killed process locks nothing):
/// <list type="bullet">
/// <item>On Linux and macOS, <see cref="DirectoryLock"/>: flock(2) on the database directory itself, taken through
/// libc, so it guards the directory however <c>zgdb.lock</c> is deleted or replaced and whatever
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> says (that switch only turns off .NET's own flock).</item>
/// <item><c>zgdb.lock</c> opened with <see cref="FileShare.None"/>: the lock on Windows (where an open file cannot be
/// deleted), and on Linux and macOS .NET's flock, which excludes older versions that take only this one. Its text
/// (owner pid, path, time) is for people.</item>
/// </list>
/// </summary>
internal sealed class LockFile : IDisposable
{
    public const string FileName = "zgdb.lock";
    private readonly DirectoryLock? _directoryLock;
    private readonly string _path;
    private FileStream _stream;

    private LockFile(DirectoryLock? directoryLock, string path, FileStream stream)
    {
        _directoryLock = directoryLock;
        _path = path;
        _stream = stream;
    }

    /// <summary>
    /// How long a lock found held is tried again before the open is refused. A lock released a moment ago can still be
    /// held for a while by a child process the application (or a test host) is starting: between fork and exec the
    /// child holds a copy of every descriptor, close-on-exec ones included, and flock belongs to the descriptor.
    /// </summary>
    internal static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(2);

    public static LockFile Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var deadline = DateTime.UtcNow + RetryWindow;
        while (true)
        {
            var directoryLock = DirectoryLock.TryTake(directory);
            FileStream? stream = null;
            ZgDbLockedException? held = directoryLock is null
                ? new ZgDbLockedException(path, "another process or another open database in this process (the database directory is locked)", null)
                : null;
            if (directoryLock is not null)
            {
                try
                {
                    stream = OpenLockFile(path);
                }
                catch (ZgDbLockedException e)
                {
                    held = e;
                }
                catch
                {
                    directoryLock.Dispose();
                    throw;
                }
            }
            if (held is null) return new LockFile(directoryLock, path, stream!);
            directoryLock?.Dispose();
            if (DateTime.UtcNow >= deadline) throw held;
            Thread.Sleep(20);
        }
    }

    private static FileStream OpenLockFile(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var owner = Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} ({Environment.ProcessPath}) since {DateTime.UtcNow:O}\n");
            stream.SetLength(0);
            stream.Write(owner);
            stream.Flush();
            return stream;
        }
        catch (IOException e) when (IsHeldByAnother(e))
        {
            throw new ZgDbLockedException(path, "another process or another open database in this process", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not a lock someone holds: the lock file cannot be created or opened at all (permission denied, a
            // read-only file system, a missing directory, a directory in its place, a device error).
            throw new ZgDbIOException(path, "create or open the lock file", e);
        }
    }

    /// <summary>
    /// Whether opening the lock file failed because another open file description holds it: .NET reports flock's
    /// EWOULDBLOCK (Linux and macOS) and Windows' sharing and lock violations with those codes as the HResult. Every
    /// other failure is an I/O error, not a held lock.
    /// </summary>
    internal static bool IsHeldByAnother(IOException e)
    {
        const int sharingViolation = unchecked((int)0x80070020), lockViolation = unchecked((int)0x80070021);
        int wouldBlock = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 35 : 11; // EWOULDBLOCK (= EAGAIN)
        return e.GetType() == typeof(IOException)
            && (OperatingSystem.IsWindows() ? e.HResult is sharingViolation or lockViolation : e.HResult == wouldBlock);
    }

    /// <summary>
    /// Checks that <c>zgdb.lock</c> is still the file this lock holds open (Linux). A lock file deleted or replaced
    /// meanwhile (a "stale lock" clean-up) is recreated and held again, so people and older versions see the
    /// database as open; the directory lock guarded it all along. Throws <see cref="ZgDbLockedException"/> if the
    /// file now at the path is held by someone else (a process that only takes <c>zgdb.lock</c>): then two writers
    /// may have the files open, and the caller must stop writing. A no-op where the check is not available.
    /// </summary>
    /// <returns>Whether the lock file had to be recreated.</returns>
    public bool Verify()
    {
        if (!FileIdentity.IsAvailable) return false;
        var held = FileIdentity.OfHandle(_stream.SafeFileHandle);
        var atPath = FileIdentity.OfPath(_path);
        if (held is not null && atPath is not null && held == atPath) return false;
        FileStream replacement;
        try
        {
            replacement = OpenLockFile(_path);
        }
        catch (ZgDbLockedException e)
        {
            throw new ZgDbLockedException(_path,
                "another process, which took the lock file after it was deleted or replaced while this database was open (never delete zgdb.lock: a stale one is harmless)", e);
        }
        var old = _stream;
        _stream = replacement;
        old.Dispose();
        return true;
    }

    /// <summary>
    /// Whether the directory's lock is held right now by someone else (used by tools that must not touch a live
    /// database): the directory lock, or <c>zgdb.lock</c> if it exists. Creates and changes nothing.
    /// </summary>
    public static bool IsHeld(string directory)
    {
        using var directoryLock = DirectoryLock.TryTake(directory);
        if (directoryLock is null) return true;
        var path = Path.Combine(directory, FileName);
        try
        {
            using var _ = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _directoryLock?.Dispose();
    }
}
