namespace ZgDb.Tests.ManyToMany;

public sealed class Post
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public List<Tag> Tags { get; set; } = [];
}

public sealed class Tag
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Post> Posts { get; set; } = [];
}

/// <summary>Posts and tags linked through the implicit join collection PostTag (configured with HasMany().WithMany()).</summary>
public sealed class TaggedBlogDb : ZgDatabase
{
    public ZgCollection<Post> Posts => Collection<Post>();
    public ZgCollection<Tag> Tags => Collection<Tag>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Post>().HasMany(p => p.Tags).WithMany(t => t.Posts);
}

public sealed class Article
{
    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public Label[] Labels { get; set; } = [];
}

public sealed class Label
{
    public string Id { get; set; } = "";
    public ICollection<Article> Articles { get; set; } = [];
}

/// <summary>A many-to-many found by EF Core's convention alone (two collection navigations, each the other's only inverse), with Guid and string keys.</summary>
public sealed class ConventionDb : ZgDatabase
{
    public ZgCollection<Article> Articles => Collection<Article>();
    public ZgCollection<Label> Labels => Collection<Label>();
}

public sealed class Book
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public List<Genre> Genres { get; set; } = [];
}

public sealed class Genre
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Book> Books { get; set; } = [];
}

/// <summary>The explicit join entity of Book.Genres (UsingEntity&lt;BookGenre&gt;()), with a payload.</summary>
public sealed class BookGenre
{
    public int BookId { get; set; }
    public int GenreId { get; set; }
    public string? Note { get; set; }
    public Book? Book { get; set; }
}

public sealed class LibraryDb : ZgDatabase
{
    public ZgCollection<Book> Books => Collection<Book>();
    public ZgCollection<Genre> Genres => Collection<Genre>();
    public ZgCollection<BookGenre> BookGenres => Collection<BookGenre>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Book>().HasMany(b => b.Genres).WithMany(g => g.Books).UsingEntity<BookGenre>();
        model.Entity<BookGenre>().HasKey(j => new { j.BookId, j.GenreId });
    }
}

public sealed class Member
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Member>? Follows { get; set; }
    public List<Member>? Followers { get; set; }
}

/// <summary>A self-referencing many-to-many (EF Core's MemberMember join, FollowersId / FollowsId).</summary>
public sealed class SocialDb : ZgDatabase
{
    public ZgCollection<Member> Members => Collection<Member>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Member>().HasMany(m => m.Follows).WithMany(m => m.Followers);
}
