using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;

namespace ZgDb.Migrations.Tests.Support;

public enum Role { Reader, Writer, Admin }

public enum Flags : uint { None = 0, Big = 4_000_000_000 }

public class Address
{
    public string? Street { get; set; }
    public string City { get; set; } = "";
    public int Zip { get; set; }
}

public class User
{
    public int Id { get; set; }
    [Required, MaxLength(100)] public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public int Age { get; set; }
    public Role Role { get; set; }
    public bool Active { get; set; }
    public decimal Balance { get; set; }
    public DateTime CreatedUtc { get; set; }
    public Address? Address { get; set; }
    public List<string> Tags { get; set; } = [];
    [NotMapped] public string Display => $"{Name} <{Email}>";
    public List<Post> Posts { get; set; } = [];
    public Profile? Profile { get; set; }
}

public class Profile
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public string Bio { get; set; } = "";
    public User? User { get; set; }
}

public class Category
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public Guid? ParentId { get; set; }
    public Category? Parent { get; set; }
    public List<Category> Children { get; set; } = [];
    public List<Post> Posts { get; set; } = [];
}

public class Post
{
    public int Id { get; set; }
    public int AuthorId { get; set; }
    public User? Author { get; set; }
    public Guid? CategoryId { get; set; }
    public Category? Category { get; set; }
    public string Title { get; set; } = "";
    public int Likes { get; set; }
    public bool Published { get; set; }
    public DateTime PublishedUtc { get; set; }
    public List<int> Scores { get; set; } = [];
    public List<Comment> Comments { get; set; } = [];
}

public class Comment
{
    public long Id { get; set; }
    public int PostId { get; set; }
    public Post? Post { get; set; }
    public string Text { get; set; } = "";
    public int Stars { get; set; }
}

public class BlogDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();
    public ZgCollection<Profile> Profiles => Collection<Profile>();
    public ZgCollection<Category> Categories => Collection<Category>();
    public ZgCollection<Post> Posts => Collection<Post>();
    public ZgCollection<Comment> Comments => Collection<Comment>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<User>().HasIndex(u => new { u.Role, u.Age });
        model.Entity<User>().HasIndex(u => u.Address!.City);
        model.Entity<Post>().HasOne(p => p.Author).WithMany(u => u.Posts).HasForeignKey(p => p.AuthorId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<Post>().HasOne(p => p.Category).WithMany(c => c.Posts).HasForeignKey(p => p.CategoryId).OnDelete(DeleteBehavior.SetNull);
        model.Entity<Comment>().HasOne(c => c.Post).WithMany(p => p.Comments).HasForeignKey(c => c.PostId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<Profile>().HasOne(p => p.User).WithOne(u => u.Profile).HasForeignKey<Profile>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        model.Entity<Category>().HasOne(c => c.Parent).WithMany(c => c.Children).HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>A nested class inside a list, with a nested class of its own.</summary>
public class Line
{
    public string Sku { get; set; } = "";
    public int Quantity { get; set; }
    public decimal Price { get; set; }
    public Address? ShipTo { get; set; }
}

/// <summary>Every supported property type, for the round trip.</summary>
public class Everything
{
    [Key] public string Code { get; set; } = "";
    public bool Bool { get; set; }
    public byte Byte { get; set; }
    public sbyte SByte { get; set; }
    public short Short { get; set; }
    public ushort UShort { get; set; }
    public int Int { get; set; }
    public uint UInt { get; set; }
    public long Long { get; set; }
    public ulong ULong { get; set; }
    public float Float { get; set; }
    public double Double { get; set; }
    public decimal Decimal { get; set; }
    public char Char { get; set; }
    public string? Text { get; set; }
    public DateTime DateTime { get; set; }
    public DateTimeOffset DateTimeOffset { get; set; }
    public DateOnly DateOnly { get; set; }
    public TimeOnly TimeOnly { get; set; }
    public TimeSpan TimeSpan { get; set; }
    public Guid Guid { get; set; }
    public Role Role { get; set; }
    public Flags Flags { get; set; }
    public byte[]? Bytes { get; set; }
    public int? NullableInt { get; set; }
    public DateTime? NullableDateTime { get; set; }
    public Guid? NullableGuid { get; set; }
    public Role? NullableRole { get; set; }
    public decimal? NullableDecimal { get; set; }
    public List<int> Ints { get; set; } = [];
    public string[] Strings { get; set; } = [];
    public List<Guid>? Guids { get; set; }
    public Address? Address { get; set; }
    public List<Line> Lines { get; set; } = [];
    public int ReadOnlyLength => Code.Length;
}

public class EverythingDb : ZgDatabase
{
    public ZgCollection<Everything> Items => Collection<Everything>();
}

/// <summary>A nested type that contains itself: EF Core owned types cannot express it.</summary>
public class TreeNode
{
    public string Label { get; set; } = "";
    public List<TreeNode> Children { get; set; } = [];
}

public class Document
{
    public int Id { get; set; }
    public TreeNode? Root { get; set; }
}

public class TreeDb : ZgDatabase
{
    public ZgCollection<Document> Documents => Collection<Document>();
}

/// <summary>Issue 15: key types beyond int/long/Guid/string, and a positional record.</summary>
public class Shipper
{
    public uint Id { get; set; }
    public string Name { get; set; } = "";
    public List<Shipment> Shipments { get; set; } = [];
}

public class Shipment
{
    public ulong Id { get; set; }
    public uint ShipperId { get; set; }
    public Shipper? Shipper { get; set; }
    public ushort Weight { get; set; }
}

public class Blob
{
    public byte[] Id { get; set; } = [];
    public string Name { get; set; } = "";
}

public sealed record Badge(short Id, string Label, DateOnly Since);

public class KeysDb : ZgDatabase
{
    public ZgCollection<Shipper> Shippers => Collection<Shipper>();
    public ZgCollection<Shipment> Shipments => Collection<Shipment>();
    public ZgCollection<Blob> Blobs => Collection<Blob>();
    public ZgCollection<Badge> Badges => Collection<Badge>();
}
