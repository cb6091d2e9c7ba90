using Xunit;
using Xunit.Abstractions;
using ZgDb.Storage.IO;
using static ZgDb.Reliability.CommitCheckpointRecoveryScript;

namespace ZgDb.Reliability;

/// <summary>
/// Simulated power loss: the commit, checkpoint and recovery script runs over a <see cref="PowerLossFileSystem"/>, the
/// power goes at every step that changes the disk (each open, append, flush, rename, directory flush, delete and
/// truncation, in turn), and each cut is materialized several times, seeded: unflushed writes kept, dropped, cut short
/// or torn by sector, unflushed directory entries kept or undone. Reopened with the real file system, the database
/// must hold every acknowledged write (a Synchronous write that returned, a FlushAsync that completed, everything
/// before a Dispose that returned), nothing partial (a prefix of the issued operations), and take a write.
/// ZGDB_POWERCUT_SEED replays a run; ZGDB_POWERCUT_CYCLES sets the outcomes per cut (3 in CI).
/// </summary>
public sealed class PowerCutTests(ITestOutputHelper output)
{
    /// <summary>The steps that change what is on disk. A cut at a read leaves the same state as one at the next of these.</summary>
    private static readonly IoStep[] Changing = [IoStep.Open, IoStep.Append, IoStep.Flush, IoStep.Rename, IoStep.DirFlush, IoStep.Delete, IoStep.SetLength];

    /// <param name="killedFirst">
    /// The process is killed at the step instead (the OS and its cache stay up), restarts, recovers, acknowledges one
    /// more Synchronous write, and only then the power goes: what recovery replayed from the cache must be durable.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_step_of_commit_checkpoint_and_recovery_survives_a_power_cut(bool killedFirst)
    {
        int seed = Seeds.Get("ZGDB_POWERCUT_SEED", output.WriteLine);
        int outcomes = int.TryParse(Environment.GetEnvironmentVariable("ZGDB_POWERCUT_CYCLES"), out var c) && c > 0 ? c : 3;
        var started = DateTime.UtcNow;

        var counts = new Dictionary<IoStep, int>();
        using (var counting = TempDir.Create("powercut-count", memory: true))
        {
            var fs = new FaultyFileSystem(new PowerLossFileSystem());
            var run = Script(fs, counting.Sub("db"));
            Assert.True(run.Error is null, $"the script fails without faults: {run.Error}");
            foreach (var step in Changing) counts[step] = fs.Count(step);
        }

        var cuts = Changing.SelectMany(step => Enumerable.Range(1, counts[step]).Select(n => (Step: step, Nth: n)))
            .Append((Step: IoStep.Open, Nth: 0)) // Nth 0: no fault, the power goes after the script's last Dispose returned
            .ToList();
        var total = new PowerCutReport();
        int checkedOutcomes = 0, notReached = 0, keptUnacknowledged = 0, callerErrors = 0;
        foreach (var (step, nth) in cuts)
        {
            using var dir = TempDir.Create("powercut", memory: true);
            var disk = new PowerLossFileSystem();
            var effect = killedFirst ? FaultEffect.Crash : FaultEffect.PowerCut;
            var fs = new FaultyFileSystem(disk) { Plan = nth == 0 ? null : new FaultPlan(step, nth, Forever: false, effect) };
            var run = Script(fs, dir.Sub("db"));
            if (nth > 0 && !fs.Crashed) notReached++; // this run took fewer steps of the kind (the WAL writer batches by timing): cut at its end
            if (run.Error is not null) callerErrors++;
            if (killedFirst) run = RestartAndWrite(disk, dir.Sub("db"), run, $"restart after a kill at {step} #{nth}");
            else disk.PowerOff();
            using var pristine = TempDir.Create("powercut-pristine", memory: true);
            CopyTree(dir.Path, pristine.Path);
            for (int k = 0; k < outcomes; k++)
            {
                if (k > 0) Restore(pristine.Path, dir.Path);
                int outcomeSeed = OutcomeSeed(seed, step, nth, k);
                var report = disk.Cut(new Random(outcomeSeed));
                total.Add(report);
                string where = nth == 0 ? "after the script's last Dispose" : $"at {step} #{nth} of {counts[step]}";
                string context = $"power cut {where} (the script stopped at {run.Where}: {run.Error?.GetType().Name} {run.Error?.Message}), " +
                    $"outcome {k} (seed {seed}, outcome seed {outcomeSeed}: {report})";
                int held = CheckRecovered(dir.Sub("db"), run, context);
                if (held > run.Acknowledged) keptUnacknowledged++;
                checkedOutcomes++;
            }
        }
        // After a restart the engine may flush everything it found at open, so fewer entries are left to undo.
        Assert.True(total.FilesTorn > 0 && total.FilesDropped > 0 && (killedFirst || total.RenamesUndone > 0 && total.CreatesUndone > 0),
            $"the cuts never tore a file, dropped one{(killedFirst ? "" : ", undid a rename or a create")}, so the test tests too little: {total}");
        Figures.Record(output, $"power-cut{(killedFirst ? " after kill -9 and restart" : "")}: seed {seed}, {cuts.Count} cuts (one at every disk-changing step of the commit, checkpoint and recovery script: " +
            $"{string.Join(", ", Changing.Select(s => $"{s} {counts[s]}"))}; plus one after the last Dispose; {notReached} steps not reached in their run), " +
            $"{outcomes} outcomes each, {checkedOutcomes} outcomes checked in {(DateTime.UtcNow - started).TotalSeconds:F0} s; {total}; " +
            $"caller saw {callerErrors} errors; every outcome reopened with all acknowledged writes and nothing partial, and took a write " +
            $"({keptUnacknowledged} also kept unacknowledged ones)");
    }

    /// <summary>
    /// The check can fail: over a disk that acknowledges flushes without doing them (every flush, or only directory
    /// flushes), a power cut after the script's last Dispose loses acknowledged writes in some outcomes.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_disk_that_skips_flushes_fails_the_power_cut_check(bool directoriesOnly)
    {
        int failed = 0;
        const int tries = 24;
        string? example = null;
        for (int seed = 0; seed < tries; seed++)
        {
            using var dir = TempDir.Create("powercut-lying", memory: true);
            var disk = new PowerLossFileSystem();
            var run = Script(new FaultyFileSystem(new FlushSkippingFileSystem(disk, directoriesOnly)), dir.Sub("db"));
            Assert.True(run.Error is null, $"the script fails without faults: {run.Error}");
            disk.Cut(new Random(seed));
            var error = Record.Exception(() => CheckRecovered(dir.Sub("db"), run, $"seed {seed}"));
            if (error is Xunit.Sdk.XunitException)
            {
                failed++;
                example ??= error.Message;
            }
        }
        output.WriteLine($"{failed} of {tries} cuts failed the check; for example: {example}");
        Assert.True(failed > 0, $"a disk that skips {(directoriesOnly ? "directory flushes" : "every flush")} lost nothing in {tries} power cuts: the check cannot fail");
    }

    /// <summary>
    /// A group commit (several WAL records appended in one write, then one flush) cut by the power before its flush
    /// returned: the disk may have written the batch's sectors in any order, so a damaged record can be followed by
    /// intact ones of the same batch. None of them was acknowledged; recovery must cut them as a torn tail and open.
    /// </summary>
    [Fact]
    public void A_group_commit_torn_out_of_order_by_a_power_cut_is_a_torn_tail()
    {
        using var dir = TempDir.Create("powercut-group", memory: true);
        var disk = new PowerLossFileSystem();
        var fs = new FaultyFileSystem(disk);
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        int hold = 0;
        fs.BeforeStep = (step, path) =>
        {
            if (step == IoStep.Append && path.EndsWith(".zgw", StringComparison.Ordinal) && Interlocked.Exchange(ref hold, 0) == 1)
            {
                entered.Set();
                gate.Wait(TimeSpan.FromSeconds(30));
            }
        };
        static Account Make(int id) => new() { Id = id, Owner = new string((char)('a' + id % 26), 300) };
        var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), new ZgDbOptions { FileSystem = fs, Durability = Durability.Background, Checkpoint = CheckpointPolicy.Manual });
        db.Accounts.Insert(Make(1));
        db.FlushAsync().GetAwaiter().GetResult(); // acknowledged
        Volatile.Write(ref hold, 1);
        db.Accounts.Insert(Make(2)); // the WAL writer holds at this record's append...
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)), "the WAL writer never appended");
        for (int id = 3; id <= 10; id++) db.Accounts.Insert(Make(id)); // ...so these queue into one batch: one append of ~8 sectors
        fs.Plan = new FaultPlan(IoStep.Flush, fs.Count(IoStep.Flush) + 2, Forever: false, FaultEffect.PowerCut); // that batch's flush
        gate.Set();
        Assert.True(SpinWait.SpinUntil(() => fs.Crashed, TimeSpan.FromSeconds(30)), "the batch was never flushed");
        try { db.Dispose(); } catch (Exception e) when (e is ZgDbException or IOException) { }

        using var pristine = TempDir.Create("powercut-group-pristine", memory: true);
        CopyTree(dir.Path, pristine.Path);
        var failures = new List<string>();
        var total = new PowerCutReport();
        for (int seed = 0; seed < 64; seed++)
        {
            Restore(pristine.Path, dir.Path);
            var report = disk.Cut(new Random(seed));
            total.Add(report);
            try
            {
                using var reopened = ZgDatabase.Open<CrashDb>(dir.Sub("db"));
                var ids = reopened.Accounts.AsEnumerable().Select(a => a.Id).Order().ToList();
                if (ids.Count < 2 || !ids.SequenceEqual(Enumerable.Range(1, ids.Count)))
                    failures.Add($"seed {seed}: the accounts are [{string.Join(", ", ids)}], not 1, 2 (flushed) and a prefix of 3..10 ({report})");
            }
            catch (ZgDbException e)
            {
                failures.Add($"seed {seed}: {e.GetType().Name}: {e.Message} ({report})");
            }
        }
        output.WriteLine($"64 outcomes: {total}");
        Assert.True(total.FilesTorn > 0, "no outcome tore the batch");
        Assert.True(failures.Count == 0, $"{failures.Count} of 64 power-cut outcomes of a torn group commit did not recover:\n{string.Join("\n", failures)}");
    }

    /// <summary>
    /// kill -9 between a WAL append and its flush keeps the record in the OS cache; the next open replays it and
    /// acknowledges new writes after it. If the power then goes, the replayed record (never flushed by anyone) can
    /// vanish under the acknowledged ones. Recovery must make what it replayed durable before it acknowledges more.
    /// </summary>
    [Fact]
    public void A_write_acknowledged_after_replaying_an_unflushed_wal_tail_survives_a_power_cut()
    {
        using var dir = TempDir.Create("powercut-replayed", memory: true);
        var disk = new PowerLossFileSystem(); // outlives both processes: the OS and its cache stay up through the kill -9
        ZgDbOptions Options(FaultyFileSystem fs) => new() { FileSystem = fs, Durability = Durability.Synchronous, Checkpoint = CheckpointPolicy.Manual };

        var first = new FaultyFileSystem(disk);
        var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(first));
        db.Accounts.Insert(new Account { Id = 1, Owner = "acknowledged before the kill" });
        first.Plan = new FaultPlan(IoStep.Flush, first.Count(IoStep.Flush) + 1, Forever: false, FaultEffect.Crash); // killed between append and flush
        Assert.ThrowsAny<ZgDbException>(() => db.Accounts.Insert(new Account { Id = 2, Owner = "appended, never flushed" }));
        try { db.Dispose(); } catch (Exception e) when (e is ZgDbException or IOException) { }

        var second = new FaultyFileSystem(disk);
        var restarted = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(second));
        Assert.NotNull(restarted.Accounts.Find(2)); // replayed from the OS cache
        restarted.Accounts.Update(new Account { Id = 2, Owner = "acknowledged after the restart", Version = 1 });
        restarted.Accounts.Insert(new Account { Id = 3, Owner = "acknowledged after the restart" });
        disk.PowerOff(); // while it runs: no checkpoint on close folds the replayed record into a durable chunk
        try { restarted.Dispose(); } catch (Exception e) when (e is ZgDbException or IOException) { }

        using var pristine = TempDir.Create("powercut-replayed-pristine", memory: true);
        CopyTree(dir.Path, pristine.Path);
        var failures = new List<string>();
        for (int seed = 0; seed < 32; seed++)
        {
            Restore(pristine.Path, dir.Path);
            var report = disk.Cut(new Random(seed));
            try
            {
                using var reopened = ZgDatabase.Open<CrashDb>(dir.Sub("db"));
                var missing = new[] { 1, 2, 3 }.Where(id => reopened.Accounts.Find(id) is null).ToArray();
                if (missing.Length > 0) failures.Add($"seed {seed}: acknowledged account(s) {string.Join(", ", missing)} missing ({report})");
            }
            catch (ZgDbException e)
            {
                failures.Add($"seed {seed}: {e.GetType().Name}: {e.Message} ({report})");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 32 power cuts after the restart lost acknowledged writes or did not open:\n{string.Join("\n", failures)}");
    }

    /// <summary>
    /// A process killed right after creating the database directory, before flushing its parent: the restarted one
    /// finds the directory (in the OS cache), so it does not flush the parent, and acknowledges writes inside a
    /// directory whose entry a power cut can still remove.
    /// </summary>
    [Fact]
    public void A_database_directory_created_by_a_killed_process_survives_a_power_cut_after_the_restart()
    {
        using var dir = TempDir.Create("powercut-dbdir", memory: true);
        var disk = new PowerLossFileSystem();
        var first = new FaultyFileSystem(disk) { Plan = new FaultPlan(IoStep.DirFlush, 1, Forever: false, FaultEffect.Crash) }; // the parent's flush
        var failedOpen = Assert.Throws<ZgDbIOException>(() => ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(first, Durability.Synchronous)).Dispose());
        Assert.IsAssignableFrom<IOException>(failedOpen.InnerException); // the catalog's I/O error keeps the injected one
        disk.CloseHandles();
        var restarted = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(new FaultyFileSystem(disk), Durability.Synchronous));
        restarted.Accounts.Insert(new Account { Id = 1, Owner = "acknowledged after the restart" });
        disk.PowerOff();
        try { restarted.Dispose(); } catch (Exception e) when (e is ZgDbException or IOException) { }

        using var pristine = TempDir.Create("powercut-dbdir-pristine", memory: true);
        CopyTree(dir.Path, pristine.Path);
        var lost = new List<string>();
        for (int seed = 0; seed < 16; seed++)
        {
            Restore(pristine.Path, dir.Path);
            var report = disk.Cut(new Random(seed));
            using var reopened = ZgDatabase.Open<CrashDb>(dir.Sub("db"));
            if (reopened.Accounts.Find(1) is null) lost.Add($"seed {seed}: {report}");
        }
        Assert.True(lost.Count == 0, $"the acknowledged write was lost in {lost.Count} of 16 power cuts:\n{string.Join("\n", lost)}");
    }

    /// <summary>
    /// The restarted process (same disk model: the OS cache survived the kill) recovers, must hold a prefix of the
    /// issued operations with every acknowledged one, and acknowledges one more write; then the power goes.
    /// Returns the run the power-cut outcomes are checked against: that prefix plus the new write, all acknowledged.
    /// </summary>
    private static Run RestartAndWrite(PowerLossFileSystem disk, string dir, Run killed, string context)
    {
        disk.CloseHandles(); // the killed process's handles die with it
        var restarted = new FaultyFileSystem(disk);
        var db = ZgDatabase.Open<CrashDb>(dir, Options(restarted, Durability.Synchronous));
        int held = HeldPrefix(WorkState.Read(db), killed, context);
        var probe = new WorkOp(OpKind.Upsert, [new Account { Id = 8_888, Owner = "acknowledged after the restart" }]);
        probe.ApplyTo(db);
        disk.PowerOff(); // while it runs: no checkpoint on close makes the replayed records durable by the way
        try { db.Dispose(); } catch (Exception e) when (e is ZgDbException or IOException) { }
        var run = new Run();
        run.Issued.AddRange(killed.Issued.Take(held));
        run.Issued.Add(probe);
        run.Acknowledged = run.Issued.Count;
        run.Where = $"{killed.Where}, then restarted and acknowledged one write";
        run.Error = killed.Error;
        return run;
    }

    private static int OutcomeSeed(int seed, IoStep step, int nth, int k) => unchecked(((seed * 31 + (int)step) * 1_000_003 + nth) * 131 + k);

    private static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        foreach (var sub in Directory.GetDirectories(source)) CopyTree(sub, Path.Combine(destination, Path.GetFileName(sub)));
    }

    /// <summary>Puts <paramref name="directory"/> back as it was when the engine stopped, for the next outcome of the same cut.</summary>
    private static void Restore(string pristine, string directory)
    {
        foreach (var file in Directory.GetFiles(directory)) File.Delete(file);
        foreach (var sub in Directory.GetDirectories(directory)) Directory.Delete(sub, recursive: true);
        CopyTree(pristine, directory);
    }

    /// <summary>A disk that lies: it reports flushes (of directories, or of everything) done without doing them.</summary>
    private sealed class FlushSkippingFileSystem(IStorageFileSystem inner, bool directoriesOnly) : IStorageFileSystem
    {
        public bool FileExists(string path) => inner.FileExists(path);
        public bool DirectoryExists(string path) => inner.DirectoryExists(path);
        public void CreateDirectory(string path) => inner.CreateDirectory(path);
        public string[] ListFiles(string directory, string pattern) => inner.ListFiles(directory, pattern);
        public byte[] ReadAllBytes(string path) => inner.ReadAllBytes(path);
        public void Move(string source, string destination) => inner.Move(source, destination);
        public void Delete(string path) => inner.Delete(path);
        public void FlushDirectory(string directory) { }

        public IStorageFile Open(string path, FileMode mode, FileAccess access, FileShare share)
        {
            var file = inner.Open(path, mode, access, share);
            return directoriesOnly ? file : new FlushSkippingFile(file);
        }

        private sealed class FlushSkippingFile(IStorageFile file) : IStorageFile
        {
            public string Path => file.Path;
            public long Length => file.Length;
            public void Append(ReadOnlySpan<byte> data) => file.Append(data);
            public int ReadAt(long offset, Span<byte> buffer) => file.ReadAt(offset, buffer);
            public void SetLength(long length) => file.SetLength(length);
            public void FlushToDisk() { }
            public void Dispose() => file.Dispose();
        }
    }
}
