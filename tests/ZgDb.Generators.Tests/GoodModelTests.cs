using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ZgDb.Generators.Tests;

/// <summary>Models ZgDatabase.Open accepts get no diagnostic: the samples' and a model with every shape the runtime supports.</summary>
public sealed class GoodModelTests
{
    [Theory]
    [InlineData("QuickStart", "BlogDb")]
    [InlineData("PackageConsumer", "BlogDb")]
    [InlineData("PrototypeToProduction", "ShopDb")]
    [InlineData("WebApi", "BlogDb")]
    public void Sample_model_gets_no_diagnostic_and_opens(string sample, string database)
    {
        var source = SampleModel(sample);
        Assert.Contains("class " + database, source);
        AnalyzerRun.AssertAccepted(source, database);
    }

    [Fact]
    public void Model_with_relations_composite_keys_enums_nullables_nested_types_and_collections_gets_no_diagnostic_and_opens() => AnalyzerRun.AssertAccepted("""
        public enum Status { Draft, Published }
        public enum Region : byte { North = 1, South = 2 }
        public sealed class Geo { public double Lat { get; set; } public double Lon { get; set; } }
        public sealed class Address { public string Street { get; set; } = ""; public string? City { get; set; } public Geo? Position { get; set; } }
        public sealed record Money(decimal Amount, string Currency);
        public class User
        {
            public int Id { get; set; }
            [Required, MaxLength(200)] public string Email { get; set; } = "";
            public DateTime? BirthDate { get; set; }
            public Address Home { get; set; } = new();
            public List<Address> Others { get; set; } = new();
            public string[] Roles { get; set; } = [];
            public List<int?> Scores { get; set; } = new();
            public byte[]? Avatar { get; set; }
            public Region Region { get; set; }
            public Dictionary<string, string> Cache => new();
            [NotMapped] public object? Scratch { get; set; }
            public List<Post> Posts { get; set; } = new();
        }
        public class Post
        {
            public long PostId { get; set; }
            public int? AuthorId { get; set; }
            public User? Author { get; set; }
            public Status Status { get; set; }
            public Money? Price { get; set; }
            public DateTimeOffset Created { get; set; }
            public TimeSpan ReadTime { get; set; }
            public Guid Correlation { get; set; }
            public List<Tag> Tags { get; set; } = new();
        }
        public class Tag { public string TagId { get; set; } = ""; public List<Post> Posts { get; set; } = new(); }
        [PrimaryKey(nameof(OrderId), nameof(LineNo))]
        public class OrderLine { public int OrderId { get; set; } public short LineNo { get; set; } public decimal Total { get; set; } public Order? Order { get; set; } }
        public class Order { public int Id { get; set; } public Status Status { get; set; } public List<OrderLine> Lines { get; set; } = new(); }
        public class LineNote { public Guid Id { get; set; } public int OrderLineOrderId { get; set; } public short OrderLineLineNo { get; set; } public OrderLine? OrderLine { get; set; } }
        public record Setting(string Id, string Value);
        public class Db : ZgDatabase
        {
            public ZgCollection<User> Users => Collection<User>();
            public ZgCollection<Post> Posts => Collection<Post>();
            public ZgCollection<Tag> Tags => Collection<Tag>();
            public ZgCollection<Order> Orders => Collection<Order>();
            public ZgCollection<OrderLine> OrderLines => Collection<OrderLine>();
            public ZgCollection<LineNote> LineNotes => Collection<LineNote>();
            public ZgCollection<Setting> Settings => Collection<Setting>();
            protected override void OnModelCreating(ModelBuilder model)
            {
                model.Entity<User>().HasIndex(u => u.Email).IsUnique();
                model.Entity<User>().HasIndex(u => new { u.Region, u.BirthDate });
                model.Entity<User>().HasIndex(u => u.Home.City);
                model.Entity<Post>().HasIndex(p => p.Status);
            }
        }
        """);

    /// <summary>A sample's Program.cs without its top-level statements, its usings that need packages the tests do not reference, and its types that use them.</summary>
    private static string SampleModel(string sample)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ZgDb.sln"))) root = root.Parent;
        Assert.True(root is not null, $"no ZgDb.sln above {AppContext.BaseDirectory}");
        var unit = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(root.FullName, "samples", sample, "Program.cs"))).GetRoot();
        var usings = unit.Usings.Where(u => u.Name?.ToString() is "ZgDb" or "ZgDb.Linq" || u.Name?.ToString().StartsWith("System", StringComparison.Ordinal) == true);
        var types = unit.DescendantNodes().OfType<BaseTypeDeclarationSyntax>()
            .Where(t => t.Parent is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .Where(t => !t.ToString().Contains("Migrations", StringComparison.Ordinal) && !t.ToString().Contains("ExportProgress", StringComparison.Ordinal));
        return string.Join("\n", usings.Select(u => u.ToString())) + "\n" + string.Join("\n", types.Select(t => t.ToString()));
    }
}

/// <summary>Configurations the analyzer reads only in part: hierarchies and fluent relationships give no diagnostic when the runtime accepts them.</summary>
public sealed class FluentModelTests
{
    [Fact]
    public void Hierarchy_with_an_abstract_root_and_a_derived_type_gets_no_diagnostic_and_opens() => AnalyzerRun.AssertAccepted("""
        public abstract class Animal { public int Id { get; set; } public string Name { get; set; } = ""; }
        public class Dog : Animal { public string Breed { get; set; } = ""; }
        public class Cat : Animal { public bool Indoor { get; set; } }
        public class Db : ZgDatabase
        {
            public ZgCollection<Animal> Animals => Collection<Animal>();
            protected override void OnModelCreating(ModelBuilder model)
            {
                model.Entity<Dog>().HasBaseType<Animal>().HasIndex(d => d.Breed);
                model.Entity<Cat>();
            }
        }
        """);

    [Fact]
    public void One_to_one_configured_fluently_and_a_key_set_by_name_get_no_diagnostic_and_open() => AnalyzerRun.AssertAccepted("""
        public class User { public int Id { get; set; } public Profile? Profile { get; set; } }
        public class Profile { public string Code { get; set; } = ""; public int OwnerId { get; set; } public User? Owner { get; set; } }
        public class Db : ZgDatabase
        {
            public ZgCollection<User> Users => Collection<User>();
            public ZgCollection<Profile> Profiles => Collection<Profile>();
            protected override void OnModelCreating(ModelBuilder model)
            {
                model.Entity<Profile>().HasKey("Code");
                model.Entity<User>().HasOne(u => u.Profile).WithOne(p => p.Owner).HasForeignKey<Profile>(p => p.OwnerId);
            }
        }
        """);
}
