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
        p.Where(x => x.Id < 300).OrderByDescending(x => x.Age).ThenBy(x => x.Id).Reverse()
            .Join(o.OrderBy(y => y.Id), x => x.Id, y => y.PersonId, (x, y) => new { x.Id, Order = y.Id }).ToList(), shop);

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

    // 4b. An entity constructed inside the query: LINQ-to-Objects compares it by reference (never equal), the key rule
    // matched it (Northwind's Where_subquery_FirstOrDefault_compared_to_entity): refused

    [Fact]
    public void Entity_compared_with_one_constructed_in_the_query_was_silently_matched_by_key()
    {
        foreach (var query in new Func<IQueryable<Shopper>, object?>[]
                 {
                     s => s.Where(x => x.Purchases.OrderBy(y => y.Id).FirstOrDefault() == new Purchase { Id = 5 }).Select(x => x.Id).ToList(),
                     s => s.Count(x => x.Purchases.FirstOrDefault() != new Purchase { Id = 5, ShopperId = 3 }),
                 })
        {
            var error = Assert.Throws<NotSupportedException>(() => query(identity.Db.Shoppers));
            Assert.Contains("constructed inside the query", error.Message);
            Assert.Contains("e.Id == ...", error.Message);
        }
        // one constructed without a key equals nothing read, in both (by reference in LINQ-to-Objects, by key in EF Core)
        Same((s, p) => s.Where(x => x.Purchases.OrderBy(y => y.Id).FirstOrDefault() != new Purchase()).Select(x => x.Id).ToList(), identity);
        Same((s, p) => p.Count(y => y.Shopper == new Shopper { Name = "S1" }), identity);
        // an entity read earlier (outside the query) still compares by key, as documented
        var captured = identity.Db.Purchases.First(p => p.Id == 5);
        Assert.Equal(identity.Shoppers.Count(x => x.Purchases.Any(y => y.Id == 5)),
            identity.Db.Shoppers.Count(x => x.Purchases.Any(y => y == captured)));
    }

    // 5. MinBy/MaxBy, ElementAt and TakeLast served by the plan's order (they ran as LINQ-to-Objects over every document)

    public static readonly TheoryData<string> ServedPicks = [.. Picks().Select(p => p.Name)];

    private static (string, Func<IQueryable<Person>, object?>, Func<IQueryable<Person>, string>, string?) P<TResult>(
        string name, System.Linq.Expressions.Expression<Func<IQueryable<Person>, TResult>> query, string? plan)
    {
        var run = query.Compile();
        return (name, p => run(p), p => p.ExplainOf(query), plan);
    }

    private static List<(string Name, Func<IQueryable<Person>, object?> Run, Func<IQueryable<Person>, string> Explain, string? Plan)> Picks() =>
    [
        P("MinBy_over_an_indexed_property_with_ties", p => p.MinBy(x => x.Age), "INDEX ORDERED SCAN Person.Age"),
        P("MaxBy_over_an_indexed_property_with_ties", p => p.MaxBy(x => x.Age), "INDEX ORDERED SCAN Person.Age DESC"),
        P("MinBy_over_a_nullable_indexed_property_skips_nulls", p => p.MinBy(x => x.Score), "MINBY"),
        P("MaxBy_over_a_nullable_indexed_property", p => p.MaxBy(x => x.Score), "MAXBY"),
        P("MinBy_where_every_key_is_null_is_the_first_in_key_order", p => p.Where(x => x.Score == null).MinBy(x => x.Score), null),
        P("MaxBy_where_every_key_is_null_is_the_first_in_key_order", p => p.Where(x => x.Score == null).MaxBy(x => x.Score), null),
        P("MinBy_over_an_index_range", p => p.Where(x => x.Born > new DateTime(1990, 1, 1)).MinBy(x => x.Born), "MINBY"),
        P("MinBy_of_nothing_is_null", p => p.Where(x => x.Id < -1000).MinBy(x => x.Age), "MINBY"),
        P("MaxBy_by_primary_key", p => p.Where(x => x.City == "Paris").MaxBy(x => x.Id), "MAXBY"),
        P("ElementAt_over_an_ordered_index_path", p => p.OrderBy(x => x.Age).ElementAt(17), "SKIP 17 -> TAKE 1 -> ELEMENTAT 17"),
        P("ElementAt_over_a_descending_index_path", p => p.OrderByDescending(x => x.Born).Select(x => x.Id).ElementAt(3), "ELEMENTAT"),
        P("ElementAt_in_key_order", p => p.Where(x => x.City == "Paris").ElementAt(5), "ELEMENTAT"),
        P("ElementAt_past_the_end_throws", p => p.Where(x => x.Id < 5).ElementAt(10), "ELEMENTAT"),
        P("ElementAt_negative_throws", p => p.OrderBy(x => x.Age).ElementAt(-1), "ELEMENTAT"),
        P("ElementAtOrDefault_past_the_end", p => p.OrderBy(x => x.Age).ElementAtOrDefault(100000), "ELEMENTATORDEFAULT"),
        P("ElementAtOrDefault_negative", p => p.Where(x => x.Age > 30).Select(x => x.Id).ElementAtOrDefault(-3), "ELEMENTATORDEFAULT"),
        P("ElementAt_over_an_unindexed_ordering_sorts", p => p.OrderBy(x => x.Height).ThenBy(x => x.Id).Select(x => x.Id).ElementAt(40), "SORT"),
        P("TakeLast_reads_backwards", p => p.TakeLast(5), "FULL SCAN Person DESC -> TAKE 5 -> REVERSE (TAKELAST)"),
        P("TakeLast_over_a_key_range", p => p.Where(x => x.Id > 100 && x.Id < 200).TakeLast(7), "REVERSE (TAKELAST)"),
        P("TakeLast_under_OrderBy_primary_key", p => p.OrderBy(x => x.Id).TakeLast(3), "REVERSE (TAKELAST)"),
        P("TakeLast_under_OrderByDescending_primary_key", p => p.OrderByDescending(x => x.Id).TakeLast(3), "REVERSE (TAKELAST)"),
        P("TakeLast_of_a_projection", p => p.Where(x => x.City == "Paris").Select(x => x.Name).TakeLast(4), "REVERSE (TAKELAST)"),
        P("TakeLast_zero_and_negative", p => p.TakeLast(0).Count() + p.TakeLast(-2).Count(), null),
        P("TakeLast_under_an_ordering_with_ties_stays_in_memory", p => p.OrderBy(x => x.Age).TakeLast(6).Select(x => x.Id), "in memory: TAKELAST"),
    ];

    [Theory]
    [MemberData(nameof(ServedPicks))]
    public void Planned_pick_equals_LINQ_to_Objects(string name)
    {
        var (_, run, explain, plan) = Picks().Single(p => p.Name == name);
        Assert.Equal(Canonical.Run(() => run(shop.People.AsQueryable())), Canonical.Run(() => run(shop.Db.People)));
        if (plan is null) return;
        var explained = explain(shop.Db.People);
        // "in memory: X": the plan must leave X to LINQ-to-Objects; otherwise it serves the operator itself
        if (plan.StartsWith("in memory: ", StringComparison.Ordinal))
        {
            Assert.Contains("IN MEMORY", explained);
            Assert.Contains(plan["in memory: ".Length..], explained[explained.IndexOf("IN MEMORY", StringComparison.Ordinal)..]);
            return;
        }
        Assert.Contains(plan, explained);
        Assert.DoesNotContain("IN MEMORY", explained);
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

    // 5. Messages: re-linq parses First(p) as Where(p).First(), whose exception said "Sequence contains no elements"

    [Fact]
    public void First_Single_Last_with_a_predicate_said_no_elements_where_LINQ_says_no_matching_element()
    {
        Func<IQueryable<Person>, object?>[] queries =
        [
            p => p.First(x => x.Id < -1000),
            p => p.Last(x => x.Id < -1000),
            p => p.Single(x => x.Id < -1000),
            p => p.Single(x => x.Id > 0),
            p => p.SingleOrDefault(x => x.Id > 0),
            p => p.Where(x => x.Id > 0).First(x => x.Id < -1000),
            p => p.OrderBy(x => x.Age).First(x => x.Id < -1000),
            p => p.First(x => x.Id == -5),
        ];
        foreach (var query in queries)
        {
            string expected = Message(() => query(shop.People.AsQueryable()));
            Assert.StartsWith("InvalidOperationException", expected);
            Assert.Equal(expected, Message(() => query(shop.Db.People)));
        }

        static string Message(Func<object?> run)
        {
            try
            {
                return "no exception: " + Canonical.Print(run());
            }
            catch (Exception e)
            {
                return e.GetType().Name + ": " + e.Message;
            }
        }
    }
}

public sealed class InMemoryDefectRegressionTests(InMemoryBackend shop, InMemoryIdentityBackend identity)
    : DefectRegressionSuite<InMemoryBackend, InMemoryIdentityBackend>(shop, identity), IClassFixture<InMemoryBackend>, IClassFixture<InMemoryIdentityBackend>;

public sealed class OnDiskDefectRegressionTests(OnDiskBackend shop, OnDiskIdentityBackend identity)
    : DefectRegressionSuite<OnDiskBackend, OnDiskIdentityBackend>(shop, identity), IClassFixture<OnDiskBackend>, IClassFixture<OnDiskIdentityBackend>;
