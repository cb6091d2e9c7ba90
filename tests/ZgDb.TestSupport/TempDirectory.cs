namespace ZgDb.TestSupport;

/// <summary>
/// A fresh directory under the system temp folder (or under /dev/shm when asked), deleted on dispose unless
/// <see cref="Keep"/> was called. The one scratch-directory helper of every test project.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    private bool _keep;

    /// <summary>A new directory named <c>zgdb-tests-&lt;guid&gt;</c> under the system temp folder.</summary>
    public TempDirectory() : this("tests")
    {
    }

    /// <summary>A new directory named <c>zgdb-&lt;name&gt;-&lt;guid&gt;</c>; under /dev/shm when <paramref name="memory"/> is set and it exists.</summary>
    public TempDirectory(string name, bool memory = false)
    {
        var root = memory && Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, $"zgdb-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>
    /// A new directory under /dev/shm when <paramref name="memory"/> is set (tests that inject faults through the
    /// file-system seam do not need a real disk, only real files), else under the system temp folder.
    /// </summary>
    public static TempDirectory Create(string name, bool memory = false) => new(name, memory);

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory (not created).</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>A path inside the directory (not created).</summary>
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A path inside the directory made of several parts (not created).</summary>
    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Keeps the directory for a post-mortem and returns its path (a failing test prints it).</summary>
    public string Keep()
    {
        _keep = true;
        return Path;
    }

    /// <summary>Deletes the directory and everything in it; a file a child process still holds is left to the OS.</summary>
    public void Dispose()
    {
        if (_keep) return;
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
