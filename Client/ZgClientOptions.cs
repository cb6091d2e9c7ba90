namespace ZgDb;

/// <summary>How <c>ZgDatabase.Connect</c> reaches a ZgDb server (ZgDb.Server, <c>zgdb serve</c>).</summary>
public sealed class ZgClientOptions
{
    /// <summary>The bearer token the server was given (<c>ZgServerOptions.Tokens</c>, <c>--token-file</c>); sent with every call.</summary>
    public string? Token { get; set; }

    /// <summary>The deadline of each call (the server stops working on it when it passes). Default 30 seconds.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest message the client sends or accepts. Default 16 MiB (the server has its own limit).</summary>
    public int MaxMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The HTTP handler the channel sends through, for an in-process test server or a custom transport; null uses a
    /// pooled <see cref="System.Net.Http.SocketsHttpHandler"/> (one HTTP/2 connection per database).
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
