namespace ZgDb.Tests.Support;

/// <summary>Where a generic suite's database lives. One sealed subclass per backend (STYLE.md #10).</summary>
public abstract class Backend : IDisposable
{
    public abstract TDb Open<TDb>(ZgDbOptions? options = null) where TDb : ZgDatabase, new();

    /// <summary>Disposes and reopens (on disk the data survives; in memory there is nothing to reopen, so the same database is kept).</summary>
    public abstract TDb Reopen<TDb>(TDb db, ZgDbOptions? options = null) where TDb : ZgDatabase, new();

    public abstract bool Persistent { get; }

    public virtual void Dispose() { }
}

public sealed class InMemoryBackend : Backend
{
    public override TDb Open<TDb>(ZgDbOptions? options = null) => ZgDatabase.OpenInMemory<TDb>(options);
    public override TDb Reopen<TDb>(TDb db, ZgDbOptions? options = null) => db;
    public override bool Persistent => false;
}

public sealed class OnDiskBackend : Backend
{
    private readonly TempDirectory _dir = new();

    public string Directory => _dir.Path;

    public override TDb Open<TDb>(ZgDbOptions? options = null) => ZgDatabase.Open<TDb>(_dir.Path, options);

    public override TDb Reopen<TDb>(TDb db, ZgDbOptions? options = null)
    {
        db.Dispose();
        return ZgDatabase.Open<TDb>(_dir.Path, options);
    }

    public override bool Persistent => true;

    public override void Dispose() => _dir.Dispose();
}

/// <summary>The base of a generic suite: a <see cref="TestDb"/> opened on <typeparamref name="TBackend"/>, disposed with the suite.</summary>
public abstract class DatabaseSuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    protected readonly TBackend Backend = new();
    protected TestDb Db;

    protected DatabaseSuite() => Db = Backend.Open<TestDb>();

    public void Dispose()
    {
        Db.Dispose();
        Backend.Dispose();
    }
}
