using ZgDb.Benchmarks.Data;

namespace ZgDb.Benchmarks.Stores;

/// <summary>The database class of the benchmarks: one collection of users, indexed like the peers' tables.</summary>
public sealed class BenchDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<User>().HasIndex(u => u.City);
        model.Entity<User>().HasIndex(u => u.Age);
        model.Entity<User>().HasIndex(u => u.CreatedAt);
    }
}

/// <summary>ZgDb on disk with default options (Durability.Background); W6's durable phase reopens it with Synchronous.</summary>
public sealed class ZgDbStore : BenchStore
{
    private BenchDb? _db;
    private string _directory = "";

    public override string Name => "ZgDb";

    private BenchDb Db => _db ?? throw new InvalidOperationException("not open");

    public BenchDb Database => Db;

    public override void Open(string directory)
    {
        _directory = directory;
        _db = ZgDatabase.Open<BenchDb>(directory);
    }

    public override void InsertAll(IReadOnlyList<User> users)
    {
        Db.Users.InsertMany(users);
        Db.FlushAsync().GetAwaiter().GetResult();
    }

    /// <summary>Waits for the background checkpoint W1 triggered, so later workloads do not run beside it.</summary>
    public void Settle() => Db.Checkpoint();

    public override User? Find(int id) => Db.Users.Find(id);

    public override Func<int, User?> LinqFind => id => Db.Users.FirstOrDefault(u => u.Id == id);

    private static readonly Func<BenchDb, int, User?> CompiledById = ZgQuery.Compile((BenchDb db, int id) => db.Users.FirstOrDefault(u => u.Id == id));

    public override Func<int, User?> CompiledFind => id => CompiledById(Db, id);

    public override List<User> ByCity(string city) => Db.Users.Where(u => u.City == city).ToList();

    public override List<User> CreatedFromTop10(DateTime from) =>
        Db.Users.Where(u => u.CreatedAt >= from).OrderBy(u => u.CreatedAt).Take(10).ToList();

    public override int CountEmailContaining(string fragment) => Db.Users.Count(u => u.Email.Contains(fragment));

    public override void Update(User user) => Db.Users.Update(user);

    public override void SetDurableWrites(bool durable)
    {
        Db.Dispose();
        _db = ZgDatabase.Open<BenchDb>(_directory, new ZgDbOptions { Durability = durable ? Durability.Synchronous : Durability.Background });
    }

    public override void Flush() => Db.FlushAsync().GetAwaiter().GetResult();

    public override string? Note(string workload) => null;

    public override void Close()
    {
        _db?.Dispose();
        _db = null;
    }
}
