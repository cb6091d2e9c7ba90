using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ZgDb.Server;

/// <summary>
/// Runs before every data-plane call: refuses a call without an accepted bearer token (Unauthenticated), a call from
/// another machine unless <see cref="ZgServerOptions.AllowRemoteClients"/> (PermissionDenied); every kind of call
/// (unary, server, client and duplex streaming) goes through it.
/// </summary>
internal sealed class ZgDbServerInterceptor(ServedDatabase served) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    private void Check(ServerCallContext context)
    {
        var remote = context.GetHttpContext().Connection.RemoteIpAddress;
        if (!served.Options.AllowRemoteClients && remote is not null && !IPAddress.IsLoopback(remote))
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"this ZgDb server serves loopback clients only (set ZgServerOptions.AllowRemoteClients to serve {remote})."));
        if (!served.Tokens.Accepts(context.RequestHeaders.GetValue("authorization")))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "no accepted bearer token: send 'authorization: Bearer <token>' (ZgClientOptions.Token) with a token the server was given."));
    }
}
