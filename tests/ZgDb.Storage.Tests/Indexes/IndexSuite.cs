using ZgDb.Storage.Indexes;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Storage.Tests.Indexes;

/// <summary>
/// The index tests every backend must pass (in memory, on disk). Each compares the index with a brute force over the
/// documents (LINQ-to-Objects), after random inserts, updates, upserts and deletes, across checkpoints and reopens.
/// </summary>
public abstract class IndexSuite : IDisposable
{
    private static readonly string[] Cities = ["Berlin", "berlin", "Zürich", "Århus", "Oslo", "", "Paris", "Lima"];
    protected readonly ITestOutputHelper Output;
    private readonly List<PeopleDb> _open = [];
    private int _emails;

    protected IndexSuite(ITestOutputHelper output) => Output = output;

    /// <summary>Opens a new, empty database.</summary>
    protected abstract PeopleDb Create();

    /// <summary>
    /// Closes and reopens (on disk; alternating a checkpoint on dispose with a WAL replay), or returns the same
    /// database (in memory).
    /// </summary>
    protected abstract PeopleDb Reopen(PeopleDb db, bool checkpointOnDispose);

    protected PeopleDb Track(PeopleDb db)
    {
        _open.Add(db);
        return db;
    }

    public virtual void Dispose()
    {
        foreach (var db in _open) db.Dispose();
        GC.SuppressFinalize(this);
    }

    private Person RandomPerson(Random random, int id = 0) => new()
    {
        Id = id,
        Name = "n" + random.Next(1000),
        Age = random.Next(-3, 90),
        City = random.Next(6) == 0 ? null : Cities[random.Next(Cities.Length)],
        Score = random.Next(4) == 0 ? null : random.Next(-5, 5),
        Address = random.Next(4) == 0 ? null : new Address { City = random.Next(3) == 0 ? null : Cities[random.Next(Cities.Length)], Zip = "z" },
        Status = (Status)random.Next(3),
        Email = random.Next(3) == 0 ? null : $"u{Interlocked.Increment(ref _emails)}@example.com",
        Born = new DateTime(1950, 1, 1).AddDays(random.Next(3) * 1000 + random.Next(2)),
        Balance = random.Next(3) * 1.5m,
        Tag = new Guid(random.Next(3), 0, 0, new byte[8]),
        Ratio = random.Next(5) switch { 0 => null, 1 => double.NaN, 2 => -0.0, _ => random.Next(3) / 2.0 },
    };

    /// <summary>Asserts every index equals the brute force over <paramref name="expected"/>, on full scans, ranges, prefixes and counts.</summary>
    protected void AssertIndexes(PeopleDb db, IReadOnlyDictionary<int, Person> expected, Random random)
    {
        var snapshot = BruteForce.Snapshot(db);
        Assert.Equal(expected.Count, snapshot.Count);
        Assert.Equal(expected.Keys.OrderBy(k => k), snapshot.Scan().Select(p => p.Id));
        var documents = expected.Values.ToList();
        foreach (var (name, values) in PeopleDb.Expected)
        {
            var index = snapshot.GetIndex(name)!;
            Assert.Equal(expected.Count, index.Count);
            Assert.Equal(BruteForce.Range(documents, values, [], null, null, false), index.Range([], null, null, false).ToList());
            Assert.Equal(BruteForce.Range(documents, values, [], null, null, true), index.Range([], null, null, true).ToList());
            Assert.Equal(expected.Count, index.CountRange([], null, null));
            for (int q = 0; q < 12; q++)
            {
                var sample = documents.Count == 0 ? RandomPerson(random) : documents[random.Next(documents.Count)];
                var other = documents.Count == 0 ? RandomPerson(random) : documents[random.Next(documents.Count)];
                var sampleValues = values(sample);
                int prefixLength = random.Next(sampleValues.Length);
                var prefix = sampleValues[..prefixLength];
                IndexBound? lower = random.Next(3) == 0 ? null : new IndexBound(sampleValues[prefixLength], random.Next(2) == 0);
                IndexBound? upper = random.Next(3) == 0 ? null : new IndexBound(values(other)[prefixLength], random.Next(2) == 0);
                bool descending = random.Next(2) == 0;
                var want = BruteForce.Range(documents, values, prefix, lower, upper, descending);
                var got = index.Range(prefix, lower, upper, descending).ToList();
                Assert.True(want.SequenceEqual(got), $"index {name}, prefix [{string.Join(", ", prefix)}], {lower} .. {upper}, descending {descending}: want [{string.Join(",", want)}] got [{string.Join(",", got)}]");
                Assert.Equal(want.Count, index.CountRange(prefix, lower, upper));
                var entries = index.RangeEntries(prefix, lower, upper, descending).ToList();
                Assert.Equal(want, entries.Select(e => e.Key));
                foreach (var entry in entries)
                    Assert.Equal(0, BruteForce.CompareValues(values(expected[(int)entry.Key]), [.. entry.Values]));
            }
        }
    }

    [Fact]
    public void RandomWrites_IndexesEqualBruteForce_AcrossCheckpointsAndReopens()
    {
        int seed = Environment.TickCount;
        Output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var db = Track(Create());
        var expected = new Dictionary<int, Person>();
        for (int round = 0; round < 6; round++)
        {
            for (int op = 0; op < 250; op++)
                RandomWrite(db, expected, random);
            AssertIndexes(db, expected, random);
            switch (round % 3)
            {
                case 0:
                    db.Checkpoint();
                    break;
                case 1:
                    db = Track(Reopen(db, checkpointOnDispose: true));
                    break;
                default:
                    db = Track(Reopen(db, checkpointOnDispose: false));
                    break;
            }
            AssertIndexes(db, expected, random);
        }
    }

    private void RandomWrite(PeopleDb db, Dictionary<int, Person> expected, Random random)
    {
        var keys = expected.Keys.ToList();
        switch (random.Next(10))
        {
            case 0 or 1 or 2:
                var inserted = RandomPerson(random);
                db.People.Insert(inserted);
                expected[inserted.Id] = inserted.Clone();
                break;
            case 3:
                var batch = Enumerable.Range(0, random.Next(1, 20)).Select(_ => RandomPerson(random)).ToList();
                db.People.InsertMany(batch);
                foreach (var p in batch) expected[p.Id] = p.Clone();
                break;
            case 4 or 5 when keys.Count > 0:
                var updated = RandomPerson(random, keys[random.Next(keys.Count)]);
                if (random.Next(3) == 0) updated.Email = expected[updated.Id].Email; // keep its own unique value
                db.People.Update(updated);
                expected[updated.Id] = updated.Clone();
                break;
            case 6:
                var upserted = RandomPerson(random, random.Next(1, keys.Count + 20));
                db.People.Upsert(upserted);
                expected[upserted.Id] = upserted.Clone();
                break;
            case 7 or 8 when keys.Count > 0:
                int key = keys[random.Next(keys.Count)];
                Assert.True(db.People.Delete(key));
                expected.Remove(key);
                break;
            case 9:
                int age = random.Next(0, 90);
                int deleted = db.People.DeleteMany(p => p.Age == age);
                Assert.Equal(expected.Values.Count(p => p.Age == age), deleted);
                foreach (var k in expected.Where(e => e.Value.Age == age).Select(e => e.Key).ToList()) expected.Remove(k);
                break;
        }
    }

    [Fact]
    public void UniqueViolation_OnInsert_LeavesDataUnchanged()
    {
        var db = Track(Create());
        db.People.Insert(new Person { Name = "a", Email = "a@x" });
        db.People.Insert(new Person { Name = "b", Email = null });
        db.Checkpoint();
        var e = Assert.Throws<ZgDbUniqueConstraintException>(() => db.People.Insert(new Person { Name = "c", Email = "a@x", Age = 7 }));
        Assert.Equal("Email", e.Index);
        Assert.Contains("'a@x'", e.Message);
        Assert.Equal(2, db.People.Count());
        Assert.Equal([1], BruteForce.Index(db, "Email").Range(["a@x"], null, null, false).Cast<int>());
        Assert.Equal(0, BruteForce.Index(db, "Age").CountRange([7], null, null));
        // nulls are not checked
        db.People.Insert(new Person { Name = "d", Email = null });
        Assert.Equal(2, BruteForce.Index(db, "Email").CountRange([null], null, null));
    }

    [Fact]
    public void UniqueViolation_OnUpdate_LeavesDataUnchanged()
    {
        var db = Track(Create());
        db.People.InsertMany([new Person { Name = "a", Email = "a@x", Age = 1 }, new Person { Name = "b", Email = "b@x", Age = 2 }]);
        var b = db.People.Find(2)!;
        b.Email = "a@x";
        b.Age = 40;
        Assert.Throws<ZgDbUniqueConstraintException>(() => db.People.Update(b));
        Assert.Throws<ZgDbUniqueConstraintException>(() => db.People.Upsert(b));
        Assert.Equal("b@x", db.People.Find(2)!.Email);
        Assert.Equal(2, db.People.Find(2)!.Age);
        Assert.Equal(0, BruteForce.Index(db, "Age").CountRange([40], null, null));
        Assert.Equal([2], BruteForce.Index(db, "Email").Range(["b@x"], null, null, false).Cast<int>());
        // keeping one's own value, or taking a value freed in the same state, is fine
        b = db.People.Find(2)!;
        b.Age = 41;
        db.People.Update(b);
        db.People.Delete(1);
        b.Email = "a@x";
        db.People.Update(b);
        Assert.Equal([2], BruteForce.Index(db, "Email").Range(["a@x"], null, null, false).Cast<int>());
    }

    [Fact]
    public void UniqueViolation_TwoDocumentsInOneInsertMany_InsertsNothing()
    {
        var db = Track(Create());
        db.People.Insert(new Person { Name = "first", Email = "first@x" });
        var e = Assert.Throws<ZgDbUniqueConstraintException>(() => db.People.InsertMany([
            new Person { Id = 10, Name = "a", Email = "same@x" },
            new Person { Id = 11, Name = "b", Email = "other@x" },
            new Person { Id = 12, Name = "c", Email = "same@x" },
        ]));
        Assert.Contains("document 10", e.Message);
        Assert.Equal(1, db.People.Count());
        Assert.Null(db.People.Find(10));
        Assert.Equal(1, BruteForce.Index(db, "Email").Count);
        Assert.Equal(0, BruteForce.Index(db, "Email").CountRange(["same@x"], null, null));
        Assert.Equal([1], BruteForce.Index(db, "Email").Range([], null, null, false).Cast<int>());
    }

    [Fact]
    public void UniqueViolation_InsideATransaction_UndoesOnlyThatCall_AndRollbackRestoresTheIndexes()
    {
        var db = Track(Create());
        db.People.Insert(new Person { Id = 1, Email = "a@x", Age = 1 });
        using (var tx = db.BeginTransaction())
        {
            db.People.Insert(new Person { Id = 2, Email = "b@x", Age = 2 });
            Assert.Throws<ZgDbUniqueConstraintException>(() => db.People.Insert(new Person { Id = 3, Email = "b@x", Age = 3 }));
            Assert.Equal([2], BruteForce.Index(db, "Email").Range(["b@x"], null, null, false).Cast<int>());
            Assert.Equal(0, BruteForce.Index(db, "Age").CountRange([3], null, null));
            tx.Commit();
        }
        Assert.Equal([1, 2], BruteForce.Index(db, "Age").Range([], null, null, false).Cast<int>());
        using (db.BeginTransaction())
        {
            db.People.Delete(1);
            db.People.Insert(new Person { Id = 4, Email = "a@x", Age = 4 });
            Assert.Equal([4], BruteForce.Index(db, "Email").Range(["a@x"], null, null, false).Cast<int>());
        } // rolled back
        Assert.Equal([1], BruteForce.Index(db, "Email").Range(["a@x"], null, null, false).Cast<int>());
        Assert.Equal([1, 2], BruteForce.Index(db, "Age").Range([], null, null, false).Cast<int>());
    }

    [Fact]
    public void CompositeIndex_PrefixAndRange_EqualBruteForce()
    {
        var db = Track(Create());
        var people = new List<Person>();
        for (int i = 1; i <= 300; i++)
            people.Add(new Person { Id = i, Name = "p" + i, City = Cities[i % Cities.Length] is var c && i % 11 == 0 ? null : c, Age = i % 37 });
        db.People.InsertMany(people);
        db.Checkpoint();
        db.People.Delete(5);
        people.RemoveAll(p => p.Id == 5);
        var index = BruteForce.Index(db, "City,Age");
        var values = PeopleDb.Expected["City,Age"];
        foreach (var city in Cities.Append(null))
        {
            Assert.Equal(BruteForce.Range(people, values, [city], null, null, false), index.Range([city], null, null, false).ToList());
            Assert.Equal(BruteForce.Range(people, values, [city], new IndexBound(10, true), new IndexBound(20, false), false),
                index.Range([city], new IndexBound(10, true), new IndexBound(20, false), false).ToList());
            Assert.Equal(BruteForce.Range(people, values, [city], new IndexBound(30, false), null, true),
                index.Range([city], new IndexBound(30, false), null, true).ToList());
            Assert.Equal(BruteForce.Range(people, values, [city, 12], null, null, false), index.Range([city, 12], null, null, false).ToList());
            Assert.Equal(people.Count(p => p.City == city && p.Age is >= 10 and < 20), index.CountRange([city], new IndexBound(10, true), new IndexBound(20, false)));
        }
        // a range over the first column of a composite index
        Assert.Equal(BruteForce.Range(people, values, [], new IndexBound("B", true), new IndexBound("P", false), false),
            index.Range([], new IndexBound("B", true), new IndexBound("P", false), false).ToList());
        Assert.Throws<ArgumentException>(() => index.Range(["Oslo", 3], new IndexBound(1, true), null, false).ToList());
    }

    [Fact]
    public void NestedAndNullableIndexes_NullsSortFirst()
    {
        var db = Track(Create());
        db.People.InsertMany([
            new Person { Id = 1, Address = null, Score = 3 },
            new Person { Id = 2, Address = new Address { City = null }, Score = null },
            new Person { Id = 3, Address = new Address { City = "Oslo" }, Score = -1 },
            new Person { Id = 4, Address = new Address { City = "Berlin" }, Score = null },
        ]);
        var city = BruteForce.Index(db, "Address.City");
        Assert.Equal([1, 2, 4, 3], city.Range([], null, null, false).Cast<int>());
        Assert.Equal([1, 2], city.Range([null], null, null, false).Cast<int>());
        Assert.Equal([4, 3], city.Range([], new IndexBound(null, false), null, false).Cast<int>());
        var score = BruteForce.Index(db, "Score");
        Assert.Equal([2, 4, 3, 1], score.Range([], null, null, false).Cast<int>());
        Assert.Equal(2, score.CountRange([null], null, null));
        Assert.Equal([3, 1], score.Range([], new IndexBound(-1, true), new IndexBound(3, true), false).Cast<int>());
        db.People.Update(new Person { Id = 1, Address = new Address { City = "Aachen" }, Score = null });
        Assert.Equal([1, 2, 4, 3], city.Range([], null, null, false).Cast<int>()); // the snapshot taken before is unchanged
        Assert.Equal([2, 1, 4, 3], BruteForce.Index(db, "Address.City").Range([], null, null, false).Cast<int>());
        Assert.Equal([1, 2, 4], BruteForce.Index(db, "Score").Range([null], null, null, false).Cast<int>());
    }

    [Fact]
    public void Snapshot_IsImmutable_WhileWritersGoOn()
    {
        var db = Track(Create());
        db.People.InsertMany(Enumerable.Range(1, 50).Select(i => new Person { Id = i, Age = i }));
        var before = BruteForce.Index(db, "Age");
        db.People.DeleteMany(p => p.Age < 25);
        db.Checkpoint();
        db.People.Insert(new Person { Id = 100, Age = 1 });
        Assert.Equal(Enumerable.Range(1, 50), before.Range([], null, null, false).Cast<int>());
        Assert.Equal(new[] { 100 }.Concat(Enumerable.Range(25, 26)), BruteForce.Index(db, "Age").Range([], null, null, false).Cast<int>());
    }

    [Fact]
    public void BoundValues_AreBroughtToTheColumnType()
    {
        var db = Track(Create());
        db.People.InsertMany([new Person { Id = 1, Age = 30, Status = Status.Banned }, new Person { Id = 2, Age = 31, Status = Status.Active }]);
        var age = BruteForce.Index(db, "Age");
        Assert.Equal([1], age.Range([30L], null, null, false).Cast<int>());
        Assert.Equal([2], age.Range([], new IndexBound((short)30, false), null, false).Cast<int>());
        Assert.Throws<ArgumentException>(() => age.Range([], new IndexBound(30.5, true), null, false).ToList());
        Assert.Throws<ArgumentException>(() => age.Range(["30"], null, null, false).ToList());
        Assert.Equal(30, age.Normalize(0, 30L));
        var status = BruteForce.Index(db, "Status");
        Assert.Equal([1], status.Range([2], null, null, false).Cast<int>());
        Assert.Equal([2], status.Range([Status.Active], null, null, false).Cast<int>());
        Assert.Null(BruteForce.Snapshot(db).GetIndex("NoSuchIndex"));
    }

    [Fact]
    public async Task ConcurrentCheckpoints_KeepIndexesEqualToDocuments()
    {
        int seed = Environment.TickCount;
        Output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var db = Track(Create());
        var expected = new Dictionary<int, Person>();
        using var stop = new CancellationTokenSource();
        var checkpoints = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) db.Checkpoint();
        });
        for (int op = 0; op < 1500; op++) RandomWrite(db, expected, random);
        stop.Cancel();
        await checkpoints;
        AssertIndexes(db, expected, random);
        db.Checkpoint();
        AssertIndexes(db, expected, random);
    }
}

public sealed class InMemoryIndexTests(ITestOutputHelper output) : IndexSuite(output)
{
    protected override PeopleDb Create() => ZgDatabase.OpenInMemory<PeopleDb>(new ZgDbOptions { ChunkDocuments = 16 });

    protected override PeopleDb Reopen(PeopleDb db, bool checkpointOnDispose) => db;
}

public sealed class OnDiskIndexTests(ITestOutputHelper output) : IndexSuite(output)
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "zgdb-index-tests", Guid.NewGuid().ToString("N"));

    private ZgDbOptions Options(bool checkpointOnDispose) => new()
    {
        ChunkDocuments = 16,
        Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = checkpointOnDispose },
    };

    protected override PeopleDb Create() => ZgDatabase.Open<PeopleDb>(_directory, Options(true));

    protected override PeopleDb Reopen(PeopleDb db, bool checkpointOnDispose)
    {
        db.Engine.Options.Checkpoint.OnDispose = checkpointOnDispose;
        db.Dispose();
        return ZgDatabase.Open<PeopleDb>(_directory, Options(true));
    }

    public override void Dispose()
    {
        base.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
