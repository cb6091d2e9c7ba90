// ZgDb quick start: create a database in a local folder, insert, query, reopen and show the data survived.
// Run it from the repository root with:  dotnet run --project samples/QuickStart
using System.ComponentModel.DataAnnotations;
using ZgDb;

var directory = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "blog");
if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
Console.WriteLine($"ZgDb quick start: database in {directory}");

using (var db = ZgDatabase.Open<BlogDb>(directory))
{
    db.Users.Insert(new User { Name = "Ada", Email = "ada@example.com", Age = 36, City = "London", Tags = ["math", "engines"] });
    db.Users.InsertMany([
        new User { Name = "Grace", Email = "grace@example.com", Age = 45, City = "New York", Tags = ["compilers"] },
        new User { Name = "Linus", Email = "linus@example.com", Age = 22, City = "Helsinki" },
        new User { Name = "Barbara", Email = "barbara@example.com", Age = 29, City = "Boston", Tags = ["abstraction"] },
    ]);
    var ada = db.Users.Find(1)!;
    Console.WriteLine($"Find(1): {ada.Name}, {ada.Age}, tags [{string.Join(", ", ada.Tags)}]");

    ada.Age = 37;
    db.Users.Update(ada);

    var adults = (from u in db.Users where u.Age > 25 orderby u.Name select u).ToList();
    Console.WriteLine($"Users older than 25, by name: {string.Join(", ", adults.Select(u => $"{u.Name} ({u.Age})"))}");

    db.Users.Delete(3);
    await db.FlushAsync(); // everything so far is on disk
    Console.WriteLine($"{db.Users.Count()} users stored and flushed.");
}

using (var db = ZgDatabase.Open<BlogDb>(directory))
{
    Console.WriteLine($"Reopened: {db.Users.Count()} users survived: {string.Join(", ", db.Users.Select(u => u.Name))}");
    var ada = db.Users.Find(1)!;
    Console.WriteLine($"Ada's age after the update: {ada.Age}");
    if (db.Users.Count() != 3 || ada.Age != 37 || db.Users.Find(3) is not null)
        throw new InvalidOperationException("The reopened database does not hold what was written.");
}
Console.WriteLine("OK");

/// <summary>The sample's database: one collection of users.</summary>
public sealed class BlogDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<User>().HasIndex(u => u.Age);
    }
}

public sealed class User
{
    public int Id { get; set; }
    [Required, MaxLength(100)] public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public int Age { get; set; }
    public string City { get; set; } = "";
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public List<string> Tags { get; set; } = [];
}
