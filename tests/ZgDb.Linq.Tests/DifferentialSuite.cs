using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Linq.Tests;

/// <summary>
/// The differential suite: each query of <see cref="QueryCatalog"/> runs on ZgDb and on LINQ-to-Objects over the
/// same lists, and the results (or the exception types) must be identical, in the same order. One generic suite,
/// run on each backend.
/// </summary>
public abstract class DifferentialSuite<TBackend>(TBackend backend, ITestOutputHelper output) : IClassFixture<TBackend> where TBackend : Backend
{
    [Theory]
    [MemberData(nameof(QueryCatalog.Names), MemberType = typeof(QueryCatalog))]
    public void Query_equals_LINQ_to_Objects(string name)
    {
        var query = QueryCatalog.All.Single(c => c.Name == name);
        var expected = Canonical.Run(() => query.Run(backend.People.AsQueryable(), backend.Orders.AsQueryable(), backend.Products.AsQueryable()));
        var actual = Canonical.Run(() => query.Run(backend.Db.People, backend.Db.Orders, backend.Db.Products));
        if (expected != actual) output.WriteLine($"expected: {Cut(expected)}\nactual:   {Cut(actual)}");
        Assert.True(expected == actual, $"'{name}' differs from LINQ-to-Objects (see output)");
    }

    [Fact]
    public void Returned_documents_are_copies()
    {
        var first = backend.Db.People.Where(p => p.Id == 10).ToList()[0];
        first.Name = "changed";
        first.Tags.Add("mutated");
        first.Address = null;
        var again = backend.Db.People.First(p => p.Id == 10);
        Assert.NotEqual("changed", again.Name);
        Assert.DoesNotContain("mutated", again.Tags);
        var address = backend.Db.People.Where(p => p.Address != null).Select(p => p.Address).First()!;
        address.Zip = "mutated";
        Assert.DoesNotContain(backend.Db.People.Select(p => p.Address), a => a != null && a.Zip == "mutated");
        var tags = backend.Db.People.Where(p => p.Tags.Count > 0).Select(p => new { p.Id, p.Tags }).First();
        tags.Tags.Clear();
        Assert.NotEmpty(backend.Db.People.First(p => p.Id == tags.Id).Tags);
        var grouped = backend.Db.People.Where(p => p.Id < 5).GroupBy(p => p.City).First().First();
        grouped.Age = -12345;
        Assert.DoesNotContain(backend.Db.People, p => p.Age == -12345);
    }

    private static string Cut(string s) => s.Length > 3000 ? s[..3000] + "…" : s;
}

public sealed class InMemoryDifferentialTests(InMemoryBackend backend, ITestOutputHelper output) : DifferentialSuite<InMemoryBackend>(backend, output);

public sealed class OnDiskDifferentialTests(OnDiskBackend backend, ITestOutputHelper output) : DifferentialSuite<OnDiskBackend>(backend, output);
