using System.Text.Json;
using Grpc.Core;
using ZgDb.Remote;
using static ZgDb.Remote.RemoteProtocol;

namespace ZgDb.Client;

/// <summary>
/// How the server's errors travel (trailers beside the gRPC status) and become ZgDb's catalog again on the client:
/// a duplicate key is a <see cref="ZgDbDuplicateKeyException"/> on both sides, a missing document a
/// <see cref="ZgDbNotFoundException"/>, a refused query a <see cref="NotSupportedException"/>; the transport's own
/// failures (unreachable, deadline, token) are <see cref="ZgDbConnectionException"/>.
/// </summary>
internal static class RemoteErrors
{
    public static Exception FromStatus(string address, RpcException e, DatabaseModel model)
    {
        string? kind = e.Trailers.GetValue(KindTrailer);
        string message = e.Status.Detail;
        string collection = e.Trailers.GetValue(CollectionTrailer) ?? "";
        string detail = e.Trailers.GetValue(DetailTrailer) ?? message;
        object? KeyValue() => model.FindCollection(collection) is { } entity && e.Trailers.GetValue(KeyTrailer) is { } json
            ? KeyJson.Read(entity, System.Text.Encoding.UTF8.GetBytes(json))
            : null;
        return kind switch
        {
            DuplicateKey => new ZgDbDuplicateKeyException(collection, KeyValue() ?? "?"),
            NotFound => new ZgDbNotFoundException(collection, KeyValue() ?? "?"),
            Validation => new ZgDbValidationException(collection, detail),
            ForeignKey => new ZgDbForeignKeyException(collection, e.Trailers.GetValue(KeyTrailer) ?? "?", detail),
            Unique or Database => new ZgDbException(message),
            Argument => new ArgumentException(message),
            InvalidOperation => new InvalidOperationException(message),
            NotSupported or Refused => new NotSupportedException(message),
            ModelMismatch or NoHandshake => new ZgDbConnectionException(address, message, e),
            _ => e.StatusCode switch
            {
                StatusCode.Unauthenticated => new ZgDbConnectionException(address, "the server refused the token (give ZgClientOptions.Token the server's token). " + message, e),
                StatusCode.PermissionDenied => new ZgDbConnectionException(address, message, e),
                StatusCode.DeadlineExceeded => new ZgDbConnectionException(address, "the call ran past its deadline (ZgClientOptions.CallTimeout); a write may or may not have been applied.", e),
                StatusCode.ResourceExhausted => new ZgDbConnectionException(address, "a limit of the server or client was reached: " + message, e),
                StatusCode.Cancelled => new OperationCanceledException(message, e),
                _ => new ZgDbConnectionException(address, $"{e.StatusCode}: {message}", e),
            },
        };
    }
}
