using ZgDb.Tests.Support;

namespace ZgDb.Tests.Engine;

/// <summary>Transactions, in memory and on disk.</summary>
public abstract class TransactionSuite<TBackend> : DatabaseSuite<TBackend> where TBackend : Backend, new()
{
    [Fact]
    public async Task Commit_publishes_every_collection_at_once_and_reads_inside_see_own_writes()
    {
        Db.Users.Insert(Data.User(1));
        using (var tx = Db.BeginTransaction())
        {
            Db.Users.Insert(Data.User(2));
            Db.Notes.Insert(new Note { Code = "n", Text = "in tx" });
            var u = Db.Users.Find(1)!;
            u.Age = 77;
            Db.Users.Update(u);
            Assert.Equal(2, Db.Users.Count());
            Assert.Equal(77, Db.Users.Find(1)!.Age);
            Assert.Equal("in tx", Db.Notes.Find("n")!.Text);
            Assert.Equal(2, Db.Users.AsEnumerable().Count());
            // Another flow (one that does not inherit this one's context) sees the state before the transaction.
            Task<(int, int, Note?)> other;
            using (ExecutionContext.SuppressFlow())
                other = Task.Run(() => (Db.Users.Count(), Db.Users.Find(1)!.Age, Db.Notes.Find("n")));
            var outside = await other;
            Assert.Equal((1, 19, (Note?)null), outside);
            tx.Commit();
        }
        Assert.Equal(2, Db.Users.Count());
        Assert.Equal(77, Db.Users.Find(1)!.Age);
        Db = Backend.Reopen(Db);
        Assert.Equal(2, Db.Users.Count());
        Assert.Equal("in tx", Db.Notes.Find("n")!.Text);
    }

    [Fact]
    public void Dispose_without_commit_rolls_back()
    {
        Db.Users.Insert(Data.User(1));
        using (Db.BeginTransaction())
        {
            Db.Users.Insert(Data.User(2));
            Db.Users.Delete(1);
        }
        Assert.Equal(1, Db.Users.Count());
        Assert.NotNull(Db.Users.Find(1));
        Db.Users.Insert(Data.User(3)); // the writer's turn was released
        Db = Backend.Reopen(Db);
        Assert.Equal(2, Db.Users.Count());
    }

    [Fact]
    public void A_failing_call_inside_a_transaction_has_no_effect_and_the_transaction_goes_on()
    {
        Db.Users.Insert(Data.User(1));
        using (var tx = Db.BeginTransaction())
        {
            Db.Users.Insert(Data.User(2));
            var batch = new[] { Data.User(3), Data.User(4) };
            batch[1].Id = 1; // duplicate: the whole InsertMany is undone, the earlier insert stays
            Assert.Throws<ZgDbDuplicateKeyException>(() => Db.Users.InsertMany(batch));
            var bad = Data.User(5);
            bad.Name = null!;
            Assert.Throws<ZgDbValidationException>(() => Db.Users.Insert(bad));
            Assert.Equal(2, Db.Users.Count());
            Db.Users.Insert(Data.User(6));
            tx.Commit();
        }
        Assert.Equal([1, 2, 3], Db.Users.AsEnumerable().Select(u => u.Id));
        Assert.Throws<InvalidOperationException>(() => { using var tx = Db.BeginTransaction(); tx.Commit(); tx.Commit(); });
    }

    [Fact]
    public void Transactions_do_not_nest_and_UpdateMany_is_atomic()
    {
        Db.Users.InsertMany(Enumerable.Range(1, 10).Select(Data.User));
        using (Db.BeginTransaction())
            Assert.Throws<InvalidOperationException>(() => Db.BeginTransaction());
        Assert.Equal(4, Db.Users.UpdateMany(u => u.Age < 23, u => u.Age = 0));
        Assert.Equal(4, Db.Users.AsEnumerable().Count(u => u.Age == 0));
        Assert.Throws<ZgDbValidationException>(() => Db.Users.UpdateMany(u => u.Id > 5, u => { u.Name = u.Id == 9 ? null! : "ok"; }));
        Assert.DoesNotContain(Db.Users.AsEnumerable(), u => u.Name == "ok");
    }

    [Fact]
    public async Task Money_moved_in_transactions_never_changes_the_total_seen_by_readers()
    {
        const int accounts = 20, initial = 1000;
        Db.Users.InsertMany(Enumerable.Range(1, accounts).Select(i => { var u = Data.User(i); u.Balance = initial; return u; }));
        using var stop = new CancellationTokenSource();
        var bad = new System.Collections.Concurrent.ConcurrentQueue<decimal>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var total = Db.Users.AsEnumerable().Sum(u => u.Balance);
                if (total != accounts * initial) bad.Enqueue(total);
            }
        })).ToArray();
        var seed = Environment.TickCount;
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(() =>
        {
            var random = new Random(seed + w);
            for (int i = 0; i < 150; i++)
            {
                using var tx = Db.BeginTransaction();
                var from = Db.Users.Find(random.Next(1, accounts + 1))!;
                var to = Db.Users.Find(random.Next(1, accounts + 1))!;
                if (from.Id == to.Id) continue; // disposed: rolled back
                var amount = random.Next(1, 50);
                from.Balance -= amount;
                to.Balance += amount;
                Db.Users.Update(from);
                Db.Users.Update(to);
                if (i % 10 == 0) continue; // some transactions roll back
                tx.Commit();
            }
        })).ToArray();
        await Task.WhenAll(writers);
        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.True(bad.IsEmpty, $"seed {seed}: readers saw totals {string.Join(", ", bad.Take(5))}");
        Db = Backend.Reopen(Db);
        Assert.Equal(accounts * initial, Db.Users.AsEnumerable().Sum(u => u.Balance));
    }
}

public sealed class InMemoryTransactionTests : TransactionSuite<InMemoryBackend>;

public sealed class OnDiskTransactionTests : TransactionSuite<OnDiskBackend>;
