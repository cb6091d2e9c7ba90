// This file imports ZgDb and EF Core together, as an application that uses both does. Before ZgDb's async operators
// and Include moved to the namespace ZgDb.Linq, every `.ToListAsync()`/`.Include(...)` here was CS0121 (ambiguous
// between ZgDb.QueryableExtensions and EntityFrameworkQueryableExtensions). Now the extension-method calls bind to
// EF Core's, and ZgDb's are called by class name (the `Zg` alias): the pattern docs/ASYNC.md describes.
using Microsoft.EntityFrameworkCore;
using ZgDb;
using Zg = ZgDb.Linq.AsyncQueryableExtensions;
using ZgInclude = ZgDb.Linq.IncludeExtensions;

namespace InteropApp;

public sealed class Blog
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public int Rating { get; set; }
    public decimal Budget { get; set; }
    public List<Post> Posts { get; set; } = [];
}

public sealed class Post
{
    public int Id { get; set; }
    public int BlogId { get; set; }
    public Blog? Blog { get; set; }
    public string Title { get; set; } = "";
}

public sealed class BlogZgDb : ZgDatabase
{
    public ZgCollection<Blog> Blogs => Collection<Blog>();
    public ZgCollection<Post> Posts => Collection<Post>();
}

public sealed class BlogEfContext(DbContextOptions<BlogEfContext> options) : DbContext(options)
{
    public DbSet<Blog> Blogs => Set<Blog>();
    public DbSet<Post> Posts => Set<Post>();
}

public sealed class BothImportedTests : IDisposable
{
    private readonly BlogZgDb _zg = ZgDatabase.OpenInMemory<BlogZgDb>();
    private readonly BlogEfContext _ef = new(new DbContextOptionsBuilder<BlogEfContext>().UseInMemoryDatabase("blogs-" + Guid.NewGuid().ToString("N")).Options);
    private readonly List<Blog> _blogs = Enumerable.Range(1, 30).Select(i => new Blog { Id = i, Title = "Blog " + i, Rating = i % 7, Budget = i * 1.5m }).ToList();
    private readonly List<Post> _posts = Enumerable.Range(1, 90).Select(i => new Post { Id = i, BlogId = 1 + i % 30, Title = "Post " + i }).ToList();

    public BothImportedTests()
    {
        _zg.Blogs.InsertMany(_blogs.Select(b => new Blog { Id = b.Id, Title = b.Title, Rating = b.Rating, Budget = b.Budget }));
        _zg.Posts.InsertMany(_posts.Select(p => new Post { Id = p.Id, BlogId = p.BlogId, Title = p.Title }));
        _ef.Blogs.AddRange(_blogs.Select(b => new Blog { Id = b.Id, Title = b.Title, Rating = b.Rating, Budget = b.Budget }));
        _ef.Posts.AddRange(_posts.Select(p => new Post { Id = p.Id, BlogId = p.BlogId, Title = p.Title }));
        _ef.SaveChanges();
        _ef.ChangeTracker.Clear();
    }

    public void Dispose()
    {
        _zg.Dispose();
        _ef.Dispose();
    }

    private IQueryable<Blog> Rated(IQueryable<Blog> blogs) => blogs.Where(b => b.Rating > 2).OrderBy(b => b.Id);

    [Fact]
    public async Task Every_operator_compiles_and_agrees_on_ZgDb_and_EF_Core_queries_in_one_file()
    {
        var expected = Rated(_blogs.AsQueryable()).ToList();
        var zg = Rated(_zg.Blogs);
        var ef = Rated(_ef.Blogs);

        Assert.Equal(expected.Select(b => b.Id), (await Zg.ToListAsync(zg)).Select(b => b.Id));
        Assert.Equal(expected.Select(b => b.Id), (await ef.ToListAsync()).Select(b => b.Id));
        Assert.Equal(expected.Select(b => b.Title), await Zg.ToArrayAsync(zg.Select(b => b.Title)));
        Assert.Equal(expected.Select(b => b.Title), await ef.Select(b => b.Title).ToArrayAsync());
        Assert.Equal(expected.ToDictionary(b => b.Id, b => b.Title), await Zg.ToDictionaryAsync(zg, b => b.Id, b => b.Title));
        Assert.Equal(expected.ToDictionary(b => b.Id, b => b.Title), await ef.ToDictionaryAsync(b => b.Id, b => b.Title));
        var zgSeen = new List<int>();
        var efSeen = new List<int>();
        await Zg.ForEachAsync(zg, b => zgSeen.Add(b.Id));
        await ef.ForEachAsync(b => efSeen.Add(b.Id));
        Assert.Equal(expected.Select(b => b.Id), zgSeen);
        Assert.Equal(expected.Select(b => b.Id), efSeen);
        var streamed = new List<int>();
        await foreach (var blog in Zg.AsAsyncEnumerable(zg)) streamed.Add(blog.Id);
        await foreach (var blog in ef.AsAsyncEnumerable()) streamed.Add(blog.Id);
        Assert.Equal(expected.Select(b => b.Id).Concat(expected.Select(b => b.Id)), streamed);

        Assert.Equal(expected.First().Id, (await Zg.FirstAsync(zg)).Id);
        Assert.Equal(expected.First().Id, (await ef.FirstAsync()).Id);
        Assert.Equal(expected.First(b => b.Rating == 5).Id, (await Zg.FirstAsync(zg, b => b.Rating == 5)).Id);
        Assert.Equal(expected.First(b => b.Rating == 5).Id, (await ef.FirstAsync(b => b.Rating == 5)).Id);
        Assert.Null(await Zg.FirstOrDefaultAsync(zg, b => b.Rating > 100));
        Assert.Null(await ef.FirstOrDefaultAsync(b => b.Rating > 100));
        Assert.Equal(12, (await Zg.SingleAsync(zg, b => b.Id == 12)).Id);
        Assert.Equal(12, (await ef.SingleAsync(b => b.Id == 12)).Id);
        Assert.Null(await Zg.SingleOrDefaultAsync(zg, b => b.Id == -1));
        Assert.Null(await ef.SingleOrDefaultAsync(b => b.Id == -1));

        Assert.Equal(expected.Count, await Zg.CountAsync(zg));
        Assert.Equal(expected.Count, await ef.CountAsync());
        Assert.Equal(expected.LongCount(b => b.Rating == 3), await Zg.LongCountAsync(zg, b => b.Rating == 3));
        Assert.Equal(expected.LongCount(b => b.Rating == 3), await ef.LongCountAsync(b => b.Rating == 3));
        Assert.True(await Zg.AnyAsync(zg, b => b.Rating == 6));
        Assert.True(await ef.AnyAsync(b => b.Rating == 6));
        Assert.True(await Zg.AllAsync(zg, b => b.Rating > 2));
        Assert.True(await ef.AllAsync(b => b.Rating > 2));
        Assert.Equal(expected.Sum(b => b.Rating), await Zg.SumAsync(zg, b => b.Rating));
        Assert.Equal(expected.Sum(b => b.Rating), await ef.SumAsync(b => b.Rating));
        Assert.Equal(expected.Sum(b => b.Budget), await Zg.SumAsync(zg.Select(b => b.Budget)));
        Assert.Equal(expected.Sum(b => b.Budget), await ef.Select(b => b.Budget).SumAsync());
        Assert.Equal(expected.Min(b => b.Title), await Zg.MinAsync(zg, b => b.Title));
        Assert.Equal(expected.Min(b => b.Title), await ef.MinAsync(b => b.Title));
        Assert.Equal(expected.Max(b => b.Rating), await Zg.MaxAsync(zg.Select(b => b.Rating)));
        Assert.Equal(expected.Max(b => b.Rating), await ef.Select(b => b.Rating).MaxAsync());
        Assert.Equal(expected.Average(b => b.Budget), await Zg.AverageAsync(zg, b => b.Budget));
        Assert.Equal(expected.Average(b => b.Budget), await ef.AverageAsync(b => b.Budget));
    }

    [Fact]
    public async Task Include_in_one_file_with_both_imported_loads_on_each_side()
    {
        var zgPosts = await Zg.ToListAsync(ZgInclude.Include(_zg.Posts.Where(p => p.Id <= 10), p => p.Blog));
        var efPosts = await _ef.Posts.Where(p => p.Id <= 10).Include(p => p.Blog).ToListAsync();
        Assert.All(zgPosts, p => Assert.Equal(p.BlogId, p.Blog!.Id));
        Assert.All(efPosts, p => Assert.Equal(p.BlogId, p.Blog!.Id));
        var zgBlogs = await Zg.ToListAsync(ZgInclude.ThenInclude(ZgInclude.Include(_zg.Blogs.Where(b => b.Id == 3), b => b.Posts), p => p.Blog));
        Assert.Equal(_posts.Where(p => p.BlogId == 3).Select(p => p.Id), zgBlogs.Single().Posts.Select(p => p.Id));
        Assert.All(zgBlogs.Single().Posts, p => Assert.Equal(3, p.Blog!.Id));
    }

    [Fact]
    public async Task EF_Core_row_operators_accept_a_composed_ZgDb_query_and_run_ZgDb_async_enumeration()
    {
        // A composed ZgDb query is an IAsyncEnumerable<T>, which is all EF Core's row operators ask of a source.
        var zg = Rated(_zg.Blogs);
        Assert.Equal(Rated(_blogs.AsQueryable()).Select(b => b.Id), (await zg.ToListAsync()).Select(b => b.Id));
        Assert.Equal(Rated(_blogs.AsQueryable()).Count(), (await zg.ToArrayAsync()).Length);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => zg.ToListAsync(cancelled.Token));
        // EF Core's scalar operators need EF Core's own provider: they refuse a ZgDb query (call ZgDb's, above).
        await Assert.ThrowsAsync<InvalidOperationException>(() => zg.CountAsync());
    }
}
