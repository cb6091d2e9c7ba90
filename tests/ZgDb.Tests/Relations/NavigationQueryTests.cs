using ZgDb.Tests.Support;
using ZgDb.Linq;

namespace ZgDb.Tests.Relations;

/// <summary>Include and navigation queries, each compared with LINQ-to-Objects over the same data linked by hand.</summary>
public abstract class NavigationQuerySuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();
    private readonly CascadeDb _db;
    private readonly List<Author> _authors;
    private readonly List<Article> _articles;
    private readonly List<Remark> _remarks;

    protected NavigationQuerySuite()
    {
        _db = _backend.Open<CascadeDb>();
        var random = new Random(12345);
        _db.Authors.InsertMany(Enumerable.Range(1, 30).Select(i => new Author { Name = $"Author {i}", Age = 20 + random.Next(50) }));
        _db.Articles.InsertMany(Enumerable.Range(1, 200).Select(i => new Article { Title = (i % 4 == 0 ? "Zg " : "On ") + i, AuthorId = i % 9 == 0 ? null : random.Next(1, 31) }));
        _db.Remarks.InsertMany(Enumerable.Range(1, 500).Select(i => new Remark { Text = $"remark {i}", ArticleId = random.Next(1, 201) }));
        _db.Profiles.InsertMany(Enumerable.Range(1, 10).Select(i => new AuthorProfile { AuthorId = i * 2, Bio = $"bio {i}" }));
        if (_backend.Persistent) _db.Checkpoint();
        // The same data as plain objects, linked by hand: LINQ-to-Objects' view of the graph.
        _authors = _db.Authors.AsEnumerable().ToList();
        _articles = _db.Articles.AsEnumerable().ToList();
        _remarks = _db.Remarks.AsEnumerable().ToList();
        var profiles = _db.Profiles.AsEnumerable().ToList();
        foreach (var a in _authors)
        {
            a.Articles = _articles.Where(p => p.AuthorId == a.Id).ToList();
            a.Profile = profiles.SingleOrDefault(p => p.AuthorId == a.Id);
        }
        foreach (var p in _articles)
        {
            p.Author = _authors.SingleOrDefault(a => a.Id == p.AuthorId);
            p.Remarks = _remarks.Where(r => r.ArticleId == p.Id).ToList();
        }
        foreach (var r in _remarks) r.Article = _articles.Single(p => p.Id == r.ArticleId);
    }

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    [Fact]
    public void Filters_through_a_reference_navigation()
    {
        Assert.Equal(
            _articles.Where(p => p.Author != null && p.Author.Age > 40).Select(p => p.Id),
            _db.Articles.Where(p => p.Author != null && p.Author.Age > 40).Select(p => p.Id).ToList());
        Assert.Equal(
            _remarks.Where(r => r.Article!.Title.StartsWith("Zg")).Select(r => r.Text),
            _db.Remarks.Where(r => r.Article!.Title.StartsWith("Zg")).Select(r => r.Text).ToList());
        Assert.Equal(
            _remarks.Where(r => r.Article!.Author != null && r.Article.Author.Name.EndsWith("7")).Select(r => r.Id),
            _db.Remarks.Where(r => r.Article!.Author != null && r.Article.Author.Name.EndsWith("7")).Select(r => r.Id).ToList());
    }

    [Fact]
    public void Filters_and_projections_through_collection_navigations()
    {
        Assert.Equal(
            _authors.Where(a => a.Articles.Any(p => p.Title.StartsWith("Zg"))).Select(a => a.Name),
            _db.Authors.Where(a => a.Articles.Any(p => p.Title.StartsWith("Zg"))).Select(a => a.Name).ToList());
        Assert.Equal(
            _authors.Select(a => new { a.Name, Count = a.Articles.Count, Remarks = a.Articles.Sum(p => p.Remarks.Count) }),
            _db.Authors.Select(a => new { a.Name, Count = a.Articles.Count, Remarks = a.Articles.Sum(p => p.Remarks.Count) }).ToList());
        Assert.Equal(
            _authors.Where(a => a.Profile != null).OrderByDescending(a => a.Age).Select(a => a.Profile!.Bio),
            _db.Authors.Where(a => a.Profile != null).OrderByDescending(a => a.Age).Select(a => a.Profile!.Bio).ToList());
        Assert.Equal(
            _articles.SelectMany(p => p.Remarks).Count(),
            _db.Articles.SelectMany(p => p.Remarks).Count());
    }

    [Fact]
    public void Include_and_ThenInclude_load_the_graph()
    {
        var loaded = _db.Authors.Include(a => a.Articles).ThenInclude(p => p.Remarks).Include(a => a.Profile).Where(a => a.Age > 30).ToList();
        var expected = _authors.Where(a => a.Age > 30).ToList();
        Assert.Equal(expected.Select(Shape), loaded.Select(Shape));
        var posts = _db.Articles.Include(p => p.Author).OrderBy(p => p.Title).Take(20).ToList();
        Assert.Equal(_articles.OrderBy(p => p.Title).Take(20).Select(p => p.Author?.Name), posts.Select(p => p.Author?.Name));
        var first = _db.Articles.Include(p => p.Remarks).First(p => p.Id == 7);
        Assert.Equal(_articles.Single(p => p.Id == 7).Remarks.Select(r => r.Id), first.Remarks.Select(r => r.Id));
    }

    [Fact]
    public void Filtered_include_loads_only_matching_dependents()
    {
        var loaded = _db.Authors.Include(a => a.Articles.Where(p => p.Title.StartsWith("Zg")).OrderByDescending(p => p.Id).Take(2)).ToList();
        Assert.Equal(
            _authors.Select(a => string.Join(",", a.Articles.Where(p => p.Title.StartsWith("Zg")).OrderByDescending(p => p.Id).Take(2).Select(p => p.Id))),
            loaded.Select(a => string.Join(",", a.Articles.Select(p => p.Id))));
    }

    [Fact]
    public void A_filtered_include_that_captures_a_variable_uses_each_calls_value()
    {
        foreach (var prefix in new[] { "Zg", "On", "Zg" })
        {
            var loaded = _db.Authors.Include(a => a.Articles.Where(p => p.Title.StartsWith(prefix))).ToList();
            Assert.Equal(_authors.Select(a => a.Articles.Count(p => p.Title.StartsWith(prefix))), loaded.Select(a => a.Articles.Count));
        }
    }

    [Fact]
    public void Without_Include_navigations_stay_empty()
    {
        var author = _db.Authors.First(a => a.Id == 2);
        Assert.Empty(author.Articles);
        Assert.Null(author.Profile);
    }

    private static string Shape(Author a) =>
        $"{a.Name}:{a.Profile?.Bio}:[{string.Join(";", a.Articles.Select(p => $"{p.Id}({string.Join(",", p.Remarks.Select(r => r.Id))})"))}]";
}

public sealed class InMemoryNavigationQueryTests : NavigationQuerySuite<InMemoryBackend>;

public sealed class OnDiskNavigationQueryTests : NavigationQuerySuite<OnDiskBackend>;
