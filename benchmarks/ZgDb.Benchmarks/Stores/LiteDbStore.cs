using LiteDB;
using ZgDb.Benchmarks.Data;

namespace ZgDb.Benchmarks.Stores;

/// <summary>
/// LiteDB 5 in one data file (direct connection), indexes on Email (unique), City, Age and CreatedAt. Each write is
/// one LiteDB transaction (its commit goes to the log file); Flush checkpoints the log into the data file.
/// </summary>
public sealed class LiteDbStore : BenchStore
{
    private LiteDatabase? _db;
    private ILiteCollection<User>? _users;

    public override string Name => "LiteDB";

    public string FilePath { get; private set; } = "";

    private ILiteCollection<User> Users => _users ?? throw new InvalidOperationException("not open");

    public override void Open(string directory)
    {
        Directory.CreateDirectory(directory);
        FilePath = Path.Combine(directory, "users.litedb");
        _db = new LiteDatabase(new ConnectionString { Filename = FilePath, Connection = ConnectionType.Direct }, new BsonMapper());
        _users = _db.GetCollection<User>("users");
        _users.EnsureIndex(u => u.Email, unique: true);
        _users.EnsureIndex(u => u.City);
        _users.EnsureIndex(u => u.Age);
        _users.EnsureIndex(u => u.CreatedAt);
    }

    public override void InsertAll(IReadOnlyList<User> users)
    {
        Users.InsertBulk(users, batchSize: 10_000);
        _db!.Checkpoint();
    }

    public override User? Find(int id) => Users.FindById(id);

    public override Func<int, User?> LinqFind => id => Users.FindOne(u => u.Id == id);

    public override List<User> ByCity(string city) => Users.Find(u => u.City == city).ToList();

    public override List<User> CreatedFromTop10(DateTime from) =>
        Users.Query().Where(u => u.CreatedAt >= from).OrderBy(u => u.CreatedAt).Limit(10).ToList();

    public override int CountEmailContaining(string fragment) => Users.Count(u => u.Email.Contains(fragment));

    public override void Update(User user) => Users.Update(user);

    public override void SetDurableWrites(bool durable) { }

    public override void Flush() => _db!.Checkpoint();

    public override string? Note(string workload) => workload switch
    {
        "W1" => "InsertBulk, then Checkpoint()",
        "W6-durable" => "one LiteDB transaction per update (LiteDB has no per-write fsync option)",
        "W6-flush" => "updates, then Checkpoint()",
        "W9" => "one shared LiteDatabase (thread-safe)",
        _ => null,
    };

    public override void Close()
    {
        _db?.Dispose();
        _db = null;
        _users = null;
    }
}
