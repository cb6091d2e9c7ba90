using Grpc.Core;
using ZgDb.Remote;
using static ZgDb.Remote.RemoteProtocol;

namespace ZgDb.Client;

/// <summary>
/// The server's errors (a gRPC status plus trailers, <see cref="RemoteProtocol"/>) as ZgDb's catalog again: the same
/// exception type, built with the same constructor from the same parts, so its properties and message are the
/// embedded ones (<see cref="ZgDbDuplicateKeyException"/> with its <c>Key</c>, <see cref="ZgDbUniqueConstraintException"/>
/// with its <c>Index</c>, <see cref="ZgDbForeignKeyException"/> with its <c>Relationship</c>...); a refused query is a
/// <see cref="NotSupportedException"/>; the transport's own failures (unreachable, deadline, token, a limit) are
/// <see cref="ZgDbConnectionException"/>.
/// </summary>
internal static class RemoteErrors
{
    public static Exception FromStatus(string address, RpcException e, DatabaseModel model)
    {
        string? kind = e.Trailers.GetValue(KindTrailer);
        string message = e.Status.Detail;
        string? Trailer(string name) => e.Trailers.GetValue(name) is { } value ? Uri.UnescapeDataString(value) : null;
        string collection = Trailer(CollectionTrailer) ?? "";
        string detail = Trailer(DetailTrailer) ?? message;
        object KeyValue()
        {
            if (model.FindCollection(collection) is not { } entity || Trailer(KeyTrailer) is not { } json) return "?";
            var key = KeyJson.Read(entity, System.Text.Encoding.UTF8.GetBytes(json));
            return key is object[] parts ? new CompositeKey(parts) : key;
        }
        return kind switch
        {
            DuplicateKey => new ZgDbDuplicateKeyException(collection, KeyValue()),
            NotFound => new ZgDbNotFoundException(collection, KeyValue()),
            Validation => new ZgDbValidationException(collection, detail),
            ForeignKey => new ZgDbForeignKeyException(collection, Trailer(KeyTrailer) ?? "?", detail),
            Unique => new ZgDbUniqueConstraintException(collection, Trailer(IndexTrailer) ?? "?", new Shown(Trailer(ValueTrailer) ?? "?"), new Shown(Trailer(KeyTrailer) ?? "?")),
            SchemaMismatch => new ZgDbSchemaMismatchException(collection, Trailer(PropertyTrailer), detail),
            Faulted => new ZgDbFaultedException(message, null),
            Database => new ZgDbException(message),
            Argument => new ArgumentException(message),
            InvalidOperation => new InvalidOperationException(message),
            NotSupported or Refused => new NotSupportedException(message),
            ModelMismatch or NoHandshake => new ZgDbConnectionException(address, message, e),
            Limit => new ZgDbConnectionException(address, "a limit of the server was reached: " + message, e),
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

    /// <summary>A value as the server's message showed it: the catalog formats it back to the same text.</summary>
    private sealed class Shown(string text)
    {
        public override string ToString() => text;
    }
}
