using ZgDb.Tests.Support;
using ZgDb.Linq;

namespace ZgDb.Tests.ManyToMany;

/// <summary>
/// Issue 15: many-to-many with an explicit join entity (<c>UsingEntity&lt;BookGenre&gt;()</c>, a collection of the
/// database class) and one found by convention alone (Guid and string keys, array and ICollection navigations).
/// </summary>
public abstract class ExplicitJoinSuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();
    private LibraryDb _db;

    protected ExplicitJoinSuite() => _db = _backend.Open<LibraryDb>();

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    [Fact]
    public void Rows_of_the_explicit_join_entity_are_written_from_the_navigations_and_keep_their_payload()
    {
        _db.Genres.InsertMany([new Genre { Id = 1, Name = "sf" }, new Genre { Id = 2, Name = "crime" }, new Genre { Id = 3, Name = "poetry" }]);
        _db.Books.Insert(new Book { Id = 1, Title = "Dune", Genres = [new Genre { Id = 1 }] });
        _db.BookGenres.Insert(new BookGenre { BookId = 1, GenreId = 2, Note = "by hand" }); // a link written as a document
        Assert.Equal([(1, 1, null), (1, 2, "by hand")], _db.BookGenres.ToList().Select(j => (j.BookId, j.GenreId, j.Note)));
        Assert.Equal(["sf", "crime"], _db.Books.Include(b => b.Genres).Single().Genres.Select(g => g.Name));

        var book = _db.Books.Include(b => b.Genres).Single();
        book.Genres.RemoveAt(0);
        book.Genres.Add(new Genre { Id = 3 });
        _db.Books.Update(book);
        _db = _backend.Reopen(_db);
        Assert.Equal([(1, 2, "by hand"), (1, 3, null)], _db.BookGenres.ToList().Select(j => (j.BookId, j.GenreId, j.Note))); // the kept link keeps its note
        Assert.Equal(["Dune"], _db.Books.Where(b => b.Genres.Any(g => g.Name == "poetry")).Select(b => b.Title).ToList());
        Assert.Equal("Dune", _db.BookGenres.Include(j => j.Book).First().Book!.Title); // the join entity's own navigation
        Assert.Throws<ZgDbForeignKeyException>(() => _db.Books.Insert(new Book { Id = 2, Genres = [new Genre { Id = 9 }] }));
        Assert.True(_db.Genres.Delete(2));
        Assert.Equal([3], _db.BookGenres.Select(j => j.GenreId).ToList());
        Assert.True(_db.Books.Delete(1));
        Assert.Equal(0, _db.BookGenres.Count());
    }

    [Fact]
    public void A_many_to_many_found_by_convention_works_with_guid_and_string_keys()
    {
        using var backend = new TBackend();
        var db = backend.Open<ConventionDb>();
        Assert.Equal(["ArticlesId", "LabelsId"], db.Model.FindCollection("ArticleLabel")!.KeyParts.Select(p => p.Name));
        db.Labels.InsertMany([new Label { Id = "b" }, new Label { Id = "a" }]);
        var article = new Article { Title = "x", Labels = [new Label { Id = "b" }, new Label { Id = "a" }] };
        db.Articles.Insert(article);
        Assert.NotEqual(Guid.Empty, article.Id);
        db.Articles.Insert(new Article { Title = "y", Labels = [new Label { Id = "a" }] });
        Assert.Equal(["a", "b"], db.Articles.Include(a => a.Labels).Single(a => a.Id == article.Id).Labels.Select(l => l.Id));
        Assert.Equal(2, db.Labels.Include(l => l.Articles).Single(l => l.Id == "a").Articles.Count);
        Assert.Equal(["x"], db.Articles.Where(a => a.Labels.Length == 2).Select(a => a.Title).ToList());
        db = backend.Reopen(db);
        Assert.Equal(["a", "b"], db.Articles.Include(a => a.Labels).Single(a => a.Id == article.Id).Labels.Select(l => l.Id));
        Assert.True(db.Labels.Delete("a"));
        Assert.Equal(1, db.GetStatistics().Collections.Single(c => c.Name == "ArticleLabel").Count);
        db.Dispose();
    }

    [Fact]
    public void A_self_referencing_many_to_many_links_both_directions_and_null_lists_keep_the_links()
    {
        using var backend = new TBackend();
        var db = backend.Open<SocialDb>();
        var join = db.Model.FindCollection("MemberMember")!;
        Assert.Equal(["FollowersId", "FollowsId"], join.KeyParts.Select(p => p.Name));
        db.Members.InsertMany([new Member { Id = 1, Name = "ann" }, new Member { Id = 2, Name = "bob" }, new Member { Id = 3, Name = "cy" }]);
        db.Members.Update(new Member { Id = 1, Name = "ann", Follows = [new Member { Id = 2 }, new Member { Id = 3 }] }); // Followers null: left as they are
        db.Members.Update(new Member { Id = 2, Name = "bob", Follows = [new Member { Id = 3 }] });
        db = backend.Reopen(db);
        var members = db.Members.Include(m => m.Follows).Include(m => m.Followers).ToList();
        Assert.Equal(["2,3", "3", ""], members.Select(m => string.Join(",", m.Follows!.Select(f => f.Id))));
        Assert.Equal(["", "1", "1,2"], members.Select(m => string.Join(",", m.Followers!.Select(f => f.Id))));
        Assert.Equal(["cy"], db.Members.Where(m => m.Followers!.Count == 2).Select(m => m.Name).ToList());
        db.Members.Update(new Member { Id = 3, Name = "cy", Followers = [] }); // a list ZgDb did not load only adds: nothing changes
        Assert.Equal(["2,3", "3", ""], db.Members.Include(m => m.Follows).ToList().Select(m => string.Join(",", m.Follows!.Select(f => f.Id))));
        var cy = db.Members.Include(m => m.Followers).Single(m => m.Id == 3);
        cy.Followers = []; // a loaded list emptied: the links of that direction go
        db.Members.Update(cy);
        Assert.Equal(["2", "", ""], db.Members.Include(m => m.Follows).ToList().Select(m => string.Join(",", m.Follows!.Select(f => f.Id))));
        Assert.True(db.Members.Delete(2));
        Assert.Equal(0, db.GetStatistics().Collections.Single(c => c.Name == "MemberMember").Count);
        db.Dispose();
    }
}

public sealed class ExplicitJoinSuiteInMemory : ExplicitJoinSuite<InMemoryBackend>;
public sealed class ExplicitJoinSuiteOnDisk : ExplicitJoinSuite<OnDiskBackend>;
