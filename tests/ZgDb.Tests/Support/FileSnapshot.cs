namespace ZgDb.Tests.Support;

/// <summary>The bytes of every file of a database directory (the lock file aside), to assert a refused open changed nothing.</summary>
public sealed class FileSnapshot
{
    private readonly string _directory;
    private readonly Dictionary<string, byte[]> _files;

    public FileSnapshot(string directory)
    {
        _directory = directory;
        _files = Read(directory);
    }

    private static Dictionary<string, byte[]> Read(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllBytes);

    public int Count => _files.Count;

    /// <summary>Asserts the same files exist, byte for byte.</summary>
    public void AssertUnchanged()
    {
        var now = Read(_directory);
        Assert.Equal(_files.Keys.Order(StringComparer.Ordinal), now.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in _files) Assert.True(bytes.AsSpan().SequenceEqual(now[file]), $"{file} changed");
    }
}
