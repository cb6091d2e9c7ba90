using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using ZgDb;
using ZgDb.Server;

/// <summary>
/// The in-process ZgDb server both runs of this benchmark time (the load run and <c>--profile</c>): Kestrel on a free
/// loopback port, HTTP/2 only, one token, the calls' limit out of the way, <see cref="Durability.Background"/> (the
/// PostgreSQL side runs without fsync too).
/// </summary>
internal static class LoadServer
{
    public const string Token = "server-load-token";

    /// <summary>Starts a server over <paramref name="directory"/>; returns it, its port and its <c>zgdb://</c> address.</summary>
    public static async Task<(WebApplication App, int Port, string Address)> StartAsync(string directory)
    {
        int port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.Services.AddZgDbServer<LoadDb>(directory, o =>
        {
            o.Tokens.Add(Token);
            o.MaxConcurrentCalls = 1024;
            o.Database = new ZgDbOptions { Durability = Durability.Background };
        });
        var app = builder.Build();
        app.MapZgDbServer();
        await app.StartAsync();
        return (app, port, $"zgdb://127.0.0.1:{port}");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
