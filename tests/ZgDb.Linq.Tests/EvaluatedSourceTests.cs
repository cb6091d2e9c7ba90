using Xunit;

namespace ZgDb.Linq.Tests;

/// <summary>Where a query finds its collections: a database, or LINQ-to-Objects' lists (EF Core's ISetSource).</summary>
public interface ISetSource
{
    IQueryable<T> Set<T>() where T : class;
}

public sealed class DatabaseSource(ShopDb db) : ISetSource
{
    public int Calls;

    public IQueryable<T> Set<T>() where T : class
    {
        Interlocked.Increment(ref Calls);
        return typeof(T) == typeof(Person) ? (IQueryable<T>)(object)db.People : typeof(T) == typeof(Order) ? (IQueryable<T>)(object)db.Orders : (IQueryable<T>)(object)db.Products;
    }
}

public sealed class ListSource(Backend backend) : ISetSource
{
    public IQueryable<T> Set<T>() where T : class =>
        typeof(T) == typeof(Person) ? (IQueryable<T>)backend.People.AsQueryable()
        : typeof(T) == typeof(Order) ? (IQueryable<T>)backend.Orders.AsQueryable()
        : (IQueryable<T>)backend.Products.AsQueryable();
}

/// <summary>
/// Query sources written as calls inside a query (issue 14, section 1): <c>ss.Set&lt;Order&gt;()</c>, a method returning a
/// collection or a query, a captured query. Each is evaluated once per execution (not per row) and joins the query as
/// a source; the results equal LINQ-to-Objects over the same lists. A collection of another database is refused.
/// </summary>
public abstract class EvaluatedSourceSuite<TBackend>(TBackend backend) : IClassFixture<TBackend> where TBackend : Backend
{
    private static readonly List<(string Name, Func<ISetSource, object?> Run)> Cases =
    [
        ("Set_call_inside_a_predicate_is_a_query_source", ss => ss.Set<Person>().Where(p => p.Id < 300 && ss.Set<Order>().Any(o => o.PersonId == p.Id && o.Amount > 200)).Select(p => p.Id).ToList()),
        ("Set_call_inside_a_projection_is_a_query_source", ss => ss.Set<Person>().Where(p => p.Id < 60).Select(p => new { p.Id, N = ss.Set<Order>().Count(o => o.PersonId == p.Id) }).ToList()),
        ("Set_call_in_a_join_is_a_query_source", ss => (from p in ss.Set<Person>() where p.Age > 95 join o in ss.Set<Order>() on p.Id equals o.PersonId select new { p.Id, o.Amount }).ToList()),
        ("Set_call_in_a_second_from_is_a_query_source", ss => (from p in ss.Set<Person>() where p.Id < 4 from r in ss.Set<Product>() where r.Stock < 0 select new { p.Id, r.Code }).ToList()),
        ("Set_call_in_contains_subquery_is_a_query_source", ss => ss.Set<Order>().Where(o => o.Id < 400 && ss.Set<Person>().Where(p => p.Age > 80).Select(p => p.Id).Contains(o.PersonId)).Select(o => o.Id).ToList()),
        ("Method_returning_a_filtered_query_is_a_query_source", ss => ss.Set<Person>().Where(p => p.Id < 200).Count(p => BigOrders(ss).Any(o => o.PersonId == p.Id))),
    ];

    private static IQueryable<Order> BigOrders(ISetSource ss) => ss.Set<Order>().Where(o => o.Amount > 250);

    public static readonly TheoryData<string> Names = [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Query_equals_LINQ_to_Objects(string name)
    {
        var run = Cases.Single(c => c.Name == name).Run;
        var expected = Canonical.Run(() => run(new ListSource(backend)));
        var actual = Canonical.Run(() => run(new DatabaseSource(backend.Db)));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Set_call_inside_a_query_is_evaluated_once_per_execution_not_per_row()
    {
        var source = new DatabaseSource(backend.Db);
        var people = backend.Db.People;
        for (int i = 0; i < 3; i++)
        {
            int limit = 50 + i;
            var count = people.Where(p => p.Id < limit).Count(p => source.Set<Order>().Any(o => o.PersonId == p.Id));
            Assert.Equal(backend.People.Where(p => p.Id < limit).Count(p => backend.Orders.Any(o => o.PersonId == p.Id)), count);
        }
        Assert.Equal(3, source.Calls);
    }

    [Fact]
    public void Captured_query_inside_a_query_is_a_query_source()
    {
        var big = backend.Db.Orders.Where(o => o.Amount > 250);
        var bigList = backend.Orders.Where(o => o.Amount > 250);
        Assert.Equal(backend.People.Count(p => bigList.Any(o => o.PersonId == p.Id)), backend.Db.People.Count(p => big.Any(o => o.PersonId == p.Id)));
    }

    [Fact]
    public void Collection_of_another_database_inside_a_query_is_refused_not_read_from_the_querys_database()
    {
        using var other = ZgDatabase.OpenInMemory<ShopDb>();
        other.Orders.Insert(new Order { Id = 1, PersonId = 1, Amount = 1 });
        var error = Assert.Throws<NotSupportedException>(() => backend.Db.People.Count(p => other.Orders.Any(o => o.PersonId == p.Id)));
        Assert.Contains("another database", error.Message);
        var source = new DatabaseSource(other);
        Assert.Throws<NotSupportedException>(() => backend.Db.People.Count(p => source.Set<Order>().Any(o => o.PersonId == p.Id)));
    }
}

public sealed class InMemoryEvaluatedSourceTests(InMemoryBackend backend) : EvaluatedSourceSuite<InMemoryBackend>(backend);

public sealed class OnDiskEvaluatedSourceTests(OnDiskBackend backend) : EvaluatedSourceSuite<OnDiskBackend>(backend);
