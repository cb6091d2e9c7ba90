using System.Text.Json;
using Grpc.Core;

namespace ZgDb.Client;

/// <summary>
/// How the server's errors travel (trailers beside the gRPC status) and become ZgDb's catalog again on the client:
/// a duplicate key is a <see cref="ZgDbDuplicateKeyException"/> on both sides, a missing document a
/// <see cref="ZgDbNotFoundException"/>, a refused query a <see cref="NotSupportedException"/>; the transport's own
/// failures (unreachable, deadline, token) are <see cref="ZgDbConnectionException"/>.
/// </summary>
internal static class RemoteErrors
{
    public const string Kind = "zgdb-error", Collection = "zgdb-collection", Key = "zgdb-key", Detail = "zgdb-detail";

    public const string DuplicateKey = "duplicate-key", NotFound = "not-found", Validation = "validation", ForeignKey = "foreign-key",
        Unique = "unique", Database = "database", Argument = "argument", InvalidOperation = "invalid-operation", NotSupported = "not-supported",
        Refused = "query-refused", ModelMismatch = "model-mismatch";

    public static Exception FromStatus(string address, RpcException e, DatabaseModel model)
    {
        string? kind = e.Trailers.GetValue(Kind);
        string message = e.Status.Detail;
        string collection = e.Trailers.GetValue(Collection) ?? "";
        string detail = e.Trailers.GetValue(Detail) ?? message;
        object? KeyValue() => model.FindCollection(collection) is { } entity && e.Trailers.GetValue(Key) is { } json
            ? KeyJson.Read(entity, System.Text.Encoding.UTF8.GetBytes(json))
            : null;
        return kind switch
        {
            DuplicateKey => new ZgDbDuplicateKeyException(collection, KeyValue() ?? "?"),
            NotFound => new ZgDbNotFoundException(collection, KeyValue() ?? "?"),
            Validation => new ZgDbValidationException(collection, detail),
            ForeignKey => new ZgDbForeignKeyException(collection, e.Trailers.GetValue(Key) ?? "?", detail),
            Unique or Database => new ZgDbException(message),
            Argument => new ArgumentException(message),
            InvalidOperation => new InvalidOperationException(message),
            NotSupported or Refused => new NotSupportedException(message),
            ModelMismatch => new ZgDbConnectionException(address, message, e),
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

/// <summary>Keys as JSON: the key's own type, or an array of the parts for a composite key.</summary>
internal static class KeyJson
{
    public static byte[] Write(EntityType entity, object key) => key switch
    {
        object[] parts => JsonSerializer.SerializeToUtf8Bytes(parts.Select(p => (object?)p).ToArray()),
        CompositeKey composite => JsonSerializer.SerializeToUtf8Bytes(composite.Parts.ToArray()),
        _ => JsonSerializer.SerializeToUtf8Bytes(key, key.GetType()),
    };

    public static object Read(EntityType entity, ReadOnlySpan<byte> json)
    {
        if (!entity.HasCompositeKey)
            return JsonSerializer.Deserialize(json, entity.Key.ClrType) ?? throw new ArgumentException($"Collection '{entity.CollectionName}': the key is null.");
        var parts = JsonSerializer.Deserialize<JsonElement[]>(json) ?? [];
        if (parts.Length != entity.KeyParts.Count)
            throw new ArgumentException($"Collection '{entity.CollectionName}': the key of {entity.Name} has the parts {entity.KeyName}; got {parts.Length} values.");
        return parts.Select((p, i) => p.Deserialize(entity.KeyParts[i].ClrType)!).ToArray();
    }
}
