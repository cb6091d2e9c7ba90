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

    public static async Task<TestServerFixture> StartAsync(Action<ZgServerOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-server-" + Guid.NewGuid().ToString("n"));
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddZgDbServer<BlogDb>(directory, o =>
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
