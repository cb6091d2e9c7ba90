using Xunit;
using Xunit.Abstractions;
using ZgDb.Query;

namespace ZgDb.Linq.Tests;

/// <summary>Explain shows the expected access path; the plan cache reuses plans; indexed reads load only the chunks they need.</summary>
public sealed class PlanTests(InMemoryBackend backend, ITestOutputHelper output) : IClassFixture<InMemoryBackend>
{
    private ShopDb Db => backend.Db;

    private string Explain<T>(IQueryable<T> query)
    {
        var plan = query.Explain();
        output.WriteLine(plan);
        return plan;
    }

    [Fact]
    public void Primary_key_paths()
    {
        int id = 42;
        Assert.Equal("PRIMARY KEY SEEK Person.Id = 42", Explain(Db.People.Where(p => p.Id == id)));
        var ids = new[] { 3, 1, 2 };
        Assert.StartsWith("PRIMARY KEY SEEK Person.Id IN (3, 1, 2)", Explain(Db.People.Where(p => ids.Contains(p.Id))));
        Assert.Equal("PRIMARY KEY RANGE Person.Id [10, 20)", Explain(Db.People.Where(p => p.Id >= 10 && p.Id < 20)));
        Assert.Equal("PRIMARY KEY RANGE Person.Id (-inf, 20] DESC -> TAKE 3", Explain(Db.People.Where(p => p.Id <= 20).OrderByDescending(p => p.Id).Take(3)));
        Assert.Equal("PRIMARY KEY SEEK Product.Code = 'P0001'", Explain(Db.Products.Where(p => p.Code == "P0001")));
    }

    [Fact]
    public void Index_paths()
    {
        var city = "Paris";
        Assert.Equal("INDEX SEEK Person.City = 'Paris'", Explain(Db.People.Where(p => p.City == city)));
        Assert.Equal("INDEX RANGE Person.City = 'Paris' AND Person.Age (30, +inf)", Explain(Db.People.Where(p => p.City == city && p.Age > 30)));
        Assert.Equal("INDEX RANGE Person.Age [25, +inf) -> TAKE 10", Explain(Db.People.Where(p => p.Age >= 25).OrderBy(p => p.Age).Take(10)));
        // LINQ's OrderBy filters every document before Take stops; a null Name would throw there: checked per execution
        Assert.Equal("INDEX RANGE Person.Age [25, +inf) -> FILTER Name.StartsWith(@p1) -> TAKE 10 (FULL SCAN instead when a Person.Name is null)",
            Explain(Db.People.Where(p => p.Age >= 25 && p.Name.StartsWith("Ka")).OrderBy(p => p.Age).Take(10)));
        Assert.Equal("INDEX ORDERED SCAN Person.Age DESC -> TAKE 5", Explain(Db.People.OrderByDescending(p => p.Age).Take(5)));
        Assert.Equal("INDEX RANGE Person.Name STARTS WITH 'Ka' (FULL SCAN instead when a Person.Name is null)", Explain(Db.People.Where(p => p.Name.StartsWith("Ka", StringComparison.Ordinal))));
        Assert.StartsWith("INDEX SEEK Person.Status IN", Explain(Db.People.Where(p => new[] { Status.Active, Status.Banned }.Contains(p.Status))));
        Assert.Equal("INDEX SEEK Person.Address.Zip = '10010'", Explain(Db.People.Where(p => p.Address != null && p.Address.Zip == "10010")).Split(" -> ")[0]);
        // without the guard, LINQ-to-Objects throws on a document without an address: the index serves only when there is none
        Assert.Equal("INDEX SEEK Person.Address.Zip = '10010' (FULL SCAN instead when a Person.Address.Zip is null)", Explain(Db.People.Where(p => p.Address!.Zip == "10010")));
        Assert.Equal("INDEX SEEK Person.Email = 'user5@example.com'", Explain(Db.People.Where(p => p.Email == "user5@example.com" && p.Age > 3)).Split(" -> ")[0]);
        Assert.Equal("INDEX SEEK Person.City = 'Paris' -> COUNT (from the index)", Db.People.ExplainOf(q => q.Count(p => p.City == city)));
        Assert.Equal("COUNT Person (stored count)", Db.People.ExplainOf(q => q.LongCount()));
        Assert.Equal("UNION(INDEX SEEK Person.City = 'Paris', INDEX SEEK Person.Age = 3, PRIMARY KEY SEEK Person.Id = 7) -> FILTER (((City == @p0) OR (Age == @p1)) OR (Id == @p2))",
            Explain(Db.People.Where(p => p.City == "Paris" || p.Age == 3 || p.Id == 7)));
    }

    [Fact]
    public void What_no_index_serves_is_filtered_or_sorted_in_memory()
    {
        // LINQ-to-Objects orders strings with the current culture, the index ordinally: the plan sorts.
        Assert.Equal("FULL SCAN Person -> SORT Name -> TAKE 10", Explain(Db.People.OrderBy(p => p.Name).Take(10)));
        // culture-sensitive StartsWith matches strings outside the ordinal prefix range (ignorable characters)
        Assert.StartsWith("FULL SCAN Person -> FILTER Name.StartsWith(@p0) (hint: StartsWith(value, StringComparison.Ordinal) would use the index on Name",
            Explain(Db.People.Where(p => p.Name.StartsWith("Ka"))));
        Assert.Equal("FULL SCAN Person -> FILTER (Height > @p0)", Explain(Db.People.Where(p => p.Height > 1.5)));
        Assert.Equal("FULL SCAN Person -> FILTER ((City == @p0) OR (Height == @p1))", Explain(Db.People.Where(p => p.City == "Paris" || p.Height == 3)));
        var join = Explain(from p in Db.People where p.Age == 30 join o in Db.Orders on p.Id equals o.PersonId select new { p.Name, o.Amount });
        Assert.Equal("INDEX SEEK Person.Age = 30 ; FULL SCAN Order -> IN MEMORY JOIN, SELECT", join);
    }

    [Fact]
    public void Repeated_query_shape_is_parsed_once()
    {
        using var db = ZgDatabase.OpenInMemory<ShopDb>();
        db.People.InsertMany(TestData.People(300));
        var pipeline = QueryPipeline.For(db);
        for (int id = 1; id <= 300; id++)
        {
            var found = db.People.FirstOrDefault(u => u.Id == id);
            Assert.Equal(id, found!.Id);
        }
        Assert.Equal(1, pipeline.Compilations);
        var city = "Paris";
        Assert.Equal(db.People.ToList().Count(p => p.City == city), db.People.Count(p => p.City == city));
        city = "Berlin";
        Assert.Equal(db.People.ToList().Count(p => p.City == city), db.People.Count(p => p.City == city));
        foreach (var take in new[] { 1, 5, 9 }) Assert.Equal(take, db.People.Where(p => p.Age > 0).Take(take).Count());
        Assert.Equal(3, pipeline.Compilations);
    }

    [Fact]
    public void Unsupported_operator_names_the_expression()
    {
        // an operator ZgDb runs in memory cannot hold a query in its lambda (it would read another state): refused, with the fix
        var e = Assert.Throws<NotSupportedException>(() => Db.People.TakeWhile(p => Db.Orders.Any(o => o.PersonId == p.Id)).ToList());
        output.WriteLine(e.Message);
        Assert.Contains("TakeWhile", e.Message);
        Assert.Contains("AsEnumerable()", e.Message);
        Assert.Throws<ArgumentException>(() => new List<Person>().AsQueryable().Explain());
    }

    [Fact]
    public void Operators_re_linq_does_not_know_run_in_memory_over_the_planned_part()
    {
        Assert.Equal("INDEX RANGE Person.Age (90, +inf) -> IN MEMORY MINBY", Db.People.ExplainOf(q => q.Where(p => p.Age > 90).MinBy(p => p.Balance)));
        var chunked = Explain(Db.People.Where(p => p.City == "Paris").Select(p => p.Id).Chunk(3).Select(c => c.Length));
        Assert.StartsWith("INDEX SEEK Person.City = 'Paris' -> SELECT Id -> IN MEMORY ", chunked);
        Assert.Contains("CHUNK", chunked);
        Assert.Equal("FULL SCAN Person -> IN MEMORY TAKEWHILE", Explain(Db.People.TakeWhile(p => p.Age > 3)));
    }

    [Fact]
    public async Task Async_forms_equal_sync_forms()
    {
        Assert.Equal(Db.People.Where(p => p.Age == 7).Select(p => p.Id).ToList(), await Db.People.Where(p => p.Age == 7).Select(p => p.Id).ToListAsync());
        Assert.Equal(Db.People.Count(p => p.Age == 7), await Db.People.CountAsync(p => p.Age == 7));
        Assert.Equal(Db.People.Where(p => p.Age == 7).Count(), await Db.People.Where(p => p.Age == 7).CountAsync());
        Assert.True(await Db.People.AnyAsync(p => p.Age == 7));
        Assert.False(await Db.People.Where(p => p.Age == 1234).AnyAsync());
        Assert.Equal(7, (await Db.People.FirstOrDefaultAsync(p => p.Id == 7))!.Id);
        Assert.Null(await Db.People.Where(p => p.Id == -7).FirstOrDefaultAsync());
    }

    [Fact]
    public void Queries_in_a_transaction_see_its_writes()
    {
        using var db = ZgDatabase.OpenInMemory<ShopDb>();
        db.People.InsertMany(TestData.People(50));
        using (db.BeginTransaction())
        {
            db.People.Insert(new Person { Id = 1000, Name = "tx", Age = 500 });
            Assert.Equal(1, db.People.Count(p => p.Age == 500));
        }
        Assert.Equal(0, db.People.Count(p => p.Age == 500));
    }
}

/// <summary>An indexed query on a large on-disk collection reads only the chunks holding its results.</summary>
public sealed class ChunkLoadTests(ITestOutputHelper output)
{
    [Fact]
    public void Indexed_and_key_queries_load_only_the_chunks_holding_results()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-chunks-" + Guid.NewGuid().ToString("N"));
        var options = new ZgDbOptions { ChunkDocuments = 256, ChunkCacheBytes = 64 * 1024 };
        var people = TestData.People(20_000);
        try
        {
            using (var db = ZgDatabase.Open<ShopDb>(directory, options)) db.People.InsertMany(people);
            using var reopened = ZgDatabase.Open<ShopDb>(directory, options);
            // the first use of each index loads its file (written at checkpoint): not a chunk load
            reopened.People.Where(p => p.Email == "warm-up" || p.City == "warm-up" && p.Age == 0).ToList();

            long Loads() => reopened.GetStatistics().ChunkLoads;
            static int ChunkOf(int id) => (id - 1) / 256;

            long before = Loads();
            var range = reopened.People.Where(p => p.Id >= 10_000 && p.Id < 10_010).ToList();
            Assert.Equal(Enumerable.Range(10_000, 10), range.Select(p => p.Id));
            Assert.True(Loads() - before <= 1, $"key range loaded {Loads() - before} chunks");

            before = Loads();
            var one = reopened.People.Where(p => p.Email == "user12345@example.com").ToList();
            Assert.Equal(12345, Assert.Single(one).Id);
            Assert.True(Loads() - before <= 1, $"unique index seek loaded {Loads() - before} chunks");

            var zip = people.Where(p => p.City == "Kabul" && p.Age == 33).Select(p => p.Id).ToList();
            before = Loads();
            var found = reopened.People.Where(p => p.City == "Kabul" && p.Age == 33).Select(p => p.Id).ToList();
            Assert.Equal(zip, found);
            long loads = Loads() - before;
            output.WriteLine($"{found.Count} results in {zip.Select(ChunkOf).Distinct().Count()} chunks: {loads} loads of {people.Count / 256 + 1} chunks");
            Assert.True(loads <= zip.Select(ChunkOf).Distinct().Count(), $"index seek loaded {loads} chunks");
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
