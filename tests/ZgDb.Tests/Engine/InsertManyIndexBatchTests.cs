using ZgDb.TestSupport;

namespace ZgDb.Tests.Engine;

public sealed class BatchMember
{
    public int Id { get; set; }
    public string? Email { get; set; }
    public string City { get; set; } = "";
    public int Age { get; set; }
    public decimal? Score { get; set; }

    public BatchMember Clone() => (BatchMember)MemberwiseClone();
}

public sealed class BatchDb : ZgDatabase
{
    public ZgCollection<BatchMember> Members => Collection<BatchMember>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<BatchMember>().HasIndex(m => m.Email).IsUnique();
        model.Entity<BatchMember>().HasIndex(m => m.City);
        model.Entity<BatchMember>().HasIndex(m => m.Age);
        model.Entity<BatchMember>().HasIndex(m => m.Score);
        model.Entity<BatchMember>().HasIndex(m => new { m.City, m.Age });
    }
}

/// <summary>
/// <c>InsertMany</c> maintains the secondary indexes as one batch per call (entries collected, then merged into each
/// index once) instead of one persistent-tree insert per document and index. Every index must answer as
/// LINQ-to-Objects does after any mix of batches, single writes, deletes, checkpoints and reopens, and the unique
/// constraint must refuse exactly what the per-document path refuses, with the same message, storing nothing.
/// </summary>
public sealed class InsertManyIndexBatchTests
{
    private static readonly string[] Cities = ["Lima", "Oslo", "Pune", "Kyiv", "Lyon"];

    private static BatchMember Member(Random random, int id, string? email) => new()
    {
        Id = id,
        Email = email,
        City = Cities[random.Next(Cities.Length)],
        Age = 18 + random.Next(50),
        Score = random.Next(4) == 0 ? null : random.Next(200) / 4m,
    };

    /// <summary>Each index's answers, the query's plan checked to be the index, next to LINQ-to-Objects over <paramref name="expected"/>.</summary>
    private static void AssertIndexesAnswer(BatchDb db, Dictionary<int, BatchMember> expected, string step)
    {
        var all = expected.Values.ToList();
        Assert.True(all.Count == db.Members.Count(), $"{step}: count");
        foreach (var city in Cities)
        {
            var byCity = db.Members.Where(m => m.City == city);
            Assert.StartsWith("INDEX", byCity.Explain());
            Assert.True(all.Where(m => m.City == city).Select(m => m.Id).Order().SequenceEqual(byCity.Select(m => m.Id).ToList().Order()), $"{step}: City == {city}");
            var composite = db.Members.Where(m => m.City == city && m.Age >= 30 && m.Age < 40).Select(m => m.Id).ToList().Order();
            Assert.True(all.Where(m => m.City == city && m.Age >= 30 && m.Age < 40).Select(m => m.Id).Order().SequenceEqual(composite), $"{step}: City == {city} and Age in [30, 40)");
        }
        var byAge = db.Members.Where(m => m.Age > 40).OrderBy(m => m.Age).ThenBy(m => m.Id).Take(25).Select(m => m.Id).ToList();
        Assert.True(all.Where(m => m.Age > 40).OrderBy(m => m.Age).ThenBy(m => m.Id).Take(25).Select(m => m.Id).SequenceEqual(byAge), $"{step}: Age > 40 ordered");
        var unscored = db.Members.Where(m => m.Score == null).Select(m => m.Id).ToList().Order();
        Assert.True(all.Where(m => m.Score == null).Select(m => m.Id).Order().SequenceEqual(unscored), $"{step}: Score == null");
        var scored = db.Members.Where(m => m.Score >= 10m && m.Score < 20m).Select(m => m.Id).ToList().Order();
        Assert.True(all.Where(m => m.Score >= 10m && m.Score < 20m).Select(m => m.Id).Order().SequenceEqual(scored), $"{step}: Score in [10, 20)");
        foreach (var probe in all.Where(m => m.Email is not null).Take(20))
        {
            var email = probe.Email;
            Assert.True(all.Where(m => m.Email == email).Select(m => m.Id).SequenceEqual(db.Members.Where(m => m.Email == email).Select(m => m.Id).ToList()), $"{step}: Email == {email}");
        }
    }

    [Theory]
    [InlineData(11, false)]
    [InlineData(12, true)]
    [InlineData(13, true)]
    public void Indexes_equal_LINQ_to_Objects_after_batches_single_writes_deletes_checkpoints_and_reopens(int seed, bool onDisk)
    {
        var random = new Random(seed);
        using var dir = new TempDirectory();
        BatchDb Open() => onDisk ? ZgDatabase.Open<BatchDb>(dir.Path) : ZgDatabase.OpenInMemory<BatchDb>();
        var db = Open();
        try
        {
            var expected = new Dictionary<int, BatchMember>();
            var deleted = new List<BatchMember>();
            int nextId = 1, nextEmail = 1;
            for (int step = 0; step < 40; step++)
            {
                switch (random.Next(6))
                {
                    case 0 or 1 or 2: // a batch, some of it documents deleted earlier coming back with the same values
                        var batch = new List<BatchMember>();
                        int size = random.Next(2, 300);
                        for (int i = 0; i < size; i++)
                        {
                            if (deleted.Count > 0 && random.Next(5) == 0)
                            {
                                var back = deleted[random.Next(deleted.Count)];
                                deleted.Remove(back);
                                batch.Add(back.Clone());
                            }
                            else batch.Add(Member(random, nextId++, random.Next(6) == 0 ? null : $"m{nextEmail++}@example.com"));
                        }
                        db.Members.InsertMany(batch);
                        foreach (var m in batch) expected[m.Id] = m.Clone();
                        break;
                    case 3: // single writes: an update that moves every index, an insert
                        if (expected.Count > 0)
                        {
                            var moved = expected.Values.ElementAt(random.Next(expected.Count)).Clone();
                            moved.City = Cities[random.Next(Cities.Length)];
                            moved.Age = 18 + random.Next(50);
                            moved.Score = random.Next(3) == 0 ? null : random.Next(200) / 4m;
                            db.Members.Update(moved);
                            expected[moved.Id] = moved;
                        }
                        var single = Member(random, nextId++, $"m{nextEmail++}@example.com");
                        db.Members.Insert(single);
                        expected[single.Id] = single.Clone();
                        break;
                    case 4: // deletes
                        foreach (var gone in expected.Values.Where(_ => random.Next(8) == 0).ToList())
                        {
                            Assert.True(db.Members.Delete(gone.Id));
                            expected.Remove(gone.Id);
                            deleted.Add(gone);
                        }
                        break;
                    default:
                        if (random.Next(2) == 0) db.Checkpoint();
                        else if (onDisk)
                        {
                            db.Dispose();
                            db = Open();
                        }
                        break;
                }
                AssertIndexesAnswer(db, expected, $"seed {seed}, step {step}");
            }
            if (onDisk)
            {
                db.Dispose();
                db = Open();
                AssertIndexesAnswer(db, expected, $"seed {seed}, reopened");
            }
        }
        finally
        {
            db.Dispose();
        }
    }

    [Fact]
    public void A_batch_large_enough_to_merge_its_indexes_in_parallel_answers_as_LINQ_to_Objects_after_a_reopen()
    {
        var random = new Random(5);
        using var dir = new TempDirectory();
        var members = Enumerable.Range(1, 20_000).Select(i => Member(random, i, i % 7 == 0 ? null : $"big{i}@example.com")).ToList();
        var expected = members.ToDictionary(m => m.Id, m => m.Clone());
        using (var db = ZgDatabase.Open<BatchDb>(dir.Path))
        {
            db.Members.InsertMany(members);
            AssertIndexesAnswer(db, expected, "after the batch");
            var more = Enumerable.Range(20_001, 6_000).Select(i => Member(random, i, $"big{i}@example.com")).ToList();
            db.Members.InsertMany(more); // onto an added set of 20,000 entries: merged, not rebuilt per entry
            foreach (var m in more) expected[m.Id] = m.Clone();
            AssertIndexesAnswer(db, expected, "after a second batch");
        }
        using (var db = ZgDatabase.Open<BatchDb>(dir.Path))
            AssertIndexesAnswer(db, expected, "reopened");
    }

    /// <summary>What the per-document path says for the same documents: one Insert per document in a transaction.</summary>
    private static string PerDocumentError(List<BatchMember> existing, List<BatchMember> batch)
    {
        using var db = ZgDatabase.OpenInMemory<BatchDb>();
        db.Members.InsertMany(existing.Take(1).Select(m => m.Clone()));
        foreach (var m in existing.Skip(1)) db.Members.Insert(m.Clone());
        using var tx = db.BeginTransaction();
        var e = Assert.Throws<ZgDbUniqueConstraintException>(() => { foreach (var m in batch) db.Members.Insert(m.Clone()); });
        return e.Message;
    }

    [Fact]
    public void A_duplicate_inside_one_batch_is_refused_naming_the_earlier_document_and_nothing_is_stored()
    {
        var random = new Random(7);
        var existing = Enumerable.Range(1, 10).Select(i => Member(random, i, $"e{i}@example.com")).ToList();
        var batch = Enumerable.Range(100, 50).Select(i => Member(random, i, $"b{i}@example.com")).ToList();
        batch[30].Email = batch[12].Email; // document 130 repeats document 112's email
        using var db = ZgDatabase.OpenInMemory<BatchDb>();
        db.Members.InsertMany(existing.Select(m => m.Clone()));
        var e = Assert.Throws<ZgDbUniqueConstraintException>(() => db.Members.InsertMany(batch.Select(m => m.Clone())));
        Assert.Contains("b112@example.com", e.Message);
        Assert.Contains("112", e.Message);
        Assert.Equal(PerDocumentError(existing, batch), e.Message);
        AssertIndexesAnswer(db, existing.ToDictionary(m => m.Id), "after the refused batch");
    }

    [Fact]
    public void A_batch_repeating_a_stored_value_is_refused_naming_the_stored_document_and_nothing_is_stored()
    {
        var random = new Random(8);
        var existing = Enumerable.Range(1, 10).Select(i => Member(random, i, $"e{i}@example.com")).ToList();
        var batch = Enumerable.Range(100, 50).Select(i => Member(random, i, $"b{i}@example.com")).ToList();
        batch[40].Email = "e4@example.com";
        using var db = ZgDatabase.OpenInMemory<BatchDb>();
        db.Members.InsertMany(existing.Select(m => m.Clone()));
        db.Checkpoint(); // the stored value in the index's base, not only in its delta
        var e = Assert.Throws<ZgDbUniqueConstraintException>(() => db.Members.InsertMany(batch.Select(m => m.Clone())));
        Assert.Contains("e4@example.com", e.Message);
        Assert.Equal(PerDocumentError(existing, batch), e.Message);
        AssertIndexesAnswer(db, existing.ToDictionary(m => m.Id), "after the refused batch");
    }

    [Fact]
    public void Null_values_are_not_constrained_and_a_deleted_documents_value_is_free_for_a_batch()
    {
        using var db = ZgDatabase.OpenInMemory<BatchDb>();
        db.Members.InsertMany([new BatchMember { Id = 1, Email = "a@example.com", City = "Lima" }, new BatchMember { Id = 2, Email = null, City = "Oslo" }]);
        db.Members.Delete(1);
        var batch = new List<BatchMember>
        {
            new() { Id = 3, Email = null, City = "Lima" },
            new() { Id = 4, Email = null, City = "Lima" },
            new() { Id = 5, Email = "a@example.com", City = "Pune" }, // the deleted document's email, under a new key
            new() { Id = 1, Email = "a@example.com", City = "Lima" }, // and the deleted document itself, back with its values
        };
        var e = Assert.Throws<ZgDbUniqueConstraintException>(() => db.Members.InsertMany(batch.Select(m => m.Clone())));
        Assert.Contains("a@example.com", e.Message); // 1 repeats 5's email: refused as one Insert after another would be
        batch.RemoveAt(2);
        db.Members.InsertMany(batch.Select(m => m.Clone()));
        var expected = batch.Append(new BatchMember { Id = 2, Email = null, City = "Oslo" }).ToDictionary(m => m.Id);
        AssertIndexesAnswer(db, expected, "after the batch");
        Assert.Equal([1], db.Members.Where(m => m.Email == "a@example.com").Select(m => m.Id).ToList());
        Assert.Equal([2, 3, 4], db.Members.Where(m => m.Email == null).Select(m => m.Id).ToList().Order());
    }

    [Fact]
    public void A_batch_inside_a_transaction_that_rolls_back_leaves_every_index_as_it_was()
    {
        var random = new Random(9);
        using var db = ZgDatabase.OpenInMemory<BatchDb>();
        var existing = Enumerable.Range(1, 40).Select(i => Member(random, i, $"e{i}@example.com")).ToList();
        db.Members.InsertMany(existing.Select(m => m.Clone()));
        using (var tx = db.BeginTransaction())
        {
            db.Members.Delete(3);
            db.Members.InsertMany(Enumerable.Range(100, 30).Select(i => Member(random, i, $"t{i}@example.com")).Append(existing[2].Clone()));
            Assert.Equal(70, db.Members.Count());
        }
        AssertIndexesAnswer(db, existing.ToDictionary(m => m.Id), "after the rollback");
    }
}
