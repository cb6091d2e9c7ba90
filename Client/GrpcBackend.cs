using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Client;

/// <summary>
/// A connected database's backend: one gRPC channel (one pooled HTTP/2 connection), the bearer token on every call,
/// each call's deadline, and the translation of the server's errors back into ZgDb's catalog.
/// </summary>
internal sealed class GrpcBackend : IRemoteBackend
{
    private readonly GrpcChannel _channel;
    private readonly Metadata _headers = [];
    private readonly ZgClientOptions _options;

    private GrpcBackend(string address, Uri uri, DatabaseModel model, JsonSerializerOptions json, ZgClientOptions options)
    {
        Json = json;
        Address = address;
        Model = model;
        _options = options;
        if (options.Token is { } token) _headers.Add("authorization", "Bearer " + token);
        var channelOptions = new GrpcChannelOptions
        {
            MaxReceiveMessageSize = options.MaxMessageSize,
            MaxSendMessageSize = options.MaxMessageSize,
            HttpHandler = options.HttpHandler ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) },
            DisposeHttpClient = options.HttpHandler is null,
        };
        _channel = GrpcChannel.ForAddress(uri, channelOptions);
        Data = new ZgDbData.ZgDbDataClient(_channel);
        Tokens = new TypeTokens(model);
        Writer = new QueryWriter(model, Tokens);
        Provider = new RemoteQueryProvider(this);
    }

    public static GrpcBackend Connect(string address, DatabaseModel model, JsonSerializerOptions json, ZgClientOptions options)
    {
        var backend = new GrpcBackend(address, ParseAddress(address), model, json, options);
        try
        {
            backend.Handshake();
            return backend;
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    private static Uri ParseAddress(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("zgdb" or "zgdbs" or "http" or "https"))
            throw new ZgDbConnectionException(address, "the address is not zgdb://host:port, zgdbs://host:port (TLS) or an http(s):// address.");
        var scheme = uri.Scheme is "zgdbs" or "https" ? "https" : "http";
        return new UriBuilder(uri) { Scheme = scheme, Port = uri.IsDefaultPort ? 5151 : uri.Port }.Uri;
    }

    public string Address { get; }
    public DatabaseModel Model { get; }
    public ZgDbData.ZgDbDataClient Data { get; }
    public TypeTokens Tokens { get; }
    public QueryWriter Writer { get; }
    public IQueryProvider Provider { get; }
    public JsonSerializerOptions Json { get; }
    public int PageSize { get; private set; }

    /// <summary>Documents longer than this are sent compressed (<see cref="ZgClientOptions.CompressAbove"/>).</summary>
    public int CompressAbove => _options.CompressAbove;

    /// <summary>A document or value as it arrived, decompressed if it was (at most the client's message size); a broken one is a <see cref="ZgDbConnectionException"/>.</summary>
    public ReadOnlySpan<byte> Unpack(ReadOnlySpan<byte> data)
    {
        try
        {
            return RemoteDocuments.Unpack(data, _options.MaxMessageSize);
        }
        catch (InvalidDataException e)
        {
            throw new ZgDbConnectionException(Address, "the server sent a document that cannot be read: " + e.Message, e);
        }
    }

    /// <summary>
    /// Checks the server's protocol version and stored model against the client's (refused naming the first
    /// difference); once passed, every data call carries the version and the fingerprint, which the server requires.
    /// </summary>
    private void Handshake()
    {
        HandshakeReply reply;
        try
        {
            reply = Attempts(o => Data.Handshake(new HandshakeRequest
            {
                ProtocolVersion = RemoteProtocol.Version,
                Fingerprint = Model.Stored.Fingerprint,
                ModelJson = Model.Stored.ToString(),
            }, o));
        }
        catch (RpcException e)
        {
            throw RemoteErrors.FromStatus(Address, e, Model);
        }
        PageSize = reply.PageSize;
        lock (_headers)
        {
            if (_headers.Get(RemoteProtocol.FingerprintHeader) is null)
            {
                _headers.Add(RemoteProtocol.ProtocolHeader, RemoteProtocol.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
                _headers.Add(RemoteProtocol.FingerprintHeader, Model.Stored.Fingerprint);
            }
        }
    }

    /// <summary>The attempts of a call safe to repeat (<see cref="Retried{T}"/>); the last failure is thrown as it is.</summary>
    private T Attempts<T>(Func<CallOptions, T> call)
    {
        var delay = _options.RetryDelay;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return call(Options());
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < _options.MaxRetries)
            {
                Thread.Sleep(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>
    /// A failed call as ZgDb's own error. A data call refused because the server now holds another model (it was
    /// restarted with another one since the handshake) handshakes again, so the error names the first difference.
    /// </summary>
    public Exception Failure(RpcException e)
    {
        if (e.StatusCode == StatusCode.FailedPrecondition && e.Trailers.GetValue(RemoteProtocol.KindTrailer) == RemoteProtocol.ModelMismatch)
        {
            try
            {
                Handshake();
            }
            catch (ZgDbConnectionException named)
            {
                return named;
            }
        }
        return RemoteErrors.FromStatus(Address, e, Model);
    }

    public IRemoteCollection<T> Collection<T>(EntityType entity) where T : class => new RemoteCollection<T>(this, entity);

    private readonly AsyncLocal<RemoteTransaction?> _current = new();

    /// <summary>The transaction open on the current thread or async flow, if any: the collections' calls go into it.</summary>
    public RemoteTransaction? Current => _current.Value is { IsActive: true } transaction ? transaction : null;

    public IRemoteTransaction BeginTransaction()
    {
        if (Current is not null) throw new InvalidOperationException("A transaction is already open on this flow; transactions do not nest.");
        var transaction = RemoteTransaction.Begin(this);
        _current.Value = transaction;
        return transaction;
    }

    public void EndTransaction(RemoteTransaction transaction)
    {
        if (ReferenceEquals(_current.Value, transaction)) _current.Value = null;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Data.FlushAsync(new FlushRequest(), Options(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException e)
        {
            throw Failure(e);
        }
    }

    public void Checkpoint()
    {
        // As embedded: the engine refuses a checkpoint inside a transaction (on the server the call would run outside it).
        if (Current is not null) throw new InvalidOperationException("Checkpoint() cannot run inside a transaction: commit or dispose the transaction first.");
        Retried(o => Data.Checkpoint(new CheckpointRequest(), o));
    }

    public DatabaseStatistics GetStatistics()
    {
        var reply = Retried(o => Data.Statistics(new StatisticsRequest(), o));
        try
        {
            return JsonSerializer.Deserialize<DatabaseStatistics>(reply.StatisticsJson.Span)
                   ?? throw new JsonException("the statistics are null");
        }
        catch (JsonException e)
        {
            throw new ZgDbConnectionException(Address, "the server sent statistics that cannot be read: " + e.Message, e);
        }
    }

    public CallOptions Options(CancellationToken cancellationToken = default) =>
        new(_headers, DateTime.UtcNow + _options.CallTimeout, cancellationToken);

    /// <summary>Runs one call, not retried (a transaction's stream); a failure comes back as ZgDb's own error (<see cref="RemoteErrors"/>).</summary>
    public T Call<T>(Func<CallOptions, T> call)
    {
        try
        {
            return call(Options());
        }
        catch (RpcException e)
        {
            throw Failure(e);
        }
    }

    /// <summary>
    /// Runs a call that is safe to repeat: a read, or a write carrying <paramref name="idempotencyKey"/> (the server
    /// applies a key once). It is tried again while it fails with UNAVAILABLE (the server unreachable, restarting, the
    /// connection dropped), at most <see cref="ZgClientOptions.MaxRetries"/> times, waiting
    /// <see cref="ZgClientOptions.RetryDelay"/> doubled each time (at most 2 s); each attempt has its own deadline.
    /// </summary>
    public T Retried<T>(Func<CallOptions, T> call, string? idempotencyKey = null)
    {
        try
        {
            return Attempts(o => call(idempotencyKey is null ? o : WithKey(o, idempotencyKey)));
        }
        catch (RpcException e)
        {
            throw Failure(e);
        }
    }

    private CallOptions WithKey(CallOptions options, string idempotencyKey)
    {
        var headers = new Metadata();
        lock (_headers) foreach (var entry in _headers) headers.Add(entry);
        headers.Add(RemoteProtocol.IdempotencyHeader, idempotencyKey);
        return options.WithHeaders(headers);
    }

    public void Dispose() => _channel.Dispose();
}
