using Grpc.Core;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Client;

/// <summary>
/// A transaction of a connected database: one bidirectional stream the server holds the writer's turn for. While it
/// is open, the collections' calls on the flow that began it travel in it (one request, one reply), so they see its
/// writes; Commit publishes them, and Rollback, Dispose, a dropped connection or the server's
/// <c>TransactionTimeout</c> discard them.
/// </summary>
internal sealed class RemoteTransaction : IRemoteTransaction
{
    private readonly GrpcBackend _backend;
    private readonly AsyncDuplexStreamingCall<TxRequest, TxReply> _call;
    private readonly object _gate = new();
    private bool _active = true;

    private RemoteTransaction(GrpcBackend backend, AsyncDuplexStreamingCall<TxRequest, TxReply> call)
    {
        _backend = backend;
        _call = call;
    }

    public static RemoteTransaction Begin(GrpcBackend backend)
    {
        // No per-call deadline: the server's TransactionTimeout bounds the transaction.
        var call = backend.Call(o => backend.Data.Transaction(new CallOptions(o.Headers, null, o.CancellationToken)));
        var transaction = new RemoteTransaction(backend, call);
        try
        {
            var first = transaction.Receive();
            if (first.ResultCase != TxReply.ResultOneofCase.Begun)
                throw new ZgDbConnectionException(backend.Address, "the server did not begin the transaction.");
        }
        catch
        {
            call.Dispose();
            throw;
        }
        return transaction;
    }

    public bool IsActive => _active;

    /// <summary>One request and its reply; a failed call inside the transaction throws ZgDb's error and leaves the transaction open.</summary>
    public TxReply Send(TxRequest request)
    {
        lock (_gate)
        {
            if (!_active) throw new InvalidOperationException("The transaction has already been committed or rolled back.");
            try
            {
                _call.RequestStream.WriteAsync(request).GetAwaiter().GetResult();
            }
            catch (RpcException e)
            {
                End();
                throw Ended(e);
            }
            var reply = Receive();
            if (reply.ResultCase == TxReply.ResultOneofCase.Error)
            {
                var trailers = new Metadata();
                foreach (var (key, value) in reply.Error.Trailers) trailers.Add(key, value);
                throw RemoteErrors.FromStatus(_backend.Address, new RpcException(new Status((StatusCode)reply.Error.Status, reply.Error.Message), trailers), _backend.Model);
            }
            return reply;
        }
    }

    private TxReply Receive()
    {
        try
        {
            if (!_call.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult())
            {
                End();
                throw new ZgDbConnectionException(_backend.Address, "the server ended the transaction (its TransactionTimeout passed, or it stopped); it was rolled back.");
            }
            return _call.ResponseStream.Current;
        }
        catch (RpcException e)
        {
            End();
            throw Ended(e);
        }
    }

    /// <summary>The stream failed: the server ended the transaction (its deadline, its stop, a dropped connection), which rolls it back.</summary>
    private Exception Ended(RpcException e) => e.StatusCode is StatusCode.Cancelled or StatusCode.DeadlineExceeded
        ? new ZgDbConnectionException(_backend.Address, "the transaction ended on the server before it was committed (its TransactionTimeout or deadline passed, or the server stopped) and was rolled back.", e)
        : _backend.Failure(e);

    public void Commit()
    {
        Send(new TxRequest { Commit = true });
        End();
    }

    public void Rollback()
    {
        lock (_gate)
        {
            if (!_active) return;
            try
            {
                Send(new TxRequest { Rollback = true });
            }
            catch (ZgDbConnectionException)
            {
                // the stream is gone: the server rolled back already
            }
            End();
        }
    }

    private void End()
    {
        if (!_active) return;
        _active = false;
        _backend.EndTransaction(this);
        try
        {
            _call.RequestStream.CompleteAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
        }
        _call.Dispose();
    }
}
