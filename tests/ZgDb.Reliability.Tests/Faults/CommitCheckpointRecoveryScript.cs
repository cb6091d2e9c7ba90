using Xunit;
using ZgDb.Storage.IO;

namespace ZgDb.Reliability;

/// <summary>
/// The script the fault-injection and power-cut tests walk step by step: it commits (synchronously and through
/// FlushAsync), checkpoints, rolls WAL segments, closes and recovers, and records what the caller issued and what
/// was acknowledged, so <see cref="CheckRecovered"/> can tell whether a reopened database kept every acknowledged
/// write and nothing partial.
/// </summary>
internal static class CommitCheckpointRecoveryScript
{
    /// <summary>The script's writes, fixed: a seeded mixed workload over both collections.</summary>
    public static readonly WorkOp[] Ops = MakeOps();

    private static WorkOp[] MakeOps()
    {
        var generator = new WorkloadGenerator(new Random(7), new WorkState());
        return Enumerable.Range(0, 24).Select(_ => generator.Next()).ToArray();
    }

    public static ZgDbOptions Options(IStorageFileSystem fs, Durability durability) => new()
    {
        FileSystem = fs,
        Durability = durability,
        Checkpoint = CheckpointPolicy.Manual,
        WalSegmentBytes = 2 << 10, // several segments, so segment creation and deletion are walked too
        ChunkDocuments = 16,
        ChunkCacheBytes = 1, // every read of a chunk goes to the file system
    };

    /// <summary>What one run of the script did, as the caller saw it.</summary>
    public sealed class Run
    {
        public List<WorkOp> Issued { get; } = [];
        public int Acknowledged { get; set; }
        public Exception? Error { get; set; }
        public string Where { get; set; } = "";
        public List<string> Notes { get; } = [];
    }

    public static Run Script(FaultyFileSystem fs, string dir)
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
                catch (Exception e) when (e is IOException or ZgDbIOException)
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

    public static WorkState Expected(List<WorkOp> ops, int count)
    {
        var state = new WorkState();
        for (int i = 0; i < count; i++) state.Apply(ops[i]);
        return state;
    }

    /// <summary>How many of the issued operations <paramref name="actual"/> holds: at least the acknowledged ones, else it throws.</summary>
    public static int HeldPrefix(WorkState actual, Run run, string context)
    {
        var expected = Expected(run.Issued, run.Acknowledged);
        int k = run.Acknowledged;
        string? diff;
        while ((diff = expected.Diff(actual)) is not null)
        {
            if (k == run.Issued.Count)
                throw new Xunit.Sdk.XunitException($"{context}: after reopening, the database matches no prefix of the {run.Issued.Count} issued operations at or past the {run.Acknowledged} acknowledged: {diff}");
            expected.Apply(run.Issued[k++]);
        }
        return k;
    }

    /// <summary>
    /// Reopens with the real file system; the state must be a prefix at or past the acknowledged one. Then it must
    /// take writes and reopen again. Returns how many of the issued operations the reopened database holds.
    /// </summary>
    public static int CheckRecovered(string dir, Run run, string context)
    {
        int k;
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
            k = HeldPrefix(WorkState.Read(db), run, context);
            db.Accounts.Upsert(new Account { Id = 9_999, Owner = "after recovery" });
        }
        using var again = ZgDatabase.Open<CrashDb>(dir);
        if (again.Accounts.Find(9_999) is null)
            throw new Xunit.Sdk.XunitException($"{context}: a write after recovery was lost on the next reopen.");
        return k;
    }
}
