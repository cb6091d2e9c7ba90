using Xunit;

namespace ZgDb.Linq.Tests.Northwind;

/// <summary>
/// Regression tests for the Northwind queries ZgDb refused with a NotSupportedException (docs/NORTHWIND.md): an
/// Include path through several references (<c>Include(od =&gt; od.Order.Customer.Orders)</c>), <c>AsQueryable()</c> over a
/// navigation inside a query, and <c>AsEnumerable()</c> before a GroupBy in a subquery. Each is compared with
/// LINQ-to-Objects over EF Core's linked Northwind graph, in memory and on disk (chunk files, after a reopen); the
/// included graph is read back after the query, so a navigation left unloaded shows as a difference.
/// </summary>
public abstract class IncludeChainSuite<TBackend>(TBackend backend) where TBackend : NorthwindBackend
{
    private static void Same<T>(Func<ISetSource, IEnumerable<T>> query, ISetSource expected, ISetSource actual)
    {
        var wanted = Canonical.Run(() => Sorted(query(expected)));
        var got = Canonical.Run(() => Sorted(query(actual)));
        Assert.DoesNotContain("throws", wanted);
        Assert.Equal(wanted, got);
    }

    /// <summary>The elements printed and sorted: the oracle's lists are not in ZgDb's key order.</summary>
    private static List<string> Sorted<T>(IEnumerable<T> items) => [.. items.Select(i => Canonical.Print(i)).Order(StringComparer.Ordinal)];

    private void Same<T>(Func<ISetSource, IEnumerable<T>> query) => Same(query, backend.Expected, new NorthwindDbSource(backend.Db));

    /// <summary>What an OrderDetail's included Order.Customer.Orders chain holds, read after the query.</summary>
    private static object Graph(OrderDetail od) => new
    {
        od.OrderID,
        od.ProductID,
        Order = od.Order is null ? null : new
        {
            od.Order.OrderID,
            Customer = od.Order.Customer is null ? null : new
            {
                od.Order.Customer.CustomerID,
                od.Order.Customer.City,
                Orders = od.Order.Customer.Orders?.Select(o => o.OrderID).OrderBy(i => i).ToList(),
            },
        },
    };

    // 1. Include through several references

    [Fact]
    public void Include_through_two_references_loads_both() => Same(ss =>
        ss.Set<OrderDetail>().Where(od => od.OrderID % 23 == 13).Include(od => od.Order!.Customer).ToList()
            .Select(od => new { od.OrderID, od.ProductID, od.Order.OrderDate, od.Order.Customer!.CompanyName }));

    [Fact]
    public void Include_through_two_references_and_a_collection_loads_all_three() => Same(ss =>
        ss.Set<OrderDetail>().Where(od => od.OrderID % 23 == 13 && od.UnitPrice < 10).Include(od => od.Order!.Customer!.Orders).ToList()
            .Select(Graph));

    [Fact]
    public void Include_through_references_with_a_second_include_loads_both_paths() => Same(ss =>
        ss.Set<OrderDetail>().Where(od => od.OrderID % 23 == 13).Include(od => od.Product).Include(od => od.Order!.Customer!.Orders).ToList()
            .Select(od => new { Graph = Graph(od), od.Product.ProductName }));

    [Fact]
    public void Include_through_a_reference_and_a_collection_with_a_predicate_after_it() => Same(ss =>
        ss.Set<Order>().Include(o => o.Customer!.Orders).Where(o => o.OrderID == 10248).ToList()
            .Select(o => new { o.OrderID, o.Customer!.CustomerID, Orders = o.Customer.Orders.Select(x => x.OrderID).OrderBy(i => i).ToList() }));

    [Fact]
    public void Include_through_a_reference_then_include_extends_the_same_chain() => Same(ss =>
        ss.Set<OrderDetail>().Where(od => od.OrderID % 23 == 13).Include(od => od.Order!.Customer).ThenInclude(c => c!.Orders).ToList()
            .Select(Graph));

    [Fact]
    public void Include_through_references_with_a_filtered_collection_at_the_end()
    {
        // LINQ-to-Objects' graph holds every order: the oracle applies the include's filter itself.
        var expected = Canonical.Run(() => Sorted(backend.Expected.Set<OrderDetail>().Where(od => od.OrderID % 23 == 13).ToList()
            .Select(od => new { od.OrderID, od.ProductID, Orders = od.Order.Customer?.Orders.Where(o => o.OrderID % 2 == 0).OrderBy(o => o.OrderID).Take(3).Select(o => o.OrderID).ToList() })));
        var actual = Canonical.Run(() => Sorted(backend.Db.OrderDetails.Where(od => od.OrderID % 23 == 13)
            .Include(od => od.Order!.Customer!.Orders.Where(o => o.OrderID % 2 == 0).OrderBy(o => o.OrderID).Take(3)).ToList()
            .Select(od => new { od.OrderID, od.ProductID, Orders = od.Order.Customer?.Orders.Select(o => o.OrderID).ToList() })));
        Assert.DoesNotContain("throws", expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Include_through_optional_references_with_a_predicate_on_the_chain() => Same(ss =>
        ss.Set<OrderDetail>().Include(od => od.Order!.Customer).Include(od => od.Product)
            .Where(od => od.Order!.Customer!.City == "London").ToList()
            .Select(od => new { od.OrderID, od.ProductID, od.Order.Customer!.City, od.Product.ProductName }));

    [Fact]
    public void Include_paths_sharing_a_reference_both_load_on_it() => Same(ss =>
        ss.Set<OrderDetail>().Where(od => od.OrderID % 23 == 13).Include(od => od.Order!.Customer).Include(od => od.Order!.OrderDetails).ToList()
            .Select(od => new { od.OrderID, od.ProductID, od.Order.Customer?.CompanyName, Details = od.Order.OrderDetails.Select(d => d.ProductID).Order().ToList() }));

    [Fact]
    public void Then_include_paths_sharing_a_reference_both_load_on_it() => Same(ss =>
        ss.Set<OrderDetail>().Where(od => od.OrderID % 23 == 13).Include(od => od.Order).ThenInclude(o => o.Customer)
            .Include(od => od.Order).ThenInclude(o => o.OrderDetails).ToList()
            .Select(od => new { od.OrderID, od.ProductID, od.Order.Customer?.CompanyName, Details = od.Order.OrderDetails.Select(d => d.ProductID).Order().ToList() }));

    [Fact]
    public void Include_of_an_anonymous_projection_stays_refused()
    {
        Assert.Throws<NotSupportedException>(() => backend.Db.Orders.Include(o => new { o.Customer, o.OrderDetails }).ToList());
        Assert.Throws<NotSupportedException>(() => backend.Db.Orders.Include(o => o.Customer).ThenInclude(c => new { c!.Orders }).ToList());
    }

    // 2. AsQueryable() inside a query

    [Fact]
    public void AsQueryable_over_a_navigation_in_a_predicate_is_the_navigation() => Same(ss =>
    {
        System.Linq.Expressions.Expression<Func<Order, bool>> filter = o => o.CustomerID == "ALFKI";
        return ss.Set<Customer>().Where(c => c.Orders.AsQueryable().Any(filter)).Select(c => c.CustomerID);
    });

    [Fact]
    public void AsQueryable_over_a_navigation_in_a_projection_is_the_navigation() => Same(ss =>
    {
        System.Linq.Expressions.Expression<Func<Order, bool>> validYear = o => o.OrderDate!.Value.Year == 1997;
        return ss.Set<Customer>().OrderBy(c => c.CustomerID)
            .Select(c => c.Orders.AsQueryable().Where(validYear).OrderBy(o => o.OrderID).Take(1).Select(o => new { o.OrderDate }).ToList());
    });

    [Fact]
    public void AsQueryable_over_a_captured_list_inside_a_query_is_the_list() => Same(ss =>
    {
        var ids = new List<string> { "ALFKI", "ANATR", "FRANK" };
        return ss.Set<Customer>().Where(c => ids.AsQueryable().Contains(c.CustomerID)).Select(c => c.CustomerID);
    });

    // 3. AsEnumerable() in a subquery before a GroupBy

    [Fact]
    public void AsEnumerable_in_a_subquery_before_GroupBy() => Same(ss =>
        ss.Set<Customer>().Where(c => c.CustomerID.StartsWith("F"))
            .Select(c => new
            {
                c.CustomerID,
                Orders = ss.Set<Order>().Where(o => o.CustomerID == c.CustomerID).AsEnumerable()
                    .GroupBy(o => o.CustomerID).Select(g => g.OrderByDescending(e => e.OrderDate).FirstOrDefault()!.OrderID).ToList(),
            }));
}

public sealed class InMemoryIncludeChainTests(InMemoryNorthwindBackend backend)
    : IncludeChainSuite<InMemoryNorthwindBackend>(backend), IClassFixture<InMemoryNorthwindBackend>;

public sealed class OnDiskIncludeChainTests(OnDiskNorthwindBackend backend)
    : IncludeChainSuite<OnDiskNorthwindBackend>(backend), IClassFixture<OnDiskNorthwindBackend>;
