using System.Linq.Expressions;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Linq.Tests;

/// <summary>The compiled queries of <see cref="CompiledQuerySuite{TBackend}"/>, each with the argument sets it is called with.</summary>
public static class CompiledQueryCatalog
{
    public sealed record Case(string Name, LambdaExpression Query, Delegate Compiled, bool Sequence, object?[][] Arguments);

    private static readonly DateTime Y1980 = new(1980, 1, 1);

    internal static Case One<TResult>(string name, Expression<Func<ShopDb, TResult>> query) => new(name, query, ZgQuery.Compile(query), false, [[]]);

    internal static Case One<T1, TResult>(string name, Expression<Func<ShopDb, T1, TResult>> query, params T1[] values) =>
        new(name, query, ZgQuery.Compile(query), false, [.. values.Select(v => new object?[] { v })]);

    internal static Case One<T1, T2, TResult>(string name, Expression<Func<ShopDb, T1, T2, TResult>> query, params (T1, T2)[] values) =>
        new(name, query, ZgQuery.Compile(query), false, [.. values.Select(v => new object?[] { v.Item1, v.Item2 })]);

    internal static Case One<T1, T2, T3, TResult>(string name, Expression<Func<ShopDb, T1, T2, T3, TResult>> query, params (T1, T2, T3)[] values) =>
        new(name, query, ZgQuery.Compile(query), false, [.. values.Select(v => new object?[] { v.Item1, v.Item2, v.Item3 })]);

    internal static Case Many<TResult>(string name, Expression<Func<ShopDb, IQueryable<TResult>>> query) => new(name, query, ZgQuery.Compile(query), true, [[]]);

    internal static Case Many<T1, TResult>(string name, Expression<Func<ShopDb, T1, IQueryable<TResult>>> query, params T1[] values) =>
        new(name, query, ZgQuery.Compile(query), true, [.. values.Select(v => new object?[] { v })]);

    internal static Case Many<T1, T2, TResult>(string name, Expression<Func<ShopDb, T1, T2, IQueryable<TResult>>> query, params (T1, T2)[] values) =>
        new(name, query, ZgQuery.Compile(query), true, [.. values.Select(v => new object?[] { v.Item1, v.Item2 })]);

    internal static Case Many<T1, T2, T3, T4, TResult>(string name, Expression<Func<ShopDb, T1, T2, T3, T4, IQueryable<TResult>>> query, params (T1, T2, T3, T4)[] values) =>
        new(name, query, ZgQuery.Compile(query), true, [.. values.Select(v => new object?[] { v.Item1, v.Item2, v.Item3, v.Item4 })]);

    /// <summary>A static field the compiled lambdas read (not a parameter): a parameter of the plan, read at each call.</summary>
    private static readonly int CapturedMinimumAge = 30;

    public static readonly Case[] All =
    [
        One("pk FirstOrDefault", (ShopDb db, int id) => db.People.FirstOrDefault(p => p.Id == id), 1, 17, 5999, 0, -3, 100_000),
        One("pk First", (ShopDb db, int id) => db.People.First(p => p.Id == id), 2, 3, 0),
        One("pk Single", (ShopDb db, int id) => db.People.Single(p => p.Id == id), 4, 99, -1),
        One("SingleOrDefault email", (ShopDb db, string email) => db.People.SingleOrDefault(p => p.Email == email), "p10@example.com", "nobody", null!),
        One("Count city", (ShopDb db, string? city) => db.People.Count(p => p.City == city), "Paris", "paris", null, "Nowhere"),
        One("Any age range", (ShopDb db, int low, int high) => db.People.Any(p => p.Age >= low && p.Age < high), (10, 20), (200, 300), (50, 50)),
        One("Sum age in city", (ShopDb db, string city) => db.People.Where(p => p.City == city).Sum(p => p.Age), "London", "Москва", "none"),
        One("Min born", (ShopDb db, Status status) => db.People.Where(p => p.Status == status).Min(p => p.Born), Status.Active, Status.Banned),
        One("Max score", (ShopDb db, int? score) => db.People.Where(p => p.Score != score).Max(p => p.Score), 3, null, -50),
        One("Count born after", (ShopDb db, DateTime since) => db.People.Count(p => p.Born > since), Y1980, DateTime.MinValue, DateTime.MaxValue),
        One("Count born after a computed date", (ShopDb db, DateTime since) => db.People.Count(p => p.Born > since.AddYears(-5)), Y1980, new DateTime(2000, 1, 1)),
        One("Count of the year", (ShopDb db, DateTime day) => db.People.Count(p => p.Born.Year == day.Year), Y1980, new DateTime(1955, 3, 3)),
        One("LongCount status", (ShopDb db, Status status) => db.People.LongCount(p => p.Status == status), Status.Pending, (Status)42),
        One("nullable score equals", (ShopDb db, int? score) => db.People.Count(p => p.Score == score), 0, null, 49),
        One("Average balance", (ShopDb db, int minAge) => db.People.Where(p => p.Age > minAge).Average(p => p.Balance), 10, 90),
        One("FirstOrDefault order by age", (ShopDb db, string city, int skip) => db.People.Where(p => p.City == city).OrderBy(p => p.Age).ThenBy(p => p.Id).Skip(skip).Select(p => p.Id).FirstOrDefault(),
            ("Paris", 0), ("Berlin", 3), ("none", 0)),
        One("three parameters", (ShopDb db, string city, int low, Status status) => db.People.Count(p => p.City == city && p.Age > low && p.Status == status),
            ("Paris", 20, Status.Active), (null!, 0, Status.Inactive)),
        One("constant inside", (ShopDb db) => db.People.Count(p => p.Age > 50 && p.Active)),
        One("captured variable", (ShopDb db, string city) => db.People.Count(p => p.City == city && p.Age > CapturedMinimumAge), "Paris", "London"),
        One("string length of a parameter", (ShopDb db, string prefix) => db.People.Count(p => p.Name.Length > prefix.Length), "Karl", "", null!),
        // LINQ-to-Objects never reads prefix.Length here (no person is over 1,000): a null prefix must not throw.
        One("null parameter read only after a condition no row meets", (ShopDb db, string prefix) => db.People.Count(p => p.Age > 1000 && p.Name.Length > prefix.Length), "Ka", null!),
        One("StartsWith ordinal", (ShopDb db, string prefix) => db.People.Count(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)), "Ka", "", "Ω", null!),
        One("orders Sum", (ShopDb db, int person) => db.Orders.Where(o => o.PersonId == person).Sum(o => o.Amount), 1, 2, 99999),
        One("product by code", (ShopDb db, string code) => db.Products.FirstOrDefault(p => p.Code == code), "P0001", "P0499", "nope"),
        Many("Where city", (ShopDb db, string? city) => db.People.Where(p => p.City == city), "Zürich", null, "x"),
        Many("Where OrderBy Take", (ShopDb db, int minAge, int take) => db.People.Where(p => p.Age >= minAge).OrderBy(p => p.Age).ThenBy(p => p.Id).Take(take),
            (25, 10), (99, 3), (0, 0), (10, -1)),
        Many("Select anonymous", (ShopDb db, string city) => db.People.Where(p => p.City == city).Select(p => new { p.Id, p.Name, Decade = p.Age / 10 }), "東京", "Kabul"),
        Many("ids Contains", (ShopDb db, int[] ids) => db.People.Where(p => ids.Contains(p.Id)).Select(p => p.Name), [1, 2, 3], [], [5999, 6000, 6001]),
        Many("OrderByDescending Skip Take", (ShopDb db, int skip, int take) => db.People.OrderByDescending(p => p.Born).Skip(skip).Take(take).Select(p => p.Id), (0, 5), (5990, 20)),
        Many("four parameters", (ShopDb db, string city, int low, int high, Status status) =>
                db.People.Where(p => p.City == city && p.Age >= low && p.Age <= high && p.Status != status).OrderBy(p => p.Name).ThenBy(p => p.Id).Select(p => p.Id),
            ("Paris", 10, 40, Status.Banned), ("Łódź", 0, 100, Status.Active)),
        Many("no parameter", (ShopDb db) => db.People.Where(p => p.Score == null).OrderBy(p => p.Id).Take(7)),
        Many("GroupBy in memory", (ShopDb db, int minAge) => db.People.Where(p => p.Age > minAge).GroupBy(p => p.City).Select(g => new { g.Key, Count = g.Count() }).OrderBy(g => g.Key),
            50, 98),
        Many("join orders", (ShopDb db, int person) => db.Orders.Where(o => o.PersonId < person).Join(db.People, o => o.PersonId, p => p.Id, (o, p) => new { o.Id, p.Name }), 3, 1),
    ];

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

}

/// <summary>
/// <see cref="ZgQuery"/>.Compile: each query of <see cref="CompiledQueryCatalog"/> runs compiled, ad hoc (the same lambda compiled
/// as a plain delegate, so it goes through the LINQ provider) and as LINQ-to-Objects (the lambda with the database's
/// collections replaced by the backend's lists); all three must print the same. Several argument sets per query, so the
/// plan built at the first call is reused with other values (null ones included).
/// </summary>
public abstract class CompiledQuerySuite<TBackend>(TBackend backend, ITestOutputHelper output) : IClassFixture<TBackend> where TBackend : Backend
{
    [Theory]
    [MemberData(nameof(CompiledQueryCatalog.Names), MemberType = typeof(CompiledQueryCatalog))]
    public void Compiled_query_equals_ad_hoc_and_LINQ_to_Objects(string name)
    {
        var entry = CompiledQueryCatalog.All.Single(c => c.Name == name);
        var adHoc = entry.Query.Compile();
        var objects = ToObjects(entry.Query).Compile();
        foreach (var arguments in entry.Arguments)
        {
            object?[] withDb = [backend.Db, .. arguments];
            var expected = Canonical.Run(() => Materialize(objects.DynamicInvoke(arguments), entry.Sequence));
            var viaProvider = Canonical.Run(() => Materialize(adHoc.DynamicInvoke(withDb), entry.Sequence));
            var compiled = Canonical.Run(() => Materialize(entry.Compiled.DynamicInvoke(withDb), entry.Sequence));
            string what = $"'{name}' with ({string.Join(", ", arguments.Select(a => a ?? "null"))})";
            if (expected != compiled) output.WriteLine($"{what}\nexpected: {expected}\ncompiled: {compiled}");
            Assert.True(expected == viaProvider, $"{what}: ad hoc differs from LINQ-to-Objects");
            Assert.True(expected == compiled, $"{what}: compiled differs from LINQ-to-Objects (see output)");
        }
    }

    [Fact]
    public void Compiled_sequence_runs_again_at_each_enumeration_and_each_call()
    {
        var byCity = ZgQuery.Compile((ShopDb db, string city) => db.People.Where(p => p.City == city).Select(p => p.Id));
        var paris = byCity(backend.Db, "Paris");
        Assert.NotSame(paris, byCity(backend.Db, "Paris"));
        Assert.Equal(paris.ToList(), paris.ToList());
        Assert.Equal(backend.People.Where(p => p.City == "Paris").Select(p => p.Id), paris);
    }

    [Fact]
    public void Compiled_query_called_from_many_threads_gives_each_call_its_own_answer()
    {
        var byId = ZgQuery.Compile((ShopDb db, int id) => db.People.FirstOrDefault(p => p.Id == id));
        var olderThan = ZgQuery.Compile((ShopDb db, int age) => db.People.Where(p => p.Age > age).Select(p => p.Id));
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int id = 1 + i % Backend.PeopleCount;
            Assert.Equal(id, byId(backend.Db, id)!.Id);
            int age = i % 100;
            if (i % 50 == 0) Assert.Equal(backend.People.Count(p => p.Age > age), olderThan(backend.Db, age).Count());
        });
    }

    /// <summary>The lambda as LINQ-to-Objects: <c>db.People</c> and the other collections become the backend's lists.</summary>
    private LambdaExpression ToObjects(LambdaExpression query)
    {
        var db = query.Parameters[0];
        var body = new CollectionsToLists(db, backend).Visit(query.Body);
        return Expression.Lambda(body, query.Parameters.Skip(1));
    }

    private static object? Materialize(object? result, bool sequence) =>
        sequence ? ((System.Collections.IEnumerable)result!).Cast<object?>().ToList() : result;

    private sealed class CollectionsToLists(ParameterExpression db, Backend backend) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) => node.Expression == db
            ? node.Member.Name switch
            {
                nameof(ShopDb.People) => Expression.Constant(backend.People.AsQueryable()),
                nameof(ShopDb.Orders) => Expression.Constant(backend.Orders.AsQueryable()),
                nameof(ShopDb.Products) => Expression.Constant(backend.Products.AsQueryable()),
                _ => throw new InvalidOperationException(node.ToString()),
            }
            : base.VisitMember(node);
    }
}

public sealed class InMemoryCompiledQueryTests(InMemoryBackend backend, ITestOutputHelper output) : CompiledQuerySuite<InMemoryBackend>(backend, output);

public sealed class OnDiskCompiledQueryTests(OnDiskBackend backend, ITestOutputHelper output) : CompiledQuerySuite<OnDiskBackend>(backend, output);

/// <summary>What a compiled query does that is not about one backend's data: several databases, errors, disposal, the plan cache.</summary>
public sealed class CompiledQueryBehaviorTests
{
    private static ShopDb Filled(int people)
    {
        var db = ZgDatabase.OpenInMemory<ShopDb>();
        db.People.InsertMany(TestData.People(people));
        return db;
    }

    [Fact]
    public void One_compiled_query_runs_on_several_open_databases()
    {
        var count = ZgQuery.Compile((ShopDb db, int minAge) => db.People.Count(p => p.Age >= minAge));
        using var small = Filled(100);
        using var large = Filled(2000);
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-compiled-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var onDisk = ZgDatabase.Open<ShopDb>(directory)) onDisk.People.InsertMany(TestData.People(700));
            using var reopened = ZgDatabase.Open<ShopDb>(directory);
            foreach (var (db, n) in new[] { (small, 100), (large, 2000), (reopened, 700), (small, 100) })
                Assert.Equal(TestData.People(n).Count(p => p.Age >= 40), count(db, 40));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Compiled_query_sees_writes_made_after_its_first_call()
    {
        using var db = Filled(10);
        var byId = ZgQuery.Compile((ShopDb d, int id) => d.People.FirstOrDefault(p => p.Id == id));
        Assert.Null(byId(db, 11));
        db.People.Insert(new Person { Id = 11, Name = "new" });
        Assert.Equal("new", byId(db, 11)!.Name);
    }

    [Fact]
    public void Compiled_query_shares_the_ad_hoc_plan_and_is_planned_once_per_database()
    {
        using var db = Filled(50);
        var pipeline = Query.QueryPipeline.For(db);
        var byId = ZgQuery.Compile((ShopDb d, int id) => d.People.FirstOrDefault(p => p.Id == id));
        for (int id = 1; id <= 20; id++) Assert.Equal(id, byId(db, id)!.Id);
        Assert.Equal(1, pipeline.Compilations);
        int id2 = 7;
        Assert.Equal(7, db.People.FirstOrDefault(p => p.Id == id2)!.Id);
        Assert.Equal(1, pipeline.Compilations);
    }

    [Fact]
    public void Compiled_query_reads_its_captured_variables_at_each_call()
    {
        using var db = Filled(300);
        int minimum = 10;
        var count = ZgQuery.Compile((ShopDb d) => d.People.Count(p => p.Age >= minimum));
        Assert.Equal(TestData.People(300).Count(p => p.Age >= 10), count(db));
        minimum = 50;
        Assert.Equal(TestData.People(300).Count(p => p.Age >= 50), count(db));
    }

    [Fact]
    public void Compiled_query_returns_documents_the_caller_may_change()
    {
        using var db = Filled(5);
        var byId = ZgQuery.Compile((ShopDb d, int id) => d.People.First(p => p.Id == id));
        byId(db, 3).Name = "changed";
        Assert.NotEqual("changed", byId(db, 3).Name);
    }

    [Fact]
    public void Compiled_query_body_that_is_not_a_query_is_refused_at_Compile()
    {
        var error = Assert.Throws<NotSupportedException>(() => ZgQuery.Compile((ShopDb db, int id) => db.People.Find(id)));
        Assert.Contains("'db.People.Find(", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Untranslatable_compiled_query_throws_the_ad_hoc_NotSupportedException_at_first_call()
    {
        using var db = Filled(5);
        var other = ZgDatabase.OpenInMemory<ShopDb>();
        using (other)
        {
            var crossDatabase = ZgQuery.Compile((ShopDb d) => d.People.Count(p => other.Orders.Any(o => o.PersonId == p.Id)));
            var adHoc = Assert.Throws<NotSupportedException>(() => db.People.Count(p => other.Orders.Any(o => o.PersonId == p.Id)));
            var compiled = Assert.Throws<NotSupportedException>(() => crossDatabase(db));
            Assert.Contains("other.Orders", compiled.Message, StringComparison.Ordinal);
            // the same message, but for the compiler's closure class holding 'other'
            static string WithoutClosure(string message) => System.Text.RegularExpressions.Regex.Replace(message, @"value\([^)]*\)(\.CS\$<>8__locals1)?\.", "");
            Assert.Equal(WithoutClosure(adHoc.Message), WithoutClosure(compiled.Message));
            Assert.Throws<NotSupportedException>(() => crossDatabase(db)); // and at every call after it
        }
    }

    [Fact]
    public void Compiled_query_on_a_disposed_database_throws_ObjectDisposedException()
    {
        var byId = ZgQuery.Compile((ShopDb d, int id) => d.People.FirstOrDefault(p => p.Id == id));
        var all = ZgQuery.Compile((ShopDb d) => d.People.Where(p => p.Age > 0));
        var db = Filled(5);
        Assert.NotNull(byId(db, 1));
        var rows = all(db);
        db.Dispose();
        Assert.Throws<ObjectDisposedException>(() => byId(db, 1));
        Assert.Throws<ObjectDisposedException>(() => rows.ToList());
    }
}

/// <summary>Compiled queries with Include, on Northwind's linked graph: the included navigations equal LINQ-to-Objects'.</summary>
public sealed class CompiledIncludeTests(Northwind.InMemoryNorthwindBackend backend) : IClassFixture<Northwind.InMemoryNorthwindBackend>
{
    private static object? Graph(Northwind.Customer? c) =>
        c is null ? null : new { c.CustomerID, Orders = c.Orders?.Select(o => o.OrderID).Order().ToList() };

    [Fact]
    public void Compiled_query_with_Include_loads_the_navigation()
    {
        var withOrders = ZgQuery.Compile((Northwind.NorthwindDb db, string id) => db.Customers.Include(c => c.Orders).FirstOrDefault(c => c.CustomerID == id));
        foreach (var id in new[] { "ALFKI", "BONAP", "FISSA", "none" })
        {
            var expected = Canonical.Print(Graph(backend.Expected.Customers.FirstOrDefault(c => c.CustomerID == id)));
            Assert.Equal(expected, Canonical.Print(Graph(withOrders(backend.Db, id))));
        }
    }

    [Fact]
    public void Compiled_query_with_a_filtered_Include_reading_a_parameter_uses_each_calls_value()
    {
        var recentOrders = ZgQuery.Compile((Northwind.NorthwindDb db, string city, int after) =>
            db.Customers.Include(c => c.Orders.Where(o => o.OrderID > after)).Where(c => c.City == city));
        foreach (var (city, after) in new[] { ("London", 10500), ("London", 11000), ("Berlin", 0) })
        {
            var expected = backend.Expected.Customers.Where(c => c.City == city)
                .Select(c => Canonical.Print(new { c.CustomerID, Orders = c.Orders.Where(o => o.OrderID > after).Select(o => o.OrderID).Order().ToList() })).ToList();
            var actual = recentOrders(backend.Db, city, after).Select(c => Canonical.Print(Graph(c))).ToList();
            Assert.Equal(expected, actual);
        }
    }
}
