using System.Text.Json;
using Google.Protobuf;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Client;

/// <summary>One collection of a connected database: its key operations as single calls, documents as the engine's JSON.</summary>
internal sealed class RemoteCollection<T>(GrpcBackend backend, EntityType entity) : IRemoteCollection<T> where T : class
{
    private ByteString Document(T document) => UnsafeByteOperations.UnsafeWrap(RemoteDocuments.Pack(JsonSerializer.SerializeToUtf8Bytes(document, backend.Json), backend.CompressAbove));

    public T? Find(object key)
    {
        var request = new FindRequest { Collection = entity.CollectionName, KeyJson = ByteString.CopyFrom(KeyJson.Write(entity, key)) };
        var reply = backend.Current is { } tx ? tx.Send(new TxRequest { Find = request }).Find : backend.Retried(o => backend.Data.Find(request, o));
        return reply.Found ? JsonSerializer.Deserialize<T>(backend.Unpack(reply.Document.Span), backend.Json) : null;
    }

    public void Insert(T document) => InsertMany([document], WriteKind.Insert);

    public void InsertMany(IReadOnlyList<T> documents) => InsertMany(documents, WriteKind.InsertMany);

    private void InsertMany(IReadOnlyList<T> documents, WriteKind kind)
    {
        var reply = Write(kind, documents);
        // The server assigned int/long/Guid keys that were 0 or empty: write them back, as the embedded Insert does.
        if (entity.HasCompositeKey || reply.KeysJson.Count != documents.Count) return;
        for (int i = 0; i < documents.Count; i++)
            entity.Key.Info.SetValue(documents[i], KeyJson.Read(entity, reply.KeysJson[i].Span));
    }

    public void Update(T document) => Write(WriteKind.Update, [document]);

    public void Upsert(T document) => Write(WriteKind.Upsert, [document]);

    private WriteReply Write(WriteKind kind, IReadOnlyList<T> documents)
    {
        var request = new WriteRequest { Collection = entity.CollectionName, Kind = kind };
        foreach (var document in documents) request.Documents.Add(Document(document));
        return Write(request);
    }

    /// <summary>A write: inside a transaction one request of its stream; otherwise one call with a fresh idempotency key, so a retry after a lost reply is applied once.</summary>
    private WriteReply Write(WriteRequest request) =>
        backend.Current is { } tx ? tx.Send(new TxRequest { Write = request }).Write : backend.Retried(o => backend.Data.Write(request, o), Guid.NewGuid().ToString("n"));

    public bool Delete(object key) =>
        Write(new WriteRequest { Collection = entity.CollectionName, Kind = WriteKind.Delete, KeyJson = ByteString.CopyFrom(KeyJson.Write(entity, key)) }).Deleted;

    private static readonly System.Reflection.MethodInfo QueryableWhere = typeof(Queryable).GetMethods()
        .Single(m => m.Name == nameof(Queryable.Where) && m.GetParameters()[1].ParameterType.GetGenericArguments()[0].GetGenericArguments().Length == 2)
        .MakeGenericMethod(typeof(T));

    /// <summary>
    /// The predicate travels as the remote query format's <c>Where(source, predicate)</c> (captured values computed here,
    /// as for a query); the server rebuilds and checks it like a query and deletes what matches in one atomic write.
    /// </summary>
    public int DeleteMany(System.Linq.Expressions.Expression<Func<T, bool>> predicate)
    {
        var source = new QueryNode { Kind = "source", Name = entity.CollectionName };
        var call = System.Linq.Expressions.Expression.Call(QueryableWhere,
            System.Linq.Expressions.Expression.Constant(Enumerable.Empty<T>().AsQueryable()), System.Linq.Expressions.Expression.Quote(predicate));
        var where = backend.Writer.TryWriteOperator(call, source)
            ?? throw new NotSupportedException($"Collection '{entity.CollectionName}' is on the ZgDb server {backend.Address}: DeleteMany's predicate {predicate} cannot travel: it uses something the remote query format does not carry (a method of the application, a constructor, a constant of a type the model does not store; docs/SERVER.md, \"What runs where\"). Query the keys (db.{entity.CollectionName}.Where(...).Select(x => x.Key)) and Delete each, inside a transaction for one atomic write.");
        var request = new WriteRequest
        {
            Collection = entity.CollectionName,
            Kind = WriteKind.DeleteMany,
            Query = UnsafeByteOperations.UnsafeWrap(new QueryMessage { Collection = entity.CollectionName, Chain = where }.ToUtf8()),
        };
        return Write(request).DeletedCount;
    }

    public long Count()
    {
        var request = new CountRequest { Collection = entity.CollectionName };
        return backend.Current is { } tx ? tx.Send(new TxRequest { Count = request }).Count.Count : backend.Retried(o => backend.Data.Count(request, o)).Count;
    }

    public IEnumerable<T> Scan() => new RemoteQueryProvider(backend).Stream<T>(new QueryMessage
    {
        Collection = entity.CollectionName,
        Chain = new QueryNode { Kind = "source", Name = entity.CollectionName },
    });
}
