// The figures of the relations and transactions issue, with their baselines from the same run:
//   dotnet run -c Release --project benchmarks/RelationFigures [seconds per figure, default 3]
using System.Diagnostics;
using ZgDb;
using ZgDb.Linq;

var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
var dir = Path.Combine(Path.GetTempPath(), "zgdb-relation-figures");
if (Directory.Exists(dir)) Directory.Delete(dir, true);
using (var db = ZgDatabase.Open<FiguresDb>(dir))
{
    db.Users.InsertMany(Enumerable.Range(1, 100).Select(i => new User { Name = "User " + i }));
    db.Posts.InsertMany(Enumerable.Range(1, 10_000).Select(i => new Post { Title = "Post " + i, AuthorId = i <= 1000 ? 1 : 2 + i % 99 }));
    db.Checkpoint();
    Console.WriteLine($"plan: {db.Posts.Where(p => p.AuthorId == 1).Explain()}");
    var include = Rate(seconds, () =>
    {
        var posts = db.Posts.Include(p => p.Author).Where(p => p.AuthorId == 1).ToList();
        if (posts.Count != 1000 || posts[0].Author?.Name != "User 1") throw new InvalidOperationException("wrong result");
    });
    var plain = Rate(seconds, () => db.Posts.Where(p => p.AuthorId == 1).ToList());
    Console.WriteLine($"Include(p => p.Author) on 1,000 posts of one author: {include:N1} queries/s (the same query without Include: {plain:N1}/s)");
}
foreach (var threads in new[] { 1, 4 })
{
    using var db = ZgDatabase.Open<FiguresDb>(dir, new ZgDbOptions { Durability = Durability.Synchronous });
    long done = 0;
    var clock = Stopwatch.StartNew();
    Parallel.For(0, threads, _ =>
    {
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            using var tx = db.BeginTransaction();
            for (int i = 0; i < 10; i++) db.Users.Insert(new User { Name = "T" });
            tx.Commit();
            Interlocked.Increment(ref done);
        }
    });
    Console.WriteLine($"Synchronous transactions of 10 inserts, {threads} thread(s): {done / clock.Elapsed.TotalSeconds:N0} transactions/s");
}
{
    using var db = ZgDatabase.Open<FiguresDb>(dir, new ZgDbOptions { Durability = Durability.Synchronous });
    var single = Rate(seconds, () => db.Users.Insert(new User { Name = "S" }));
    Console.WriteLine($"Baseline: single Synchronous inserts (one fsync each): {single:N0}/s");
}
Directory.Delete(dir, true);

static double Rate(double seconds, Action action)
{
    action(); // warm up: plan cache, JIT
    long count = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds) { action(); count++; }
    return count / clock.Elapsed.TotalSeconds;
}

public sealed class FiguresDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();
    public ZgCollection<Post> Posts => Collection<Post>();
}

public sealed class User { public int Id { get; set; } public string Name { get; set; } = ""; public List<Post> Posts { get; set; } = []; }

public sealed class Post { public int Id { get; set; } public string Title { get; set; } = ""; public int AuthorId { get; set; } public User? Author { get; set; } }
