using System.Reflection;
using System.Runtime.Loader;
using Spectre.Console;
using ZgDb.Migrations;
using ZgDb.Migrations.Export;

namespace ZgDb.Cli;

/// <summary><c>zgdb export efcore</c>: opens the database with the application's own class and hands it to <see cref="ZgDbExporter"/>.</summary>
internal static class EfCoreExport
{
    public static int Run(IAnsiConsole console, string directory, string assemblyPath, string typeName, string provider, string connection, string? contextOut, CancellationToken cancel)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full)) throw new ZgDbException($"'{assemblyPath}' does not exist.");
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        Type[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t is not null).ToArray()!; }
        var candidates = types.Where(t => typeof(ZgDatabase).IsAssignableFrom(t) && !t.IsAbstract && (t.FullName == typeName || t.Name == typeName)).ToList();
        if (candidates.Count != 1)
            throw new ZgDbException(candidates.Count == 0
                ? $"'{assemblyPath}' has no database class '{typeName}' (it has: {string.Join(", ", types.Where(t => typeof(ZgDatabase).IsAssignableFrom(t) && !t.IsAbstract).Select(t => t.FullName))})."
                : $"'{typeName}' is ambiguous in '{assemblyPath}': {string.Join(", ", candidates.Select(t => t.FullName))}.");
        var open = typeof(ZgDatabase).GetMethod(nameof(ZgDatabase.Open))!.MakeGenericMethod(candidates[0]);
        ZgDatabase database;
        try
        {
            database = (ZgDatabase)open.Invoke(null, [directory, null])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
        using (database)
        {
            if (contextOut is not null)
            {
                File.WriteAllText(contextOut, ZgDbExporter.GenerateDbContext(database));
                console.Profile.Out.Writer.WriteLine($"Wrote the DbContext source to '{contextOut}'.");
            }
            var target = provider == "sqlite" ? ExportTarget.Sqlite(connection) : ExportTarget.PostgreSql(connection);
            var report = ConsoleProgress.Run(console, progress =>
            {
                var tasks = new Dictionary<string, Storage.Inspection.IWorkTask>();
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
                return ZgDbExporter.ExportAsync(database, target, null, adapter, cancel).GetAwaiter().GetResult();
            });
            console.Profile.Out.Writer.WriteLine(report.ToString());
            return report.Verified ? Program.Ok : Program.ProblemsFound;
        }
    }
}
