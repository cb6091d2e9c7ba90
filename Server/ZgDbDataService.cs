using System.Collections;
using System.Linq.Expressions;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using ZgDb.Client;
using ZgDb.Query;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server;

/// <summary>The data plane: each call runs on the served database as the same call would run embedded.</summary>
internal sealed class ZgDbDataService(ServedDatabase served) : ZgDbData.ZgDbDataBase
{
    public override Task<HandshakeReply> Handshake(HandshakeRequest request, ServerCallContext context) => Run(() =>
    {
        if (request.ProtocolVersion != GrpcBackend.ProtocolVersion)
            throw Refuse(StatusCode.FailedPrecondition, RemoteErrors.ModelMismatch, $"the client speaks protocol version {request.ProtocolVersion}, the server {GrpcBackend.ProtocolVersion}.");
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
            throw Refuse(StatusCode.FailedPrecondition, RemoteErrors.ModelMismatch,
                $"the client's model of {served.Database.GetType().Name} (fingerprint {request.Fingerprint}) is not the server's ({stored.Fingerprint}): {difference}.");
        }
        return new HandshakeReply { ProtocolVersion = GrpcBackend.ProtocolVersion, Fingerprint = stored.Fingerprint, PageSize = served.Options.PageSize };
    });

    public override Task<FindReply> Find(FindRequest request, ServerCallContext context) =>
        Run(() => served.Collection(request.Collection).Find(request.KeyJson.Span));

    public override Task<WriteReply> Write(WriteRequest request, ServerCallContext context) =>
        Run(() => served.Collection(request.Collection).Write(request));

    public override Task<CountReply> Count(CountRequest request, ServerCallContext context) =>
        Run(() => new CountReply { Count = served.Collection(request.Collection).Count() });

    public override async Task Query(QueryRequest request, IServerStreamWriter<QueryPage> responseStream, ServerCallContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(served.Options.CallTimeout);
        Expression query;
        bool isScalar;
        QueryMessage message;
        try
        {
            message = QueryMessage.Parse(request.Query.Span);
            (query, isScalar) = new QueryReader(served.Database.Model, served.Types).Read(message, entity => served.Collection(entity.CollectionName).Root);
        }
        catch (Exception e) when (e is RemoteQueryRefusedException or JsonException or ArgumentException)
        {
            throw Refuse(StatusCode.InvalidArgument, RemoteErrors.Refused, "The query was refused before running: " + e.Message);
        }
        var root = served.Collection(message.Collection);
        var provider = root.Root.Provider;
        if (isScalar)
        {
            var scalar = await Run(() => UnsafeByteOperations.UnsafeWrap(JsonSerializer.SerializeToUtf8Bytes(provider.Execute(query), query.Type, served.Database.DocumentJson)));
            await responseStream.WriteAsync(new QueryPage { IsScalar = true, Scalar = scalar }, timeout.Token);
            return;
        }
        var element = EnumerableMethods.ElementType(query.Type);
        IEnumerator rows;
        try
        {
            rows = ((IEnumerable)provider.CreateQuery(query)).GetEnumerator();
        }
        catch (Exception e)
        {
            throw ServerErrors.ToRpc(e);
        }
        using (rows as IDisposable)
        {
            var page = new QueryPage();
            while (true)
            {
                bool more;
                try
                {
                    timeout.Token.ThrowIfCancellationRequested();
                    more = rows.MoveNext();
                    if (more) page.Items.Add(UnsafeByteOperations.UnsafeWrap(JsonSerializer.SerializeToUtf8Bytes(rows.Current, element, served.Database.DocumentJson)));
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
                {
                    throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"the query ran past the server's call timeout ({served.Options.CallTimeout})."));
                }
                catch (Exception e) when (e is not RpcException and not OperationCanceledException)
                {
                    throw ServerErrors.ToRpc(e);
                }
                if (!more || page.Items.Count >= served.Options.PageSize)
                {
                    if (page.Items.Count > 0 || !more) await responseStream.WriteAsync(page, timeout.Token);
                    if (!more) return;
                    page = new QueryPage();
                }
            }
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
        new(new Status(code, message), new Metadata { { RemoteErrors.Kind, kind } });
}
