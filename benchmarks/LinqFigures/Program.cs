// The LINQ provider's figures on 100,000 documents (a measurement, not a test). Run from the repository root:
//   dotnet run -c Release --project benchmarks/LinqFigures [seconds-per-figure] [in-memory]
using System.Diagnostics;
using ZgDb;

double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
bool inMemory = args.Contains("in-memory");
const int Count = 100_000;
var cities = Enumerable.Range(0, 50).Select(i => "City" + i).ToArray();
var names = new[] { "Karl", "Kate", "Ada", "Grace", "Linus", "Barbara", "Ken", "Alan", "Edsger", "Donald" };
var random = new Random(1);
var users = Enumerable.Range(1, Count).Select(i => new User
{
    Id = i,
    Name = names[random.Next(names.Length)] + " " + random.Next(1000),
    City = cities[random.Next(cities.Length)],
    Age = random.Next(18, 90),
    Email = $"user{i}@example.com",
}).ToList();

var directory = Path.Combine(Path.GetTempPath(), "zgdb-linq-figures");
if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
UsersDb db;
if (inMemory)
{
    db = ZgDatabase.OpenInMemory<UsersDb>();
    db.Users.InsertMany(users);
}
else
{
    using (var writer = ZgDatabase.Open<UsersDb>(directory)) writer.Users.InsertMany(users);
    db = ZgDatabase.Open<UsersDb>(directory); // reopened: documents come from chunk files, loaded on demand
}
Console.WriteLine($"{Count:N0} users, {(inMemory ? "in memory" : "on disk, reopened")}, {Environment.ProcessorCount} cores, {seconds}s per figure");

int id = 1, city = 0, age = 18;
// baseline on the same machine and run: the engine's own point read, without LINQ
Measure("baseline: Find(id) (no LINQ)", "", () => { id = id % Count + 1; return db.Users.Find(id) is null ? 0 : 1; });
Measure("FirstOrDefault(u => u.Id == id)", db.Users.Where(u => u.Id == 5).Explain(), () =>
{
    id = id % Count + 1;
    return db.Users.FirstOrDefault(u => u.Id == id) is null ? 0 : 1;
});
Measure("Where(u => u.City == c).ToList()", db.Users.Where(u => u.City == "City1").Explain(), () =>
{
    var c = cities[city++ % cities.Length];
    return db.Users.Where(u => u.City == c).ToList().Count;
});
Measure("Where(u => u.Age >= a).OrderBy(u => u.Age).Take(10)", db.Users.Where(u => u.Age >= 30).OrderBy(u => u.Age).Take(10).Explain(), () =>
{
    var a = 18 + age++ % 70;
    return db.Users.Where(u => u.Age >= a).OrderBy(u => u.Age).Take(10).ToList().Count;
});
Measure("Count(u => u.Name.StartsWith(\"Ka\"))", db.Users.Where(u => u.Name.StartsWith("Ka")).Explain(), () =>
    db.Users.Count(u => u.Name.StartsWith("Ka")));
db.Dispose();
if (!inMemory) Directory.Delete(directory, recursive: true);

void Measure(string name, string plan, Func<int> query)
{
    for (int i = 0; i < 20; i++) query(); // warm up: plan cache, chunk cache, JIT
    long results = 0, runs = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        for (int i = 0; i < 16; i++) results += query();
        runs += 16;
    }
    double perSecond = runs / clock.Elapsed.TotalSeconds;
    Console.WriteLine($"{name,-56} {perSecond,12:N0} queries/s   {results / (double)runs,8:N1} results/query   plan: {plan}");
}

/// <summary>The measured database: users with indexes on City, Age and Email.</summary>
public sealed class UsersDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.City);
        model.Entity<User>().HasIndex(u => u.Age);
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
    }
}

public sealed class User
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string City { get; set; } = "";
    public int Age { get; set; }
    public string Email { get; set; } = "";
}
