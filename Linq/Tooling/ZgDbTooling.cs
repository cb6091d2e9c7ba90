namespace ZgDb.Tooling;

/// <summary>
/// The engine as ZgDb's own tools read it: the EF Core exporter (ZgDb.Migrations), the health check
/// (ZgDb.Extensions.Hosting). One consistent snapshot of every collection, the key rules the engine applies, and the
/// state that says whether the database still accepts writes. The untyped tools over a closed or live directory
/// (<c>zgdb</c>, the studio) go through <see cref="DatabaseDirectory"/>.
/// </summary>
/// <remarks>
/// An infrastructure API, as EF Core's <c>Infrastructure</c> namespace: public so that the tools need no access to
/// internals, documented, and listed in the public API file, but shaped by what the tools need, so it may change
/// between previews more freely than <see cref="ZgDatabase"/> and <see cref="ZgCollection{T}"/> (docs/PACKAGES.md).
/// An application reads through LINQ, a transaction and <see cref="ZgDatabase.GetStatistics"/>.
/// </remarks>
public static class ZgDbTooling
{
    /// <summary>
    /// One snapshot of every collection of <paramref name="database"/>, as of its last published write (a transaction
    /// still open is not in it): counts and scans of different collections agree, so foreign keys in one match keys in
    /// another, while writers go on.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The database is disposed.</exception>
    /// <exception cref="NotSupportedException">The database is connected to a server (not embedded).</exception>
    public static DatabaseSnapshot Snapshot(ZgDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new DatabaseSnapshot(database, database.Engine.State);
    }

    /// <summary>
    /// Why <paramref name="database"/> no longer accepts writes (a write-ahead log flush or a checkpoint failed; reopen
    /// it to recover), or null while it does. The same cause every later write reports in its <see cref="ZgDbFaultedException"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The database is disposed.</exception>
    /// <exception cref="NotSupportedException">The database is connected to a server (not embedded).</exception>
    public static Exception? Fault(ZgDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Engine.Fault;
    }

    /// <summary>The <see cref="ZgDbOptions.QueryObserver"/> <paramref name="database"/> was opened with, or null.</summary>
    /// <exception cref="ObjectDisposedException">The database is disposed.</exception>
    /// <exception cref="NotSupportedException">The database is connected to a server (not embedded).</exception>
    public static ICompiledQueryObserver? QueryObserver(ZgDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Engine.Options.QueryObserver;
    }

    /// <summary>Whether the engine assigns keys of <paramref name="kind"/> (the integers: an inserted 0 gets the next key).</summary>
    public static bool IsAssignedKey(KeyKind kind) => KeyKinds.IsInteger(kind);

    /// <summary>The largest key the engine assigns for an integer <paramref name="kind"/> (the type's maximum; <see cref="long.MaxValue"/> for <see cref="KeyKind.UInt64"/> and the others).</summary>
    public static long MaxAssignedKey(KeyKind kind) => KeyKinds.MaxAssigned(kind);

    /// <summary>Equality of boxed keys of <paramref name="kind"/> as the engine compares them (a byte-array key by its content, not its reference).</summary>
    public static IEqualityComparer<object> KeyEquality(KeyKind kind) => KeyKinds.BoxedEquality(kind);

    /// <summary>
    /// Whether values of <paramref name="type"/> are stored as single values (numbers, bool, char, string, decimal,
    /// dates and times, <see cref="Guid"/>, enums, byte arrays), not as nested documents.
    /// </summary>
    public static bool IsScalar(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ModelFactory.IsScalar(type);
    }
}
