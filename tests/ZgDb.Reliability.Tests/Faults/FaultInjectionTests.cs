using Xunit;
using Xunit.Abstractions;
using ZgDb.Storage.IO;
using static ZgDb.Reliability.CommitCheckpointRecoveryScript;

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
