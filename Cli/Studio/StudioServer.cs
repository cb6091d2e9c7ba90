using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace ZgDb.Cli.Studio;

/// <summary>What <c>zgdb studio</c> was asked for.</summary>
/// <param name="Directory">The database directory.</param>
/// <param name="Port">The port on 127.0.0.1; 0 picks a free one.</param>
/// <param name="Write">Whether documents may be edited and deleted (only while no application has the database open).</param>
internal sealed record StudioOptions(string Directory, int Port = 0, bool Write = false);

/// <summary>
/// ZgDb Studio: a local web UI over one database directory, served by Kestrel on 127.0.0.1 only, behind a random
/// token (<see cref="StudioAccess"/>). Pages are rendered on the server from the files (<see cref="StudioDatabase"/>);
/// no script runs in the browser. Started in process by <see cref="StartAsync"/> (the tests do that) or by
/// <see cref="Run"/> for the command line, which serves until Ctrl+C.
/// </summary>
internal sealed class StudioServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StudioServer(WebApplication app, Uri address, string token)
    {
        _app = app;
        Address = address;
        Token = token;
    }

    /// <summary>Where the studio listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Address { get; }

    public string Token { get; }

    /// <summary>The URL to open: the address with the token, which the first request turns into a cookie.</summary>
    public Uri LaunchUrl => new(Address, "?" + StudioAccess.QueryName + "=" + Token);

    public static async Task<StudioServer> StartAsync(StudioOptions options, CancellationToken cancel = default)
    {
        if (options.Port is < 0 or > 65535) throw new ZgDbException($"--port must be between 1 and 65535 (or 0 for a free port), not {options.Port}.");
        var database = new StudioDatabase(options.Directory, options.Write);
        database.Read(_ => 0); // not a database, or unreadable: fail now, before anything listens
        // The empty builder: no configuration files (no file watchers), no logging providers, only Kestrel and routing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 16 << 20;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var access = new StudioAccess(StudioAccess.NewToken());
        app.Use(access.Invoke);
        StudioPages.Map(app, database, access);
        await app.StartAsync(cancel);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address.EndsWith('/') ? address : address + "/");
        return new StudioServer(app, uri, access.Token);
    }

    /// <summary>Stops listening; requests in flight get <paramref name="grace"/> to finish.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
    }

    /// <summary><c>zgdb studio</c>: serves until <paramref name="cancel"/> (Ctrl+C), then stops cleanly.</summary>
    public static int Run(IAnsiConsole console, StudioOptions options, bool openBrowser, CancellationToken cancel)
    {
        var server = StartAsync(options, cancel).GetAwaiter().GetResult();
        try
        {
            var writer = console.Profile.Out.Writer;
            writer.WriteLine($"ZgDb Studio for '{Path.GetFullPath(options.Directory)}' ({(options.Write ? "edits allowed while no application has it open" : "read-only")}).");
            writer.WriteLine($"Open: {server.LaunchUrl}");
            writer.WriteLine("Only this machine can reach it (127.0.0.1), and only with the token above. Press Ctrl+C to stop.");
            writer.Flush();
            if (openBrowser) TryOpenBrowser(server.LaunchUrl);
            cancel.WaitHandle.WaitOne();
            writer.WriteLine("Stopping the studio...");
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        console.Profile.Out.Writer.WriteLine("Studio stopped.");
        return Program.Ok;
    }

    private static void TryOpenBrowser(Uri url)
    {
        try
        {
            var opener = OperatingSystem.IsWindows() ? "explorer" : OperatingSystem.IsMacOS() ? "open" : "xdg-open";
            using var process = Process.Start(new ProcessStartInfo(opener, url.ToString()) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // No desktop here (a server, a container): the printed URL is the way in.
        }
    }
}
