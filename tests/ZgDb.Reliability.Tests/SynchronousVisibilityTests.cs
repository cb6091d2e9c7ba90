using Xunit;
using ZgDb.Storage.IO;

namespace ZgDb.Reliability;

/// <summary>
/// Regression (issue 16 §6): with <see cref="Durability.Synchronous"/> a write was published to other readers before
/// its WAL record was on disk, so a reader could act on a write that a crash then took back. The tests hold the WAL
/// writer's fsync (the file-system seam blocks the flush of a <c>.zgw</c> segment) while other threads read.
/// </summary>
public sealed class SynchronousVisibilityTests
{
    /// <summary>Holds every flush of a WAL segment while <see cref="Held"/> is armed, and counts WAL flushes.</summary>
    private sealed class HeldWalFlush : IDisposable
    {
        private readonly ManualResetEventSlim _release = new(true);
        private readonly SemaphoreSlim _entered = new(0);
        private int _flushes;

        public FaultyFileSystem FileSystem { get; } = new(PhysicalFileSystem.Instance);

        public HeldWalFlush() => FileSystem.BeforeStep = (step, path) =>
        {
            if (step != IoStep.Flush || !path.EndsWith(".zgw", StringComparison.Ordinal)) return;
            Interlocked.Increment(ref _flushes);
            if (_release.IsSet) return;
            _entered.Release();
            _release.Wait(TimeSpan.FromSeconds(30));
        };

        /// <summary>WAL segment flushes since open (the open's own flushes included).</summary>
        public int Flushes => Volatile.Read(ref _flushes);

        /// <summary>Whether the held flush has been let go.</summary>
        public bool Released => _release.IsSet;

        public void Hold() => _release.Reset();

        public void WaitUntilHeld() => Assert.True(_entered.Wait(TimeSpan.FromSeconds(30)), "the WAL writer never reached its fsync");

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
            _release.Dispose();
            _entered.Dispose();
        }
    }

    private static ZgDbOptions Options(HeldWalFlush held, Durability durability) => new()
    {
        FileSystem = held.FileSystem,
        Durability = durability,
        Checkpoint = CheckpointPolicy.Manual,
    };

    private static Thread Start(Action body, List<Exception> errors)
    {
        var thread = new Thread(() =>
        {
            try { body(); }
            catch (Exception e) { lock (errors) errors.Add(e); }
        });
        thread.Start();
        return thread;
    }

    [Fact]
    public void Synchronous_write_was_visible_before_its_wal_record_was_durable()
    {
        using var dir = TempDir.Create("sync-visible", memory: true);
        using var held = new HeldWalFlush();
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(held, Durability.Synchronous));
        db.Accounts.Insert(new Account { Id = 1, Owner = "durable" });

        var errors = new List<Exception>();
        held.Hold();
        bool acknowledged = false;
        var writer = Start(() =>
        {
            db.Accounts.Insert(new Account { Id = 2, Owner = "pending" });
            Volatile.Write(ref acknowledged, true);
        }, errors);
        held.WaitUntilHeld();

        // The record of Id 2 is in the fsync the WAL writer is held in: no reader may see it yet.
        Assert.False(Volatile.Read(ref acknowledged));
        Assert.Null(db.Accounts.Find(2));
        Assert.Equal(1, db.Accounts.Count());
        Assert.Equal([1], db.Accounts.Select(a => a.Id).ToList());
        Assert.Equal([1], db.Accounts.Where(a => a.Owner == "pending" || a.Id > 0).AsEnumerable().Select(a => a.Id).ToList());

        held.Release();
        Assert.True(writer.Join(TimeSpan.FromSeconds(30)));
        Assert.Empty(errors);
        Assert.True(acknowledged);
        Assert.Equal("pending", db.Accounts.Find(2)?.Owner); // acknowledged: visible to everyone
    }

    [Fact]
    public void Synchronous_writers_waiting_on_one_fsync_still_share_it_and_appear_together()
    {
        using var dir = TempDir.Create("sync-group", memory: true);
        using var held = new HeldWalFlush();
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(held, Durability.Synchronous));
        db.Events.Insert(new Event { Id = "warm-up" }); // the WAL segment exists: every later flush is a record's

        var errors = new List<Exception>();
        held.Hold();
        var first = Start(() => db.Accounts.Insert(new Account { Id = 1 }), errors);
        held.WaitUntilHeld();
        int before = held.Flushes;
        // Three more writers queue behind the held fsync: the next flush covers all three records.
        var others = Enumerable.Range(2, 3).Select(id => Start(() => db.Accounts.Insert(new Account { Id = id }), errors)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (db.GetStatistics().LastLsn < 5 && DateTime.UtcNow < deadline) Thread.Sleep(5);
        Assert.Equal(5, db.GetStatistics().LastLsn);
        Assert.Equal(0, db.Accounts.Count()); // written, none durable: none visible

        held.Release();
        Assert.True(first.Join(TimeSpan.FromSeconds(30)));
        Assert.All(others, t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));
        Assert.Empty(errors);
        Assert.Equal(1, held.Flushes - before); // one fsync served the three queued writers
        Assert.Equal([1, 2, 3, 4], db.Accounts.Select(a => a.Id).ToList());
    }

    [Fact]
    public void Synchronous_commit_was_visible_before_its_wal_record_was_durable()
    {
        using var dir = TempDir.Create("sync-commit", memory: true);
        using var held = new HeldWalFlush();
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(held, Durability.Synchronous));
        db.Events.Insert(new Event { Id = "warm-up" }); // the WAL segment exists: the held flush is the commit's

        var errors = new List<Exception>();
        held.Hold();
        var committer = Start(() =>
        {
            using var tx = db.BeginTransaction();
            db.Accounts.Insert(new Account { Id = 1, Owner = "tx" });
            db.Events.Insert(new Event { Id = "e1", Group = 1 });
            tx.Commit();
        }, errors);
        held.WaitUntilHeld();
        Assert.Null(db.Accounts.Find(1));
        Assert.Null(db.Events.Find("e1"));

        // A transaction begun on another thread meanwhile must not see the unacknowledged commit either.
        bool sawCommit = false, releasedWhenSeen = false;
        var reader = Start(() =>
        {
            using var tx = db.BeginTransaction();
            sawCommit = db.Accounts.Find(1) is not null;
            releasedWhenSeen = held.Released;
        }, errors);
        Thread.Sleep(200); // let it reach BeginTransaction while the fsync is held
        held.Release();
        Assert.True(committer.Join(TimeSpan.FromSeconds(30)));
        Assert.True(reader.Join(TimeSpan.FromSeconds(30)));
        Assert.Empty(errors);
        Assert.True(!sawCommit || releasedWhenSeen, "a transaction's view showed a commit whose WAL record was not yet on disk");
        Assert.Equal("tx", db.Accounts.Find(1)?.Owner);
        Assert.NotNull(db.Events.Find("e1"));
    }

    [Fact]
    public void Background_write_is_visible_at_once_as_documented()
    {
        using var dir = TempDir.Create("background-visible", memory: true);
        using var held = new HeldWalFlush();
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(held, Durability.Background));
        db.Events.Insert(new Event { Id = "warm-up" });
        db.FlushAsync().GetAwaiter().GetResult();
        held.Hold();
        db.Accounts.Insert(new Account { Id = 1 }); // returns before its record is durable
        held.WaitUntilHeld();
        Assert.NotNull(db.Accounts.Find(1));
        held.Release();
        db.FlushAsync().GetAwaiter().GetResult();
    }

    [Fact]
    public void Synchronous_write_shown_after_a_checkpoint_took_its_predecessors_keeps_every_document()
    {
        // A checkpoint swaps in chunks while a synchronous write waits for its fsync: once acknowledged, readers see
        // the checkpointed documents and the new one, all through the new chunk files.
        using var dir = TempDir.Create("sync-checkpoint", memory: true);
        using var held = new HeldWalFlush();
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options(held, Durability.Synchronous));
        db.Accounts.InsertMany(Enumerable.Range(1, 50).Select(i => new Account { Id = i, Owner = $"o{i}" }));

        var errors = new List<Exception>();
        held.Hold();
        var writer = Start(() => db.Accounts.Update(new Account { Id = 7, Owner = "late" }), errors);
        held.WaitUntilHeld();
        var checkpoint = Start(db.Checkpoint, errors); // folds the written state (Id 7 included) into chunks
        Assert.True(checkpoint.Join(TimeSpan.FromSeconds(30)));
        Assert.Empty(errors);
        // The checkpoint's manifest made every folded write durable, Id 7's update included.
        Assert.Equal("late", db.Accounts.Find(7)?.Owner);
        held.Release();
        Assert.True(writer.Join(TimeSpan.FromSeconds(30)));
        Assert.Empty(errors);
        var all = db.Accounts.ToList();
        Assert.Equal(Enumerable.Range(1, 50), all.Select(a => a.Id));
        Assert.Equal("late", all[6].Owner);
    }
}
