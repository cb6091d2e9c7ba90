using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Reliability;

/// <summary>
/// A really full disk: a 2 MiB tmpfs mounted for the test (the tests run as root here). Writes go on until the
/// disk is full; the failing write and every later one must throw <see cref="ZgDbFaultedException"/>; after the
/// file system is grown (space freed) and the database reopened, every acknowledged write is there. Where mount is
/// not permitted the test says so and passes: the injected ENOSPC, short-write and torn-write faults of
/// <see cref="FaultInjectionTests"/> cover the same paths.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private static bool Run(string file, string arguments, out string result)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        result = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    [Theory]
    [InlineData(Durability.Synchronous, false)] // the WAL append runs out of space
    [InlineData(Durability.Background, false)]
    [InlineData(Durability.Background, true)] // a background checkpoint's chunk file runs out of space
    public async Task A_full_disk_faults_the_writer_and_loses_nothing_acknowledged(Durability durability, bool checkpoints)
    {
        using var dir = TempDir.Create("enospc");
        var mount = dir.Sub("tmpfs");
        Directory.CreateDirectory(mount);
        string why = "not Linux";
        if (!OperatingSystem.IsLinux() || !Run("mount", $"-t tmpfs -o size=2m tmpfs {mount}", out why))
        {
            output.WriteLine($"NOT RUN: cannot mount a small tmpfs here ({why.Trim()}); the injected ENOSPC faults cover this path.");
            return;
        }
        try
        {
            var path = Path.Combine(mount, "db");
            var random = new Random(42);
            var acknowledged = new List<Account>();
            var pending = new List<Account>();
            ZgDbFaultedException? full = null;
            var db = ZgDatabase.Open<CrashDb>(path, new ZgDbOptions { Durability = durability, Checkpoint = checkpoints ? new CheckpointPolicy { MaxWalBytes = 512 << 10 } : CheckpointPolicy.Manual });
            for (int id = 1; id <= 10_000 && full is null; id++)
            {
                // Incompressible text, so checkpoints need real space too.
                var account = new Account { Id = id, Owner = Convert.ToBase64String(Enumerable.Range(0, 3000).Select(_ => (byte)random.Next(256)).ToArray()) };
                try
                {
                    db.Accounts.Insert(account);
                    pending.Add(account);
                    if (durability == Durability.Synchronous || id % 10 == 0)
                    {
                        await db.FlushAsync();
                        acknowledged.AddRange(pending);
                        pending.Clear();
                    }
                }
                catch (ZgDbFaultedException e)
                {
                    full = e;
                }
            }
            Assert.True(full is not null, "the 2 MiB disk never filled up");
            output.WriteLine($"disk full after {acknowledged.Count} acknowledged documents: {full.Message}");
            Assert.Throws<ZgDbFaultedException>(() => db.Accounts.Insert(new Account { Id = 20_000 }));
            try { db.Dispose(); } catch (ZgDbException) { }

            Assert.True(Run("mount", $"-o remount,size=16m {mount}", out var remount), "remount failed: " + remount);
            using (var reopened = ZgDatabase.Open<CrashDb>(path))
            {
                foreach (var account in acknowledged)
                    Assert.Equal(account.Owner, reopened.Accounts.Find(account.Id)?.Owner);
                reopened.Accounts.Insert(new Account { Id = 30_000, Owner = "after" });
            }
            using (var again = ZgDatabase.Open<CrashDb>(path))
                Assert.Equal("after", again.Accounts.Find(30_000)?.Owner);
            Figures.Record(output, $"disk full (real 2 MiB tmpfs, {durability}, {(checkpoints ? "checkpoints" : "WAL only")}): faulted after {acknowledged.Count} acknowledged documents ({full.Message[..Math.Min(60, full.Message.Length)]}...), all of them there after growing the disk and reopening");
        }
        finally
        {
            if (!Run("umount", mount, out _)) Run("umount", $"-l {mount}", out _);
        }
    }
}
