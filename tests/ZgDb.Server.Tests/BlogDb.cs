using ZgDb;

namespace ZgDb.Server.Tests;

public enum Role { Reader, Author, Admin }

public sealed class Address
{
    public string City { get; set; } = "";
    public string? Street { get; set; }
}

public sealed class User
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Age { get; set; }
    public string? Email { get; set; }
    public string City { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public Role Role { get; set; }
    public double? Score { get; set; }
    public decimal Balance { get; set; }
    public Address? Home { get; set; }
    public List<string> Tags { get; set; } = [];
}

public sealed class Post
{
    public Guid Id { get; set; }
    public int UserId { get; set; }
    public string Title { get; set; } = "";
}

public sealed class BlogDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();
    public ZgCollection<Post> Posts => Collection<Post>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Age);
        model.Entity<User>().HasIndex(u => u.City);
    }
}
