using DayOne;

namespace ZgDb.Migrations.Tests.DayOne;

/// <summary>The ZgDb database of the day-one model (the model classes are in DayOneModel.cs, copied into the EF Core project).</summary>
public class DayOneDb : ZgDatabase
{
    public ZgCollection<Blog> Blogs => Collection<Blog>();
    public ZgCollection<Post> Posts => Collection<Post>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Post>().HasOne(p => p.Blog).WithMany(b => b.Posts).HasForeignKey(p => p.BlogId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<Post>().HasIndex(p => p.PublishedUtc);
    }

    public static DayOneDb Filled()
    {
        var db = OpenInMemory<DayOneDb>();
        for (int b = 1; b <= 3; b++)
        {
            var blog = new Blog { Name = $"Blog {b}", Url = b == 2 ? null : $"https://example.com/{b}" };
            db.Blogs.Insert(blog);
            for (int p = 1; p <= 4; p++)
                db.Posts.Insert(new Post
                {
                    BlogId = blog.Id, Title = $"Post {b}.{p}", Rating = p == 3 ? null : p * 1.5m,
                    PublishedUtc = new DateTime(2024, b, p, 8, 0, 0, DateTimeKind.Utc),
                    Meta = p == 4 ? null : new PostMeta { Words = 100 * p, Language = "en" }, Tags = p % 2 == 0 ? ["db", "ef"] : [],
                });
        }
        return db;
    }
}
