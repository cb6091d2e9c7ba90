using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ZgDb.Storage.Engine;

namespace ZgDb;

/// <summary>
/// The base of an application's database class. Declare one <see cref="ZgCollection{T}"/> property per entity
/// (<c>public ZgCollection&lt;User&gt; Users =&gt; Collection&lt;User&gt;();</c>), configure the model in
/// <see cref="OnModelCreating"/>, and open it with <see cref="Open{TDb}"/> or <see cref="OpenInMemory{TDb}"/>.
/// A database is thread-safe: share one instance across the application and dispose it at shutdown. After
/// <see cref="Dispose"/>, every call on the database, its collections, its queries (also those composed before),
/// entries and transactions throws <see cref="ObjectDisposedException"/>; only <see cref="Dispose"/> and
/// <see cref="DisposeAsync"/> may be called again (they do nothing).
/// </summary>
public abstract class ZgDatabase : IDisposable, IAsyncDisposable
{
    private static readonly ConcurrentDictionary<Type, (DatabaseModel Model, (string Name, Type ClrType)[] Collections)> Models = new();
    private readonly Dictionary<Type, object> _collections = new();
    private StorageEngine? _engine;
    private Remote.IRemoteBackend? _remote;
    private DatabaseModel? _remoteModel;
    private System.Text.Json.JsonSerializerOptions? _remoteJson;
    private int _disposed;

    /// <summary>
    /// Opens (or creates) the database stored in <paramref name="directory"/>: takes the directory's lock, reads the
    /// manifest and replays the write-ahead log. Chunk files are loaded later, on demand.
    /// </summary>
    /// <exception cref="ZgDbModelException">The model cannot be stored (names the entity and property).</exception>
    /// <exception cref="ZgDbLockedException">Another process or open database holds the directory.</exception>
    /// <exception cref="ZgDbCorruptFileException">A file failed its checks (names the file and offset; <see cref="ZgDbCorruptFileException.Reason"/> says what is wrong).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A manifest or WAL segment is of a format version this build does not read.</exception>
    /// <exception cref="ZgDbSchemaMismatchException">The stored model cannot be read with this one.</exception>
    /// <exception cref="ZgDbIOException">An I/O failure while opening (the directory, the lock file, a manifest, the WAL); nothing was changed and no lock is held.</exception>
    public static TDb Open<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TDb>(string directory, ZgDbOptions? options = null) where TDb : ZgDatabase, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return Create<TDb>(directory, options ?? new ZgDbOptions());
    }

    /// <summary>Opens an empty database that lives only in memory: nothing touches the disk, and everything is gone on dispose.</summary>
    public static TDb OpenInMemory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TDb>(ZgDbOptions? options = null) where TDb : ZgDatabase, new() =>
        Create<TDb>(null, options ?? new ZgDbOptions());

    private static TDb Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TDb>(string? directory, ZgDbOptions options) where TDb : ZgDatabase, new()
    {
        var db = new TDb();
        var (model, collections) = Models.GetOrAdd(typeof(TDb), _ => BuildModel(db, typeof(TDb)));
        db._engine = new StorageEngine(model, directory, options, typeof(TDb).Name);
        foreach (var (_, clrType) in collections)
        {
            var collection = Activator.CreateInstance(typeof(ZgCollection<>).MakeGenericType(clrType), BindingFlags.NonPublic | BindingFlags.Instance, null, [db], null)!;
            db._collections[clrType] = collection;
        }
        try
        {
            db.ApplyMigrations();
        }
        catch
        {
            db.Dispose();
            throw;
        }
        ZgDbTelemetry.Opened(db);
        return db;
    }

    /// <summary>
    /// A database served by another process (ZgDb.Client's <c>ZgDatabase.Connect</c>): the model is built here, as for
    /// <see cref="Open{TDb}"/>, and every operation goes through the backend <paramref name="connect"/> returns (it
    /// checks the server's model before returning; it gets the model and the documents' JSON options).
    /// </summary>
    internal static TDb ConnectRemote<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TDb>(Func<DatabaseModel, System.Text.Json.JsonSerializerOptions, Remote.IRemoteBackend> connect) where TDb : ZgDatabase, new()
    {
        var db = new TDb();
        var (model, collections) = Models.GetOrAdd(typeof(TDb), _ => BuildModel(db, typeof(TDb)));
        db._remoteModel = model;
        db._remoteJson = new Storage.Documents.DocumentSerializer(model).Options;
        db._remote = connect(model, db._remoteJson);
        foreach (var (_, clrType) in collections)
            db._collections[clrType] = Activator.CreateInstance(typeof(ZgCollection<>).MakeGenericType(clrType), BindingFlags.NonPublic | BindingFlags.Instance, null, [db], null)!;
        return db;
    }

    /// <summary>The <see cref="ZgCollection{T}"/> of <paramref name="clrType"/> (for ZgDb.Server, which serves each collection of the model).</summary>
    internal object CollectionOf(Type clrType)
    {
        ThrowIfDisposed();
        return _collections[clrType];
    }

    /// <summary>The backend of a connected database, or null for an embedded one.</summary>
    internal Remote.IRemoteBackend? Remote => _remote;

    /// <summary>The JSON options of the engine's documents (the same for an embedded and a connected database of one model).</summary>
    internal System.Text.Json.JsonSerializerOptions DocumentJson => _remoteJson ?? Engine.Serializer.Options;

    // The database class's public properties are read by reflection (its ZgCollection<T> properties): Open's TDb keeps
    // them under trimming. The entity types are kept by Collection<T>'s annotation (docs/AOT.md).
    private static (DatabaseModel, (string, Type)[]) BuildModel(ZgDatabase db, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type dbType)
    {
        var collections = dbType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(ZgCollection<>))
            .Select(p => (p.Name, p.PropertyType.GetGenericArguments()[0]))
            .ToArray();
        if (collections.Length == 0)
            throw new ZgDbModelException(db.GetType().Name, null, "the database class declares no ZgCollection<T> property.");
        return (ModelFactory.Build(collections, db.OnModelCreating), collections);
    }

    internal const string SchemaVersionKey = "schema-version";

    /// <summary>The explicit migration steps of this database, in any order (see <see cref="ZgMigration"/>).</summary>
    protected virtual IEnumerable<ZgMigration> Migrations => [];

    /// <summary>The schema version reached by explicit migration steps (0 when none ever ran).</summary>
    public int SchemaVersion =>
        Engine.ReadState().Metadata.TryGetValue(SchemaVersionKey, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private void ApplyMigrations()
    {
        var steps = Migrations.OrderBy(m => m.Version).ToList();
        if (steps.Count == 0) return;
        if (steps.FirstOrDefault(m => m.Version <= 0) is { } invalid)
            throw new ZgDbModelException(GetType().Name, null, $"migration step {invalid.Description} has version {invalid.Version}; versions start at 1.");
        if (steps.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ZgDbModelException(GetType().Name, null, $"two migration steps have version {twice.Key}: {string.Join(", ", twice.Select(m => m.Description))}.");
        int current = SchemaVersion;
        var pending = steps.Where(m => m.Version > current).ToList();
        if (pending.Count == 0) return;
        var logger = Engine.Options.LoggerFor(ZgDbLogCategories.Schema);
        using var transaction = BeginTransaction();
        foreach (var step in pending)
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, ZgDbEvents.MigrationStepRunning, "ZgDb: migration step {Version} ({Description}) running.", step.Version, step.Description);
            try
            {
                step.Up(this);
            }
            catch (Exception e)
            {
                throw new ZgDbException($"Migration step {step.Version} ({step.Description}) failed, so no step was applied and the database stays at schema version {current}: {e.Message}", e);
            }
        }
        Engine.Write(set => set.SetMetadata(SchemaVersionKey, pending[^1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        transaction.Commit();
    }

    /// <summary>Configures the model: keys, indexes, required properties, maximum lengths, ignored properties.</summary>
    protected virtual void OnModelCreating(ModelBuilder model) { }

    /// <summary>
    /// What ZgDb reads of an entity type by reflection (its model, serializer, key and index readers, copier): under
    /// trimming and Native AOT, <see cref="Collection{T}"/>'s annotation keeps these members of each entity type.
    /// </summary>
    internal const DynamicallyAccessedMemberTypes EntityMembers = DynamicallyAccessedMemberTypes.PublicProperties
        | DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicFields;

    /// <summary>The collection of <typeparamref name="T"/>; call it from the database class's collection properties.</summary>
    // decimal's operators (op_GreaterThanOrEqual, op_Equality, op_Multiply...) are looked up by reflection when a
    // query's expression tree is built: the C# compiler emits Expression.GreaterThanOrEqual(x.Price, 300m) without the
    // method, and Expression finds it by name. A trimmed or Native AOT application keeps no metadata for them unless
    // something asks, and building `x.Price >= 300m` then throws "The binary operator GreaterThanOrEqual is not defined
    // for the types 'System.Decimal' and 'System.Decimal'" in the application's own code (issue 23 §3, docs/AOT.md).
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(decimal))]
    protected ZgCollection<T> Collection<[DynamicallyAccessedMembers(EntityMembers)] T>() where T : class =>
        _collections.TryGetValue(typeof(T), out var collection)
            ? (ZgCollection<T>)collection
            : throw new InvalidOperationException(_engine is null && _remote is null
                ? "The database is not open: create it with ZgDatabase.Open<TDb>(directory) or ZgDatabase.OpenInMemory<TDb>(), not with new."
                : $"{typeof(T).Name} is not a collection of {GetType().Name}: declare a public ZgCollection<{typeof(T).Name}> property.");

    /// <summary>Compiled Include paths that capture nothing, by path text (see Relations/IncludeProcessor).</summary>
    internal ConcurrentDictionary<string, Func<Query.Execution.QueryContext, object, object?>> IncludeLoaders { get; } = new();

    internal StorageEngine Engine
    {
        get
        {
            ThrowIfDisposed();
            if (_remote is not null)
                throw new NotSupportedException($"{GetType().Name} is connected to the ZgDb server {_remote.Address}: this operation is not available over the network yet (see docs/SERVER.md, \"Not done yet\").");
            return _engine ?? throw new InvalidOperationException("The database is not open.");
        }
    }

    /// <summary>
    /// The one check every public entry point of the LINQ layer makes (the database, its collections, queries,
    /// entries and transactions): throws <see cref="ObjectDisposedException"/> once <see cref="Dispose"/> has begun.
    /// </summary>
    internal void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new ObjectDisposedException(GetType().Name,
                $"The database {GetType().Name} ({_engine?.Directory ?? _remote?.Address ?? "in memory"}) has been disposed; open it again to use it.");
    }

    /// <summary>The model: entity types, keys, indexes.</summary>
    public DatabaseModel Model
    {
        get
        {
            ThrowIfDisposed();
            return _remoteModel ?? Engine.Model;
        }
    }

    /// <summary>The database's directory, or null for an in-memory database.</summary>
    public string? Directory => _remote is null ? Engine.Directory : null;

    /// <summary>Completes once every write made so far is flushed to disk (at once for an in-memory database).</summary>
    /// <exception cref="ZgDbFaultedException">The write-ahead log could not be written; those writes are not durable.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _remote is { } remote ? remote.FlushAsync(cancellationToken) : Engine.FlushAsync().WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Folds every change into chunk files and writes a new manifest, so reopening replays nothing. Runs
    /// automatically by <see cref="ZgDbOptions.Checkpoint"/>; writers are not blocked while it runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called inside a transaction or inside the callback of a write.</exception>
    /// <exception cref="ZgDbFaultedException">The checkpoint could not write its files (its inner <see cref="ZgDbIOException"/> says which operation), or an earlier one failed.</exception>
    /// <exception cref="ZgDbLockedException">The lock file was replaced while open and another process holds the new one.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it folds failed its checks.</exception>
    public void Checkpoint()
    {
        ThrowIfDisposed();
        if (_remote is { } remote) remote.Checkpoint();
        else Engine.Checkpoint();
    }

    /// <summary>
    /// Begins a transaction on the current thread or async flow: <c>using var tx = db.BeginTransaction(); ...; tx.Commit();</c>.
    /// Writers on other flows wait until it ends; transactions do not nest. Disposing the database while the
    /// transaction is open on the same flow rolls it back (and logs a warning); an open transaction of another flow
    /// makes <see cref="Dispose"/> wait until it ends, and its own calls throw <see cref="ObjectDisposedException"/>
    /// from then on (so it can only roll back).
    /// </summary>
    /// <exception cref="InvalidOperationException">A transaction is already open on this flow, or called inside the callback of a write.</exception>
    public ZgTransaction BeginTransaction()
    {
        ThrowIfDisposed();
        return _remote is { } remote ? new(this, remote.BeginTransaction()) : new(this, Engine.BeginTransaction());
    }

    /// <summary>Explicit loading of <paramref name="entity"/>'s navigations: <c>db.Entry(post).Reference(p =&gt; p.Author).Load()</c>.</summary>
    public ZgEntry<T> Entry<T>(T entity) where T : class
    {
        ThrowIfDisposed();
        return new(this, entity);
    }

    /// <summary>Figures about the open database (for tools and tests).</summary>
    public DatabaseStatistics GetStatistics()
    {
        ThrowIfDisposed();
        if (_remote is { } remote) return remote.GetStatistics();
        var engine = Engine;
        var state = engine.State;
        return new DatabaseStatistics(
            engine.Stores.Select(s => new CollectionStatistics(s.Name, state.Collections[s.Ordinal].Count, state.Collections[s.Ordinal].DeltaCount)).ToList(),
            engine.LastLsn, engine.DurableLsn, engine.CheckpointLsn, engine.WalBytesWritten, engine.Cache.Count, engine.Cache.Bytes, engine.Cache.Loads);
    }

    /// <summary>
    /// Flushes the write-ahead log, checkpoints (unless <see cref="CheckpointPolicy.OnDispose"/> is off) and releases the
    /// directory's lock. A transaction still open on the calling flow is rolled back, not committed: its writes are
    /// discarded and a warning goes to <see cref="ZgDbOptions.Logger"/>. A transaction open on another flow is waited
    /// for. Every later call on the database throws <see cref="ObjectDisposedException"/>; calling Dispose again does
    /// nothing.
    /// </summary>
    /// <exception cref="ZgDbFaultedException">The final WAL flush or checkpoint failed; the lock is released anyway (reopen to recover).</exception>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _remote?.Dispose();
        ZgDbTelemetry.Closed(this);
        if (_engine is { } engine)
        {
            if (engine.CurrentTransaction is not null)
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(engine.Options.LoggerFor(ZgDbLogCategories.Schema), ZgDbEvents.TransactionRolledBackAtDispose,
                    "ZgDb: {Database} was disposed inside an open transaction; the transaction was rolled back and its writes discarded. Commit before disposing to keep them.",
                    GetType().Name);
            engine.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Figures about one collection.</summary>
/// <param name="Name">The collection's name.</param>
/// <param name="Count">Documents stored.</param>
/// <param name="PendingChanges">Changes not yet folded into chunk files by a checkpoint.</param>
public sealed record CollectionStatistics(string Name, long Count, int PendingChanges);

/// <summary>Figures about an open database.</summary>
/// <param name="Collections">Per collection.</param>
/// <param name="LastLsn">The LSN of the newest write.</param>
/// <param name="DurableLsn">The newest LSN flushed to disk.</param>
/// <param name="CheckpointLsn">The LSN the last checkpoint folded into chunks.</param>
/// <param name="WalBytesWritten">Write-ahead log bytes written since open.</param>
/// <param name="CachedChunks">Chunks in the cache.</param>
/// <param name="CachedBytes">The cache's estimated size.</param>
/// <param name="ChunkLoads">Chunks loaded from disk since open.</param>
public sealed record DatabaseStatistics(IReadOnlyList<CollectionStatistics> Collections, long LastLsn, long DurableLsn,
    long CheckpointLsn, long WalBytesWritten, int CachedChunks, long CachedBytes, long ChunkLoads)
{
    /// <summary>One readable line: every collection with its counts, then the log positions and the cache.</summary>
    public override string ToString() =>
        $"DatabaseStatistics {{ Collections = [{string.Join(", ", Collections)}], LastLsn = {LastLsn}, DurableLsn = {DurableLsn}, " +
        $"CheckpointLsn = {CheckpointLsn}, WalBytesWritten = {WalBytesWritten}, CachedChunks = {CachedChunks}, CachedBytes = {CachedBytes}, ChunkLoads = {ChunkLoads} }}";
}
