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
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        using (served.Calls.Enter()) return await continuation(request, context);
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
        var remote = context.GetHttpContext().Connection.RemoteIpAddress;
        if (!served.Options.AllowRemoteClients && remote is not null && !IPAddress.IsLoopback(remote))
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"this ZgDb server serves loopback clients only (set ZgServerOptions.AllowRemoteClients to serve {remote})."));
        if (!served.Tokens.Accepts(context.RequestHeaders.GetValue("authorization")))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "no accepted bearer token: send 'authorization: Bearer <token>' (ZgClientOptions.Token) with a token the server was given."));
        if (!context.Method.EndsWith("/Handshake", StringComparison.Ordinal)) CheckHandshake(context);
    }

    private void CheckHandshake(ServerCallContext context)
    {
        var version = context.RequestHeaders.GetValue(RemoteProtocol.ProtocolHeader);
        var fingerprint = context.RequestHeaders.GetValue(RemoteProtocol.FingerprintHeader);
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
}
