using System.Text.Json;

namespace ZgDb.Server.Tests;

/// <summary>
/// The differential catalog: each query runs on a connected database (source chain on the server, the rest on the
/// client), on an embedded database holding the same documents, and with LINQ-to-Objects over a list; all three
/// results must be equal.
/// </summary>
public sealed class RemoteLinqCatalogTests : IAsyncLifetime
{
    private static readonly DateTime Cutoff = new(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private TestServerFixture _server = null!;
    private BlogDb _remote = null!;
    private BlogDb _embedded = null!;
    private List<User> _list = null!;

    public static IEnumerable<object[]> Queries => Catalog.Keys.Select(k => new object[] { k });

    private static readonly Dictionary<string, Func<IQueryable<User>, object?>> Catalog = new()
    {
        ["where int"] = q => q.Where(u => u.Age > 25).ToList(),
        ["where range order by name"] = q => q.Where(u => u.Age >= 20 && u.Age < 30).OrderBy(u => u.Name).ToList(),
        ["where indexed string equal"] = q => q.Where(u => u.City == "London").ToList(),
        ["StartsWith"] = q => q.Where(u => u.Name.StartsWith("A")).ToList(),
        ["Contains string"] = q => q.Where(u => u.Name.Contains("an")).ToList(),
        ["null equality"] = q => q.Where(u => u.Email == null).ToList(),
        ["not null and EndsWith"] = q => q.Where(u => u.Email != null && u.Email.EndsWith(".org")).ToList(),
        ["enum"] = q => q.Where(u => u.Role == Role.Admin).ToList(),
        ["nullable double"] = q => q.Where(u => u.Score > 0.5).ToList(),
        ["nullable is null"] = q => q.Where(u => u.Score == null).Select(u => u.Id).ToList(),
        ["decimal"] = q => q.Where(u => u.Balance > 100m).ToList(),
        ["captured DateTime"] = q => q.Where(u => u.CreatedAt > Cutoff).ToList(),
        ["DateTime member"] = q => q.Where(u => u.CreatedAt.Year == 2024 && u.CreatedAt.Month < 4).ToList(),
        ["DateTime method"] = q => q.Where(u => u.CreatedAt.AddDays(30) > Cutoff).Select(u => u.Id).ToList(),
        ["nested property"] = q => q.Where(u => u.Home != null && u.Home.City == "Paris").ToList(),
        ["list instance Contains (client)"] = q => q.Where(u => u.Tags.Contains("x")).ToList(),
        ["list Count"] = q => q.Where(u => u.Tags.Count > 1).ToList(),
        ["Enumerable.Any with lambda"] = q => q.Where(u => u.Tags.Any(t => t == "y")).ToList(),
        ["order by then by"] = q => q.OrderBy(u => u.Age).ThenBy(u => u.Name).ToList(),
        ["descending skip take"] = q => q.OrderByDescending(u => u.Age).ThenByDescending(u => u.Id).Skip(10).Take(5).ToList(),
        ["select member"] = q => q.OrderBy(u => u.Name).Select(u => u.Name).ToList(),
        ["where select int"] = q => q.Where(u => u.City == "Rome").Select(u => u.Age).ToList(),
        ["select nested"] = q => q.Where(u => u.Home != null).Select(u => u.Home).ToList(),
        ["Count"] = q => q.Count(),
        ["Count predicate"] = q => q.Count(u => u.Age > 30),
        ["Any predicate"] = q => q.Any(u => u.City == "Rome"),
        ["Any empty"] = q => q.Where(u => u.Age > 1000).Any(),
        ["LongCount"] = q => q.Where(u => u.Role != Role.Reader).LongCount(),
        ["First predicate"] = q => q.OrderBy(u => u.Age).ThenBy(u => u.Id).First(u => u.Age > 40),
        ["FirstOrDefault none"] = q => q.FirstOrDefault(u => u.Age > 1000),
        ["Single by key"] = q => q.Single(u => u.Id == 5),
        ["SingleOrDefault none"] = q => q.SingleOrDefault(u => u.Id == -1),
        ["Math.Abs"] = q => q.Where(u => Math.Abs(u.Age - 30) < 5).ToList(),
        ["ToUpper"] = q => q.Where(u => u.Name.ToUpper() == "ADA 3").ToList(),
        ["string Length"] = q => q.Where(u => u.Name.Length > 6).Select(u => u.Id).ToList(),
        ["conditional"] = q => q.Where(u => (u.Age > 50 ? "old" : "young") == "old").ToList(),
        ["take then where"] = q => q.Take(20).Where(u => u.Age > 30).ToList(),
        ["anonymous projection (client)"] = q => q.Where(u => u.Age < 30).Select(u => new { u.Name, u.Age }).ToList(),
        ["group by (client)"] = q => q.Where(u => u.Age > 20).GroupBy(u => u.City).Select(g => new { g.Key, Count = g.Count() }).OrderBy(x => x.Key).ToList(),
        ["Sum"] = q => q.Where(u => u.City == "London").Sum(u => u.Age),
        ["Max"] = q => q.Max(u => u.Age),
        ["Sum decimal"] = q => q.Where(u => u.Age > 30).Sum(u => u.Balance),
        ["Sum nullable double"] = q => q.Sum(u => u.Score),
        ["Sum of a selected sequence"] = q => q.Where(u => u.City == "Rome").Select(u => u.Age).Sum(),
        ["Min string"] = q => q.Where(u => u.Age > 20).Min(u => u.Name),
        ["Min DateTime"] = q => q.Min(u => u.CreatedAt),
        ["Max nullable"] = q => q.Max(u => u.Score),
        ["Max of a selected sequence"] = q => q.OrderBy(u => u.Id).Take(30).Select(u => u.Balance).Max(),
        ["Average int"] = q => q.Average(u => u.Age),
        ["Average decimal"] = q => q.Where(u => u.City == "Oslo").Average(u => u.Balance),
        ["Average nullable double"] = q => q.Average(u => u.Score),
        ["Sum empty"] = q => q.Where(u => u.Age > 1000).Sum(u => u.Age),
        ["Max empty nullable"] = q => q.Where(u => u.Age > 1000).Max(u => u.Score),
        ["Average empty throws"] = q => Throws(() => q.Where(u => u.Age > 1000).Average(u => u.Age)),
        ["Min empty throws"] = q => Throws(() => q.Where(u => u.Age > 1000).Min(u => u.Age)),
        ["Sum over a client part (client)"] = q => q.Select(u => new { u.Age }).Sum(x => x.Age),
        ["captured local list (client)"] = q => q.Where(u => new List<int> { 3, 5, 7 }.Contains(u.Id)).ToList(),
        ["Single throws on many"] = q => Throws(() => q.Single(u => u.Age > 10)),
        ["First throws on none"] = q => Throws(() => q.First(u => u.Age > 1000)),
    };

    private static string Throws(Func<object?> query)
    {
        try
        {
            query();
            return "no exception";
        }
        catch (Exception e)
        {
            // The type only: this catalog compares what runs where; the embedded messages are held to LINQ's own
            // wording in ZgDb.Linq.Tests (DefectRegressionSuite.First_Single_Last_with_a_predicate_...).
            return e.GetType().Name;
        }
    }

    public async Task InitializeAsync()
    {
        _server = await TestServerFixture.StartAsync(o => o.PageSize = 7); // small pages: most results span several
        _remote = _server.Connect();
        _embedded = ZgDatabase.OpenInMemory<BlogDb>();
        string[] cities = ["London", "Paris", "Rome", "Berlin", "Oslo"];
        _list = Enumerable.Range(1, 120).Select(i => new User
        {
            Id = i,
            Name = (i % 4 == 0 ? "Ada " : i % 4 == 1 ? "Ian " : i % 4 == 2 ? "Anna " : "Bo ") + (i % 13),
            Age = 10 + i * 7 % 60,
            Email = i % 3 == 0 ? null : $"u{i}@example.{(i % 2 == 0 ? "org" : "com")}",
            City = cities[i % cities.Length],
            CreatedAt = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i * 5),
            Role = (Role)(i % 3),
            Score = i % 5 == 0 ? null : i % 10 / 10.0,
            Balance = i * 3.25m,
            Home = i % 4 == 0 ? null : new Address { City = cities[(i + 1) % cities.Length], Street = i % 2 == 0 ? "Main" : null },
            Tags = i % 3 == 0 ? [] : i % 3 == 1 ? ["x"] : ["x", "y"],
        }).ToList();
        _remote.Users.InsertMany(_list);
        _embedded.Users.InsertMany(_list);
    }

    public async Task DisposeAsync()
    {
        _remote.Dispose();
        _embedded.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void Remote_results_equal_embedded_and_LINQ_to_Objects(string name)
    {
        var query = Catalog[name];
        var expected = Json(query(_list.AsQueryable()));
        Assert.Equal(expected, Json(query(_embedded.Users)));
        Assert.Equal(expected, Json(query(_remote.Users)));
    }

    [Fact]
    public void Source_chains_run_on_the_server_and_the_rest_on_the_client()
    {
        Assert.Equal("REMOTE Collection -> Where -> OrderBy -> Skip -> Take",
            _remote.Users.Where(u => u.Age > 3).OrderBy(u => u.Name).Skip(1).Take(2).ToString());
        Assert.Equal("REMOTE Collection -> Where -> Select",
            _remote.Users.Where(u => u.Name.StartsWith("A")).Select(u => u.Home!.City).ToString());
        Assert.Equal("REMOTE Collection -> Where -> IN MEMORY (client) Select",
            _remote.Users.Where(u => u.Age > 3).Select(u => new { u.Name }).ToString());
        // Aggregates run on the server: one value comes back, not the chain's documents.
        Func<IQueryable<User>, System.Linq.Expressions.Expression<Func<User, decimal>>, decimal> sum = Queryable.Sum;
        var query = _remote.Users.Where(u => u.Age > 3);
        var sumExpression = System.Linq.Expressions.Expression.Call(sum.Method, query.Expression, System.Linq.Expressions.Expression.Quote((System.Linq.Expressions.Expression<Func<User, decimal>>)(u => u.Balance)));
        Assert.Equal("REMOTE Collection -> Where -> Sum", ((ZgDb.Client.RemoteQueryProvider)query.Provider).Describe(sumExpression));
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value);
}

/// <summary>Explain on a connected query shows the server's own plan (its indexes) and what the client runs.</summary>
public sealed class RemoteExplainTests
{
    [Fact]
    public async Task Explain_shows_the_server_plan_and_the_client_part()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        using var embedded = ZgDatabase.OpenInMemory<BlogDb>();
        var plan = embedded.Users.Where(u => u.Age >= 25).OrderBy(u => u.Name).Take(10).Explain();
        Assert.Contains("INDEX RANGE User.Age", plan);
        Assert.Equal($"REMOTE [{plan}]", db.Users.Where(u => u.Age >= 25).OrderBy(u => u.Name).Take(10).Explain());
        Assert.Equal($"REMOTE [{embedded.Users.Where(u => u.City == "Oslo").Explain()}] -> IN MEMORY (client) Select",
            db.Users.Where(u => u.City == "Oslo").Select(u => new { u.Name }).Explain());
    }
}
