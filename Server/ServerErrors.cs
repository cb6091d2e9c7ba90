using System.Text;
using Grpc.Core;
using ZgDb.Client;

namespace ZgDb.Server;

/// <summary>ZgDb's errors as gRPC statuses with trailers (<see cref="RemoteErrors"/>), so the client throws the same types.</summary>
internal static class ServerErrors
{
    public static RpcException ToRpc(Exception e)
    {
        if (e is RpcException rpc) return rpc;
        var trailers = new Metadata();
        StatusCode code;
        string kind;
        switch (e)
        {
            case ZgDbDuplicateKeyException d:
                (code, kind) = (StatusCode.AlreadyExists, RemoteErrors.DuplicateKey);
                trailers.Add(RemoteErrors.Collection, d.Collection);
                trailers.Add(RemoteErrors.Key, Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(d.Key is CompositeKey c ? c.Parts.ToArray() : d.Key)));
                break;
            case ZgDbNotFoundException n:
                (code, kind) = (StatusCode.NotFound, RemoteErrors.NotFound);
                trailers.Add(RemoteErrors.Collection, n.Collection);
                trailers.Add(RemoteErrors.Key, Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(n.Key is CompositeKey k ? k.Parts.ToArray() : n.Key)));
                break;
            case ZgDbValidationException v:
                (code, kind) = (StatusCode.InvalidArgument, RemoteErrors.Validation);
                trailers.Add(RemoteErrors.Collection, v.Collection);
                trailers.Add(RemoteErrors.Detail, Ascii(StripPrefix(v.Message, v.Collection)));
                break;
            case ZgDbForeignKeyException f:
                (code, kind) = (StatusCode.FailedPrecondition, RemoteErrors.ForeignKey);
                trailers.Add(RemoteErrors.Collection, f.Collection);
                trailers.Add(RemoteErrors.Key, Ascii(f.Relationship));
                trailers.Add(RemoteErrors.Detail, Ascii(f.Message[(f.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
                break;
            case ZgDbUniqueConstraintException:
                (code, kind) = (StatusCode.AlreadyExists, RemoteErrors.Unique);
                break;
            case ZgDbException:
                (code, kind) = (StatusCode.FailedPrecondition, RemoteErrors.Database);
                break;
            case ArgumentException:
                (code, kind) = (StatusCode.InvalidArgument, RemoteErrors.Argument);
                break;
            case NotSupportedException:
                (code, kind) = (StatusCode.InvalidArgument, RemoteErrors.NotSupported);
                break;
            case InvalidOperationException:
                (code, kind) = (StatusCode.FailedPrecondition, RemoteErrors.InvalidOperation);
                break;
            default:
                return new RpcException(new Status(StatusCode.Internal, $"the server failed: {e.GetType().Name}: {e.Message}"));
        }
        trailers.Add(RemoteErrors.Kind, kind);
        return new RpcException(new Status(code, e.Message), trailers);
    }

    private static string StripPrefix(string message, string collection)
    {
        var prefix = $"Collection '{collection}': ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }

    /// <summary>Metadata values are ASCII: anything else is escaped.</summary>
    private static string Ascii(string text) => string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
}
