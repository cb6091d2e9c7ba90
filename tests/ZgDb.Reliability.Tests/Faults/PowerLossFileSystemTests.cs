using System.Text;
using Xunit;
using ZgDb.Storage.IO;

namespace ZgDb.Reliability;

/// <summary>
/// The power-loss simulator itself: what it may lose (anything not flushed, file bytes and directory entries) and what
/// it never loses (anything flushed). Each test runs the same steps under many seeds and looks at every outcome.
/// </summary>
public sealed class PowerLossFileSystemTests
{
    private const int Seeds = 96;

    /// <summary>Runs <paramref name="steps"/> on a fresh directory, cuts the power with each seed, returns what <paramref name="look"/> saw each time.</summary>
    private static List<T> Outcomes<T>(Action<PowerLossFileSystem, string> steps, Func<string, T> look, List<PowerCutReport>? reports = null)
    {
        var seen = new List<T>();
        for (int seed = 0; seed < Seeds; seed++)
        {
            using var dir = TempDir.Create("powerloss-unit", memory: true);
            var disk = new PowerLossFileSystem();
            steps(disk, dir.Path);
            var report = disk.Cut(new Random(seed));
            reports?.Add(report);
            seen.Add(look(dir.Path));
        }
        return seen;
    }

    private static void Write(PowerLossFileSystem disk, string path, string text, bool flush, FileMode mode = FileMode.OpenOrCreate)
    {
        using var file = disk.Open(path, mode, FileAccess.ReadWrite, FileShare.None);
        file.Append(Encoding.UTF8.GetBytes(text));
        if (flush) file.FlushToDisk();
    }

    private static string? Read(string path) => File.Exists(path) ? Encoding.UTF8.GetString(File.ReadAllBytes(path)) : null;

    [Fact]
    public void An_append_not_flushed_can_vanish_and_the_flushed_bytes_before_it_never_do()
    {
        var seen = Outcomes((disk, dir) =>
        {
            Write(disk, Path.Combine(dir, "log"), "flushed.", flush: true);
            disk.FlushDirectory(dir);
            Write(disk, Path.Combine(dir, "log"), "not flushed", flush: false);
        }, dir => Read(Path.Combine(dir, "log")));
        Assert.All(seen, s => Assert.StartsWith("flushed.", s));
        Assert.Contains("flushed.", seen);
        Assert.Contains("flushed.not flushed", seen);
        Assert.Contains(seen, s => s != "flushed." && s != "flushed.not flushed"); // cut short or torn
    }

    [Fact]
    public void A_write_flushed_to_disk_in_a_flushed_directory_is_never_lost()
    {
        var seen = Outcomes((disk, dir) =>
        {
            Write(disk, Path.Combine(dir, "log"), "one.", flush: true);
            Write(disk, Path.Combine(dir, "log"), "two.", flush: true);
            disk.FlushDirectory(dir);
        }, dir => Read(Path.Combine(dir, "log")));
        Assert.All(seen, s => Assert.Equal("one.two.", s));
    }

    [Fact]
    public void A_new_file_whose_directory_was_not_flushed_can_vanish_even_with_its_content_flushed()
    {
        var seen = Outcomes((disk, dir) => Write(disk, Path.Combine(dir, "new"), "content", flush: true), dir => Read(Path.Combine(dir, "new")));
        Assert.Contains(null, seen);
        Assert.Contains("content", seen);
        Assert.All(seen, s => Assert.True(s is null or "content", $"a flushed file came back as '{s}'"));
    }

    [Fact]
    public void A_rename_not_followed_by_a_directory_flush_can_be_undone_keeping_the_old_file()
    {
        var seen = Outcomes((disk, dir) =>
        {
            Write(disk, Path.Combine(dir, "manifest"), "old", flush: true);
            Write(disk, Path.Combine(dir, "manifest.tmp"), "new", flush: true);
            disk.FlushDirectory(dir);
            disk.Move(Path.Combine(dir, "manifest.tmp"), Path.Combine(dir, "manifest"));
        }, dir => (Manifest: Read(Path.Combine(dir, "manifest")), Temp: Read(Path.Combine(dir, "manifest.tmp"))));
        Assert.Contains(("old", "new"), seen); // undone: both files as they were
        Assert.Contains(((string?)"new", (string?)null), seen); // kept
        Assert.All(seen, s => Assert.True(s is ("old", "new") or ("new", null), $"after the cut: manifest '{s.Manifest}', temp '{s.Temp}'"));
    }

    [Fact]
    public void A_rename_followed_by_a_directory_flush_is_kept()
    {
        var seen = Outcomes((disk, dir) =>
        {
            Write(disk, Path.Combine(dir, "manifest"), "old", flush: true);
            disk.FlushDirectory(dir);
            Write(disk, Path.Combine(dir, "manifest.tmp"), "new", flush: true);
            disk.Move(Path.Combine(dir, "manifest.tmp"), Path.Combine(dir, "manifest"));
            disk.FlushDirectory(dir);
        }, dir => (Manifest: Read(Path.Combine(dir, "manifest")), Temp: Read(Path.Combine(dir, "manifest.tmp"))));
        Assert.All(seen, s => Assert.Equal(("new", (string?)null), s));
    }

    [Fact]
    public void A_rename_of_a_file_whose_content_was_not_flushed_can_leave_it_torn_under_the_new_name()
    {
        // What a manifest replace that skipped the temp file's flush could leave: the reason rule 2 flushes it first.
        var seen = Outcomes((disk, dir) =>
        {
            Write(disk, Path.Combine(dir, "manifest"), "old", flush: true);
            disk.FlushDirectory(dir);
            Write(disk, Path.Combine(dir, "manifest.tmp"), "new content", flush: false);
            disk.Move(Path.Combine(dir, "manifest.tmp"), Path.Combine(dir, "manifest"));
            disk.FlushDirectory(dir);
        }, dir => Read(Path.Combine(dir, "manifest")));
        Assert.Contains("new content", seen);
        Assert.Contains(seen, s => s != "new content" && s != "old");
    }

    [Fact]
    public void A_delete_not_followed_by_a_directory_flush_can_be_undone_with_the_file_s_content()
    {
        var seen = Outcomes((disk, dir) =>
        {
            Write(disk, Path.Combine(dir, "segment"), "records", flush: true);
            disk.FlushDirectory(dir);
            disk.Delete(Path.Combine(dir, "segment"));
        }, dir => Read(Path.Combine(dir, "segment")));
        Assert.Contains(null, seen);
        Assert.Contains("records", seen);
        Assert.All(seen, s => Assert.True(s is null or "records", $"the deleted file came back as '{s}'"));
    }

    [Fact]
    public void A_truncation_not_flushed_can_be_undone()
    {
        var seen = Outcomes((disk, dir) =>
        {
            Write(disk, Path.Combine(dir, "segment"), "kept|torn tail", flush: true);
            disk.FlushDirectory(dir);
            using var file = disk.Open(Path.Combine(dir, "segment"), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(4);
        }, dir => Read(Path.Combine(dir, "segment")));
        Assert.Contains("kept", seen);
        Assert.Contains("kept|torn tail", seen);
    }

    [Fact]
    public void A_new_directory_not_flushed_in_its_parent_can_vanish_with_the_files_in_it()
    {
        var seen = Outcomes((disk, dir) =>
        {
            var sub = Path.Combine(dir, "wal");
            disk.CreateDirectory(sub);
            Write(disk, Path.Combine(sub, "segment"), "records", flush: true);
            disk.FlushDirectory(sub);
        }, dir => (Directory.Exists(Path.Combine(dir, "wal")), Read(Path.Combine(dir, "wal", "segment"))));
        Assert.Contains((false, (string?)null), seen);
        Assert.Contains((true, (string?)"records"), seen);
        Assert.All(seen, s => Assert.True(s is (false, null) or (true, "records"), $"after the cut: {s}"));
    }

    [Fact]
    public void A_torn_write_damages_unflushed_sectors_in_any_order_and_never_the_flushed_bytes()
    {
        var flushed = Enumerable.Range(0, 700).Select(i => (byte)('a' + i % 26)).ToArray();
        var appended = Enumerable.Range(0, 4 * PowerCut.SectorBytes).Select(i => (byte)('A' + i % 26)).ToArray();
        var whole = flushed.Concat(appended).ToArray();
        var reports = new List<PowerCutReport>();
        var seen = Outcomes((disk, dir) =>
        {
            using var file = disk.Open(Path.Combine(dir, "log"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            file.Append(flushed);
            file.FlushToDisk();
            disk.FlushDirectory(dir);
            file.Append(appended);
        }, dir => File.ReadAllBytes(Path.Combine(dir, "log")), reports);
        Assert.All(seen, bytes => Assert.True(bytes.AsSpan().StartsWith(flushed), "a flushed byte was damaged"));
        Assert.True(reports.Sum(r => r.SectorsZeroed + r.SectorsGarbage + r.SectorsOld) > 0, "no sector was ever damaged");
        // Write-back out of order: a damaged sector with a later one that reached the disk.
        Assert.Contains(seen, bytes => bytes.Length == whole.Length && SectorDiffers(bytes, whole, 1) && !SectorDiffers(bytes, whole, bytes.Length / PowerCut.SectorBytes));
    }

    private static bool SectorDiffers(byte[] bytes, byte[] expected, int sector)
    {
        int start = sector * PowerCut.SectorBytes, end = Math.Min(expected.Length, start + PowerCut.SectorBytes);
        return !bytes.AsSpan(start, end - start).SequenceEqual(expected.AsSpan(start, end - start));
    }

    [Fact]
    public void The_power_is_off_after_a_cut()
    {
        using var dir = TempDir.Create("powerloss-off", memory: true);
        var disk = new PowerLossFileSystem();
        using var file = disk.Open(Path.Combine(dir.Path, "log"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        disk.Cut(new Random(1));
        Assert.Throws<IOException>(() => file.Append([1]));
        Assert.Throws<IOException>(() => disk.FlushDirectory(dir.Path));
    }
}
