namespace ZgDb.Generators.Tests;

/// <summary>ZGDB003: HasIndex on a property that is not stored, or not a scalar; the same model is refused at open with the same message.</summary>
public sealed class IndexOnUnmappedPropertyTests
{
    [Fact]
    public void Index_on_a_NotMapped_property_is_reported_at_the_lambda()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class User { public int Id { get; set; } [NotMapped] public string Nickname { get; set; } = ""; }
            public class Db : ZgDatabase
            {
                public ZgCollection<User> Users => Collection<User>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<User>().HasIndex(u => [|u.Nickname|]);
            }
            """, "ZGDB003");
        Assert.Equal("Entity 'User', property 'Nickname': an index must be on stored properties.", diagnostic.GetMessage());
    }

    [Fact]
    public void Index_on_a_get_only_part_of_a_composite_index_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public class User { public int Id { get; set; } public string City { get; set; } = ""; public int Length => City.Length; }
            public class Db : ZgDatabase
            {
                public ZgCollection<User> Users => Collection<User>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<User>().HasIndex(u => new { u.City, [|u.Length|] });
            }
            """, "ZGDB003");
    }

    [Fact]
    public void Index_on_an_ignored_property_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public class User { public int Id { get; set; } public string Nickname { get; set; } = ""; }
            public class Db : ZgDatabase
            {
                public ZgCollection<User> Users => Collection<User>();
                protected override void OnModelCreating(ModelBuilder model)
                {
                    model.Entity<User>().Ignore(u => u.Nickname);
                    model.Entity<User>().HasIndex(u => [|u.Nickname|]);
                }
            }
            """, "ZGDB003");
    }

    [Fact]
    public void Index_through_a_navigation_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public class User { public int Id { get; set; } public string Name { get; set; } = ""; }
            public class Post { public int Id { get; set; } public int AuthorId { get; set; } public User? Author { get; set; } }
            public class Db : ZgDatabase
            {
                public ZgCollection<User> Users => Collection<User>();
                public ZgCollection<Post> Posts => Collection<Post>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<Post>().HasIndex(p => [|p.Author!.Name|]);
            }
            """, "ZGDB003");
    }

    [Fact]
    public void Index_on_a_nested_object_is_reported()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class Address { public string City { get; set; } = ""; }
            public class User { public int Id { get; set; } public Address Home { get; set; } = new(); }
            public class Db : ZgDatabase
            {
                public ZgCollection<User> Users => Collection<User>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<User>().HasIndex(u => [|u.Home|]);
            }
            """, "ZGDB003");
        Assert.EndsWith("not on Address.", diagnostic.GetMessage());
    }

    [Fact]
    public void Index_on_a_list_member_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public class User { public int Id { get; set; } public List<string> Tags { get; set; } = new(); }
            public class Db : ZgDatabase
            {
                public ZgCollection<User> Users => Collection<User>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<User>().HasIndex(u => [|u.Tags.Count|]);
            }
            """, "ZGDB003");
    }

    [Fact]
    public void Indexes_on_stored_scalars_and_nested_paths_are_accepted() => AnalyzerRun.AssertAccepted("""
        public enum Level { Low, High }
        public class Address { public string City { get; set; } = ""; }
        public class User { public int Id { get; set; } public string Email { get; set; } = ""; public int? Age { get; set; } public Level Level { get; set; } public Address Home { get; set; } = new(); }
        public class Db : ZgDatabase
        {
            public ZgCollection<User> Users => Collection<User>();
            protected override void OnModelCreating(ModelBuilder model)
            {
                model.Entity<User>().HasIndex(u => u.Email).IsUnique();
                model.Entity<User>().HasIndex(u => new { u.Level, u.Age });
                model.Entity<User>().HasIndex(u => u.Home.City);
            }
        }
        """);
}
