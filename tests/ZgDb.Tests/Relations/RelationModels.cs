namespace ZgDb.Tests.Relations;

public sealed class Author
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Age { get; set; }
    public List<Article> Articles { get; set; } = [];
    public AuthorProfile? Profile { get; set; }
}

public sealed class Article
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public int? AuthorId { get; set; }
    public Author? Author { get; set; }
    public List<Remark> Remarks { get; set; } = [];
}

public sealed class Remark
{
    public int Id { get; set; }
    public string Text { get; set; } = "";
    public int ArticleId { get; set; }
    public Article? Article { get; set; }
}

public sealed class AuthorProfile
{
    public int Id { get; set; }
    public int AuthorId { get; set; }
    public string Bio { get; set; } = "";
    public Author? Author { get; set; }
}

/// <summary>Relationships by convention only: Article.AuthorId (optional), Remark.ArticleId (required), AuthorProfile.AuthorId (one-to-one).</summary>
public class ConventionDb : ZgDatabase
{
    public ZgCollection<Author> Authors => Collection<Author>();
    public ZgCollection<Article> Articles => Collection<Article>();
    public ZgCollection<Remark> Remarks => Collection<Remark>();
    public ZgCollection<AuthorProfile> Profiles => Collection<AuthorProfile>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<AuthorProfile>().HasOne(p => p.Author).WithOne(a => a.Profile).HasForeignKey<AuthorProfile>(p => p.AuthorId);
    }
}

/// <summary>The chain Author -> Article -> Remark with one delete behaviour on Article.AuthorId.</summary>
public abstract class ChainDb : ZgDatabase
{
    public ZgCollection<Author> Authors => Collection<Author>();
    public ZgCollection<Article> Articles => Collection<Article>();
    public ZgCollection<Remark> Remarks => Collection<Remark>();
    public ZgCollection<AuthorProfile> Profiles => Collection<AuthorProfile>();

    protected abstract DeleteBehavior ArticleBehavior { get; }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Article>().HasOne(a => a.Author).WithMany(a => a.Articles).HasForeignKey(a => a.AuthorId).OnDelete(ArticleBehavior);
        model.Entity<Remark>().HasOne(r => r.Article).WithMany(a => a.Remarks).HasForeignKey(r => r.ArticleId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<AuthorProfile>().HasOne(p => p.Author).WithOne(a => a.Profile).HasForeignKey<AuthorProfile>(p => p.AuthorId);
    }
}

public sealed class CascadeDb : ChainDb { protected override DeleteBehavior ArticleBehavior => DeleteBehavior.Cascade; }
public sealed class RestrictDb : ChainDb { protected override DeleteBehavior ArticleBehavior => DeleteBehavior.Restrict; }
public sealed class SetNullDb : ChainDb { protected override DeleteBehavior ArticleBehavior => DeleteBehavior.SetNull; }
public sealed class ClientSetNullDb : ChainDb { protected override DeleteBehavior ArticleBehavior => DeleteBehavior.ClientSetNull; }
public sealed class NoActionDb : ChainDb { protected override DeleteBehavior ArticleBehavior => DeleteBehavior.NoAction; }
