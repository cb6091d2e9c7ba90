using System.CommandLine;
using Spectre.Console;
using ZgDb.Migrations;

namespace ZgDb.Cli;

/// <summary>
/// <c>zgdb check-queries &lt;dir&gt; --assembly app.dll --database BlogDb --target postgres</c>: asks EF Core again about
/// every query shape a run of the application recorded (<see cref="EfCoreCheckSettings.RecordFile"/>, by default
/// <see cref="EfCoreCheck.RecordFileFor"/>) and prints a table: the shape, ZgDb's plan, EF Core's verdict per
/// provider and the SQL it would run. The database itself is not opened (the model comes from the application's class).
/// Exits 1 when a shape would fail.
/// </summary>
internal static class CheckQueries
{
    public static Command Command(IAnsiConsole console, Func<Func<int>, int> guard)
    {
        var dir = new Argument<string>("dir") { Description = "The database directory (its recorded shapes are in <dir>.efcore-queries.jsonl)." };
        var assembly = new Option<string>("--assembly") { Description = "The application's assembly (.dll) that declares the database class.", Required = true };
        var database = new Option<string>("--database") { Description = "The database class (full or short name) deriving from ZgDatabase.", Required = true };
        var target = new Option<string>("--target") { Description = "sqlite, postgres or both (default both).", DefaultValueFactory = _ => "both" };
        target.AcceptOnlyFromAmong("sqlite", "postgres", "both");
        var shapes = new Option<string?>("--shapes") { Description = "The record file (default <dir>.efcore-queries.jsonl)." };
        var collation = new Option<string?>("--string-collation") { Description = "The collation the EF Core application gives every string column (e.g. und-x-icu)." };
        var command = new Command("check-queries", "Replay the query shapes a run recorded (CheckEfCoreTranslation with a RecordFile) through EF Core: the verdict per provider, the SQL, the silent differences. Exits 1 if any would fail.")
            { dir, assembly, database, target, shapes, collation };
        command.SetAction(r => guard(() => Run(console, r.GetValue(dir)!, r.GetValue(assembly)!, r.GetValue(database)!, r.GetValue(target)!, r.GetValue(shapes), r.GetValue(collation))));
        return command;
    }

    private static int Run(IAnsiConsole console, string directory, string assemblyPath, string typeName, string target, string? shapesFile, string? collation)
    {
        shapesFile ??= EfCoreCheck.RecordFileFor(directory);
        if (!File.Exists(shapesFile))
            throw new ZgDbException($"'{shapesFile}' does not exist: run the application with options.CheckEfCoreTranslation(new EfCoreCheckSettings {{ OnProblem = EfCheckAction.Record, RecordFile = EfCoreCheck.RecordFileFor(\"{directory}\") }}) first.");
        var settings = new EfCoreCheckSettings
        {
            Targets = target switch { "sqlite" => EfCoreTarget.Sqlite, "postgres" => EfCoreTarget.PostgreSql, _ => EfCoreTarget.All },
            Mapping = new Migrations.EfCore.EfMappingOptions { StringCollation = collation },
        };
        using var db = DatabaseClass.OpenInMemory(DatabaseClass.Find(assemblyPath, typeName));
        var replayed = EfCoreCheck.Replay(shapesFile, db, settings);
        var providers = new[] { EfCoreTarget.Sqlite, EfCoreTarget.PostgreSql }.Where(t => settings.Targets.HasFlag(t)).ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Shape").AddColumn("ZgDb plan");
        foreach (var provider in providers) table.AddColumn(provider == EfCoreTarget.Sqlite ? "SQLite" : "PostgreSQL");
        table.AddColumn("SQL");
        int failing = 0, warnings = 0;
        foreach (var shape in replayed)
        {
            var cells = new List<string> { Markup.Escape(shape.Query + (shape.CallSite is null ? "" : $"\n(at {shape.CallSite})")), Markup.Escape(shape.Plan) };
            if (shape.Shape is not { } checkedShape)
            {
                cells.AddRange(providers.Select(_ => "[yellow]not replayed[/]"));
                cells.Add(Markup.Escape(shape.NotReplayable ?? ""));
            }
            else
            {
                if (!checkedShape.Translates) failing++;
                warnings += checkedShape.Differences.Count;
                foreach (var verdict in checkedShape.Verdicts)
                {
                    var differences = checkedShape.Differences.Where(d => d.Target == verdict.Target).Select(d => d.Rule).ToList();
                    var text = verdict.Translates ? "[green]translates[/]" : "[red]FAILS[/]: " + Markup.Escape(FirstSentence(verdict.Error));
                    if (differences.Count > 0) text += "\n[yellow]may differ:[/] " + Markup.Escape(string.Join(", ", differences));
                    cells.Add(text);
                }
                cells.Add(Markup.Escape(string.Join("\n--\n", checkedShape.Verdicts.Where(v => v.Sql is not null).Select(v => $"{v.Provider}: {v.Sql}").Distinct())));
            }
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.Profile.Out.Writer.WriteLine($"{replayed.Count} query shapes, {failing} would fail on EF Core, {warnings} may answer differently.");
        foreach (var difference in replayed.Where(r => r.Shape is not null).SelectMany(r => r.Shape!.Differences).DistinctBy(d => (d.Target, d.Rule)))
            console.Profile.Out.Writer.WriteLine($"  {difference.Rule} ({difference.Provider}): {difference.Reason}");
        return failing > 0 ? Program.ProblemsFound : Program.Ok;
    }

    /// <summary>EF Core's message without the printed expression (the table shows the shape already).</summary>
    private static string FirstSentence(string? message)
    {
        if (message is null) return "";
        const string marker = "' could not be translated.";
        int at = message.IndexOf(marker, StringComparison.Ordinal);
        return at > 0 ? "could not be translated." + message[(at + marker.Length)..].Split(" Either rewrite", 2)[0] : message;
    }
}
