namespace ZgDb.Generators.Tests;

/// <summary>ZGDB004: a conventional foreign key of another type than the principal's key; the same model is refused at open with the same message.</summary>
public sealed class ForeignKeyTypeMismatchTests
{
    [Fact]
    public void Long_foreign_key_to_an_int_key_is_reported_on_the_foreign_key()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class User { public int Id { get; set; } public List<Post> Posts { get; set; } = new(); }
            public class Post { public int Id { get; set; } public long [|AuthorId|] { get; set; } public User? Author { get; set; } }
            public class Db : ZgDatabase
            {
                public ZgCollection<User> Users => Collection<User>();
                public ZgCollection<Post> Posts => Collection<Post>();
            }
            """, "ZGDB004");
        Assert.Equal("Entity 'Post', property 'AuthorId': the foreign key is Int64 but User.Id is Int32.", diagnostic.GetMessage());
    }

    [Fact]
    public void String_foreign_key_of_a_collection_only_relationship_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public class Blog { public Guid Id { get; set; } public List<Entry> Entries { get; set; } = new(); }
            public class Entry { public int Id { get; set; } public string? [|BlogId|] { get; set; } }
            public class Db : ZgDatabase
            {
                public ZgCollection<Blog> Blogs => Collection<Blog>();
                public ZgCollection<Entry> Entries => Collection<Entry>();
            }
            """, "ZGDB004");
    }

    [Fact]
    public void Nullable_foreign_key_of_the_key_type_is_accepted() => AnalyzerRun.AssertAccepted("""
        public class User { public int Id { get; set; } public List<Post> Posts { get; set; } = new(); }
        public class Post { public int Id { get; set; } public int? AuthorId { get; set; } public User? Author { get; set; } }
        public class Db : ZgDatabase
        {
            public ZgCollection<User> Users => Collection<User>();
            public ZgCollection<Post> Posts => Collection<Post>();
        }
        """);

    [Fact]
    public void Relationship_configured_in_OnModelCreating_is_left_to_the_runtime() => AnalyzerRun.AssertAccepted("""
        public class User { public int Id { get; set; } public long LegacyId { get; set; } }
        public class Post { public int Id { get; set; } public long AuthorId { get; set; } public int WriterId { get; set; } public User? Author { get; set; } }
        public class Db : ZgDatabase
        {
            public ZgCollection<User> Users => Collection<User>();
            public ZgCollection<Post> Posts => Collection<Post>();
            protected override void OnModelCreating(ModelBuilder model) => model.Entity<Post>().HasOne(p => p.Author).WithMany().HasForeignKey(p => p.WriterId);
        }
        """);
}
