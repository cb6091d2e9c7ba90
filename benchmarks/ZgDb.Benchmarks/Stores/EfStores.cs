using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ZgDb.Benchmarks.Data;

namespace ZgDb.Benchmarks.Stores;

/// <summary>The EF Core context of the benchmarks: users keyed by the given Id, indexed like the other stores.</summary>
public sealed class UsersContext(DbContextOptions<UsersContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    protected override void OnModelCreating(Microsoft.EntityFrameworkCore.ModelBuilder modelBuilder)
    {
        var user = modelBuilder.Entity<User>();
        user.Property(u => u.Id).ValueGeneratedNever();
        user.HasIndex(u => u.Email).IsUnique();
        user.HasIndex(u => u.City);
        user.HasIndex(u => u.Age);
        user.HasIndex(u => u.CreatedAt);
    }
}

/// <summary>
/// EF Core the way an application uses it: one long-lived context for the main thread (change tracker cleared
/// after each operation), no-tracking queries, a context per W9 reader thread.
/// </summary>
public abstract class EfStore : BenchStore
{
    private UsersContext? _context;
    private readonly List<UsersContext> _readers = [];

    protected UsersContext Context => _context ?? throw new InvalidOperationException("not open");

    protected abstract DbContextOptions<UsersContext> Options { get; }

    /// <summary>Prepares the store in <paramref name="directory"/> and returns the options every context uses.</summary>
    protected abstract void Prepare(string directory);

    /// <summary>A new context ready for use (its connection opened and configured, for SQLite).</summary>
    protected virtual UsersContext CreateContext() => new(Options);

    public override void Open(string directory)
    {
        Prepare(directory);
        _context = CreateContext();
        _context.Database.EnsureCreated();
    }

    public override void InsertAll(IReadOnlyList<User> users)
    {
        BeforeDurableCommit();
        Context.ChangeTracker.AutoDetectChangesEnabled = false;
        Context.Users.AddRange(users);
        Context.SaveChanges();
        Context.ChangeTracker.Clear();
        Context.ChangeTracker.AutoDetectChangesEnabled = true;
        AfterDurableCommit();
    }

    protected virtual void BeforeDurableCommit() { }
    protected virtual void AfterDurableCommit() { }

    public override User? Find(int id)
    {
        var user = Context.Users.Find(id);
        Context.ChangeTracker.Clear();
        return user;
    }

    public override Func<int, User?> LinqFind => id => Context.Users.AsNoTracking().FirstOrDefault(u => u.Id == id);

    public override List<User> ByCity(string city) => Context.Users.AsNoTracking().Where(u => u.City == city).ToList();

    public override List<User> CreatedFromTop10(DateTime from) =>
        Context.Users.AsNoTracking().Where(u => u.CreatedAt >= from).OrderBy(u => u.CreatedAt).Take(10).ToList();

    public override int CountEmailContaining(string fragment) => Context.Users.Count(u => u.Email.Contains(fragment));

    public override void Update(User user)
    {
        Context.Users.Update(user);
        Context.SaveChanges();
        Context.ChangeTracker.Clear();
    }

    public override Func<int, User?> OpenReader()
    {
        var context = CreateContext();
        lock (_readers) _readers.Add(context);
        return id => context.Users.AsNoTracking().FirstOrDefault(u => u.Id == id);
    }

    public override void Close()
    {
        lock (_readers)
        {
            foreach (var reader in _readers) reader.Dispose();
            _readers.Clear();
        }
        _context?.Dispose();
        _context = null;
    }
}

/// <summary>EF Core 10 over SQLite: the same pragmas as the raw SQLite store (WAL, synchronous=NORMAL; FULL for durable commits).</summary>
public sealed class EfSqliteStore : EfStore
{
    private DbContextOptions<UsersContext>? _options;

    public override string Name => "EF Core+SQLite";

    protected override DbContextOptions<UsersContext> Options => _options ?? throw new InvalidOperationException("not open");

    protected override void Prepare(string directory)
    {
        Directory.CreateDirectory(directory);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "users-ef.db"), Pooling = false }.ToString();
        _options = new DbContextOptionsBuilder<UsersContext>().UseSqlite(connectionString).Options;
    }

    protected override UsersContext CreateContext()
    {
        var context = base.CreateContext();
        context.Database.OpenConnection();
        context.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        context.Database.ExecuteSqlRaw("PRAGMA synchronous=NORMAL;");
        return context;
    }

    protected override void BeforeDurableCommit() => SetDurableWrites(true);
    protected override void AfterDurableCommit() => SetDurableWrites(false);

    public override void SetDurableWrites(bool durable) => Context.Database.ExecuteSqlRaw(durable ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");

    public override void Flush() => Context.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(FULL);");

    public override string? Note(string workload) => workload switch
    {
        "W1" => "AddRange + one SaveChanges, commit with synchronous=FULL",
        "W2" => "DbSet.Find, then ChangeTracker.Clear()",
        "W6-durable" => "SaveChanges per update, synchronous=FULL",
        "W6-flush" => "SaveChanges per update (synchronous=NORMAL), then wal_checkpoint(FULL)",
        "W9" => "one context and connection per reader thread",
        _ => null,
    };
}

/// <summary>EF Core's in-memory provider (a test double, not a database): no persistence, no indexes.</summary>
public sealed class EfInMemoryStore : EfStore
{
    private DbContextOptions<UsersContext>? _options;

    public override string Name => "EF Core InMemory";
    public override bool IsPersistent => false;

    protected override DbContextOptions<UsersContext> Options => _options ?? throw new InvalidOperationException("not open");

    protected override void Prepare(string directory) =>
        _options = new DbContextOptionsBuilder<UsersContext>().UseInMemoryDatabase("users", new InMemoryDatabaseRoot()).Options;

    public override void SetDurableWrites(bool durable) { }

    public override void Flush() { }

    public override string? Note(string workload) => workload switch
    {
        "W1" or "W6-durable" or "W6-flush" => "in memory: nothing to flush",
        "W2" => "DbSet.Find, then ChangeTracker.Clear()",
        "W3" or "W4" or "W5" => "no indexes in this provider",
        _ => null,
    };
}
