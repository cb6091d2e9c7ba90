using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace ZgDb.Server.Tests;

/// <summary>An in-process ZgDb server (ASP.NET Core TestServer) over a database in a temporary directory on disk.</summary>
public sealed class TestServerFixture : IAsyncDisposable
{
    public const string Token = "test-token-0123456789";

    private TestServerFixture(WebApplication app, string directory)
    {
        App = app;
        Directory = directory;
    }

    public WebApplication App { get; }
    public string Directory { get; }
    public TestServer Server => App.GetTestServer();

    public static Task<TestServerFixture> StartAsync(Action<ZgServerOptions>? configure = null) => StartAsync<BlogDb>(configure);

    /// <summary>A server of <typeparamref name="TDb"/>'s model.</summary>
    public static async Task<TestServerFixture> StartAsync<TDb>(Action<ZgServerOptions>? configure = null) where TDb : ZgDatabase, new()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-server-" + Guid.NewGuid().ToString("n"));
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddZgDbServer<TDb>(directory, o =>
        {
            o.Tokens.Add(Token);
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.MapZgDbServer();
        await app.StartAsync();
        return new TestServerFixture(app, directory);
    }

    public TDb Connect<TDb>(string? token = Token) where TDb : ZgDatabase, new() =>
        ZgDatabase.Connect<TDb>("zgdb://localhost", new ZgClientOptions { Token = token, HttpHandler = Server.CreateHandler() });

    public BlogDb Connect(string? token = Token) => Connect<BlogDb>(token);

    /// <summary>A raw gRPC channel to the server (for messages the typed client never sends).</summary>
    public Grpc.Net.Client.GrpcChannel Channel() =>
        Grpc.Net.Client.GrpcChannel.ForAddress("http://localhost", new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    /// <summary>The headers of a client that passed the handshake with <typeparamref name="TDb"/>'s model: the token, the protocol version, the fingerprint.</summary>
    public static Grpc.Core.Metadata HandshakenHeaders<TDb>() where TDb : ZgDatabase, new()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-fingerprint-" + Guid.NewGuid().ToString("n"));
        string fingerprint;
        using (var db = ZgDatabase.Open<TDb>(directory)) fingerprint = db.Model.Stored.Fingerprint;
        System.IO.Directory.Delete(directory, recursive: true);
        return new Grpc.Core.Metadata
        {
            { "authorization", "Bearer " + Token },
            { ZgDb.Remote.RemoteProtocol.ProtocolHeader, ZgDb.Remote.RemoteProtocol.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { ZgDb.Remote.RemoteProtocol.FingerprintHeader, fingerprint },
        };
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
