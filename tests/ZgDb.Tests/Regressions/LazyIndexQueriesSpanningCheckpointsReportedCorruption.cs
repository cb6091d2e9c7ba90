using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Regression (issue 13, finding 10): a lazy INDEX SEEK / INDEX RANGE / INDEX ORDERED SCAN enumeration that spanned
/// two checkpoints failed with ZgDbCorruptFileException ("the chunk file the manifest lists is missing") on a
/// healthy database: the checkpoints deleted the chunk files of the snapshot the query was still reading.
/// </summary>
public sealed class LazyIndexQueriesSpanningCheckpointsReportedCorruption
{
    public sealed class Person
    {
        public int Id { get; set; }
        public int Age { get; set; }
        public string Name { get; set; } = "";
    }

    public sealed class PeopleDb : ZgDatabase
    {
        public ZgCollection<Person> People => Collection<Person>();

        protected override void OnModelCreating(ModelBuilder model) => model.Entity<Person>().HasIndex(p => p.Age);
    }

    // A tiny cache, so the query reads the old chunks from their files again after the checkpoints.
    private static ZgDbOptions Options => new() { ChunkDocuments = 16, ChunkCacheBytes = 1, Checkpoint = CheckpointPolicy.Manual };

    public static TheoryData<string> Queries => ["seek", "range", "ordered"];

    private static IQueryable<Person> Query(PeopleDb db, string kind) => kind switch
    {
        "seek" => db.People.Where(p => p.Age == 7),
        "range" => db.People.Where(p => p.Age >= 3 && p.Age < 9),
        _ => db.People.OrderBy(p => p.Age).Take(400),
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void A_lazy_index_query_reads_its_snapshot_across_three_checkpoints(string kind)
    {
        using var dir = new TempDirectory();
        using var db = ZgDatabase.Open<PeopleDb>(dir.Path, Options);
        db.People.InsertMany(Enumerable.Range(1, 400).Select(i => new Person { Age = i % 10, Name = $"v1-{i}" }));
        db.Checkpoint();
        var plan = Query(db, kind).Explain();
        Assert.StartsWith("INDEX", plan);
        var expected = Query(db, kind).AsEnumerable().Select(p => (p.Id, p.Name)).ToList();

        var seen = new List<(int, string)>();
        using (var e = Query(db, kind).GetEnumerator())
        {
            Assert.True(e.MoveNext());
            seen.Add((e.Current.Id, e.Current.Name));
            for (int round = 2; round <= 4; round++)
            {
                // Every document changes, so every chunk file is replaced by each checkpoint.
                db.People.UpdateMany(p => true, p => p.Name = $"v{round}-{p.Id}");
                db.Checkpoint();
            }
            while (e.MoveNext()) seen.Add((e.Current.Id, e.Current.Name));
        }
        Assert.Equal(expected, seen); // the query's own snapshot: every row as of version 1
        Assert.All(db.People.ToList(), p => Assert.StartsWith("v4-", p.Name));
    }

    [Fact]
    public void Superseded_chunk_files_are_deleted_once_no_reader_holds_their_state()
    {
        using var dir = new TempDirectory();
        using var db = ZgDatabase.Open<PeopleDb>(dir.Path, Options);
        db.People.InsertMany(Enumerable.Range(1, 400).Select(i => new Person { Age = i % 10 }));
        db.Checkpoint();
        int Files() => Directory.GetFiles(Path.Combine(dir.Path, "chunks"), "*.zgc").Length;
        int afterFirst = Files();
        for (int round = 0; round < 4; round++)
        {
            db.People.UpdateMany(p => true, p => p.Name = $"r{round}");
            GC.Collect();
            GC.WaitForPendingFinalizers();
            db.Checkpoint();
        }
        // The two kept manifest generations reference at most two generations of chunk files.
        Assert.InRange(Files(), 1, 2 * afterFirst);
    }
}
