using Spectre.Console;
using ZgDb.Migrations;
using ZgDb.Migrations.EfCore;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.SourceGeneration;

namespace ZgDb.Cli;

/// <summary><c>zgdb export efcore</c>: opens the database with the application's own class and hands it to <see cref="ZgDbExporter"/>.</summary>
internal static class EfCoreExport
{
    /// <summary>The command line of one <c>export efcore</c>.</summary>
    public sealed record Request(string Directory, string AssemblyPath, string TypeName, string Provider, string Connection,
        string? ContextOut, string? ProjectOut, NestedTypeMapping NestedTypes, string? StringCollation);

    public static int Run(IAnsiConsole console, Request request, CancellationToken cancel)
    {
        var (directory, assemblyPath, typeName, provider, connection, contextOut, projectOut, _, _) = request;
        ExportTarget target;
        try
        {
            target = provider == "sqlite" ? ExportTarget.Sqlite(connection) : ExportTarget.PostgreSql(connection);
        }
        catch (ArgumentException e)
        {
            throw new ZgDbException($"--connection: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}", e);
        }
        var options = new ExportOptions { NestedTypes = request.NestedTypes, StringCollation = request.StringCollation };
        var sourceOptions = new DbContextSourceOptions { Mapping = options.Mapping };
        using (var database = DatabaseClass.Open(DatabaseClass.Find(assemblyPath, typeName), directory))
        {
            if (contextOut is not null)
            {
                File.WriteAllText(contextOut, ZgDbExporter.GenerateDbContext(database, sourceOptions));
                console.Profile.Out.Writer.WriteLine($"Wrote the DbContext source to '{contextOut}'.");
            }
            EfCoreProject? project = null;
            if (projectOut is not null)
            {
                project = ZgDbExporter.GenerateEfCoreProject(database, target, sourceOptions);
                options = new ExportOptions { NestedTypes = options.NestedTypes, StringCollation = options.StringCollation, BaselineMigrationId = project.MigrationId };
            }
            var report = ConsoleProgress.Run(console, progress =>
            {
                var tasks = new Dictionary<string, Tooling.IToolTask>();
                var done = new Dictionary<string, long>();
                var adapter = new Progress<ExportProgress>(p =>
                {
                    if (p.Collection is null || p.Total <= 0) return;
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(p.Collection, out var task)) tasks[p.Collection] = task = progress.Start($"{p.Phase} {p.Collection}", p.Total);
                        task.Advance(p.Rows - done.GetValueOrDefault(p.Collection));
                        done[p.Collection] = p.Rows;
                    }
                });
                return ZgDbExporter.ExportAsync(database, target, options, adapter, cancel).GetAwaiter().GetResult();
            });
            console.Profile.Out.Writer.WriteLine(report.ToString());
            if (project is not null && report.Committed)
            {
                foreach (var file in project.WriteTo(projectOut!)) console.Profile.Out.Writer.WriteLine($"Wrote '{file}'.");
                console.Profile.Out.Writer.WriteLine($"Baseline migration {project.MigrationId} recorded in __EFMigrationsHistory. Add Microsoft.EntityFrameworkCore.Design and the provider's package to the project, then dotnet ef migrations add <Name>.");
            }
            return report.Verified ? Program.Ok : Program.ProblemsFound;
        }
    }
}
