using Xunit;

namespace ZgDb.Linq.Tests;

public sealed class Shopper
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? City { get; set; }
    public List<Purchase> Purchases { get; set; } = [];
}

public sealed class Purchase
{
    public int Id { get; set; }
    public int ShopperId { get; set; }
    public decimal Amount { get; set; }
    public Shopper? Shopper { get; set; }
}

/// <summary>A database with a navigation (Purchase.Shopper / Shopper.Purchases), for entity identity.</summary>
public sealed class IdentityDb : ZgDatabase
{
    public ZgCollection<Shopper> Shoppers => Collection<Shopper>();
    public ZgCollection<Purchase> Purchases => Collection<Purchase>();

    protected override void OnModelCreating(ModelBuilder model) =>
        model.Entity<Purchase>().HasOne(p => p.Shopper).WithMany(s => s.Purchases).HasForeignKey(p => p.ShopperId);
}

/// <summary>The same shoppers and purchases as a linked object graph (LINQ-to-Objects' view) and in a database.</summary>
public abstract class IdentityBackend : IDisposable
{
    protected IdentityBackend()
    {
        var random = new Random(14);
        Shoppers = [.. Enumerable.Range(1, 120).Select(i => new Shopper { Id = i, Name = "S" + i, City = i % 5 == 0 ? null : "C" + i % 7 })];
        Purchases = [.. Enumerable.Range(1, 900).Select(i => new Purchase { Id = i, ShopperId = random.Next(1, 101), Amount = random.Next(1, 100) })];
        foreach (var purchase in Purchases)
        {
            purchase.Shopper = Shoppers[purchase.ShopperId - 1];
            purchase.Shopper.Purchases.Add(purchase);
        }
    }

    public List<Shopper> Shoppers { get; }
    public List<Purchase> Purchases { get; }
    public IdentityDb Db { get; protected set; } = null!;

    protected void Fill(IdentityDb db)
    {
        db.Shoppers.InsertMany(Shoppers.Select(s => new Shopper { Id = s.Id, Name = s.Name, City = s.City }));
        db.Purchases.InsertMany(Purchases.Select(p => new Purchase { Id = p.Id, ShopperId = p.ShopperId, Amount = p.Amount }));
    }

    public virtual void Dispose()
    {
        Db.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class InMemoryIdentityBackend : IdentityBackend
{
    public InMemoryIdentityBackend()
    {
        Db = ZgDatabase.OpenInMemory<IdentityDb>();
        Fill(Db);
    }
}

public sealed class OnDiskIdentityBackend : IdentityBackend
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "zgdb-identity-" + Guid.NewGuid().ToString("N"));

    public OnDiskIdentityBackend()
    {
        var options = new ZgDbOptions { ChunkDocuments = 64 };
        using (var db = ZgDatabase.Open<IdentityDb>(_directory, options)) Fill(db);
        Db = ZgDatabase.Open<IdentityDb>(_directory, options);
    }

    public override void Dispose()
    {
        base.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// Entity identity (issue 14): LINQ-to-Objects compares entities by reference over one object graph. One ZgDb query
/// execution materializes each document once, and compares entities by key (a captured one matches its document),
/// so each query below equals LINQ-to-Objects; scalars are compared (the graph itself is not printed).
/// </summary>
public abstract class EntityIdentitySuite<TBackend>(TBackend backend) : IClassFixture<TBackend> where TBackend : IdentityBackend
{
    public static readonly TheoryData<string> Names = [.. Cases().Select(c => c.Name)];

    private static List<(string Name, Func<IQueryable<Shopper>, IQueryable<Purchase>, object?> Run)> Cases() =>
    [
        ("Distinct_over_a_navigation_counts_each_entity_once", (s, p) => p.Select(x => x.Shopper).Distinct().Count()),
        ("Distinct_over_a_navigation_lists_each_entity_once", (s, p) => p.Where(x => x.Id < 200).Select(x => x.Shopper!).Distinct().Select(x => x.Id).ToList()),
        ("GroupBy_a_navigation_makes_one_group_per_entity", (s, p) => p.GroupBy(x => x.Shopper).Select(g => new { g.Key!.Id, N = g.Count(), Total = g.Sum(x => x.Amount) }).ToList()),
        ("GroupBy_an_anonymous_key_holding_an_entity", (s, p) => p.GroupBy(x => new { x.Shopper, Big = x.Amount > 50 }).Count()),
        ("Navigation_equals_itself", (s, p) => p.Count(x => x.Shopper == x.Shopper)),
        ("ToList_of_a_collection_navigation_inside_a_predicate", (s, p) => s.Count(x => x.Purchases.ToList().Count > 8)),
        ("Nested_collection_projection_of_a_navigation", (s, p) => s.Where(x => x.Id < 25).Select(x => new { x.Id, P = x.Purchases.OrderBy(y => y.Amount).ThenBy(y => y.Id).Select(y => y.Id).ToList() }).ToList()),
        ("MaxBy_over_a_navigation_in_a_projection", (s, p) => s.Where(x => x.Id < 25).Select(x => x.Purchases.Count == 0 ? 0 : x.Purchases.MaxBy(y => y.Amount)!.Id).ToList()),
        ("Collection_navigation_equals_itself", (s, p) => s.Count(x => x.Purchases == x.Purchases)),
        ("Collection_navigations_of_one_entity_are_one_list", (s, p) => p.Where(x => x.ShopperId == 3).Select(x => x.Shopper!.Purchases).ToList() is var lists
            && lists.All(l => ReferenceEquals(l, lists[0]))),
        ("Navigation_equals_another_navigation_of_the_same_document", (s, p) => p.Count(x => p.Any(y => y.Id != x.Id && y.Shopper == x.Shopper))),
        ("Union_of_a_navigation_and_a_collection", (s, p) => p.Select(x => x.Shopper!).Union(s.Where(x => x.Id <= 110)).Count()),
        ("Union_of_two_reads_of_one_collection", (s, p) => s.Where(x => x.Id < 60).Union(s.Where(x => x.Id > 40)).Count()),
        ("Intersect_of_a_collection_and_a_navigation", (s, p) => s.Where(x => x.Id < 50).Intersect(p.Select(x => x.Shopper!)).Select(x => x.Id).ToList()),
        ("Except_a_navigation", (s, p) => s.Except(p.Where(x => x.Amount > 20).Select(x => x.Shopper!)).Select(x => x.Id).ToList()),
        ("Contains_an_entity_of_the_same_query", (s, p) => s.Count(x => p.Select(y => y.Shopper).Contains(x))),
        ("Join_on_an_entity_key_selector", (s, p) => p.Join(s, x => x.Shopper, y => y, (x, y) => x.Id).Count()),
        ("Join_of_two_navigations", (s, p) => p.Where(x => x.Id < 100).Join(p.Where(x => x.Id < 300), x => x.Shopper, y => y.Shopper, (x, y) => x.Id + y.Id).Sum()),
        ("Navigations_to_one_document_are_one_object", (s, p) => p.Where(x => x.ShopperId == 7).Select(x => x.Shopper).ToList() is var list
            && list.All(x => ReferenceEquals(x, list[0]))),
        ("Documents_read_twice_are_one_object", (s, p) => s.Where(x => x.Id < 20).Concat(s.Where(x => x.Id < 10)).ToList() is var list
            && list.Skip(19).Zip(list).All(pair => ReferenceEquals(pair.First, pair.Second))),
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void Query_equals_LINQ_to_Objects(string name)
    {
        var query = Cases().Single(c => c.Name == name).Run;
        var expected = Canonical.Run(() => query(backend.Shoppers.AsQueryable(), backend.Purchases.AsQueryable()));
        var actual = Canonical.Run(() => query(backend.Db.Shoppers, backend.Db.Purchases));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Captured_entities_compare_by_key()
    {
        // LINQ-to-Objects: the graph's own objects; ZgDb: copies read by an earlier query, matched by key as in EF Core
        var graphShopper = backend.Shoppers[6];
        var readShopper = backend.Db.Shoppers.First(x => x.Id == 7);
        var graphList = backend.Shoppers.Where(x => x.Id % 9 == 0).ToList();
        var readList = backend.Db.Shoppers.Where(x => x.Id % 9 == 0).ToList();
        Assert.Equal(backend.Purchases.Count(x => x.Shopper == graphShopper), backend.Db.Purchases.Count(x => x.Shopper == readShopper));
        Assert.Equal(backend.Purchases.Count(x => x.Shopper != graphShopper), backend.Db.Purchases.Count(x => x.Shopper != readShopper));
        Assert.Equal(backend.Purchases.Select(x => x.Shopper).Contains(graphShopper), backend.Db.Purchases.Select(x => x.Shopper).Contains(readShopper));
        Assert.True(backend.Db.Shoppers.Contains(readShopper));
        Assert.Equal(backend.Shoppers.Count(x => graphList.Contains(x)), backend.Db.Shoppers.Count(x => readList.Contains(x)));
        Assert.Equal(backend.Purchases.Count(x => graphList.Contains(x.Shopper!)), backend.Db.Purchases.Count(x => readList.Contains(x.Shopper!)));
        Assert.Equal(backend.Shoppers.Intersect(graphList).Count(), backend.Db.Shoppers.Intersect(readList).Count());
        Assert.Equal(backend.Shoppers.Except(graphList).Count(), backend.Db.Shoppers.Except(readList).Count());
    }
}

public sealed class InMemoryEntityIdentityTests(InMemoryIdentityBackend backend) : EntityIdentitySuite<InMemoryIdentityBackend>(backend);

public sealed class OnDiskEntityIdentityTests(OnDiskIdentityBackend backend) : EntityIdentitySuite<OnDiskIdentityBackend>(backend);

/// <summary>Explain stays readable (issue 14, section 4).</summary>
public sealed class ExplainReadabilityTests(InMemoryIdentityBackend identity, InMemoryBackend shop) : IClassFixture<InMemoryIdentityBackend>, IClassFixture<InMemoryBackend>
{
    [Fact]
    public void Explain_of_a_navigation_in_a_filter_names_the_navigation_not_internals()
    {
        var plan = identity.Db.Shoppers.Where(s => s.Purchases.Any(p => p.Amount > 50)).Explain();
        Assert.StartsWith("FULL SCAN Shopper -> FILTER Purchases.Where(p => (p.Amount > @p0)).Any()", plan);
        Assert.DoesNotContain("Context", plan);
        Assert.DoesNotContain("Database =", plan);
        Assert.Contains("Purchases", plan);
    }

    [Fact]
    public void Explain_of_a_computed_range_bound_prints_its_value()
    {
        var start = new DateTime(2025, 1, 31);
        var plan = shop.Db.Orders.Where(o => o.At >= start.AddDays(-30)).Explain();
        // the index serves it (the bound computes once; were it to throw, every row is read so it throws where LINQ does)
        Assert.Equal("INDEX RANGE Order.At [2025-01-01T00:00:00.0000000, +inf)", plan);
    }

    [Fact]
    public void Explain_of_a_culture_StartsWith_on_an_indexed_property_hints_at_the_ordinal_form()
    {
        var plan = shop.Db.People.Where(p => p.Name.StartsWith("Ka")).Explain();
        Assert.StartsWith("FULL SCAN Person -> FILTER Name.StartsWith(@p0)", plan);
        Assert.Contains("StartsWith(value, StringComparison.Ordinal) would use the index on Name", plan);
    }
}
