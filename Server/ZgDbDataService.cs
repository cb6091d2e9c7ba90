using System.Collections;
using System.Linq.Expressions;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server;

/// <summary>The data plane: each call runs on the served database as the same call would run embedded.</summary>
internal sealed class ZgDbDataService(ServedDatabase served) : ZgDbData.ZgDbDataBase
{
    public override Task<HandshakeReply> Handshake(HandshakeRequest request, ServerCallContext context) => Run(() =>
    {
        if (request.ProtocolVersion != RemoteProtocol.Version)
            throw Refuse(StatusCode.FailedPrecondition, RemoteProtocol.ModelMismatch, $"the client speaks protocol version {request.ProtocolVersion}, the server {RemoteProtocol.Version}.");
        var stored = served.Database.Model.Stored;
        if (request.Fingerprint != stored.Fingerprint)
        {
            StoredModel? client = null;
            try
            {
                client = JsonSerializer.Deserialize<StoredModel>(request.ModelJson);
            }
            catch (JsonException)
            {
            }
            var difference = client is null ? "the client sent no readable model" : ModelDifference.First(stored, client);
            served.Refused.Add(request.Fingerprint, difference);
            throw Refuse(StatusCode.FailedPrecondition, RemoteProtocol.ModelMismatch,
                $"the client's model of {served.Database.GetType().Name} (fingerprint {request.Fingerprint}) is not the server's ({stored.Fingerprint}): {difference}.");
        }
        return new HandshakeReply { ProtocolVersion = RemoteProtocol.Version, Fingerprint = stored.Fingerprint, PageSize = served.Options.PageSize };
    });

    public override Task<FindReply> Find(FindRequest request, ServerCallContext context) =>
        Run(() => served.Collection(request.Collection).Find(request.KeyJson.Span));

    /// <summary>A write; with an idempotency key (the client sends one with every write outside a transaction) a retry is answered from the first attempt, not applied again.</summary>
    public override Task<WriteReply> Write(WriteRequest request, ServerCallContext context) => Run(() =>
        ZgDbServerInterceptor.Single(context.GetHttpContext().Request.Headers, RemoteProtocol.IdempotencyHeader) is { } key
            ? served.Idempotency.Run(key, request, () => served.Collection(request.Collection).Write(request))
            : served.Collection(request.Collection).Write(request));

    public override Task<CountReply> Count(CountRequest request, ServerCallContext context) =>
        Run(() => new CountReply { Count = served.Collection(request.Collection).Count() });

    /// <summary>Waits for the write-ahead log to be on disk (async: no thread waits for the flush).</summary>
    public override async Task<FlushReply> Flush(FlushRequest request, ServerCallContext context)
    {
        try
        {
            await served.Database.FlushAsync(context.CancellationToken);
            return new FlushReply { DurableLsn = served.Database.GetStatistics().DurableLsn };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw ServerErrors.ToRpc(e);
        }
    }

    public override Task<CheckpointReply> Checkpoint(CheckpointRequest request, ServerCallContext context) => Run(() =>
    {
        served.Database.Checkpoint();
        return new CheckpointReply { CheckpointLsn = served.Database.GetStatistics().CheckpointLsn };
    });

    public override Task<StatisticsReply> Statistics(StatisticsRequest request, ServerCallContext context) =>
        Run(() => new StatisticsReply { StatisticsJson = UnsafeByteOperations.UnsafeWrap(JsonSerializer.SerializeToUtf8Bytes(served.Database.GetStatistics())) });

    public override async Task Query(QueryRequest request, IServerStreamWriter<QueryPage> responseStream, ServerCallContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, served.Aborted);
        timeout.CancelAfter(served.Options.CallTimeout);
        using var run = new QueryRun(served, request);
        if (request.ExplainOnly)
        {
            await responseStream.WriteAsync(new QueryPage { Explain = run.Explain() }, timeout.Token);
            return;
        }
        while (true)
        {
            QueryPage? page;
            try
            {
                page = run.NextPage(served.Options.PageSize, timeout.Token);
            }
            catch (OperationCanceledException) when (served.Aborted.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"the ZgDb server stopped before the query ended (ZgServerOptions.DrainTimeout {served.Options.DrainTimeout})."));
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"the query ran past the server's call timeout ({served.Options.CallTimeout})."));
            }
            if (page is null) return;
            await responseStream.WriteAsync(page, timeout.Token);
        }
    }

    /// <summary>
    /// One transaction per stream, begun on the handler's async flow (the engine's transaction is ambient to it), so
    /// every request of the stream runs inside it. Anything but a commit request rolls back: the end of the stream,
    /// a dropped connection (the call is cancelled), <see cref="ZgServerOptions.TransactionTimeout"/>, a server stop.
    /// </summary>
    public override async Task Transaction(IAsyncStreamReader<TxRequest> requestStream, IServerStreamWriter<TxReply> responseStream, ServerCallContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, served.Aborted);
        timeout.CancelAfter(served.Options.TransactionTimeout);
        using var transaction = served.Database.BeginTransaction();
        await responseStream.WriteAsync(new TxReply { Begun = true }, timeout.Token);
        try
        {
            while (await requestStream.MoveNext(timeout.Token))
            {
                var request = requestStream.Current;
                TxReply reply;
                try
                {
                    reply = Execute(request, transaction, timeout.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var rpc = ServerErrors.ToRpc(e);
                    var error = new TxError { Status = (int)rpc.StatusCode, Message = rpc.Status.Detail };
                    foreach (var entry in rpc.Trailers) error.Trailers[entry.Key] = entry.Value;
                    reply = new TxReply { Error = error };
                }
                await responseStream.WriteAsync(reply, timeout.Token);
                if (reply.ResultCase == TxReply.ResultOneofCase.Ended) return;
            }
        }
        catch (OperationCanceledException) when (served.Aborted.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the ZgDb server stopped before the transaction ended (ZgServerOptions.DrainTimeout {served.Options.DrainTimeout}); it was rolled back."));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"the transaction ran past the server's TransactionTimeout ({served.Options.TransactionTimeout}) and was rolled back."));
        }
    }

    private TxReply Execute(TxRequest request, ZgTransaction transaction, CancellationToken cancellationToken)
    {
        switch (request.OpCase)
        {
            case TxRequest.OpOneofCase.Find: return new TxReply { Find = served.Collection(request.Find.Collection).Find(request.Find.KeyJson.Span) };
            case TxRequest.OpOneofCase.Write: return new TxReply { Write = served.Collection(request.Write.Collection).Write(request.Write) };
            case TxRequest.OpOneofCase.Count: return new TxReply { Count = new CountReply { Count = served.Collection(request.Count.Collection).Count() } };
            case TxRequest.OpOneofCase.Query:
                using (var run = new QueryRun(served, request.Query))
                    return new TxReply { Page = run.NextPage(int.MaxValue, cancellationToken) ?? new QueryPage() };
            case TxRequest.OpOneofCase.Commit:
                transaction.Commit();
                return new TxReply { Ended = true };
            case TxRequest.OpOneofCase.Rollback:
                transaction.Rollback();
                return new TxReply { Ended = true };
            default:
                throw new ArgumentException($"a transaction request without an operation ({request.OpCase}).");
        }
    }

    private static Task<T> Run<T>(Func<T> call)
    {
        try
        {
            return Task.FromResult(call());
        }
        catch (Exception e)
        {
            throw ServerErrors.ToRpc(e);
        }
    }

    internal static RpcException Refuse(StatusCode code, string kind, string message) =>
        new(new Status(code, message), new Metadata { { RemoteProtocol.KindTrailer, kind } });
}

/// <summary>One query: parsed and checked (<see cref="QueryReader"/>) when created, then read page by page.</summary>
internal sealed class QueryRun : IDisposable
{
    private readonly ServedDatabase _served;
    private readonly Expression _query;
    private readonly bool _isScalar;
    private IEnumerator? _rows;
    private bool _done;

    public QueryRun(ServedDatabase served, QueryRequest request)
    {
        _served = served;
        QueryMessage message;
        try
        {
            message = QueryMessage.Parse(request.Query.Span);
            (_query, _isScalar) = new QueryReader(served.Database.Model, served.Types).Read(message, entity => served.Collection(entity.CollectionName).Root);
        }
        catch (Exception e) when (e is RemoteQueryRefusedException or JsonException or ArgumentException)
        {
            throw ZgDbDataService.Refuse(StatusCode.InvalidArgument, RemoteProtocol.Refused, "The query was refused before running: " + e.Message);
        }
        Provider = served.Collection(message.Collection).Root.Provider;
        _includes = IncludeTree.Of(_query);
    }

    /// <summary>The navigations the query includes, when its results are the included entities (null otherwise).</summary>
    private readonly IncludeTree? _includes;

    private IQueryProvider Provider { get; }

    /// <summary>The embedded planner's plan of the query (nothing runs).</summary>
    public string Explain()
    {
        try
        {
            return ((IExplainingProvider)Provider).Explain(_query);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ServerErrors.ToRpc(e);
        }
    }

    /// <summary>The next page of at most <paramref name="pageSize"/> items (the value of a scalar query), or null after the last.</summary>
    public QueryPage? NextPage(int pageSize, CancellationToken cancellationToken)
    {
        if (_done) return null;
        try
        {
            if (_isScalar)
            {
                _done = true;
                return new QueryPage { IsScalar = true, Scalar = UnsafeByteOperations.UnsafeWrap(RemoteDocuments.Pack(JsonSerializer.SerializeToUtf8Bytes(Provider.Execute(_query), _query.Type, _served.Json), _served.Options.CompressAbove)) };
            }
            _rows ??= ((IEnumerable)Provider.CreateQuery(_query)).GetEnumerator();
            var element = RemoteDatabase.ElementType(_query.Type);
            var page = new QueryPage { Included = _includes is not null };
            while (page.Items.Count < pageSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!_rows.MoveNext())
                {
                    _done = true;
                    break;
                }
                var json = _includes is null ? JsonSerializer.SerializeToUtf8Bytes(_rows.Current, element, _served.Json) : _includes.Envelope(_rows.Current!, element, _served.Json);
                page.Items.Add(UnsafeByteOperations.UnsafeWrap(RemoteDocuments.Pack(json, _served.Options.CompressAbove)));
            }
            return page;
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            throw ServerErrors.ToRpc(e);
        }
    }

    public void Dispose() => (_rows as IDisposable)?.Dispose();
}

/// <summary>
/// The navigations a query includes (<c>Include(b =&gt; b.Writer)</c>, <c>.ThenInclude(...)</c>) as a tree of names, and
/// the envelope each result travels in so the client gets them: <c>{"d": document, "n": {"Writer": {"d": ..., "n":
/// {...}}}}</c> (a collection navigation is an array of envelopes, a missing reference null). The documents' own JSON
/// never holds navigations (the engine stores none), hence the envelope.
/// </summary>
internal sealed class IncludeTree
{
    private readonly Dictionary<string, IncludeTree> _children = new(StringComparer.Ordinal);

    /// <summary>The tree of <paramref name="query"/>'s Include chain, or null when it has none or its results are not the entities it includes (a Select after it).</summary>
    public static IncludeTree? Of(Expression query)
    {
        var calls = new List<MethodCallExpression>();
        for (var node = query; node is MethodCallExpression call && call.Arguments.Count > 0; node = call.Arguments[0])
            if (call.Method.DeclaringType == typeof(ZgDb.Linq.IncludeExtensions)) calls.Add(call);
        if (calls.Count == 0 || !typeof(IQueryable).IsAssignableFrom(query.Type)) return null;
        var included = calls[0].Method.GetGenericArguments()[0];
        if (RemoteDatabase.ElementType(query.Type) != included) return null;
        calls.Reverse(); // from the innermost: each Include starts a path, each ThenInclude extends the last one
        var root = new IncludeTree();
        IncludeTree? last = null;
        foreach (var call in calls)
        {
            var name = ((MemberExpression)((LambdaExpression)((UnaryExpression)call.Arguments[1]).Operand).Body).Member.Name;
            var parent = call.Method.Name == nameof(ZgDb.Linq.IncludeExtensions.Include) ? root : last!;
            if (!parent._children.TryGetValue(name, out var child)) parent._children[name] = child = new IncludeTree();
            last = child;
        }
        return root;
    }

    public byte[] Envelope(object item, Type type, JsonSerializerOptions json)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, item, type, json);
        return buffer.WrittenSpan.ToArray();
    }

    private void Write(Utf8JsonWriter writer, object item, Type type, JsonSerializerOptions json)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("d");
        JsonSerializer.Serialize(writer, item, type, json);
        writer.WriteStartObject("n");
        foreach (var (name, child) in _children)
        {
            writer.WritePropertyName(name);
            var property = item.GetType().GetProperty(name)!;
            switch (property.GetValue(item))
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case IEnumerable many when property.PropertyType != typeof(string):
                    var element = RemoteDatabase.ElementType(property.PropertyType);
                    writer.WriteStartArray();
                    foreach (var one in many) child.Write(writer, one!, element, json);
                    writer.WriteEndArray();
                    break;
                case var one:
                    child.Write(writer, one, property.PropertyType, json);
                    break;
            }
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
