// Prototype on ZgDb, then move to a production database: export the data to SQLite (and to PostgreSQL when a
// connection string is given) and run the same query code against every database.
//
//   dotnet run --project samples/PrototypeToProduction -- [--users 1000] [--posts-per-user 5] [--postgres "Host=...;Database=...;Username=..."]
using System.Diagnostics;
using ZgDb;
using ZgDb.Migrations;
using ZgDb.Migrations.EfCore;
using ZgDb.Migrations.Export;

int users = Option("--users", 1_000);
int postsPerUser = Option("--posts-per-user", 5);
string? postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault();

using var db = ZgDatabase.OpenInMemory<ShopDb>();
var clock = Stopwatch.StartNew();
var random = new Random(42);
db.Users.InsertMany(Enumerable.Range(1, users).Select(i => new User
{
    Id = i, Name = $"user {i}", Email = $"user{i}@example.com", Age = random.Next(18, 80),
    City = new[] { "Paris", "Oslo", "Rome" }[random.Next(3)], JoinedUtc = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
}));
int postId = 0;
for (int start = 1; start <= users; start += 10_000) // inserted in slices so one batch stays small
    db.Posts.InsertMany(Enumerable.Range(start, Math.Min(10_000, users - start + 1)).SelectMany(u => Enumerable.Range(0, postsPerUser).Select(_ => new Post
    {
        Id = ++postId, AuthorId = u, Title = $"post {postId}", Likes = random.Next(0, 1000),
    })).ToList());
Console.WriteLine($"ZgDb: {db.Users.Count()} users, {db.Posts.Count()} posts in {clock.Elapsed.TotalSeconds:F1} s");

var sqlite = Path.Combine(Path.GetTempPath(), $"prototype-{Environment.ProcessId}.db");
var targets = new List<ExportTarget> { ExportTarget.Sqlite(sqlite) };
if (postgres is not null) targets.Add(ExportTarget.PostgreSql(postgres));

Print("ZgDb", new ShopQueries(db.Users, db.Posts));
foreach (var target in targets)
{
    var progress = new ConsoleProgress();
    var report = await ZgDbExporter.ExportAsync(db, target, new ExportOptions { BatchSize = 2_000, OverwriteSqliteFile = true }, progress);
    Console.WriteLine(report);
    Console.WriteLine($"  {report.Rows / report.Elapsed.TotalSeconds:N0} rows/s");
    await using var context = new ZgDbReplayContext(db.Model, target);
    Print(target.Provider.ToString(), new ShopQueries(context.Set<User>(), context.Set<Post>()));
}
File.Delete(sqlite);

int Option(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value) : fallback;

static void Print(string database, ShopQueries q) =>
    Console.WriteLine($"{database,-10} adults in Oslo: {q.AdultsIn("Oslo")}; top authors: {string.Join(", ", q.TopAuthors(3))}; average age: {q.AverageAge():F2}");

/// <summary>The application's query code, written once against IQueryable: it runs on ZgDb and on EF Core alike.</summary>
internal sealed class ShopQueries(IQueryable<User> users, IQueryable<Post> posts)
{
    public int AdultsIn(string city) => users.Count(u => u.City == city && u.Age >= 30);
    public List<string> TopAuthors(int count) => posts.GroupBy(p => p.AuthorId).Select(g => new { g.Key, Likes = g.Sum(p => p.Likes) })
        .OrderByDescending(x => x.Likes).ThenBy(x => x.Key).Take(count).Select(x => $"#{x.Key} ({x.Likes})").ToList();
    public double AverageAge() => users.Average(u => u.Age);
}

internal sealed class ConsoleProgress : IProgress<ExportProgress>
{
    private string? _last;
    public void Report(ExportProgress p)
    {
        var line = p.Phase == ExportPhase.Copy ? $"  copy {p.Collection}: {p.Rows * 100 / Math.Max(1, p.Total) / 25 * 25}%" : $"  {p.Phase} {p.Collection}";
        if (line != _last) Console.WriteLine(_last = line);
    }
}

public class User
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public int Age { get; set; }
    public string City { get; set; } = "";
    public DateTime JoinedUtc { get; set; }
    public List<Post> Posts { get; set; } = [];
}

public class Post
{
    public int Id { get; set; }
    public int AuthorId { get; set; }
    public User? Author { get; set; }
    public string Title { get; set; } = "";
    public int Likes { get; set; }
}

public class ShopDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();
    public ZgCollection<Post> Posts => Collection<Post>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<Post>().HasOne(p => p.Author).WithMany(u => u.Posts).HasForeignKey(p => p.AuthorId).OnDelete(DeleteBehavior.Cascade);
    }
}
