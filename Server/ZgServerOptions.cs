namespace ZgDb.Server;

/// <summary>What a ZgDb server accepts (<c>AddZgDbServer</c>, <c>zgdb serve</c>).</summary>
public sealed class ZgServerOptions
{
    /// <summary>The bearer tokens a client may send (<c>authorization: Bearer ...</c>); compared in constant time. A server without a token refuses every call.</summary>
    public List<string> Tokens { get; } = [];

    /// <summary>Whether clients from other machines are served. Off by default: a call from an address that is not loopback is refused (PermissionDenied), whatever Kestrel binds to.</summary>
    public bool AllowRemoteClients { get; set; }

    /// <summary>The largest message received or sent (a query, a batch of documents, a page). Default 16 MiB.</summary>
    public int MaxMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Documents (and values) longer than this many bytes of JSON are sent zstd-compressed (when that makes them
    /// smaller); a compressed document received may not declare more than <see cref="MaxMessageSize"/>. Default 4096;
    /// <see cref="int.MaxValue"/> sends everything uncompressed.
    /// </summary>
    public int CompressAbove { get; set; } = 4096;

    /// <summary>The most documents (or values) per page of a query's stream. Default 500.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>The longest a call may run on the server, whatever deadline the client gave. Default 60 seconds.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest a transaction may stay open (it holds the writer's turn: other writers wait). Past it the server
    /// rolls the transaction back and ends its stream. Default 30 seconds.
    /// </summary>
    public TimeSpan TransactionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most data-plane calls served at once (a transaction's stream is one call for as long as it is open). A call
    /// over it is refused at once with RESOURCE_EXHAUSTED (<see cref="ZgDbConnectionException"/> on the client naming
    /// this option), not queued. Default 256.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 256;

    /// <summary>
    /// The most transactions open at once (each holds a thread while it waits for the writer's turn). One over it is
    /// refused at once with RESOURCE_EXHAUSTED naming this option. Default 16.
    /// </summary>
    public int MaxConcurrentTransactions { get; set; } = 16;

    /// <summary>
    /// How long the outcome of a write that carried an idempotency key is remembered: a retry within it is answered
    /// with the first attempt's reply and not applied again. Default 10 minutes.
    /// </summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most write outcomes remembered (the oldest are forgotten first). Default 100,000.</summary>
    public int IdempotencyCapacity { get; set; } = 100_000;

    /// <summary>
    /// The server-side folder <c>POST /backup</c> writes backups into (each a new directory named by the request's
    /// <c>name</c>, or <c>backup-yyyyMMdd-HHmmss</c>); null (the default) leaves the endpoint off. A client never names a
    /// path: only a plain name inside this folder.
    /// </summary>
    public string? BackupDirectory { get; set; }

    /// <summary>
    /// When the server stops (SIGTERM, Ctrl+C, the host's StopAsync), how long the calls in flight (an open
    /// transaction's stream included) are waited for while new ones are refused (UNAVAILABLE); those still running
    /// then are cancelled (a transaction rolls back). Then the database is flushed and checkpointed. Default 10 s;
    /// keep it under the host's <c>HostOptions.ShutdownTimeout</c> (30 s by default).
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The options the database is opened with. Default: <see cref="Durability.Synchronous"/>, so a write a client saw acknowledged is on disk (a server is killed more often than an embedded application).</summary>
    public ZgDbOptions Database { get; set; } = new() { Durability = Durability.Synchronous };
}
