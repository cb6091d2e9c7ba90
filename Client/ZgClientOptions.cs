namespace ZgDb;

/// <summary>How <c>ZgDatabase.Connect</c> reaches a ZgDb server (ZgDb.Server, <c>zgdb serve</c>).</summary>
public sealed class ZgClientOptions
{
    /// <summary>The bearer token the server was given (<c>ZgServerOptions.Tokens</c>, <c>--token-file</c>); sent with every call.</summary>
    public string? Token { get; set; }

    /// <summary>The deadline of each call (the server stops working on it when it passes). Default 30 seconds.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a call that is safe to repeat is tried again when the server is unavailable (unreachable,
    /// restarting, the connection dropped): reads (Find, Count, a query before its first page, the handshake) and
    /// writes outside a transaction, which carry an idempotency key so the server applies a retried one once. A
    /// transaction is never retried (its stream ended: it was rolled back). Default 4; 0 turns retries off.
    /// </summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The wait before the first retry, doubled before each next one (at most 2 s). Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Documents longer than this many bytes of JSON are sent zstd-compressed (when that makes them smaller). Default
    /// 4096; <see cref="int.MaxValue"/> sends everything uncompressed. Compressed replies are read whatever it is.
    /// </summary>
    public int CompressAbove { get; set; } = 4096;

    /// <summary>The largest message the client sends or accepts. Default 16 MiB (the server has its own limit).</summary>
    public int MaxMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The HTTP handler the channel sends through, for an in-process test server or a custom transport; null uses a
    /// pooled <see cref="System.Net.Http.SocketsHttpHandler"/> (one HTTP/2 connection per database).
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
