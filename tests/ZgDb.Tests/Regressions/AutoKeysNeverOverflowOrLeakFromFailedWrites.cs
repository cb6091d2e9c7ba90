using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Regression (issue 13, finding 6): after an explicit int.MaxValue key every auto-key insert threw a raw
/// OverflowException, forever; long keys wrapped to long.MinValue; a failed InsertMany or a rolled-back transaction
/// left the assigned key on the caller's object, so a later Upsert of that object overwrote a different document.
/// </summary>
public abstract class AutoKeysNeverOverflowOrLeakFromFailedWrites<TBackend> : DatabaseSuite<TBackend> where TBackend : Backend, new()
{
    [Fact]
    public void An_exhausted_int_key_range_is_a_clear_error_and_explicit_keys_still_work()
    {
        Db.Users.Insert(new User { Id = int.MaxValue, Name = "last" });
        var e = Assert.Throws<ZgDbValidationException>(() => Db.Users.Insert(new User { Name = "next" }));
        Assert.Contains("User.Id", e.Message);
        Assert.Contains("Int32", e.Message);
        Assert.Equal(1, Db.Users.Count());
        Db.Users.Insert(new User { Id = 5, Name = "explicit" });
        Db = Backend.Reopen(Db);
        Assert.Throws<ZgDbValidationException>(() => Db.Users.Insert(new User { Name = "still none" }));
        Assert.Equal(2, Db.Users.Count());
    }

    [Fact]
    public void A_long_key_of_MaxValue_never_wraps_to_MinValue()
    {
        Db.Ticks.Insert(new Tick { TickId = long.MaxValue });
        Db.Ticks.Delete(long.MaxValue);
        var e = Assert.Throws<ZgDbValidationException>(() => Db.Ticks.Insert(new Tick()));
        Assert.Contains("Tick.TickId", e.Message);
        Db = Backend.Reopen(Db);
        Assert.Throws<ZgDbValidationException>(() => Db.Ticks.Insert(new Tick()));
        Db.Checkpoint();
        Db = Backend.Reopen(Db);
        Assert.Throws<ZgDbValidationException>(() => Db.Ticks.Insert(new Tick()));
        Assert.Empty(Db.Ticks.Where(t => t.TickId < 0).ToList());
    }

    [Fact]
    public void A_failed_InsertMany_leaves_no_key_on_the_callers_objects()
    {
        Db.Users.Insert(new User { Id = 3, Name = "taken" });
        var batch = new[] { new User { Name = "a" }, new User { Name = "b" }, new User { Id = 3, Name = "duplicate" } };
        Assert.Throws<ZgDbDuplicateKeyException>(() => Db.Users.InsertMany(batch));
        Assert.Equal(0, batch[0].Id);
        Assert.Equal(0, batch[1].Id);
        // The stale key used to make this Upsert overwrite document 4 ("b" got key 5 in the failed batch...).
        Db.Users.Insert(new User { Name = "other" });
        Db.Users.Upsert(batch[0]);
        Assert.Equal(["a", "other", "taken"], Db.Users.Select(u => u.Name).OrderBy(n => n).ToList());
    }

    [Fact]
    public void A_rolled_back_transaction_resets_the_keys_it_assigned_and_a_commit_keeps_them()
    {
        var rolledBack = new User { Name = "rolled back" };
        var guid = new Item { Label = "rolled back" };
        using (var tx = Db.BeginTransaction())
        {
            Db.Users.Insert(rolledBack);
            Db.Items.Insert(guid);
            Assert.NotEqual(0, rolledBack.Id); // visible inside the transaction, e.g. for a foreign key
            Assert.NotEqual(Guid.Empty, guid.Id);
        }
        Assert.Equal(0, rolledBack.Id);
        Assert.Equal(Guid.Empty, guid.Id);

        var committed = new User { Name = "committed" };
        using (var tx = Db.BeginTransaction())
        {
            Db.Users.Insert(committed);
            // A failing call inside the transaction is undone alone, its key included.
            var failing = new[] { new User { Name = "x" }, new User { Id = committed.Id, Name = "dup" } };
            Assert.Throws<ZgDbDuplicateKeyException>(() => Db.Users.InsertMany(failing));
            Assert.Equal(0, failing[0].Id);
            tx.Commit();
        }
        Assert.NotEqual(0, committed.Id);
        Assert.Equal("committed", Db.Users.Find(committed.Id)!.Name);
        Assert.Equal(1, Db.Users.Count());
    }
}

public sealed class AutoKeysNeverOverflowOrLeakFromFailedWritesInMemory : AutoKeysNeverOverflowOrLeakFromFailedWrites<InMemoryBackend>;
public sealed class AutoKeysNeverOverflowOrLeakFromFailedWritesOnDisk : AutoKeysNeverOverflowOrLeakFromFailedWrites<OnDiskBackend>;
