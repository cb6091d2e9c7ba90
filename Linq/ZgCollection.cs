using System.Collections;
using System.Linq.Expressions;
using ZgDb.Query;
using ZgDb.Storage.Engine;

namespace ZgDb;

/// <summary>
/// A collection of documents of type <typeparamref name="T"/>, sorted by primary key. Reads (<see cref="Find(object)"/>,
/// LINQ) are synchronous and see a consistent snapshot; writes apply at once in memory and are made durable by
/// the background writer (see <see cref="ZgDbOptions.Durability"/> and <see cref="ZgDatabase.FlushAsync"/>).
/// Documents returned are copies the caller owns: changing one changes nothing stored until <see cref="Update"/>.
/// Thread-safe. Once the database is disposed, every member throws <see cref="ObjectDisposedException"/> (also the
/// enumeration of a query or scan begun before), except <see cref="ElementType"/>, <see cref="Expression"/> and
/// <see cref="Provider"/>, which read nothing (a query composed on them throws). A null argument (a document, a
/// sequence, a key, a predicate) throws <see cref="ArgumentNullException"/>, as everywhere in .NET; a null inside
/// <see cref="InsertMany"/>'s sequence throws <see cref="ArgumentException"/> naming its position; a document whose
/// content breaks a rule of the model throws <see cref="ZgDbValidationException"/> naming the collection.
/// Many-to-many lists (<c>post.Tags</c>) are not stored in the documents: <see cref="Insert"/>, <see cref="InsertMany"/>,
/// <see cref="Update"/> and <see cref="Upsert"/> make the document's links those of its list (a null list keeps them), in
/// the same atomic write (see Linq/README.md, "Many-to-many").
/// </summary>
public sealed class ZgCollection<T> : IOrderedQueryable<T>, IZgCollection where T : class
{
    private readonly ICollectionStore<T>? _store;
    private readonly Remote.IRemoteCollection<T>? _remote;
    private readonly EntityType _entity;
    private readonly SkipNavigation[] _skipNavigations;

    internal ZgCollection(ZgDatabase database)
    {
        Database = database;
        Expression = Expression.Constant(this);
        if (database.Remote is { } remote)
        {
            // A connected database (ZgDb.Client): the key operations and the query provider are the server's.
            _entity = database.Model.FindEntity(typeof(T))!;
            _remote = remote.Collection<T>(_entity);
            _skipNavigations = [];
            Provider = remote.Provider;
            return;
        }
        _store = new Telemetry.TracedStore<T>(database, database.Engine.Store<T>()); // writes and scans measured (Linq/Telemetry)
        _entity = _store.Entity;
        _skipNavigations = database.Engine.Model.SkipNavigationsOf(_store.Entity).ToArray();
        Provider = new ZgQueryProvider(database);
    }

    /// <summary>The remote collection of a connected database (null when embedded); throws once the database is disposed.</summary>
    private Remote.IRemoteCollection<T>? RemoteCollection
    {
        get
        {
            Database.ThrowIfDisposed();
            return _remote;
        }
    }

    internal ZgDatabase Database { get; }
    ZgDatabase IZgCollection.Database => Database;
    /// <summary>The engine's store of the collection; throws <see cref="ObjectDisposedException"/> once the database is disposed.</summary>
    internal ICollectionStore<T> Store
    {
        get
        {
            Database.ThrowIfDisposed();
            return _store ?? throw new NotSupportedException($"Collection '{_entity.CollectionName}' is on the ZgDb server {Database.Remote?.Address}: this operation is not available over the network yet (see docs/SERVER.md, \"Not done yet\").");
        }
    }

    /// <summary>The collection's name (the database class's property name).</summary>
    public string Name => Entity.CollectionName;

    /// <summary>The entity type stored here.</summary>
    public EntityType Entity
    {
        get
        {
            Database.ThrowIfDisposed();
            return _entity;
        }
    }

    /// <summary>The document with this primary key, or null. Synchronous; loads at most one chunk.</summary>
    /// <exception cref="ArgumentNullException">The key is null.</exception>
    /// <exception cref="ZgDbValidationException">The key is not of the key's type.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public T? Find(object key)
    {
        if (RemoteCollection is { } remote) return remote.Find(key ?? throw new ArgumentNullException(nameof(key)));
        var store = Store;
        ArgumentNullException.ThrowIfNull(key);
        return store.Find(key);
    }

    /// <summary>
    /// The document with this key, given as EF Core's <c>Find</c> takes it: one value, or a composite key's values in
    /// key order (<c>Find(10248, 11)</c>). Each value may be any integer of the part's value for an integer part.
    /// </summary>
    /// <exception cref="ArgumentException">A composite key given with too few or too many values, or a value of the wrong type; the message names the entity, its key parts and their types.</exception>
    /// <exception cref="ArgumentNullException">The key is null.</exception>
    /// <exception cref="ZgDbValidationException">A single key that is not of the key's type.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public T? Find(params object[] keyValues) => RemoteCollection is { } remote ? remote.Find(KeyFrom(keyValues)) : Store.Find(KeyFrom(keyValues));

    /// <summary>Deletes the document with this key, given as <see cref="Find(object[])"/> takes it; returns whether there was one.</summary>
    /// <exception cref="ArgumentException">As <see cref="Find(object[])"/>.</exception>
    public bool Delete(params object[] keyValues) => RemoteCollection is { } remote ? remote.Delete(KeyFrom(keyValues)) : Store.Delete(KeyFrom(keyValues));

    private object KeyFrom(object[]? keyValues)
    {
        var entity = Entity; // a disposed database throws ObjectDisposedException before anything else
        // Find(null) and Delete(null) bind here (object[] is the more specific overload): a null argument.
        ArgumentNullException.ThrowIfNull(keyValues);
        if (entity.HasCompositeKey) return keyValues;
        if (keyValues.Length != 1)
            throw new ArgumentException($"Collection '{Name}': the key of {entity.Name} is the single property {entity.Key.Name} ({entity.Key.ClrType.Name}); got {keyValues.Length} values.", nameof(keyValues));
        return keyValues[0] ?? throw new ArgumentNullException(nameof(keyValues), $"Collection '{Name}': the key is null.");
    }

    /// <summary>
    /// Inserts a document. An int/long key of 0 is replaced by the next key and an empty Guid by a new one; the
    /// assigned key is written back to <paramref name="document"/>.
    /// </summary>
    /// <exception cref="ZgDbDuplicateKeyException">The key exists already.</exception>
    /// <exception cref="ArgumentNullException">The document is null.</exception>
    /// <exception cref="ZgDbValidationException">The document is too large or breaks a rule of the model.</exception>
    /// <exception cref="ZgDbFaultedException">The database no longer accepts writes (an earlier WAL or checkpoint failure), or the write-ahead log failed now.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public void Insert(T document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (RemoteCollection is { } remote)
        {
            remote.Insert(document);
            return;
        }
        var store = Store;
        Relations.JoinRows.Write(Database, _skipNavigations, [document], () => store.Insert(document));
    }

    /// <summary>Inserts documents as one atomic write: all of them or, if any is refused, none.</summary>
    /// <exception cref="ArgumentNullException">The sequence is null.</exception>
    /// <exception cref="ArgumentException">The sequence holds a null (nothing is inserted).</exception>
    /// <exception cref="ZgDbFaultedException">The database no longer accepts writes (an earlier WAL or checkpoint failure), or the write-ahead log failed now.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public void InsertMany(IEnumerable<T> documents)
    {
        var remote = RemoteCollection;
        ArgumentNullException.ThrowIfNull(documents);
        var list = documents as IReadOnlyList<T> ?? documents.ToList();
        for (int i = 0; i < list.Count; i++)
            if (list[i] is null)
                throw new ArgumentException($"InsertMany into '{Name}': the document at position {i} is null; nothing was inserted.", nameof(documents));
        if (remote is not null)
        {
            remote.InsertMany(list);
            return;
        }
        var store = Store;
        Relations.JoinRows.Write(Database, _skipNavigations, list, () => store.InsertMany(list));
    }

    /// <summary>Replaces the stored document that has <paramref name="document"/>'s key.</summary>
    /// <exception cref="ArgumentNullException">The document is null.</exception>
    /// <exception cref="ZgDbNotFoundException">No document has that key.</exception>
    /// <exception cref="ZgDbFaultedException">The database no longer accepts writes (an earlier WAL or checkpoint failure), or the write-ahead log failed now.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public void Update(T document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (RemoteCollection is { } remote)
        {
            remote.Update(document);
            return;
        }
        var store = Store;
        Relations.JoinRows.Write(Database, _skipNavigations, [document], () => store.Update(document));
    }

    /// <summary>Inserts the document, or replaces the one with the same key.</summary>
    /// <exception cref="ArgumentNullException">The document is null.</exception>
    /// <exception cref="ZgDbFaultedException">The database no longer accepts writes (an earlier WAL or checkpoint failure), or the write-ahead log failed now.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public void Upsert(T document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (RemoteCollection is { } remote)
        {
            remote.Upsert(document);
            return;
        }
        var store = Store;
        Relations.JoinRows.Write(Database, _skipNavigations, [document], () => store.Upsert(document));
    }

    /// <summary>Deletes the document with this key; returns whether there was one.</summary>
    /// <exception cref="ArgumentNullException">The key is null.</exception>
    /// <exception cref="ZgDbFaultedException">The database no longer accepts writes (an earlier WAL or checkpoint failure), or the write-ahead log failed now.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public bool Delete(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (RemoteCollection is { } remote) return remote.Delete(key);
        var store = Store;
        return store.Delete(key);
    }

    /// <summary>Deletes every document matching <paramref name="predicate"/> as one atomic write; returns how many.</summary>
    /// <exception cref="ArgumentNullException">The predicate is null.</exception>
    /// <exception cref="NotSupportedException">On a connected database (<c>ZgDatabase.Connect</c>): the predicate holds something the remote query format cannot carry (a method of the application, a constructor, a constant of a type the model does not store); the message says which. The predicate runs on the server, as a query's <c>Where</c>.</exception>
    /// <exception cref="ZgDbFaultedException">The database no longer accepts writes (an earlier WAL or checkpoint failure), or the write-ahead log failed now.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public int DeleteMany(Expression<Func<T, bool>> predicate)
    {
        if (RemoteCollection is { } remote) return remote.DeleteMany(predicate ?? throw new ArgumentNullException(nameof(predicate)));
        var store = Store;
        ArgumentNullException.ThrowIfNull(predicate);
        return store.DeleteMany(ExpressionCompilation.Compile(predicate));
    }

    /// <summary>
    /// Applies <paramref name="update"/> to a copy of every document matching <paramref name="predicate"/> and stores
    /// them, as one atomic write; returns how many. The update may not change keys.
    /// </summary>
    /// <exception cref="ArgumentNullException">The predicate is null.</exception>
    /// <exception cref="NotSupportedException">On a connected database: the update is compiled code, which does not travel.</exception>
    /// <exception cref="ZgDbFaultedException">The database no longer accepts writes (an earlier WAL or checkpoint failure), or the write-ahead log failed now.</exception>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public int UpdateMany(Expression<Func<T, bool>> predicate, Action<T> update)
    {
        if (RemoteCollection is not null)
            throw new NotSupportedException($"Collection '{_entity.CollectionName}' is on the ZgDb server {Database.Remote?.Address}: UpdateMany cannot travel, its update is an Action<{typeof(T).Name}> (compiled code, which no wire format carries). Query the documents, change them and Update each (inside a transaction for one atomic write).");
        var store = Store;
        ArgumentNullException.ThrowIfNull(predicate);
        return store.UpdateMany(ExpressionCompilation.Compile(predicate), update);
    }

    /// <summary>The number of documents, without loading any chunk.</summary>
    public int Count() => checked((int)LongCount());

    /// <summary>The number of documents, without loading any chunk.</summary>
    public long LongCount() => RemoteCollection is { } remote ? remote.Count() : Store.Count();

    /// <inheritdoc />
    public Type ElementType => typeof(T);

    /// <inheritdoc />
    public Expression Expression { get; }

    /// <inheritdoc />
    public IQueryProvider Provider { get; }

    /// <summary>Enumerates copies of every document of a snapshot, in key order.</summary>
    /// <exception cref="ZgDbCorruptFileException">A chunk or index file it had to load failed its checks (<see cref="ZgDbCorruptFileException.Reason"/>, file and offset).</exception>
    /// <exception cref="ZgDbUnsupportedVersionException">A chunk or index file it had to load is of a newer format version.</exception>
    /// <exception cref="ZgDbIOException">A chunk or index file it had to load could not be read.</exception>
    public IEnumerator<T> GetEnumerator() => RemoteCollection is { } remote ? remote.Scan().GetEnumerator() : Rows(Store);

    /// <summary>Copies of the stored documents, checking before each step that the database is still open.</summary>
    private IEnumerator<T> Rows(ICollectionStore<T> store)
    {
        using var stored = store.ScanStored().GetEnumerator();
        while (true)
        {
            Database.ThrowIfDisposed();
            if (!stored.MoveNext()) yield break;
            yield return store.Copy(stored.Current);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"ZgCollection<{typeof(T).Name}> {_entity.CollectionName}";
}
