using Xunit;
using ZgDb.Storage.IO;

namespace ZgDb.Storage.Tests.IO;

/// <summary>
/// The real file system's two flushes: fsync (a new file, a chunk, a manifest) and fdatasync (records appended to a
/// WAL segment). Both leave every appended byte in the file, and a flush of a closed file fails loudly.
/// </summary>
public sealed class PhysicalFileFlushTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "zgdb-flush-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Appended_bytes_flushed_with_fdatasync_are_all_in_the_file()
    {
        var fs = PhysicalFileSystem.Instance;
        var expected = new List<byte>();
        using (var file = fs.Open(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read))
        {
            file.Append([1, 2, 3]);
            file.FlushToDisk();
            expected.AddRange([1, 2, 3]);
            for (byte i = 0; i < 50; i++)
            {
                var record = Enumerable.Repeat(i, 100 + i).ToArray();
                file.Append(record);
                file.FlushDataToDisk();
                expected.AddRange(record);
                Assert.Equal(expected.Count, file.Length);
            }
        }
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(_path));
    }

    [Fact]
    public void Flushing_a_disposed_file_throws_instead_of_reporting_success()
    {
        var file = PhysicalFileSystem.Instance.Open(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        file.Append([9]);
        file.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => file.FlushDataToDisk());
    }
}
