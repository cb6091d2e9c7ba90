using System.Text.Json;
using Grpc.Core;
using ZgDb.Remote;
using static ZgDb.Remote.RemoteProtocol;

namespace ZgDb.Server;

/// <summary>
/// ZgDb's errors as gRPC statuses with trailers (<see cref="RemoteProtocol"/>), so the client throws the same types
/// with the same properties and the same message: the status detail is the exception's message, each trailer one of
/// its parts (percent-encoded: metadata is ASCII), from which the client calls the same constructor.
/// </summary>
internal static class ServerErrors
{
    public static RpcException ToRpc(Exception e)
    {
        if (e is RpcException rpc) return rpc;
        var trailers = new Metadata();
        void Add(string name, string? value)
        {
            if (value is not null) trailers.Add(name, Uri.EscapeDataString(value));
        }
        StatusCode code;
        string kind;
        switch (e)
        {
            case ZgDbDuplicateKeyException d:
                (code, kind) = (StatusCode.AlreadyExists, DuplicateKey);
                Add(CollectionTrailer, d.Collection);
                Add(KeyTrailer, KeyText(d.Key));
                break;
            case ZgDbNotFoundException n:
                (code, kind) = (StatusCode.NotFound, NotFound);
                Add(CollectionTrailer, n.Collection);
                Add(KeyTrailer, KeyText(n.Key));
                break;
            case ZgDbValidationException v:
                (code, kind) = (StatusCode.InvalidArgument, Validation);
                Add(CollectionTrailer, v.Collection);
                Add(DetailTrailer, After(v.Message, $"Collection '{v.Collection}': "));
                break;
            case ZgDbForeignKeyException f:
                (code, kind) = (StatusCode.FailedPrecondition, ForeignKey);
                Add(CollectionTrailer, f.Collection);
                Add(KeyTrailer, f.Relationship);
                Add(DetailTrailer, After(f.Message, $"Collection '{f.Collection}', relationship {f.Relationship}: "));
                break;
            case ZgDbUniqueConstraintException u when UniqueParts(u) is var (value, existing):
                (code, kind) = (StatusCode.AlreadyExists, Unique);
                Add(CollectionTrailer, u.Collection);
                Add(IndexTrailer, u.Index);
                Add(ValueTrailer, value);
                Add(KeyTrailer, existing);
                break;
            case ZgDbSchemaMismatchException s:
                (code, kind) = (StatusCode.FailedPrecondition, SchemaMismatch);
                Add(CollectionTrailer, s.Collection);
                Add(PropertyTrailer, s.Property);
                Add(DetailTrailer, After(s.Message, s.Property is null ? $"Collection '{s.Collection}': " : $"Collection '{s.Collection}', property '{s.Property}': "));
                break;
            case ZgDbFaultedException:
                (code, kind) = (StatusCode.Unavailable, Faulted);
                break;
            case ZgDbException:
                (code, kind) = (StatusCode.FailedPrecondition, Database);
                break;
            case ArgumentException:
                (code, kind) = (StatusCode.InvalidArgument, Argument);
                break;
            case NotSupportedException:
                (code, kind) = (StatusCode.InvalidArgument, NotSupported);
                break;
            case InvalidOperationException:
                (code, kind) = (StatusCode.FailedPrecondition, InvalidOperation);
                break;
            default:
                return new RpcException(new Status(StatusCode.Internal, $"the server failed: {e.GetType().Name}: {e.Message}"));
        }
        trailers.Add(KindTrailer, kind);
        return new RpcException(new Status(code, e.Message), trailers);
    }

    /// <summary>A key as JSON: its value, or an array of the parts of a composite key.</summary>
    private static string KeyText(object key) => key is CompositeKey c
        ? JsonSerializer.Serialize(c.Parts.ToArray())
        : JsonSerializer.Serialize(key, key.GetType());

    /// <summary>The part of <paramref name="message"/> after <paramref name="prefix"/> (the constructor adds the prefix again), or the whole.</summary>
    private static string After(string message, string prefix) =>
        message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;

    /// <summary>
    /// The value and the other document of a unique-index violation as the message shows them (the exception keeps
    /// neither as a property): "Collection 'c': unique index 'i' already holds value V (document K)." Null for the
    /// other form (a unique index refused at open), which then travels as a plain ZgDbException.
    /// </summary>
    private static (string Value, string Existing)? UniqueParts(ZgDbUniqueConstraintException u)
    {
        var prefix = $"Collection '{u.Collection}': unique index '{u.Index}' already holds value ";
        const string between = " (document ", end = ").";
        var message = u.Message;
        int split = message.LastIndexOf(between, StringComparison.Ordinal);
        if (u.Duplicates.Count > 0 || !message.StartsWith(prefix, StringComparison.Ordinal) || !message.EndsWith(end, StringComparison.Ordinal) || split < prefix.Length) return null;
        return (message[prefix.Length..split], message[(split + between.Length)..^end.Length]);
    }
}
