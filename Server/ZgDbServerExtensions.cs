using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ZgDb.Server;

/// <summary>Registers and maps a ZgDb server inside an ASP.NET Core application.</summary>
public static partial class ZgDbServerExtensions
{
    /// <summary>
    /// Opens the database in <paramref name="directory"/> (when the first request or <c>MapZgDbServer</c> needs it)
    /// and registers the gRPC data plane with the limits of <see cref="ZgServerOptions"/>. Add at least one token
    /// (<c>o =&gt; o.Tokens.Add(token)</c>): a server without one refuses every call. The database is disposed
    /// (flushed and checkpointed) with the application's services.
    /// </summary>
    public static IServiceCollection AddZgDbServer<TDb>(this IServiceCollection services, string directory, Action<ZgServerOptions>? configure = null)
        where TDb : ZgDatabase, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var options = new ZgServerOptions();
        configure?.Invoke(options);
        return services.AddZgDbServer(options, () => ZgDatabase.Open<TDb>(directory, options.Database));
    }

    /// <summary>
    /// Serves the database <paramref name="open"/> returns (called once, when <c>MapZgDbServer</c> runs), for tools that
    /// load the database class at run time (<c>zgdb serve</c>); otherwise as <see cref="AddZgDbServer{TDb}"/>. The
    /// database is disposed with the application's services.
    /// </summary>
    public static IServiceCollection AddZgDbServer(this IServiceCollection services, ZgServerOptions options, Func<ZgDatabase> open)
    {
        services.AddSingleton(_ => new ServedDatabase(open(), options));
        services.AddSingleton<ZgDbServerInterceptor>();
        // The stop: refuse new calls, drain those in flight (bounded), flush and checkpoint, before Kestrel stops.
        services.AddHostedService<ServerDrain>();
        // One service instance for every call (it holds nothing per call): gRPC activates a registered service from
        // the container instead of creating one per call.
        services.AddSingleton<ZgDbDataService>();
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = options.MaxMessageSize;
            o.MaxSendMessageSize = options.MaxMessageSize;
            o.EnableDetailedErrors = false;
            o.Interceptors.Add<ZgDbServerInterceptor>();
        });
        return services;
    }

    /// <summary>
    /// Maps the data plane (gRPC service <c>zgdb.v1.ZgDbData</c>) and the control plane: <c>GET /health</c> (200 when
    /// the database answers, 503 otherwise), <c>GET /schema</c> (the stored model as JSON) and
    /// <c>POST /checkpoint</c> and <c>POST /backup?name=...</c> (both need the bearer token; backups go into
    /// <see cref="ZgServerOptions.BackupDirectory"/>, off unless it is set).
    /// </summary>
    public static IEndpointRouteBuilder MapZgDbServer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ZgDbDataService>();
        endpoints.MapGet("/health", (ServedDatabase served) =>
        {
            try
            {
                _ = served.Database.GetStatistics();
                return Results.Text("Healthy", statusCode: 200);
            }
            catch (Exception e)
            {
                return Results.Text("Unhealthy: " + e.Message, statusCode: 503);
            }
        });
        endpoints.MapGet("/schema", (ServedDatabase served) => Results.Text(served.Database.Model.Stored.ToString(), "application/json"));
        endpoints.MapPost("/checkpoint", (HttpContext http, ServedDatabase served) =>
        {
            if (!served.Tokens.Accepts(http.Request.Headers.Authorization.ToString())) return Results.Text("no accepted bearer token", statusCode: 401);
            served.Database.Checkpoint();
            return Results.Text(JsonSerializer.Serialize(new { checkpointLsn = served.Database.GetStatistics().CheckpointLsn }), "application/json");
        });
        endpoints.MapPost("/backup", (HttpContext http, ServedDatabase served, string? name) =>
        {
            if (!served.Tokens.Accepts(http.Request.Headers.Authorization.ToString())) return Results.Text("no accepted bearer token", statusCode: 401);
            if (served.Options.BackupDirectory is not { } folder)
                return Results.Text("backups are off on this server: set ZgServerOptions.BackupDirectory to the folder they go to", statusCode: 404);
            if (served.Database.Directory is not { } directory)
                return Results.Text("the served database is in memory: it has no files to back up", statusCode: 409);
            name ??= $"backup-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
            if (!BackupName().IsMatch(name) || name is "." or "..")
                return Results.Text($"backup name '{name}' is refused: use letters, digits, '.', '-' and '_' only (a name inside ZgServerOptions.BackupDirectory, not a path)", statusCode: 400);
            var root = Path.GetFullPath(folder);
            var target = Path.Combine(root, name);
            if (Directory.Exists(target) || File.Exists(target))
                return Results.Text($"backup '{name}' exists already in the backup folder: choose another name", statusCode: 409);
            Directory.CreateDirectory(root);
            ZgDb.Tooling.BackupReport report;
            try
            {
                report = ZgDb.Tooling.DatabaseDirectory.Backup(directory, target, cancellationToken: http.RequestAborted);
            }
            catch (ZgDbException e)
            {
                return Results.Text($"backup '{name}' failed: {e.Message}", statusCode: 500);
            }
            return Results.Text(JsonSerializer.Serialize(new
            {
                name,
                manifestGeneration = report.ManifestGeneration,
                checkpointLsn = report.CheckpointLsn,
                lastLsn = report.LastLsn,
                chunks = report.Chunks,
                walSegments = report.WalSegments,
                bytes = report.Bytes,
            }), "application/json");
        });
        // Open the database now, not at the first call, so a server that cannot open it fails at start.
        _ = endpoints.ServiceProvider.GetRequiredService<ServedDatabase>();
        return endpoints;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex BackupName();
}
