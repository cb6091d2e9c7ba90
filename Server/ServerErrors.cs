using System.Text;
using Grpc.Core;
using ZgDb.Remote;
using static ZgDb.Remote.RemoteProtocol;

namespace ZgDb.Server;

/// <summary>ZgDb's errors as gRPC statuses with trailers (<see cref="RemoteProtocol"/>), so the client throws the same types.</summary>
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
                (code, kind) = (StatusCode.AlreadyExists, DuplicateKey);
                trailers.Add(CollectionTrailer, d.Collection);
                trailers.Add(KeyTrailer, Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(d.Key is CompositeKey c ? c.Parts.ToArray() : d.Key)));
                break;
            case ZgDbNotFoundException n:
                (code, kind) = (StatusCode.NotFound, NotFound);
                trailers.Add(CollectionTrailer, n.Collection);
                trailers.Add(KeyTrailer, Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(n.Key is CompositeKey k ? k.Parts.ToArray() : n.Key)));
                break;
            case ZgDbValidationException v:
                (code, kind) = (StatusCode.InvalidArgument, Validation);
                trailers.Add(CollectionTrailer, v.Collection);
                trailers.Add(DetailTrailer, Ascii(StripPrefix(v.Message, v.Collection)));
                break;
            case ZgDbForeignKeyException f:
                (code, kind) = (StatusCode.FailedPrecondition, ForeignKey);
                trailers.Add(CollectionTrailer, f.Collection);
                trailers.Add(KeyTrailer, Ascii(f.Relationship));
                trailers.Add(DetailTrailer, Ascii(f.Message[(f.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
                break;
            case ZgDbUniqueConstraintException:
                (code, kind) = (StatusCode.AlreadyExists, Unique);
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

    private static string StripPrefix(string message, string collection)
    {
        var prefix = $"Collection '{collection}': ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }

    /// <summary>Metadata values are ASCII: anything else is escaped.</summary>
    private static string Ascii(string text) => string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
}
