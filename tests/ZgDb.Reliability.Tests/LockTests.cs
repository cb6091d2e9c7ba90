using System.Diagnostics;
using ZgDb.Storage.IO;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Reliability;

/// <summary>
/// The lock guards the database, not a path (issue 13, finding 11): deleting <c>zgdb.lock</c> while the database is
/// open (a "stale lock" clean-up) or turning .NET's file locking off (<c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING=1</c>)
/// must not let a second writer in, in this process or another.
/// </summary>
public sealed class LockTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, string> NoFileLocking = new() { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" };

    private string TryOpenInChild(string dir, IReadOnlyDictionary<string, string> environment)
    {
        using var child = CrashChild.Start(environment, "tryopen", dir);
        var line = CrashChild.ReadLine(child, ChildTimeout);
        if (!child.WaitForExit(ChildTimeout)) CrashChild.KillHard(child);
        output.WriteLine($"child: {line}");
        return line ?? throw new Xunit.Sdk.XunitException("the child said nothing; stderr: " + CrashChild.ErrorOutput(child));
    }

    private static Process HoldInChild(string dir, IReadOnlyDictionary<string, string> environment)
    {
        var child = CrashChild.Start(environment, "hold", dir);
        var line = CrashChild.ReadLine(child, ChildTimeout);
        if (line != "holding")
        {
            CrashChild.KillHard(child);
            throw new Xunit.Sdk.XunitException($"the holding child said '{line}'; stderr: {CrashChild.ErrorOutput(child)}");
        }
        return child;
    }

    private static void Release(Process child)
    {
        child.StandardInput.Close();
        if (!child.WaitForExit(ChildTimeout)) CrashChild.KillHard(child);
        child.Dispose();
    }

    [Fact]
    public void Deleting_the_lock_file_while_open_does_not_let_a_second_open_in()
    {
        using var dir = TempDir.Create("lock-deleted");
        using var db = ZgDatabase.Open<CrashDb>(dir.Path);
        db.Accounts.Insert(new Account { Id = 1, Owner = "first" });
        File.Delete(Path.Combine(dir.Path, LockFile.FileName));

        Assert.Throws<ZgDbLockedException>(() => ZgDatabase.Open<CrashDb>(dir.Path).Dispose()); // same process: a second open file description
        Assert.StartsWith("locked: ", TryOpenInChild(dir.Path, new Dictionary<string, string>()));
        Assert.Equal(1, db.Accounts.Count());
    }

    [Fact]
    public void File_locking_disabled_by_the_environment_still_refuses_a_second_writer()
    {
        using var dir = TempDir.Create("lock-nofilelocking");
        using (var db = ZgDatabase.Open<CrashDb>(dir.Path))
            Assert.StartsWith("locked: ", TryOpenInChild(dir.Path, NoFileLocking)); // the second opener has locking off

        var holder = HoldInChild(dir.Path, NoFileLocking); // the first opener has locking off
        try
        {
            Assert.Throws<ZgDbLockedException>(() => ZgDatabase.Open<CrashDb>(dir.Path).Dispose());
            Assert.StartsWith("locked: ", TryOpenInChild(dir.Path, NoFileLocking)); // both have it off
        }
        finally
        {
            Release(holder);
        }
        Assert.Equal("opened", TryOpenInChild(dir.Path, NoFileLocking)); // released with the process
    }

    [Fact]
    public void A_lock_held_by_a_killed_process_is_released_and_its_stale_file_is_harmless()
    {
        using var dir = TempDir.Create("lock-killed");
        var holder = HoldInChild(dir.Path, new Dictionary<string, string>());
        CrashChild.KillHard(holder);
        holder.Dispose();
        Assert.True(File.Exists(Path.Combine(dir.Path, LockFile.FileName))); // the stale file stays
        using var db = ZgDatabase.Open<CrashDb>(dir.Path);
        Assert.Equal(0, db.Accounts.Count());
    }

    [Fact]
    public void A_lock_file_deleted_while_open_is_recreated_at_the_next_checkpoint()
    {
        using var dir = TempDir.Create("lock-recreated");
        var path = Path.Combine(dir.Path, LockFile.FileName);
        using var db = ZgDatabase.Open<CrashDb>(dir.Path);
        File.Delete(path);
        db.Accounts.Insert(new Account { Id = 1, Owner = "a" });
        db.Checkpoint();
        Assert.True(File.Exists(path));
        // The recreated file is held: an opener that takes only zgdb.lock (an older version) is refused too.
        Assert.Throws<IOException>(() => new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());
        db.Accounts.Insert(new Account { Id = 2, Owner = "b" });
        db.Checkpoint();
    }

    [Fact]
    public void A_lock_file_replaced_and_held_by_another_opener_faults_the_database()
    {
        if (!OperatingSystem.IsLinux()) return; // the replaced-file check reads inodes with statx (Linux only)
        using var dir = TempDir.Create("lock-replaced");
        var path = Path.Combine(dir.Path, LockFile.FileName);
        using var db = ZgDatabase.Open<CrashDb>(dir.Path);
        File.Delete(path);
        // What an older version, which locks only zgdb.lock, would do after the "clean-up".
        using (var intruder = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
        {
            db.Accounts.Insert(new Account { Id = 1, Owner = "a" });
            var e = Assert.Throws<ZgDbLockedException>(() => db.Checkpoint());
            Assert.Contains("deleted or replaced", e.Message);
            Assert.Throws<ZgDbFaultedException>(() => db.Accounts.Insert(new Account { Id = 2, Owner = "b" }));
        }
    }
}
