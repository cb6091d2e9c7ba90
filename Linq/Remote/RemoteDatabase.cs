using System.Text.Json;
using ZgDb.Query;

namespace ZgDb.Remote;

/// <summary>
/// What ZgDb.Client and ZgDb.Server need from a database, and nothing more: the remote seam. The client builds a
/// connected database over its <see cref="IRemoteBackend"/> (<see cref="Connect{TDb}"/>); the server reads each
/// collection it serves as an <see cref="IQueryable"/> and the documents' JSON options. Applications use
/// <c>ZgDatabase.Open</c> and <c>ZgDatabase.Connect</c> instead.
/// </summary>
public static class RemoteDatabase
{
    /// <summary>
    /// A database served by another process: the model is built here, as for <see cref="ZgDatabase.Open{TDb}"/>, and
    /// every operation goes through the backend <paramref name="connect"/> returns (it gets the model and the
    /// documents' JSON options, and checks the server's model before returning; its exceptions propagate).
    /// </summary>
    /// <typeparam name="TDb">The application's database class.</typeparam>
    public static TDb Connect<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)] TDb>(Func<DatabaseModel, JsonSerializerOptions, IRemoteBackend> connect) where TDb : ZgDatabase, new()
    {
        ArgumentNullException.ThrowIfNull(connect);
        return ZgDatabase.ConnectRemote<TDb>(connect);
    }

    /// <summary>The <see cref="ZgCollection{T}"/> of <paramref name="clrType"/> in <paramref name="database"/>, as a query root (throws if the database is disposed).</summary>
    public static IQueryable Collection(ZgDatabase database, Type clrType)
    {
        ArgumentNullException.ThrowIfNull(database);
        return (IQueryable)database.CollectionOf(clrType);
    }

    /// <summary>The JSON options of <paramref name="database"/>'s documents: the same for an embedded and a connected database of one model, so documents travel as the engine stores them.</summary>
    public static JsonSerializerOptions DocumentJson(ZgDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.DocumentJson;
    }

    /// <summary>The element type of a sequence type (<c>IQueryable&lt;User&gt;</c> -&gt; <c>User</c>).</summary>
    public static Type ElementType(Type sequence) => EnumerableMethods.ElementType(sequence);
}

/// <summary>
/// The data plane's wire contract shared by ZgDb.Client and ZgDb.Server (docs/SERVER.md): the protocol version, the
/// request headers, and the trailers an error travels with beside its gRPC status so the client rebuilds the same
/// exception type.
/// </summary>
public static class RemoteProtocol
{
    /// <summary>The data plane's protocol version; the server refuses any other at the handshake.</summary>
    public const int Version = 1;

    /// <summary>The request header a connected client sends on every data call after its handshake: the protocol version it was accepted with.</summary>
    public const string ProtocolHeader = "zgdb-protocol";

    /// <summary>The request header a connected client sends on every data call after its handshake: the stored-model fingerprint it was accepted with.</summary>
    public const string FingerprintHeader = "zgdb-fingerprint";

    /// <summary>The request header carrying a write's idempotency key (a retried write with the same key is applied once).</summary>
    public const string IdempotencyHeader = "zgdb-idempotency-key";

    /// <summary>
    /// Trailer names: the error's kind (one of the kind constants below), then the exception's parts, each
    /// percent-encoded (<see cref="Uri.EscapeDataString(string)"/>): the collection, the key (JSON; for a foreign key the
    /// relationship), the message's detail, a property, a value (as the message shows it), an index.
    /// </summary>
    public const string KindTrailer = "zgdb-error", CollectionTrailer = "zgdb-collection", KeyTrailer = "zgdb-key", DetailTrailer = "zgdb-detail",
        PropertyTrailer = "zgdb-property", ValueTrailer = "zgdb-value", IndexTrailer = "zgdb-index";

    /// <summary>Error kinds (the <see cref="KindTrailer"/> trailer's value).</summary>
    public const string DuplicateKey = "duplicate-key", NotFound = "not-found", Validation = "validation", ForeignKey = "foreign-key",
        Unique = "unique", Database = "database", Argument = "argument", InvalidOperation = "invalid-operation", NotSupported = "not-supported",
        Refused = "query-refused", ModelMismatch = "model-mismatch", NoHandshake = "no-handshake", Limit = "limit",
        SchemaMismatch = "schema-mismatch", Faulted = "faulted";
}

/// <summary>Keys as they travel: JSON of the key's own type, or an array of the parts for a composite key.</summary>
public static class KeyJson
{
    /// <summary>The key of <paramref name="entity"/> as JSON: a value, a <see cref="CompositeKey"/> or an <c>object[]</c> of parts.</summary>
    public static byte[] Write(EntityType entity, object key) => key switch
    {
        object[] parts => JsonSerializer.SerializeToUtf8Bytes(parts.Select(p => (object?)p).ToArray(), ZgJson.Default),
        CompositeKey composite => JsonSerializer.SerializeToUtf8Bytes(composite.Parts.ToArray(), ZgJson.Default),
        _ => JsonSerializer.SerializeToUtf8Bytes(key, key.GetType(), ZgJson.Default),
    };

    /// <summary>A key of <paramref name="entity"/> read back: the key's CLR value, or an <c>object[]</c> of the parts (<see cref="ArgumentException"/> on a wrong count or a null).</summary>
    public static object Read(EntityType entity, ReadOnlySpan<byte> json)
    {
        if (!entity.HasCompositeKey)
            return JsonSerializer.Deserialize(json, entity.Key.ClrType, ZgJson.Default) ?? throw new ArgumentException($"Collection '{entity.CollectionName}': the key is null.");
        var parts = JsonSerializer.Deserialize<JsonElement[]>(json, ZgJson.Default) ?? [];
        if (parts.Length != entity.KeyParts.Count)
            throw new ArgumentException($"Collection '{entity.CollectionName}': the key of {entity.Name} has the parts {entity.KeyName}; got {parts.Length} values.");
        return parts.Select((p, i) => p.Deserialize(entity.KeyParts[i].ClrType)!).ToArray();
    }
}
