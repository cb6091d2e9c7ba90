namespace ZgDb.Storage.Engine;

/// <summary>
/// An open transaction: a private <see cref="WriteSet"/> built while holding the engine's write gate. Each
/// operation applies all or nothing (a failing call is undone alone, so the transaction stays usable); commit
/// logs the whole set as one WAL record and publishes it at once. Used from one flow at a time.
/// </summary>
internal sealed class EngineTransaction(StorageEngine engine, WriteSet set)
{
    private int _finished;

    public WriteSet Set { get; } = set;
    public bool IsActive => Volatile.Read(ref _finished) == 0;

    public void Apply(Action<WriteSet> write)
    {
        lock (this)
        {
            ThrowIfFinished();
            Set.ApplyAtomically(write);
        }
    }

    /// <summary>The database as this transaction sees it: the state it began from plus its own writes.</summary>
    public DatabaseState View()
    {
        lock (this) return Set.Build();
    }

    public void Commit()
    {
        lock (this)
        {
            ThrowIfFinished();
            engine.Commit(this);
        }
    }

    public void Rollback() => engine.End(this);

    /// <summary>Marks the transaction finished; true the first time only.</summary>
    internal bool Finish() => Interlocked.Exchange(ref _finished, 1) == 0;

    private void ThrowIfFinished()
    {
        if (!IsActive) throw new InvalidOperationException("The transaction has already been committed or rolled back.");
    }
}
