using ZgDb.Linq;

namespace ZgDb.Server.Tests;

public sealed class Author
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Article> Articles { get; set; } = [];
}

public sealed class Article
{
    public int Id { get; set; }
    public int AuthorId { get; set; }
    public Author? Author { get; set; }
    public int? EditorId { get; set; }
    public Author? Editor { get; set; }
    public string Title { get; set; } = "";
    public List<Note> Notes { get; set; } = [];
}

public sealed class Note
{
    public int Id { get; set; }
    public int ArticleId { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>A model with reference and collection navigations, two levels deep, and an optional reference.</summary>
public sealed class PressDb : ZgDatabase
{
    public ZgCollection<Author> Authors => Collection<Author>();
    public ZgCollection<Article> Articles => Collection<Article>();
    public ZgCollection<Note> Notes => Collection<Note>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Article>().HasOne(a => a.Author).WithMany(a => a.Articles).HasForeignKey(a => a.AuthorId);
        model.Entity<Article>().HasOne(a => a.Editor).WithMany().HasForeignKey(a => a.EditorId);
        model.Entity<Article>().HasMany(a => a.Notes).WithOne().HasForeignKey(n => n.ArticleId);
    }
}

/// <summary>
/// Include and ThenInclude on a connected database: the navigation travels, the server loads it with its own model
/// and sends the included documents with each result; the results equal the embedded provider's and a LINQ-to-Objects
/// join over the same data.
/// </summary>
public sealed class RemoteIncludeTests
{
    private static void Fill(PressDb db)
    {
        db.Authors.InsertMany(Enumerable.Range(1, 5).Select(i => new Author { Id = i, Name = "author" + i }).ToList());
        db.Articles.InsertMany(Enumerable.Range(1, 20).Select(i => new Article { Id = i, AuthorId = 1 + i % 4, EditorId = i % 3 == 0 ? 5 : null, Title = "article" + i }).ToList());
        db.Notes.InsertMany(Enumerable.Range(1, 30).Select(i => new Note { Id = i, ArticleId = 1 + i % 10, Text = "note" + i }).ToList());
    }

    /// <summary>Each article as a comparable line: its author, its editor (or -), its notes in key order.</summary>
    private static string Line(Article a) =>
        $"{a.Id} {a.Title} by {a.Author?.Name ?? "?"} ed {a.Editor?.Name ?? "-"} notes [{string.Join(",", a.Notes.Select(n => n.Id).Order())}]";

    private static string Line(Author a) =>
        $"{a.Id} {a.Name}: {string.Join("; ", a.Articles.OrderBy(x => x.Id).Select(x => $"{x.Id}[{string.Join(",", x.Notes.Select(n => n.Id).Order())}]"))}";

    [Fact]
    public async Task Include_reference_and_collection_navigations_equal_the_embedded_provider_and_LINQ_to_Objects()
    {
        await using var server = await TestServerFixture.StartAsync<PressDb>(o => o.PageSize = 7);
        using var remote = server.Connect<PressDb>();
        using var embedded = ZgDatabase.OpenInMemory<PressDb>();
        Fill(remote);
        Fill(embedded);
        var authors = embedded.Authors.ToList();
        var notes = embedded.Notes.ToList();

        // a reference and an optional reference, under a server-side Where/OrderBy/Take
        List<string> Articles(PressDb db) => db.Articles.Where(a => a.Id > 2).Include(a => a.Author).Include(a => a.Editor).OrderBy(a => a.Id).Take(15).ToList().Select(Line).ToList();
        var objects = embedded.Articles.ToList().Where(a => a.Id > 2).OrderBy(a => a.Id).Take(15)
            .Select(a => new Article { Id = a.Id, Title = a.Title, Author = authors.Single(x => x.Id == a.AuthorId), Editor = authors.SingleOrDefault(x => x.Id == a.EditorId) })
            .Select(Line).ToList();
        Assert.Equal(objects, Articles(embedded));
        Assert.Equal(objects, Articles(remote));

        // a collection, then ThenInclude over its elements
        List<string> Authors(PressDb db) => db.Authors.Include(a => a.Articles).ThenInclude(x => x.Notes).ToList().OrderBy(a => a.Id).Select(Line).ToList();
        var articles = embedded.Articles.ToList();
        var graph = authors.Select(a => new Author
        {
            Id = a.Id, Name = a.Name,
            Articles = articles.Where(x => x.AuthorId == a.Id).Select(x => new Article { Id = x.Id, Notes = notes.Where(n => n.ArticleId == x.Id).ToList() }).ToList(),
        }).Select(Line).ToList();
        Assert.Equal(graph, Authors(embedded));
        Assert.Equal(graph, Authors(remote));

        // ThenInclude after a reference, First on the client over the server's Take(1)
        var first = remote.Articles.Include(a => a.Author).ThenInclude(a => a!.Articles).First(a => a.Id == 4);
        var firstEmbedded = embedded.Articles.Include(a => a.Author).ThenInclude(a => a!.Articles).First(a => a.Id == 4);
        Assert.Equal(firstEmbedded.Author!.Articles.Select(x => x.Id).Order(), first.Author!.Articles.Select(x => x.Id).Order());
        Assert.Equal(articles.Where(x => x.AuthorId == first.AuthorId).Select(x => x.Id).Order(), first.Author.Articles.Select(x => x.Id).Order());
        Assert.Contains("REMOTE Collection -> Include -> ThenInclude", remote.Articles.Include(a => a.Author).ThenInclude(a => a!.Articles).ToString());
    }

    [Fact]
    public async Task Include_inside_a_transaction_sees_its_writes()
    {
        await using var server = await TestServerFixture.StartAsync<PressDb>();
        using var db = server.Connect<PressDb>();
        Fill(db);
        using var tx = db.BeginTransaction();
        db.Articles.Insert(new Article { Id = 100, AuthorId = 2, Title = "in tx" });
        var author = db.Authors.Include(a => a.Articles).Single(a => a.Id == 2);
        Assert.Contains(author.Articles, a => a.Id == 100 && a.Title == "in tx");
        tx.Rollback();
        Assert.DoesNotContain(db.Authors.Include(a => a.Articles).Single(a => a.Id == 2).Articles, a => a.Id == 100);
    }

    [Fact]
    public async Task Include_that_cannot_travel_is_refused_naming_why()
    {
        await using var server = await TestServerFixture.StartAsync<PressDb>();
        using var db = server.Connect<PressDb>();
        Fill(db);
        var filtered = Assert.Throws<NotSupportedException>(() => db.Authors.Include(a => a.Articles.Where(x => x.Id > 3)).ToList());
        Assert.Contains("cannot travel", filtered.Message);
        var afterClient = Assert.Throws<NotSupportedException>(() => db.Articles.Where(a => Local(a)).Include(a => a.Author).ToList());
        Assert.Contains("put Include before", afterClient.Message);
    }

    [Theory]
    [InlineData("""{"k":"op","n":"Include","a":[{"k":"source","n":"Articles"},{"k":"lambda","n":"a#0","a":[{"k":"member","n":"Title","a":[{"k":"param","n":"a#0"}]}]}]}""", "must read one navigation")]
    [InlineData("""{"k":"op","n":"ThenInclude","a":[{"k":"source","n":"Articles"},{"k":"lambda","n":"a#0","a":[{"k":"member","n":"Author","a":[{"k":"param","n":"a#0"}]}]}]}""", "must follow an Include")]
    [InlineData("""{"k":"op","n":"Include","a":[{"k":"source","n":"Articles"}]}""", "takes a source and a navigation")]
    public async Task A_raw_Include_that_is_not_a_navigation_is_refused_before_running(string chain, string named)
    {
        await using var server = await TestServerFixture.StartAsync<PressDb>();
        using var channel = server.Channel();
        var client = new ZgDb.Remote.Protocol.ZgDbData.ZgDbDataClient(channel);
        var request = new ZgDb.Remote.Protocol.QueryRequest { Query = Google.Protobuf.ByteString.CopyFromUtf8($$"""{"version":1,"collection":"Articles","chain":{{chain}}}""") };
        var e = Assert.Throws<Grpc.Core.RpcException>(() =>
        {
            using var call = client.Query(request, TestServerFixture.HandshakenHeaders<PressDb>());
            while (call.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult()) { }
        });
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(named, e.Status.Detail);
    }

    /// <summary>A method of the application (runs on the client).</summary>
    public static bool Local(Article article) => article.Id > 0;
}
