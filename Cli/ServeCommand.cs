using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using ZgDb.Server;

namespace ZgDb.Cli;

/// <summary>
/// <c>zgdb serve &lt;dir&gt; --assembly App.dll --database BlogDb --urls http://127.0.0.1:5151 --token-file token.txt</c>:
/// serves the database to ZgDb.Client (docs/SERVER.md) until Ctrl+C or SIGTERM, then disposes it (flush, checkpoint).
/// </summary>
internal static class ServeCommand
{
    public static Command Build(IAnsiConsole console, TextWriter error, CancellationToken cancel)
    {
        var dir = new Argument<string>("dir") { Description = "The database directory (created if it does not exist)." };
        var assembly = new Option<string>("--assembly") { Description = "The application's assembly (.dll) that declares the database class.", Required = true };
        var database = new Option<string>("--database") { Description = "The database class (full or short name) deriving from ZgDatabase.", Required = true };
        var urls = new Option<string>("--urls") { Description = "Where Kestrel listens (HTTP/2); default http://127.0.0.1:5151.", DefaultValueFactory = _ => "http://127.0.0.1:5151" };
        var tokenFile = new Option<string>("--token-file") { Description = "A file holding the bearer token clients must send (ZgClientOptions.Token).", Required = true };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Serve clients from other machines too (default: loopback clients only)." };
        var command = new Command("serve", "Serve a database to ZgDb.Client over gRPC (ZgDatabase.Connect): bearer token, loopback only by default, /health, /schema, POST /checkpoint.")
            { dir, assembly, database, urls, tokenFile, allowRemote };
        command.SetAction(r =>
        {
            try
            {
                return Run(console, r.GetValue(dir)!, r.GetValue(assembly)!, r.GetValue(database)!, r.GetValue(urls)!, r.GetValue(tokenFile)!, r.GetValue(allowRemote), cancel);
            }
            catch (ZgDbException e)
            {
                error.WriteLine("error: " + e.Message);
                return Program.Failed;
            }
        });
        return command;
    }

    private static int Run(IAnsiConsole console, string directory, string assemblyPath, string typeName, string urls, string tokenFile, bool allowRemote, CancellationToken cancel)
    {
        if (!File.Exists(tokenFile)) throw new ZgDbException($"--token-file: '{tokenFile}' does not exist.");
        var token = File.ReadAllText(tokenFile).Trim();
        if (token.Length == 0) throw new ZgDbException($"--token-file: '{tokenFile}' is empty.");
        var type = DatabaseClass.Find(assemblyPath, typeName);
        var options = new ZgServerOptions { AllowRemoteClients = allowRemote };
        options.Tokens.Add(token);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.Services.AddZgDbServer(options, () => DatabaseClass.Open(type, directory, options.Database));
        using var app = builder.Build();
        app.MapZgDbServer();
        console.Profile.Out.Writer.WriteLine($"Serving {type.Name} from '{directory}' on {urls} ({(allowRemote ? "any client" : "loopback clients only")}). Ctrl+C stops.");
        console.Profile.Out.Writer.Flush();
        Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(app, cancel).GetAwaiter().GetResult();
        return Program.Ok;
    }
}
