using ZgDb.Tests.Support;

namespace ZgDb.Tests.Engine;

/// <summary>The CRUD contract of a collection, run once in memory and once on disk (STYLE.md #10).</summary>
public abstract class CrudSuite<TBackend> : DatabaseSuite<TBackend> where TBackend : Backend, new()
{
    private void Reopen() => Db = Backend.Reopen(Db);

    [Fact]
    public void Insert_assigns_increasing_int_keys_and_Find_returns_an_equal_copy()
    {
        var a = Data.User(1);
        var b = Data.User(2);
        Db.Users.Insert(a);
        Db.Users.Insert(b);
        Assert.Equal(1, a.Id);
        Assert.Equal(2, b.Id);
        var found = Db.Users.Find(2)!;
        Assert.Equal(Data.Describe(b), Data.Describe(found));
        Assert.NotSame(b, found);
        Reopen();
        Assert.Equal(Data.Describe(b), Data.Describe(Db.Users.Find(2)!));
    }

    [Fact]
    public void Objects_returned_and_inserted_belong_to_the_caller()
    {
        var user = Data.User(1);
        Db.Users.Insert(user);
        user.Name = "changed after insert";
        user.Tags.Add("x");
        user.Address!.Phones[0].Number = "changed";
        var found = Db.Users.Find(1)!;
        Assert.Equal("User 1", found.Name);
        Assert.Equal(2, found.Tags.Count);
        Assert.Equal("+1-1", found.Address!.Phones[0].Number);
        found.Name = "changed copy";
        found.Tags.Clear();
        found.Address.Phones[0].Number = "changed copy";
        var again = Db.Users.Find(1)!;
        Assert.Equal("User 1", again.Name);
        Assert.Equal(2, again.Tags.Count);
        Assert.Equal("+1-1", again.Address!.Phones[0].Number);
        Assert.Equal("User 1", Db.Users.First().Name);
    }

    [Fact]
    public void InsertMany_is_atomic_and_a_duplicate_inside_inserts_nothing()
    {
        Db.Users.InsertMany(Enumerable.Range(1, 10).Select(Data.User));
        Assert.Equal(10, Db.Users.Count());
        var batch = new[] { Data.User(11), Data.User(12), Data.User(13) };
        batch[2].Id = 5; // exists
        var e = Assert.Throws<ZgDbDuplicateKeyException>(() => Db.Users.InsertMany(batch));
        Assert.Contains("'Users'", e.Message);
        Assert.Contains("5", e.Message);
        Assert.Equal(10, Db.Users.Count());
        Assert.Equal("User 5", Db.Users.Find(5)!.Name);
        var twins = new[] { Data.User(20), Data.User(21) };
        twins[0].Id = twins[1].Id = 100;
        Assert.Throws<ZgDbDuplicateKeyException>(() => Db.Users.InsertMany(twins));
        Assert.Null(Db.Users.Find(100));
        Reopen();
        Assert.Equal(10, Db.Users.Count());
    }

    [Fact]
    public void Update_replaces_and_a_missing_key_is_refused_without_change()
    {
        Db.Users.InsertMany(Enumerable.Range(1, 3).Select(Data.User));
        var u = Db.Users.Find(2)!;
        u.Age = 99;
        u.Tags = ["new"];
        Db.Users.Update(u);
        Assert.Equal(99, Db.Users.Find(2)!.Age);
        var ghost = Data.User(9);
        ghost.Id = 42;
        var e = Assert.Throws<ZgDbNotFoundException>(() => Db.Users.Update(ghost));
        Assert.Contains("42", e.Message);
        Assert.Equal(3, Db.Users.Count());
        Assert.Null(Db.Users.Find(42));
        Reopen();
        Assert.Equal(["new"], Db.Users.Find(2)!.Tags);
    }

    [Fact]
    public void Upsert_inserts_then_replaces()
    {
        var u = Data.User(1);
        u.Id = 7;
        Db.Users.Upsert(u);
        Assert.Equal(1, Db.Users.Count());
        u.Name = "replaced";
        Db.Users.Upsert(u);
        Assert.Equal(1, Db.Users.Count());
        Assert.Equal("replaced", Db.Users.Find(7)!.Name);
        Reopen();
        Assert.Equal("replaced", Db.Users.Find(7)!.Name);
    }

    [Fact]
    public void Delete_and_DeleteMany_report_what_they_removed()
    {
        Db.Users.InsertMany(Enumerable.Range(1, 20).Select(Data.User));
        Assert.True(Db.Users.Delete(3));
        Assert.False(Db.Users.Delete(3));
        Assert.False(Db.Users.Delete(1000));
        Assert.Null(Db.Users.Find(3));
        Assert.Equal(6, Db.Users.DeleteMany(u => u.Age >= 33));
        Assert.Equal(13, Db.Users.Count());
        Assert.All(Db.Users, u => Assert.True(u.Age < 33));
        Reopen();
        Assert.Equal(13, Db.Users.Count());
        Assert.Equal(13, Db.Users.AsEnumerable().Count());
    }

    [Fact]
    public void Keys_are_never_reused_even_after_delete_and_reopen()
    {
        Db.Users.InsertMany(Enumerable.Range(1, 3).Select(Data.User));
        Db.Users.Delete(3);
        Reopen();
        var next = Data.User(4);
        Db.Users.Insert(next);
        Assert.Equal(4, next.Id);
        var explicitKey = Data.User(5);
        explicitKey.Id = 50;
        Db.Users.Insert(explicitKey);
        var after = Data.User(6);
        Db.Users.Insert(after);
        Assert.Equal(51, after.Id);
    }

    [Fact]
    public void Bad_documents_are_refused_with_the_collection_named_and_nothing_stored()
    {
        Db.Users.Insert(Data.User(1));
        Assert.Equal("document", Assert.Throws<ArgumentNullException>(() => Db.Users.Insert(null!)).ParamName);
        var noName = Data.User(2);
        noName.Name = null!;
        Assert.Contains("User.Name is required", Assert.Throws<ZgDbValidationException>(() => Db.Users.Insert(noName)).Message);
        var longName = Data.User(3);
        longName.Name = new string('x', 201);
        Assert.Contains("maximum length of 200", Assert.Throws<ZgDbValidationException>(() => Db.Users.Insert(longName)).Message);
        var longEmail = Data.User(4);
        longEmail.Email = new string('e', 321);
        Assert.Contains("User.Email", Assert.Throws<ZgDbValidationException>(() => Db.Users.Insert(longEmail)).Message);
        Assert.Equal(1, Db.Users.Count());
        Assert.Throws<ArgumentNullException>(() => Db.Users.Find(null!));
        Assert.Contains("Int32", Assert.Throws<ZgDbValidationException>(() => Db.Users.Find("one")).Message);
        Assert.Equal("User 1", Db.Users.Find(1L)!.Name); // widening conversions are accepted
    }

    [Fact]
    public void A_document_over_the_size_limit_is_refused()
    {
        Db.Dispose();
        Db = Backend.Reopen(Backend.Open<TestDb>(new ZgDbOptions { MaxDocumentBytes = 4096 }), new ZgDbOptions { MaxDocumentBytes = 4096 });
        var big = Data.User(1);
        big.Tags = Enumerable.Range(0, 1000).Select(i => "tag" + i).ToList();
        var e = Assert.Throws<ZgDbValidationException>(() => Db.Users.Insert(big));
        Assert.Contains("over the limit of 4,096", e.Message);
        Assert.Equal(0, Db.Users.Count());
    }

    [Fact]
    public void String_keys_with_path_characters_are_values_not_paths()
    {
        string[] keys = ["../../etc/passwd", "a/b\\c", "con", "nul.txt", "x\0y", "日本語", "*?<>|", " "];
        foreach (var key in keys)
            Db.Notes.Insert(new Note { Code = key, Text = "text of " + key });
        Assert.Contains("must not be null or empty", Assert.Throws<ZgDbValidationException>(() => Db.Notes.Insert(new Note { Code = "" })).Message);
        Db.Checkpoint();
        Reopen();
        foreach (var key in keys)
            Assert.Equal("text of " + key, Db.Notes.Find(key)!.Text);
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), Db.Notes.Select(n => n.Code).AsEnumerable());
        if (Backend is OnDiskBackend disk)
            Assert.All(Directory.GetFiles(disk.Directory, "*", SearchOption.AllDirectories), f => Assert.DoesNotContain("passwd", f));
    }

    [Fact]
    public void Every_supported_type_round_trips()
    {
        var note = new Note
        {
            Code = "n1", Text = "ünïcödé \u00e9 \U0001F600 \"quoted\" <tag>", Day = new DateOnly(2026, 2, 28), At = new TimeOnly(23, 59, 58, 123),
            Stamp = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(5.5)), Blob = [0, 1, 2, 255],
        };
        Db.Notes.Insert(note);
        var tick = new Tick { Source = Guid.NewGuid(), Values = [int.MinValue, 0, int.MaxValue] };
        Db.Ticks.Insert(tick);
        Assert.Equal(1L, tick.TickId);
        var item = new Item { Label = "guid keyed" };
        Db.Items.Insert(item);
        Assert.NotEqual(Guid.Empty, item.Id);
        var user = Data.User(1);
        user.Balance = 79228162514264337593543950335m;
        user.Score = double.NaN;
        user.CreatedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Local);
        Db.Users.Insert(user);
        Db.Checkpoint();
        Reopen();
        var n = Db.Notes.Find("n1")!;
        Assert.Equal(note.Text, n.Text);
        Assert.Equal(note.Day, n.Day);
        Assert.Equal(note.At, n.At);
        Assert.Equal(note.Stamp, n.Stamp);
        Assert.Equal(note.Stamp.Offset, n.Stamp.Offset);
        Assert.Equal(note.Blob, n.Blob);
        var t = Db.Ticks.Find(1L)!;
        Assert.Equal(tick.Source, t.Source);
        Assert.Equal(tick.Values, t.Values);
        Assert.Equal("guid keyed", Db.Items.Find(item.Id)!.Label);
        var u = Db.Users.Find(1)!;
        Assert.Equal(user.Balance, u.Balance);
        Assert.True(double.IsNaN(u.Score!.Value));
        Assert.Equal(user.CreatedAt, u.CreatedAt);
        Assert.Equal(DateTimeKind.Local, u.CreatedAt.Kind);
        Assert.Equal("", u.Scratch); // [NotMapped] is not stored
    }

    [Fact]
    public void Random_operations_match_a_dictionary_across_checkpoints_and_reopens()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var expected = new Dictionary<int, string>();
        for (int step = 0; step < 3000; step++)
        {
            int op = random.Next(100);
            int key = random.Next(1, 400);
            if (op < 40)
            {
                var u = Data.User(random.Next(10000));
                u.Id = key;
                Db.Users.Upsert(u);
                expected[key] = Data.Describe(u);
            }
            else if (op < 60)
            {
                Assert.Equal(expected.Remove(key), Db.Users.Delete(key));
            }
            else if (op < 75 && expected.ContainsKey(key))
            {
                var u = Db.Users.Find(key)!;
                u.Age = random.Next(100);
                Db.Users.Update(u);
                expected[key] = Data.Describe(u);
            }
            else if (op < 77)
            {
                Db.Checkpoint();
            }
            else if (op < 78)
            {
                Db = Backend.Reopen(Db);
            }
            else
            {
                var found = Db.Users.Find(key);
                Assert.True(expected.TryGetValue(key, out var want) ? found is not null && Data.Describe(found) == want : found is null, $"seed {seed}, step {step}, key {key}");
            }
        }
        Reopen();
        Assert.Equal(expected.Count, Db.Users.Count());
        Assert.Equal(expected.OrderBy(e => e.Key).Select(e => e.Value), Db.Users.AsEnumerable().Select(Data.Describe));
    }

    [Fact]
    public void Enumeration_is_in_key_order_and_Count_needs_no_scan()
    {
        var users = Enumerable.Range(1, 50).Select(Data.User).ToList();
        foreach (var (u, i) in users.Select((u, i) => (u, i))) u.Id = 1000 - i * 7;
        Db.Users.InsertMany(users);
        Assert.Equal(users.Select(u => u.Id).Order(), Db.Users.AsEnumerable().Select(u => u.Id));
        Assert.Equal(50, Db.Users.Count());
        Assert.Equal(50L, Db.Users.LongCount());
    }

    [Fact]
    public async Task Writers_on_many_threads_and_readers_never_see_half_a_write()
    {
        const int writers = 4, perWriter = 300, batch = 5;
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            long lastCount = 0;
            while (!stop.IsCancellationRequested)
            {
                var count = Db.Users.Count();
                if (count < lastCount) failures.Enqueue($"count went back from {lastCount} to {count}");
                lastCount = count;
                var seen = Db.Users.AsEnumerable().ToList();
                // InsertMany batches are atomic: every batch is seen whole or not at all.
                foreach (var group in seen.GroupBy(u => u.Email))
                    if (group.Count() != batch) failures.Enqueue($"batch {group.Key} seen with {group.Count()} of {batch} documents");
                if (!seen.Select(u => u.Id).SequenceEqual(seen.Select(u => u.Id).Order())) failures.Enqueue("scan out of key order");
            }
        })).ToArray();
        Parallel.For(0, writers, w =>
        {
            for (int i = 0; i < perWriter / batch; i++)
                Db.Users.InsertMany(Enumerable.Range(0, batch).Select(j => { var u = Data.User(j); u.Email = $"w{w}-b{i}"; return u; }));
        });
        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Empty(failures);
        Assert.Equal(writers * perWriter, Db.Users.Count());
        Assert.Equal(Enumerable.Range(1, writers * perWriter), Db.Users.AsEnumerable().Select(u => u.Id));
        Reopen();
        Assert.Equal(writers * perWriter, Db.Users.Count());
    }

    [Fact]
    public async Task FlushAsync_and_Checkpoint_keep_the_data()
    {
        Db.Users.InsertMany(Enumerable.Range(1, 100).Select(Data.User));
        await Db.FlushAsync();
        var stats = Db.GetStatistics();
        Assert.True(stats.DurableLsn >= stats.LastLsn);
        Db.Checkpoint();
        Assert.Equal(0, Db.GetStatistics().Collections.Single(c => c.Name == "Users").PendingChanges);
        Db.Users.Delete(1);
        Reopen();
        Assert.Equal(99, Db.Users.Count());
        Assert.Equal("User 100", Db.Users.Find(100)!.Name);
    }
}

public sealed class InMemoryCrudTests : CrudSuite<InMemoryBackend>;

public sealed class OnDiskCrudTests : CrudSuite<OnDiskBackend>;
