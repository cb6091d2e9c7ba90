using Xunit;
using Xunit.Abstractions;
using ZgDb.Storage.IO;

namespace ZgDb.Reliability;

/// <summary>
/// Walks every I/O step of a script that commits (synchronously and through FlushAsync), checkpoints, rolls WAL
/// segments, closes and recovers, and fails each step in turn (once, forever, out of space, a short write, a torn
/// write, a crash at that step). After each fault the database either reported it to the caller and stayed
/// consistent, or refuses writes with <see cref="ZgDbFaultedException"/>; reopening it with the real file system
/// gives exactly the state after some prefix of the issued operations that includes every acknowledged one.
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    /// <summary>The script's writes, fixed: a seeded mixed workload over both collections.</summary>
    private static readonly WorkOp[] Ops = MakeOps();

    private static WorkOp[] MakeOps()
    {
        var generator = new WorkloadGenerator(new Random(7), new WorkState());
        return Enumerable.Range(0, 24).Select(_ => generator.Next()).ToArray();
    }

    private static ZgDbOptions Options(IStorageFileSystem fs, Durability durability) => new()
    {
        FileSystem = fs,
        Durability = durability,
        Checkpoint = CheckpointPolicy.Manual,
        WalSegmentBytes = 2 << 10, // several segments, so segment creation and deletion are walked too
        ChunkDocuments = 16,
        ChunkCacheBytes = 1, // every read of a chunk goes to the file system
    };

    /// <summary>What one run of the script did, as the caller saw it.</summary>
    private sealed class Run
    {
        public List<WorkOp> Issued { get; } = [];
        public int Acknowledged { get; set; }
        public Exception? Error { get; set; }
        public string Where { get; set; } = "";
        public List<string> Notes { get; } = [];
    }

    private static Run Script(FaultyFileSystem fs, string dir)
    {
        var run = new Run();
        CrashDb? db = null;
        int next = 0;
        void Write(int count, bool flushEach = false, int flushEvery = 0)
        {
            for (int i = 0; i < count; i++, next++)
            {
                run.Where = $"op {next + 1} ({Ops[next].Kind})";
                run.Issued.Add(Ops[next]);
                Ops[next].ApplyTo(db!);
                if (flushEach) run.Acknowledged = run.Issued.Count;
                if (flushEvery > 0 && (i + 1) % flushEvery == 0)
                {
                    run.Where = $"FlushAsync after op {next + 1}";
                    db!.FlushAsync().GetAwaiter().GetResult();
                    run.Acknowledged = run.Issued.Count;
                }
                if (next % 5 == 0)
                {
                    run.Where = $"Find after op {next + 1}";
                    _ = db!.Accounts.Find(17);
                }
            }
        }
        try
        {
            run.Where = "open (new database)";
            db = ZgDatabase.Open<CrashDb>(dir, Options(fs, Durability.Synchronous));
            Write(8, flushEach: true);
            run.Where = "Checkpoint 1";
            db.Checkpoint();
            Write(5, flushEach: true);
            run.Where = "Checkpoint 2";
            db.Checkpoint();
            run.Where = "Dispose 1";
            var closing = db;
            db = null;
            closing.Dispose();
            run.Acknowledged = run.Issued.Count;

            run.Where = "reopen (recovery)";
            db = ZgDatabase.Open<CrashDb>(dir, Options(fs, Durability.Background));
            run.Where = "read everything after reopen";
            var seen = WorkState.Read(db);
            if (Expected(run.Issued, run.Issued.Count).Diff(seen) is { } wrong)
                throw new Xunit.Sdk.XunitException($"the reopened database under the faulty file system returned wrong data: {wrong}");
            Write(7, flushEvery: 3);
            run.Where = "Checkpoint 3";
            db.Checkpoint();
            Write(4, flushEvery: 4);
            run.Where = "Dispose 2";
            closing = db;
            db = null;
            closing.Dispose();
            run.Acknowledged = run.Issued.Count;
        }
        catch (Xunit.Sdk.XunitException)
        {
            throw;
        }
        catch (Exception e)
        {
            run.Error = e;
        }
        if (db is null) return run;

        // The database is still open after a failure: it must be consistent, and either faulted or still working.
        if (run.Error is ZgDbFaultedException)
        {
            var probe = new Account { Id = 9_001, Owner = "probe" };
            var refused = Record.Exception(() => db.Accounts.Insert(probe));
            if (refused is not ZgDbFaultedException)
                throw new Xunit.Sdk.XunitException($"after {run.Error.GetType().Name} the database {(refused is null ? "accepted a write" : "threw " + refused)} instead of ZgDbFaultedException");
            run.Notes.Add("faulted");
        }
        else if (!fs.Crashed)
        {
            // Reported and not faulted: the failed operation happened entirely or not at all, and writes go on.
            var now = Record.Exception(() => WorkState.Read(db));
            if (now is null)
            {
                var state = WorkState.Read(db);
                if (Expected(run.Issued, run.Issued.Count).Diff(state) is not null)
                {
                    if (run.Issued.Count > 0 && Expected(run.Issued, run.Issued.Count - 1).Diff(state) is null)
                        run.Issued.RemoveAt(run.Issued.Count - 1); // refused before it was applied
                    else
                        throw new Xunit.Sdk.XunitException($"after a reported failure at {run.Where} ({run.Error?.Message}) the database shows a state no prefix explains: {Expected(run.Issued, run.Issued.Count).Diff(state)}");
                }
                var probe = new WorkOp(OpKind.Insert, [new Account { Id = 9_002, Owner = "probe after a reported fault" }]);
                try
                {
                    probe.ApplyTo(db);
                    run.Issued.Add(probe);
                    db.FlushAsync().GetAwaiter().GetResult();
                    run.Acknowledged = run.Issued.Count;
                    run.Notes.Add("went on");
                }
                catch (ZgDbFaultedException)
                {
                    run.Notes.Add("faulted later");
                }
                catch (IOException)
                {
                    run.Notes.Add("read failed again");
                }
            }
        }
        try
        {
            db.Dispose();
        }
        catch (Exception e) when (e is ZgDbException or IOException)
        {
            run.Notes.Add("dispose failed: " + e.GetType().Name);
        }
        return run;
    }

    private static WorkState Expected(List<WorkOp> ops, int count)
    {
        var state = new WorkState();
        for (int i = 0; i < count; i++) state.Apply(ops[i]);
        return state;
    }

    /// <summary>Reopens with the real file system; the state must be a prefix at or past the acknowledged one. Then it must take writes and reopen again.</summary>
    private static void CheckRecovered(string dir, Run run, string context)
    {
        CrashDb db;
        try
        {
            db = ZgDatabase.Open<CrashDb>(dir, new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual });
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{context}: the database did not reopen with the real file system: {e}");
        }
        using (db)
        {
            var actual = WorkState.Read(db);
            var expected = Expected(run.Issued, run.Acknowledged);
            int k = run.Acknowledged;
            string? diff;
            while ((diff = expected.Diff(actual)) is not null)
            {
                if (k == run.Issued.Count)
                    throw new Xunit.Sdk.XunitException($"{context}: after reopening, the database matches no prefix of the {run.Issued.Count} issued operations at or past the {run.Acknowledged} acknowledged: {diff}");
                expected.Apply(run.Issued[k++]);
            }
            db.Accounts.Upsert(new Account { Id = 9_999, Owner = "after recovery" });
        }
        using var again = ZgDatabase.Open<CrashDb>(dir);
        if (again.Accounts.Find(9_999) is null)
            throw new Xunit.Sdk.XunitException($"{context}: a write after recovery was lost on the next reopen.");
    }

    private static readonly Dictionary<IoStep, FaultEffect[]> Effects = new()
    {
        [IoStep.Append] = [FaultEffect.IOError, FaultEffect.DiskFull, FaultEffect.ShortWrite, FaultEffect.TornWrite, FaultEffect.Crash],
        [IoStep.Open] = [FaultEffect.IOError, FaultEffect.DiskFull, FaultEffect.Crash],
    };

    [Theory]
    [InlineData(IoStep.Open)]
    [InlineData(IoStep.Append)]
    [InlineData(IoStep.Flush)]
    [InlineData(IoStep.Rename)]
    [InlineData(IoStep.DirFlush)]
    [InlineData(IoStep.Delete)]
    [InlineData(IoStep.Read)]
    public void Every_step_of_commit_checkpoint_and_recovery_fails_safely(IoStep step)
    {
        int total;
        using (var counting = TempDir.Create("count", memory: true))
        {
            var fs = new FaultyFileSystem(PhysicalFileSystem.Instance);
            var run = Script(fs, counting.Sub("db"));
            Assert.True(run.Error is null, $"the script fails without faults: {run.Error}");
            total = fs.Count(step);
        }
        Assert.True(total > 0, $"the script never does a {step} step");

        var effects = Effects.GetValueOrDefault(step, [FaultEffect.IOError, FaultEffect.Crash]);
        int runs = 0, injected = 0, faulted = 0, wentOn = 0, callerErrors = 0;
        var errorKinds = new SortedDictionary<string, int>();
        for (int n = 1; n <= total; n++)
        {
            foreach (var effect in effects)
            {
                foreach (var forever in effect == FaultEffect.IOError ? new[] { false, true } : [false])
                {
                    var plan = new FaultPlan(step, n, forever, effect);
                    using var dir = TempDir.Create("fault", memory: true);
                    var fs = new FaultyFileSystem(PhysicalFileSystem.Instance) { Plan = plan };
                    var run = Script(fs, dir.Sub("db"));
                    string context = $"{plan} (of {total}; failed at {run.Where}: {run.Error?.GetType().Name} {run.Error?.Message})";
                    if (run.Error is not null)
                    {
                        callerErrors++;
                        errorKinds[run.Error.GetType().Name] = errorKinds.GetValueOrDefault(run.Error.GetType().Name) + 1;
                        // What the caller sees is a ZgDbException, or the I/O error itself for a read or open.
                        Assert.True(run.Error is ZgDbException or IOException, $"{context}: the caller got {run.Error}");
                    }
                    if (run.Notes.Contains("faulted")) faulted++;
                    if (run.Notes.Contains("went on")) wentOn++;
                    injected += fs.Injected;
                    runs++;
                    CheckRecovered(dir.Sub("db"), run, context);
                }
            }
        }
        Figures.Record(output, $"fault-injection {step}: {total} steps walked, {runs} runs, {injected} faults injected " +
            $"({string.Join(", ", effects)}), caller saw {callerErrors} errors [{string.Join(", ", errorKinds.Select(e => $"{e.Key} {e.Value}"))}], " +
            $"{faulted} runs faulted the database, {wentOn} went on after a reported fault; every run reopened with all acknowledged writes");
    }

    /// <summary>
    /// Regression: once a checkpoint's manifest is durable, failing to delete superseded files (old WAL segments,
    /// chunks, manifests) used to fail the checkpoint: Checkpoint() and Dispose() threw, and the database refused
    /// writes. It is only cleanup: now it is logged and retried by the next checkpoint.
    /// </summary>
    [Fact]
    public void Regression_a_failed_cleanup_does_not_fail_a_durable_checkpoint()
    {
        using var dir = TempDir.Create("cleanup", memory: true);
        var fs = new FaultyFileSystem(PhysicalFileSystem.Instance);
        var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(fs, Durability.Synchronous));
        foreach (var op in Ops[..8]) op.ApplyTo(db);
        db.Checkpoint();
        foreach (var op in Ops[8..14]) op.ApplyTo(db);
        fs.Plan = new FaultPlan(IoStep.Delete, fs.Count(IoStep.Delete) + 1, Forever: true, FaultEffect.IOError);
        db.Checkpoint();
        Assert.True(fs.Injected > 0, "the checkpoint deleted nothing, so the test tests nothing");
        foreach (var op in Ops[14..18]) op.ApplyTo(db);
        db.Checkpoint(); // this one also drops the oldest manifest generation
        foreach (var op in Ops[18..20]) op.ApplyTo(db);
        db.Dispose();

        fs.Plan = null;
        using var reopened = ZgDatabase.Open<CrashDb>(dir.Sub("db"));
        Assert.Null(Expected([.. Ops], 20).Diff(WorkState.Read(reopened)));
    }

    /// <summary>
    /// Regression: Dispose did not wait for a background checkpoint still writing chunk files (when it had no
    /// checkpoint of its own to run: OnDispose off, or a faulted WAL), and released the directory's lock. A new
    /// open then ran beside the old engine's checkpoint: two writers in one directory ("chunk file already exists",
    /// and a manifest generation the new engine did not know about). Dispose now waits for it.
    /// </summary>
    [Fact]
    public void Regression_dispose_waits_for_a_background_checkpoint_before_releasing_the_lock()
    {
        using var dir = TempDir.Create("dispose-checkpoint", memory: true);
        var fs = new FaultyFileSystem(PhysicalFileSystem.Instance);
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        int held = 0;
        fs.BeforeStep = (step, path) =>
        {
            if (step == IoStep.Open && path.Contains("chunks", StringComparison.Ordinal) && Interlocked.Exchange(ref held, 1) == 0)
            {
                entered.Set();
                gate.Wait(TimeSpan.FromSeconds(30));
            }
        };
        var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), new ZgDbOptions
        {
            FileSystem = fs,
            Checkpoint = new CheckpointPolicy { MaxChangedDocuments = 10, OnDispose = false },
        });
        foreach (var op in Ops[..12]) op.ApplyTo(db);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)), "no background checkpoint started");
        var disposing = new Thread(db.Dispose);
        disposing.Start();
        disposing.Join(TimeSpan.FromMilliseconds(300));
        try
        {
            var second = Record.Exception(() => ZgDatabase.Open<CrashDb>(dir.Sub("db")).Dispose());
            Assert.True(second is ZgDbLockedException, $"a second open while the first database's checkpoint still runs must fail with ZgDbLockedException, got: {second?.ToString() ?? "it opened"}");
        }
        finally
        {
            gate.Set();
        }
        Assert.True(disposing.Join(TimeSpan.FromSeconds(30)), "Dispose did not finish");
        using var reopened = ZgDatabase.Open<CrashDb>(dir.Sub("db"));
        Assert.Null(Expected([.. Ops], 12).Diff(WorkState.Read(reopened)));
    }
}
