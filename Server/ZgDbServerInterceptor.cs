using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using ZgDb.Remote;

namespace ZgDb.Server;

/// <summary>
/// Runs before every data-plane call: refuses a call from another machine unless
/// <see cref="ZgServerOptions.AllowRemoteClients"/> (PermissionDenied), a call without an accepted bearer token
/// (Unauthenticated), and any call but <c>Handshake</c> that does not carry the protocol version and the server's model
/// fingerprint a passed handshake gives the client (FailedPrecondition: no handshake, or another model, naming its
/// first difference when a handshake saw it), and a call over <see cref="ZgServerOptions.MaxConcurrentCalls"/> or a
/// transaction over <see cref="ZgServerOptions.MaxConcurrentTransactions"/> (ResourceExhausted); every kind of call
/// (unary, server, client and duplex streaming) goes through it.
/// </summary>
internal sealed class ZgDbServerInterceptor(ServedDatabase served) : Interceptor
{
    /// <summary>
    /// A unary call: the handlers answer synchronously (<c>Task.FromResult</c>), so the place is released at once and
    /// no async state machine is built per call; a handler that does not complete at once is awaited.
    /// </summary>
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        var place = served.Calls.Enter();
        Task<TResponse> call;
        try
        {
            call = continuation(request, context);
        }
        catch
        {
            place.Dispose();
            throw;
        }
        if (call.IsCompleted)
        {
            place.Dispose();
            return call;
        }
        return Awaited(call, place);

        static async Task<TResponse> Awaited(Task<TResponse> call, ConcurrencyLimit.Place place)
        {
            using (place) return await call;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        using (served.Calls.Enter()) await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        using (served.Calls.Enter())
        using (context.Method.EndsWith("/Transaction", StringComparison.Ordinal) ? served.Transactions.Enter() : null)
            await continuation(requestStream, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        using (served.Calls.Enter()) return await continuation(requestStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (served.Stopping)
            throw new RpcException(new Status(StatusCode.Unavailable, "the ZgDb server is stopping: it finishes the calls in flight and accepts no new ones."));
        var remote = context.GetHttpContext().Connection.RemoteIpAddress;
        if (!served.Options.AllowRemoteClients && remote is not null && !IPAddress.IsLoopback(remote))
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"this ZgDb server serves loopback clients only (set ZgServerOptions.AllowRemoteClients to serve {remote})."));
        // The headers are read from the HTTP request itself: ServerCallContext.RequestHeaders builds a Metadata copy of all of them per call.
        var headers = context.GetHttpContext().Request.Headers;
        if (!served.Tokens.Accepts(headers.Authorization.Count == 1 ? headers.Authorization[0] : null))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "no accepted bearer token: send 'authorization: Bearer <token>' (ZgClientOptions.Token) with a token the server was given."));
        if (!context.Method.EndsWith("/Handshake", StringComparison.Ordinal)) CheckHandshake(context, headers);
    }

    private void CheckHandshake(ServerCallContext context, Microsoft.AspNetCore.Http.IHeaderDictionary headers)
    {
        var version = Single(headers, RemoteProtocol.ProtocolHeader);
        var fingerprint = Single(headers, RemoteProtocol.FingerprintHeader);
        if (version is null || fingerprint is null)
            throw ZgDbDataService.Refuse(StatusCode.FailedPrecondition, RemoteProtocol.NoHandshake,
                $"{context.Method} was refused: the call carries no handshake (call Handshake first, then send its protocol version and the model fingerprint in the '{RemoteProtocol.ProtocolHeader}' and '{RemoteProtocol.FingerprintHeader}' headers; ZgDatabase.Connect does).");
        if (version != RemoteProtocol.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            throw ZgDbDataService.Refuse(StatusCode.FailedPrecondition, RemoteProtocol.ModelMismatch,
                $"{context.Method} was refused: the client speaks protocol version {version}, the server {RemoteProtocol.Version}.");
        if (fingerprint != served.Fingerprint)
        {
            var difference = served.Refused.Difference(fingerprint) ?? "connect again to have the handshake name the first difference";
            throw ZgDbDataService.Refuse(StatusCode.FailedPrecondition, RemoteProtocol.ModelMismatch,
                $"{context.Method} was refused: the client's model of {served.Database.GetType().Name} (fingerprint {fingerprint}) is not the server's ({served.Fingerprint}): {difference}.");
        }
    }

    /// <summary>The header's value when it was sent once (a repeated header counts as missing, as Metadata.GetValue's last value would be ambiguous).</summary>
    internal static string? Single(Microsoft.AspNetCore.Http.IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
