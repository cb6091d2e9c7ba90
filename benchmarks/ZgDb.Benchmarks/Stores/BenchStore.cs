using ZgDb.Benchmarks.Data;

namespace ZgDb.Benchmarks.Stores;

/// <summary>
/// One store under test, opened on a directory (ignored by the in-memory ones). Each workload is one method, so
/// every store answers the same question with its own idiomatic API. Not thread-safe unless a method says so.
/// </summary>
public abstract class BenchStore : IDisposable
{
    /// <summary>The name in tables and on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the data survives the process (W1's flush, W6's durable writes, W7 and W8 mean something).</summary>
    public virtual bool IsPersistent => true;

    /// <summary>Opens (or creates) the store in <paramref name="directory"/>; writes are acknowledged when in memory.</summary>
    public abstract void Open(string directory);

    /// <summary>W1: inserts all users in one bulk operation and returns once they are durable.</summary>
    public abstract void InsertAll(IReadOnlyList<User> users);

    /// <summary>W2: the user with this primary key, through the store's key lookup.</summary>
    public abstract User? Find(int id);

    /// <summary>W2 (LINQ): the same lookup written as <c>FirstOrDefault(u =&gt; u.Id == id)</c>, or null if the store has no LINQ.</summary>
    public virtual Func<int, User?>? LinqFind => null;

    /// <summary>W2 (compiled): the LINQ lookup as a compiled query (ZgQuery.Compile, EF Core's EF.CompileQuery), or null if the store has none.</summary>
    public virtual Func<int, User?>? CompiledFind => null;

    /// <summary>W3: every user of <paramref name="city"/> (about 1/50 of them), materialized.</summary>
    public abstract List<User> ByCity(string city);

    /// <summary>W4: the first ten users created at or after <paramref name="from"/>, by creation time.</summary>
    public abstract List<User> CreatedFromTop10(DateTime from);

    /// <summary>W5: how many e-mails contain <paramref name="fragment"/> (a full scan with a string predicate).</summary>
    public abstract int CountEmailContaining(string fragment);

    /// <summary>W6: replaces one user. Durable on return when <see cref="SetDurableWrites"/> turned it on.</summary>
    public abstract void Update(User user);

    /// <summary>W6: whether each write is durable when it returns (true) or only after <see cref="Flush"/> (false).</summary>
    public abstract void SetDurableWrites(bool durable);

    /// <summary>Makes every write so far durable.</summary>
    public abstract void Flush();

    /// <summary>W9: a lookup function for one reader thread (its own connection or context where the store needs one).</summary>
    public virtual Func<int, User?> OpenReader() => Find;

    /// <summary>W9: serializes <see cref="Update"/> against <see cref="OpenReader"/>'s lookups, for stores that are not thread-safe.</summary>
    public virtual void UpdateWhileReading(User user) => Update(user);

    /// <summary>A note on how this store ran a workload (e.g. "no index yet"), or null.</summary>
    public virtual string? Note(string workload) => null;

    /// <summary>Closes the store (with whatever work closing implies: a final checkpoint, a WAL fold).</summary>
    public abstract void Close();

    public void Dispose()
    {
        Close();
        GC.SuppressFinalize(this);
    }

    /// <summary>The stores, by command-line name.</summary>
    public static readonly IReadOnlyDictionary<string, Func<BenchStore>> All = new Dictionary<string, Func<BenchStore>>(StringComparer.OrdinalIgnoreCase)
    {
        ["zgdb"] = () => new ZgDbStore(),
        ["dictionary"] = () => new DictionaryStore(),
        ["sqlite"] = () => new SqliteStore(),
        ["litedb"] = () => new LiteDbStore(),
        ["efcore-sqlite"] = () => new EfSqliteStore(),
        ["efcore-inmemory"] = () => new EfInMemoryStore(),
    };

    /// <summary>Bytes of every file under <paramref name="directory"/>.</summary>
    public static long DirectoryBytes(string directory) =>
        Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}
