using Xunit;

namespace ZgDb.Linq.Tests;

/// <summary>
/// Regression tests for the defects EF Core's Northwind suite found (docs/NORTHWIND.md), each named after what
/// broke and compared with LINQ-to-Objects over the same data, in memory and on disk (chunk files, after a reopen).
/// </summary>
public abstract class DefectRegressionSuite<TShop, TIdentity>(TShop shop, TIdentity identity)
    where TShop : Backend where TIdentity : IdentityBackend
{
    private static void Same(Func<IQueryable<Person>, IQueryable<Order>, object?> query, TShop backend)
    {
        var expected = Canonical.Run(() => query(backend.People.AsQueryable(), backend.Orders.AsQueryable()));
        var actual = Canonical.Run(() => query(backend.Db.People, backend.Db.Orders));
        Assert.DoesNotContain("throws", expected);
        Assert.Equal(expected, actual);
    }

    private static void Same(Func<IQueryable<Shopper>, IQueryable<Purchase>, object?> query, TIdentity backend)
    {
        var expected = Canonical.Run(() => query(backend.Shoppers.AsQueryable(), backend.Purchases.AsQueryable()));
        var actual = Canonical.Run(() => query(backend.Db.Shoppers, backend.Db.Purchases));
        Assert.DoesNotContain("throws", expected);
        Assert.Equal(expected, actual);
    }

    // 1. InvalidCastException: Scan/Copy/Select iterators cast to IOrderedQueryable / IOrderedEnumerable

    [Fact]
    public void Ordered_subquery_as_a_join_source_was_an_invalid_cast() => Same((p, o) =>
        (from x in p
         join y in (from y2 in o orderby y2.Id select y2) on x.Id equals y.PersonId
         where x.Id < 40
         select new { x.Name, y.Id }).ToList(), shop);

    [Fact]
    public void Ordered_subquery_with_a_predicate_as_a_join_source_was_an_invalid_cast() => Same((p, o) =>
        (from x in p.Where(x => x.City == "Paris")
         join y in o.Where(y => y.Amount > 10).OrderByDescending(y => y.At) on x.Id equals y.PersonId
         select new { x.Id, y.At }).ToList(), shop);

    [Fact]
    public void Ordered_subquery_nested_in_a_projection_was_an_invalid_cast() => Same((p, o) =>
        p.Where(x => x.City == "London").OrderBy(x => x.Id).Take(30)
            .Select(x => o.Where(y => y.PersonId == x.Id).Select(y => y.Id).OrderBy(y => y).ToList()).ToList(), shop);

    [Fact]
    public void Ordered_subquery_projected_as_a_sequence_was_an_invalid_cast() => Same((p, o) =>
        p.Where(x => x.Id < 30).Select(x => new { x.Id, Orders = o.Where(y => y.PersonId == x.Id).OrderBy(y => y.Amount).ThenBy(y => y.Id) })
            .AsEnumerable().Select(a => new { a.Id, Orders = a.Orders.Select(y => y.Id).ToList() }).ToList(), shop);

    [Fact]
    public void Reversed_source_as_a_join_outer_was_an_invalid_cast() => Same((p, o) =>
        (from x in p.OrderBy(x => x.Id).Reverse().Take(50)
         join y in o on x.Id equals y.PersonId
         select new { x.Id, Order = y.Id }).ToList(), shop);

    [Fact]
    public void Ordered_navigation_in_a_projection_keeps_its_order() => Same((s, p) =>
        s.Where(x => x.Id < 30).Select(x => new { x.Id, P = x.Purchases.OrderByDescending(y => y.Amount).Select(y => y.Id).ToList() }).ToList(), identity);

    // 2. An Include'd navigation read by an application method inside the projection

    private static string Describe(Purchase p) => "purchase " + p.Id + " by " + p.Shopper!.Name;

    [Fact]
    public void Include_is_loaded_on_an_entity_passed_to_a_client_method_in_the_projection()
    {
        var expected = identity.Purchases.Where(x => x.Id < 40).OrderBy(x => x.Id).Select(x => x.Shopper != null ? Describe(x) : "").ToList();
        var actual = identity.Db.Purchases.Include(x => x.Shopper).Where(x => x.Id < 40).OrderBy(x => x.Id).Select(x => x.Shopper != null ? Describe(x) : "").ToList();
        Assert.Equal(expected, actual);
        // the stored documents are not touched: a plain read still has no Shopper loaded
        Assert.All(identity.Db.Purchases.Where(x => x.Id < 40).ToList(), x => Assert.Null(x.Shopper));
    }

    [Fact]
    public void Include_is_loaded_on_an_entity_passed_to_a_client_method_in_query_syntax()
    {
        var expected = (from x in identity.Purchases where x.Id == 3 || x.Id == 7 orderby x.Id select Describe(x)).ToList();
        var actual = (from x in identity.Db.Purchases.Include(x => x.Shopper) where x.Id == 3 || x.Id == 7 orderby x.Id select Describe(x)).ToList();
        Assert.Equal(expected, actual);
    }

    // 3. Two reads of one document in one query share its collection navigation

    [Fact]
    public void Two_reads_of_one_document_share_its_collection_navigation() => Same((s, p) =>
        (from a in s
         from b in s
         where a.Id == 3 && b.Id == 3
         where Equals(a.Purchases, b.Purchases)
         select new { A = a.Id, B = b.Id }).ToList(), identity);

    [Fact]
    public void Reference_equality_of_two_reads_of_one_document() => Same((s, p) =>
        (from a in s.Where(a => a.Id < 10)
         from b in s.Where(b => b.Id < 10)
         where ReferenceEquals(a, b)
         select a.Id).ToList(), identity);

    // 4. String reference equality: refused (its result depends on where each string was made)

    [Fact]
    public void String_compared_by_reference_is_refused_not_silently_different()
    {
        foreach (var query in new Func<IQueryable<Person>, object?>[]
                 {
                     p => p.Count(x => (object?)x.City == (object)"London"),
                     p => p.Count(x => (object?)x.City != (object)"London"),
                     p => p.Where(x => ReferenceEquals(x.City, "London")).ToList(),
                 })
        {
            var error = Assert.Throws<NotSupportedException>(() => query(shop.Db.People));
            Assert.Contains("compares strings by reference", error.Message);
        }
        // comparing with null by reference is well defined: not refused
        Assert.Equal(shop.People.Count(x => (object?)x.City == null), shop.Db.People.Count(x => (object?)x.City == null));
    }

    // 6. An operator re-linq does not know, inside a subquery's lambda

    [Fact]
    public void Unknown_operator_inside_a_subquery_lambda_runs_as_LINQ_to_Objects() => Same((p, o) =>
        p.Where(x => x.Id < 60).Select(x => new { x.Id, Top = o.Where(y => y.PersonId == x.Id).MaxBy(y => y.Amount) }).ToList(), shop);

    [Fact]
    public void Unknown_sequence_operator_inside_a_subquery_lambda_runs_as_LINQ_to_Objects() => Same((p, o) =>
        p.Where(x => x.Id < 60).Select(x => new { x.Id, Last = o.Where(y => y.PersonId == x.Id).OrderBy(y => y.At).TakeLast(2).Select(y => y.Id).ToList() }).ToList(), shop);

    [Fact]
    public void Unknown_operator_inside_a_subquery_predicate_runs_as_LINQ_to_Objects() => Same((p, o) =>
        p.Where(x => x.Id < 300 && o.Where(y => y.PersonId == x.Id).DistinctBy(y => y.Product).Count() > 1).Select(x => x.Id).ToList(), shop);
}

public sealed class InMemoryDefectRegressionTests(InMemoryBackend shop, InMemoryIdentityBackend identity)
    : DefectRegressionSuite<InMemoryBackend, InMemoryIdentityBackend>(shop, identity), IClassFixture<InMemoryBackend>, IClassFixture<InMemoryIdentityBackend>;

public sealed class OnDiskDefectRegressionTests(OnDiskBackend shop, OnDiskIdentityBackend identity)
    : DefectRegressionSuite<OnDiskBackend, OnDiskIdentityBackend>(shop, identity), IClassFixture<OnDiskBackend>, IClassFixture<OnDiskIdentityBackend>;
