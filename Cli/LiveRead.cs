using ZgDb.Tooling;

namespace ZgDb.Cli;

/// <summary>
/// Reads of a database an application may have open. The inspection reader takes no lock: it reads the manifest, then
/// the WAL, then chunks as needed, and an application's checkpoint in between can delete WAL segments or chunk files
/// under it. The read then fails as if a healthy database were corrupt ("records N..M are missing", a missing file).
/// Such a failure, while another process holds the directory's lock, is a read to do again from the new manifest (up
/// to <see cref="Attempts"/> times); without the lock held, a failure is what it says.
/// </summary>
internal static class LiveRead
{
    public const int Attempts = 5;

    /// <summary>Runs <paramref name="read"/> again while it fails because files were replaced under it.</summary>
    /// <param name="directory">The database directory.</param>
    /// <param name="read">The whole read (it must be safe to run again: nothing printed or kept from a failed try).</param>
    /// <param name="mayRetry">Asked before each new try; false when the failed try already produced output.</param>
    public static T Run<T>(string directory, Func<T> read, Func<bool>? mayRetry = null, int attempts = Attempts)
    {
        var full = Path.GetFullPath(directory);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return read();
            }
            catch (Exception e) when (IsReplacedUnderTheRead(e) && attempt < attempts && DatabaseDirectory.IsOpenElsewhere(full) && (mayRetry?.Invoke() ?? true))
            {
                // An application's checkpoint replaced files under this read: read the new generation.
            }
        }
    }

    private static bool IsReplacedUnderTheRead(Exception e) => e is ZgDbCorruptFileException or ZgDbIOException or IOException;
}
