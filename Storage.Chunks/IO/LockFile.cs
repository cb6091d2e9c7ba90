using System.Text;

namespace ZgDb.Storage.IO;

/// <summary>
/// The exclusive lock on a database directory (<c>zgdb.lock</c>). Held from open to dispose; a second open, from
/// this process or another, fails with <see cref="ZgDbLockedException"/>. On Linux and macOS .NET takes an
/// flock(2) exclusive lock for <see cref="FileShare.None"/>, which the kernel drops if the process dies.
/// </summary>
internal sealed class LockFile : IDisposable
{
    public const string FileName = "zgdb.lock";
    private readonly FileStream _stream;

    private LockFile(FileStream stream) => _stream = stream;

    public static LockFile Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var owner = Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} ({Environment.ProcessPath}) since {DateTime.UtcNow:O}\n");
            stream.SetLength(0);
            stream.Write(owner);
            stream.Flush();
            return new LockFile(stream);
        }
        catch (IOException e)
        {
            throw new ZgDbLockedException(path, "another process or another open database in this process", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ZgDbLockedException(path, "nobody this process may override (access denied)", e);
        }
    }

    /// <summary>Whether the directory's lock is held right now by someone else (used by tools that must not touch a live database).</summary>
    public static bool IsHeld(string directory)
    {
        try
        {
            using var _ = Acquire(directory);
            return false;
        }
        catch (ZgDbLockedException)
        {
            return true;
        }
    }

    public void Dispose() => _stream.Dispose();
}
