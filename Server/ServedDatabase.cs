using System.Linq.Expressions;
using System.Text.Json;
using Google.Protobuf;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server;

/// <summary>The database a server serves, with what every call needs: its collections by name, the type tokens and the token check.</summary>
internal sealed class ServedDatabase : IDisposable
{
    public ServedDatabase(ZgDatabase database, ZgServerOptions options)
    {
        Database = database;
        Options = options;
        Tokens = new TokenCheck(options.Tokens);
        Types = new TypeTokens(database.Model);
        Json = RemoteDatabase.DocumentJson(database);
        Fingerprint = database.Model.Stored.Fingerprint;
        if (options.MaxConcurrentCalls < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxConcurrentCalls, "ZgServerOptions.MaxConcurrentCalls must be at least 1.");
        if (options.MaxConcurrentTransactions < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxConcurrentTransactions, "ZgServerOptions.MaxConcurrentTransactions must be at least 1.");
        Calls = new ConcurrencyLimit(options.MaxConcurrentCalls, nameof(ZgServerOptions.MaxConcurrentCalls), "concurrent calls");
        Idempotency = new IdempotentWrites(options.IdempotencyWindow, options.IdempotencyCapacity);
        Transactions = new ConcurrencyLimit(options.MaxConcurrentTransactions, nameof(ZgServerOptions.MaxConcurrentTransactions), "open transactions");
        foreach (var entity in database.Model.Entities)
            Collections[entity.CollectionName] = (ICollectionEndpoint)Activator.CreateInstance(
                typeof(CollectionEndpoint<>).MakeGenericType(entity.ClrType), database, entity, options)!;
    }

    public ZgDatabase Database { get; }
    public ZgServerOptions Options { get; }
    public TokenCheck Tokens { get; }
    public TypeTokens Types { get; }

    /// <summary>The stored model's fingerprint: a data call must carry it (<see cref="RemoteProtocol.FingerprintHeader"/>), as a client that passed the handshake does.</summary>
    public string Fingerprint { get; }

    /// <summary>The calls being served (<see cref="ZgServerOptions.MaxConcurrentCalls"/>).</summary>
    public ConcurrencyLimit Calls { get; }

    /// <summary>The remembered outcomes of keyed writes (a retried write is applied once).</summary>
    public IdempotentWrites Idempotency { get; }

    /// <summary>The transactions open (<see cref="ZgServerOptions.MaxConcurrentTransactions"/>).</summary>
    public ConcurrencyLimit Transactions { get; }

    /// <summary>The first differences of the models refused at the handshake, by their fingerprint, so a data call that carries one is refused naming it.</summary>
    public RefusedModels Refused { get; } = new();

    /// <summary>The documents' JSON options (the engine's own).</summary>
    public JsonSerializerOptions Json { get; }

    /// <summary>By collection name: built once from the server's own model (a name from the wire is only ever looked up here).</summary>
    public Dictionary<string, ICollectionEndpoint> Collections { get; } = new(StringComparer.Ordinal);

    public ICollectionEndpoint Collection(string name) => Collections.TryGetValue(name, out var endpoint)
        ? endpoint
        : throw new ArgumentException($"The database {Database.GetType().Name} has no collection '{name}'.");

    private readonly CancellationTokenSource _abort = new();
    private int _stopping;

    /// <summary>True once the server began to stop: new data calls are refused (<see cref="ServerDrain"/>).</summary>
    public bool Stopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>Cancelled when a stop's drain bound passed: the streams still open end (a transaction rolls back).</summary>
    public CancellationToken Aborted => _abort.Token;

    public void BeginStopping() => Volatile.Write(ref _stopping, 1);

    public void AbortCalls() => _abort.Cancel();

    public void Dispose()
    {
        _abort.Dispose();
        Database.Dispose();
    }
}

/// <summary>The first difference of each model a handshake refused (at most <see cref="Capacity"/> of them: a client cannot grow it without bound).</summary>
internal sealed class RefusedModels
{
    public const int Capacity = 64;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _differences = new(StringComparer.Ordinal);

    public void Add(string fingerprint, string difference)
    {
        if (_differences.Count < Capacity) _differences.TryAdd(fingerprint, difference);
    }

    public string? Difference(string fingerprint) => _differences.TryGetValue(fingerprint, out var difference) ? difference : null;
}

/// <summary>One collection's operations on the wire's JSON.</summary>
internal interface ICollectionEndpoint
{
    EntityType Entity { get; }
    IQueryable Root { get; }
    FindReply Find(ReadOnlySpan<byte> keyJson);
    WriteReply Write(WriteRequest request);
    long Count();
}

internal sealed class CollectionEndpoint<T>(ZgDatabase database, EntityType entity, ZgServerOptions options) : ICollectionEndpoint where T : class
{
    private readonly ZgCollection<T> _collection = (ZgCollection<T>)RemoteDatabase.Collection(database, typeof(T));

    public EntityType Entity => entity;
    public IQueryable Root => _collection;

    private readonly JsonSerializerOptions _json = RemoteDatabase.DocumentJson(database);
    private readonly TypeTokens _types = new(database.Model);

    private JsonSerializerOptions Json => _json;

    public FindReply Find(ReadOnlySpan<byte> keyJson)
    {
        var key = KeyJson.Read(entity, keyJson);
        var found = key is object[] parts ? _collection.Find(parts) : _collection.Find(key);
        return found is null ? new FindReply() : new FindReply { Found = true, Document = UnsafeByteOperations.UnsafeWrap(RemoteDocuments.Pack(JsonSerializer.SerializeToUtf8Bytes(found, Json), options.CompressAbove)) };
    }

    public WriteReply Write(WriteRequest request)
    {
        var reply = new WriteReply();
        if (request.Kind == WriteKind.DeleteMany)
        {
            reply.DeletedCount = _collection.DeleteMany(Predicate(request.Query.Span));
            return reply;
        }
        if (request.Kind == WriteKind.Delete)
        {
            var key = KeyJson.Read(entity, request.KeyJson.Span);
            reply.Deleted = key is object[] parts ? _collection.Delete(parts) : _collection.Delete(key);
            return reply;
        }
        var documents = new List<T>(request.Documents.Count);
        for (int i = 0; i < request.Documents.Count; i++)
        {
            T? document;
            try
            {
                document = JsonSerializer.Deserialize<T>(RemoteDocuments.Unpack(request.Documents[i].Span, options.MaxMessageSize), Json);
            }
            catch (Exception e) when (e is JsonException or InvalidDataException)
            {
                throw new ZgDbValidationException(entity.CollectionName, $"document {i} of the request is not a {entity.Name} in the engine's JSON: {e.Message}");
            }
            documents.Add(document ?? throw new ZgDbValidationException(entity.CollectionName, $"document {i} of the request is null."));
        }
        if (request.Kind is not (WriteKind.InsertMany) && documents.Count != 1)
            throw new ArgumentException($"Collection '{entity.CollectionName}': a {request.Kind} carries one document, got {documents.Count}.");
        switch (request.Kind)
        {
            case WriteKind.Insert: _collection.Insert(documents[0]); break;
            case WriteKind.InsertMany: _collection.InsertMany(documents); break;
            case WriteKind.Update: _collection.Update(documents[0]); break;
            case WriteKind.Upsert: _collection.Upsert(documents[0]); break;
            default: throw new ArgumentException($"Collection '{entity.CollectionName}': the write kind {request.Kind} is not known.");
        }
        foreach (var document in documents)
            if (entity.KeyOf(document) is { } key)
                reply.KeysJson.Add(ByteString.CopyFrom(KeyJson.Write(entity, key)));
        return reply;
    }

    public long Count() => _collection.LongCount();

    /// <summary>
    /// A DeleteMany's predicate: the remote query format, read and checked by <see cref="QueryReader"/> exactly as a
    /// query is (refused before anything runs), whose chain must be <c>Where(source, predicate)</c>.
    /// </summary>
    private Expression<Func<T, bool>> Predicate(ReadOnlySpan<byte> query)
    {
        Expression chain;
        try
        {
            var message = QueryMessage.Parse(query);
            if (message.Collection != entity.CollectionName)
                throw new RemoteQueryRefusedException($"the DeleteMany of collection '{entity.CollectionName}' carries a predicate over '{message.Collection}'.");
            (chain, _) = new QueryReader(database.Model, _types).Read(message, _ => _collection);
        }
        catch (Exception e) when (e is RemoteQueryRefusedException or JsonException or ArgumentException)
        {
            throw ZgDbDataService.Refuse(Grpc.Core.StatusCode.InvalidArgument, RemoteProtocol.Refused, "The DeleteMany predicate was refused before running: " + e.Message);
        }
        if (chain is MethodCallExpression { Method.Name: nameof(Queryable.Where), Arguments: [ConstantExpression { Value: var root }, UnaryExpression { Operand: Expression<Func<T, bool>> predicate }] }
            && ReferenceEquals(root, _collection))
            return predicate;
        throw ZgDbDataService.Refuse(Grpc.Core.StatusCode.InvalidArgument, RemoteProtocol.Refused,
            $"The DeleteMany predicate was refused before running: its chain must be Where(source, predicate) over '{entity.CollectionName}', got {chain}.");
    }
}
