using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Regression (issue 13, finding 7): an UpdateMany action or a DeleteMany predicate that wrote (an insert into
/// another collection) hung, and so did every later writer and Checkpoint; a transaction begun inside an async
/// helper (<c>await Task.Yield(); return db.BeginTransaction();</c>) hung the caller's next write for ever.
/// </summary>
public abstract class ReentrantWritesDeadlockedEveryWriter<TBackend> : DatabaseSuite<TBackend> where TBackend : Backend, new()
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(20);

    private static void WithinWatchdog(Action action) =>
        Assert.True(Task.Run(action).Wait(Watchdog), "the call hung (watchdog)");

    [Fact]
    public void A_write_inside_an_UpdateMany_action_joins_it_atomically()
    {
        Db.Users.InsertMany(Enumerable.Range(1, 10).Select(Data.User));
        WithinWatchdog(() =>
            Assert.Equal(10, Db.Users.UpdateMany(u => u.Age > 0, u =>
            {
                u.Age++;
                Db.Notes.Insert(new Note { Code = $"audit-{u.Id}", Text = u.Name });
            })));
        Assert.Equal(10, Db.Notes.Count());
        WithinWatchdog(() => Db.Users.Insert(Data.User(11))); // the writers after it go on
        WithinWatchdog(() => Db.Checkpoint());
        Db = Backend.Reopen(Db);
        Assert.Equal(10, Db.Notes.Count());
        Assert.Equal(11, Db.Users.Count());
    }

    [Fact]
    public void A_failing_write_inside_a_DeleteMany_predicate_undoes_the_whole_call()
    {
        Db.Users.InsertMany(Enumerable.Range(1, 5).Select(Data.User));
        Db.Notes.Insert(new Note { Code = "taken" });
        WithinWatchdog(() => Assert.Throws<ZgDbDuplicateKeyException>(() => Db.Users.DeleteMany(u => LogDeletion(Db, u))));
        Assert.Equal(5, Db.Users.Count());
        Assert.Equal(1, Db.Notes.Count());
        WithinWatchdog(() => Db.Users.Insert(Data.User(6)));
    }

    [Fact]
    public void Checkpoint_or_a_transaction_inside_a_write_callback_fails_at_once()
    {
        Db.Users.Insert(Data.User(1));
        WithinWatchdog(() => Assert.Throws<InvalidOperationException>(() => Db.Users.UpdateMany(_ => true, _ => Db.Checkpoint())));
        WithinWatchdog(() => Assert.Throws<InvalidOperationException>(() => Db.Users.DeleteMany(_ => BeginsTransaction(Db))));
        Assert.Equal(1, Db.Users.Count());
        WithinWatchdog(() => Db.Users.Insert(Data.User(2)));
    }

    [Fact]
    public async Task A_transaction_begun_inside_an_async_helper_fails_the_callers_write_with_a_clear_error()
    {
        Db.Dispose();
        Db = Backend.Open<TestDb>(new ZgDbOptions { WriteLockTimeout = TimeSpan.FromMilliseconds(300) });
        var tx = await BeginAsync(Db);
        var insert = Task.Run(() => Db.Users.Insert(Data.User(1)));
        Assert.True(await Task.WhenAny(insert, Task.Delay(Watchdog)) == insert, "the write hung (watchdog)");
        var e = await Assert.ThrowsAsync<ZgDbException>(() => insert);
        Assert.Contains("WriteLockTimeout", e.Message);
        Assert.Contains("a transaction started at", e.Message);
        tx.Dispose();
        Db.Users.Insert(Data.User(1)); // once the transaction is finished, writes go on
        Assert.Equal(1, Db.Users.Count());
    }

    private static bool LogDeletion(TestDb db, User u)
    {
        db.Notes.Insert(new Note { Code = u.Id == 3 ? "taken" : $"deleted-{u.Id}" });
        return true;
    }

    private static bool BeginsTransaction(TestDb db)
    {
        using var tx = db.BeginTransaction();
        return true;
    }

    private static async Task<ZgTransaction> BeginAsync(TestDb db)
    {
        await Task.Yield();
        return db.BeginTransaction();
    }
}

public sealed class ReentrantWritesDeadlockedEveryWriterInMemory : ReentrantWritesDeadlockedEveryWriter<InMemoryBackend>;
public sealed class ReentrantWritesDeadlockedEveryWriterOnDisk : ReentrantWritesDeadlockedEveryWriter<OnDiskBackend>;
