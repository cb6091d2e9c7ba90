using ZgDb.Benchmarks.Data;

namespace ZgDb.Benchmarks.Stores;

/// <summary>
/// The in-memory ceiling: a <c>Dictionary&lt;int, User&gt;</c> handing out its own objects (no copies, no
/// persistence, no indexes: queries are LINQ-to-Objects over the values). W9 takes a lock around it.
/// </summary>
public sealed class DictionaryStore : BenchStore
{
    private Dictionary<int, User> _users = new();
    private readonly object _lock = new();

    public override string Name => "Dictionary";
    public override bool IsPersistent => false;

    public override void Open(string directory) => _users = new Dictionary<int, User>();

    public override void InsertAll(IReadOnlyList<User> users)
    {
        _users.EnsureCapacity(users.Count);
        foreach (var user in users) _users.Add(user.Id, user);
    }

    public override User? Find(int id) => _users.GetValueOrDefault(id);

    public override Func<int, User?> LinqFind => id => _users.Values.FirstOrDefault(u => u.Id == id);

    public override List<User> ByCity(string city) => _users.Values.Where(u => u.City == city).ToList();

    public override List<User> CreatedFromTop10(DateTime from) =>
        _users.Values.Where(u => u.CreatedAt >= from).OrderBy(u => u.CreatedAt).Take(10).ToList();

    public override int CountEmailContaining(string fragment) => _users.Values.Count(u => u.Email.Contains(fragment, StringComparison.Ordinal));

    public override void Update(User user) => _users[user.Id] = user;

    public override void SetDurableWrites(bool durable) { }

    public override void Flush() { }

    public override Func<int, User?> OpenReader() => id =>
    {
        lock (_lock) return _users.GetValueOrDefault(id);
    };

    public override void UpdateWhileReading(User user)
    {
        lock (_lock) _users[user.Id] = user;
    }

    public override string? Note(string workload) => workload switch
    {
        "W2-linq" or "W3" or "W4" or "W5" => "LINQ-to-Objects over the values (no index)",
        "W6-durable" or "W6-flush" or "W1" => "in memory: nothing to flush",
        "W9" => "one lock around the dictionary",
        _ => null,
    };

    public override void Close() { }
}
