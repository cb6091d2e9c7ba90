using System.CommandLine;
using System.CommandLine.Help;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZgDb.Tooling;

namespace ZgDb.Cli;

/// <summary>The commands of <c>zgdb</c>. Each reads and writes the database files through <see cref="DatabaseDirectory"/> (ZgDb.Tooling); none needs the application's types.</summary>
internal static class Commands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A plain line, never wrapped to the console width (scripts read these).</summary>
    private static void Say(IAnsiConsole console, string line) => console.Profile.Out.Writer.WriteLine(line);

    public static Command Build(IAnsiConsole console, TextWriter error, CancellationToken cancel)
    {
        // Named "zgdb" whatever the executable or host is called (a RootCommand takes the assembly's name, ZgDb.Cli).
        var root = new Command("zgdb", "zgdb: inspect, verify, checkpoint, compact, back up, restore, export, import and query ZgDb databases.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        int Guard(Func<int> action)
        {
            try
            {
                return action();
            }
            catch (OperationCanceledException)
            {
                error.WriteLine("Cancelled: nothing was left half written.");
                return Program.Cancelled;
            }
            catch (Exception e) when (e is ZgDbException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + e.Message);
                return Program.Failed;
            }
        }

        Argument<string> Dir(string name = "dir", string description = "The database directory.") => new(name) { Description = description };

        // info
        {
            var dir = Dir();
            var json = new Option<bool>("--json") { Description = "Print the information as JSON (for scripts)." };
            var command = new Command("info", "Collections, document counts, chunks, indexes, WAL, checkpoint LSN, model fingerprint, format version.") { dir, json };
            command.SetAction(r => Guard(() => Info(console, r.GetValue(dir)!, r.GetValue(json))));
            root.Subcommands.Add(command);
        }
        // verify
        {
            var dir = Dir();
            var command = new Command("verify", "Check every checksum, that the manifest reaches every chunk, key order, counts and foreign keys. Exits 1 if anything is wrong.") { dir };
            command.SetAction(r => Guard(() => Verify(console, error, r.GetValue(dir)!, cancel)));
            root.Subcommands.Add(command);
        }
        // checkpoint, compact
        var chunkSize = new Option<int>("--chunk-documents") { Description = "Documents per chunk written (default 2048, the engine's).", DefaultValueFactory = _ => 2048 };
        {
            var dir = Dir();
            var command = new Command("checkpoint", "Fold the WAL into chunk files (copy-on-write) and write a new manifest. The database must be closed.") { dir, chunkSize };
            command.SetAction(r => Guard(() => Checkpoint(console, r.GetValue(dir)!, r.GetValue(chunkSize), compact: false, cancel)));
            root.Subcommands.Add(command);
        }
        {
            var dir = Dir();
            var command = new Command("compact", "Rewrite every collection densely into new chunks and drop the old files. The database must be closed.") { dir, chunkSize };
            command.SetAction(r => Guard(() => Checkpoint(console, r.GetValue(dir)!, r.GetValue(chunkSize), compact: true, cancel)));
            root.Subcommands.Add(command);
        }
        // backup, restore
        {
            var dir = Dir();
            var target = new Argument<string>("target") { Description = "The new directory for the copy." };
            var command = new Command("backup", "Copy the database consistently, even while an application has it open.") { dir, target };
            command.SetAction(r => Guard(() => Backup(console, r.GetValue(dir)!, r.GetValue(target)!, cancel)));
            root.Subcommands.Add(command);
        }
        {
            var backup = new Argument<string>("backup") { Description = "A directory made by zgdb backup." };
            var dir = Dir(description: "The database directory to create (or replace with --replace).");
            var replace = new Option<bool>("--replace") { Description = "Replace an existing database (it must not be open)." };
            var command = new Command("restore", "Verify a backup and restore it into a database directory.") { backup, dir, replace };
            command.SetAction(r => Guard(() => Restore(console, r.GetValue(backup)!, r.GetValue(dir)!, r.GetValue(replace), cancel)));
            root.Subcommands.Add(command);
        }
        // export json, import json
        {
            var export = new Command("export", "Export documents.");
            var dir = Dir();
            var output = new Argument<string>("out") { Description = "A new directory: one <collection>.jsonl per collection." };
            var only = new Option<string[]>("--collection", "-c") { Description = "Export only these collections.", AllowMultipleArgumentsPerToken = true };
            var json = new Command("json", "Export every collection as JSON Lines (one document per line, as stored), streaming.") { dir, output, only };
            json.SetAction(r => Guard(() => Export(console, r.GetValue(dir)!, r.GetValue(output)!, r.GetValue(only) ?? [], cancel)));
            export.Subcommands.Add(json);
            var efDir = Dir();
            var assembly = new Option<string>("--assembly") { Description = "The application's assembly (.dll) that declares the database class.", Required = true };
            var database = new Option<string>("--database") { Description = "The database class (full or short name) deriving from ZgDatabase.", Required = true };
            var provider = new Option<string>("--provider") { Description = "sqlite or postgres.", Required = true };
            provider.AcceptOnlyFromAmong("sqlite", "postgres");
            var connection = new Option<string>("--connection") { Description = "SQLite: a connection string (\"Data Source=app.db\") or a file path. PostgreSQL: an Npgsql connection string; the database is created if it does not exist.", Required = true };
            var contextOut = new Option<string?>("--context-out") { Description = "Also write the generated DbContext source to this file." };
            var projectOut = new Option<string?>("--project-out") { Description = "Write an EF Core project's sources into this directory (DbContext, design-time factory, baseline migration Initial + snapshot) and record the baseline in the target's __EFMigrationsHistory, so dotnet ef migrations add / database update work at once." };
            var nestedTypes = new Option<string>("--nested-types") { Description = "How nested classes are stored: json (one JSON column each, default) or columns (EF Core owned types: columns of the owner's table, a table per list).", DefaultValueFactory = _ => "json" };
            nestedTypes.AcceptOnlyFromAmong("json", "columns");
            var collation = new Option<string?>("--string-collation") { Description = "A collation for every string column (e.g. C on PostgreSQL: ordinal order, as ZgDb's)." };
            var efcore = new Command("efcore", "Copy the database into SQLite or PostgreSQL through EF Core (ZgDbExporter), verified; optionally write the DbContext source or a whole EF Core project with a baseline migration. Loads the application's assembly (the model's classes).") { efDir, assembly, database, provider, connection, contextOut, projectOut, nestedTypes, collation };
            efcore.SetAction(r => Guard(() => EfCoreExport.Run(console, new EfCoreExport.Request(r.GetValue(efDir)!, r.GetValue(assembly)!, r.GetValue(database)!, r.GetValue(provider)!, r.GetValue(connection)!,
                r.GetValue(contextOut), r.GetValue(projectOut), r.GetValue(nestedTypes) == "columns" ? ZgDb.Migrations.EfCore.NestedTypeMapping.OwnedColumns : ZgDb.Migrations.EfCore.NestedTypeMapping.Json, r.GetValue(collation)), cancel)));
            export.Subcommands.Add(efcore);
            root.Subcommands.Add(export);
        }
        {
            var import = new Command("import", "Import documents.");
            var dir = Dir(description: "The database directory (closed; it must have been checkpointed once, so its model is stored).");
            var input = new Argument<string>("in") { Description = "A directory of <collection>.jsonl files, or one such file." };
            var upsert = new Option<bool>("--upsert") { Description = "Replace documents whose key exists (otherwise such a key fails the import)." };
            var json = new Command("json", "Import JSON Lines files, checked against the stored model, streaming.") { dir, input, upsert, chunkSize };
            json.SetAction(r => Guard(() => Import(console, r.GetValue(dir)!, r.GetValue(input)!, r.GetValue(upsert), r.GetValue(chunkSize), cancel)));
            import.Subcommands.Add(json);
            root.Subcommands.Add(import);
        }
        // query
        {
            var dir = Dir();
            var collection = new Argument<string>("collection") { Description = "The collection to read." };
            var where = new Option<string?>("--where", "-w") { Description = "A filter: Age > 25 and (City = 'Oslo' or Name startswith 'A'); Tags contains 'x'; Email != null." };
            var take = new Option<int>("--take", "-n") { Description = "At most this many documents (default 20).", DefaultValueFactory = _ => 20 };
            var skip = new Option<int>("--skip") { Description = "Skip this many matching documents first." };
            var json = new Option<bool>("--json") { Description = "Print matching documents as JSON Lines instead of a table." };
            var count = new Option<bool>("--count") { Description = "Print only the number of matching documents." };
            var command = new Command("query", "Show the documents of a collection that match a filter, in key order.") { dir, collection, where, take, skip, json, count };
            command.SetAction(r => Guard(() => Query(console, r.GetValue(dir)!, r.GetValue(collection)!, r.GetValue(where), r.GetValue(take), r.GetValue(skip), r.GetValue(json), r.GetValue(count), cancel)));
            root.Subcommands.Add(command);
        }
        // studio
        {
            var dir = Dir();
            var port = new Option<int>("--port") { Description = "The port on 127.0.0.1 (default: a free one)." };
            var write = new Option<bool>("--write") { Description = "Allow editing and deleting documents (refused while an application has the database open)." };
            var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser; only print the URL." };
            var command = new Command("studio", "A local web UI over the database: collections, documents, queries with their plan, the stored model, storage plots. Loopback only, behind a one-time token; read-only unless --write.") { dir, port, write, noBrowser };
            command.SetAction(r => Guard(() => Studio.StudioServer.Run(console, new Studio.StudioOptions(r.GetValue(dir)!, r.GetValue(port), r.GetValue(write)), !r.GetValue(noBrowser), cancel)));
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(ServeCommand.Build(console, error, cancel));
        root.Subcommands.Add(CheckQueries.Command(console, Guard));
        return root;
    }

    // ---- info --------------------------------------------------------------------------------------------

    private static int Info(IAnsiConsole console, string directory, bool asJson) =>
        LiveRead.Run(directory, () => Info(console, DatabaseDirectory.Read(directory), asJson));

    private static int Info(IAnsiConsole console, DatabaseDirectoryReader reader, bool asJson)
    {
        var manifest = reader.Manifest;
        var collections = reader.Collections.Select(c => new
        {
            c.Name,
            Key = c.KeyProperty,
            c.KeyKind,
            Documents = c.Count,
            Chunks = c.Chunks.Count,
            ChunkBytes = c.ChunkBytes,
            c.PendingChanges,
            c.NextKey,
            Indexes = c.Entity?.Indexes.Select(i => new { i.Name, i.Unique, File = c.IndexFiles.FirstOrDefault(f => f.Index == i.Name)?.File }).ToList(),
        }).ToList();
        var info = new
        {
            Directory = reader.Directory,
            FormatVersion = manifest?.FormatVersion,
            ManifestGeneration = manifest?.Generation,
            ManifestCreatedUtc = manifest?.CreatedUtc,
            ModelFingerprint = manifest?.ModelFingerprint,
            reader.CheckpointLsn,
            reader.LastLsn,
            Wal = new { Segments = reader.WalSegments.Count, Bytes = reader.WalBytes, Records = reader.WalRecords, RecordsAfterCheckpoint = reader.WalRecordsAfterCheckpoint, reader.TornTailBytes },
            Collections = collections,
            Relationships = manifest?.Model.Relationships.Select(r => $"{r.Dependent}.{r.ForeignKey} -> {r.Principal} ({r.OnDelete}{(r.Required ? ", required" : "")}{(r.Unique ? ", one-to-one" : "")})").ToList() ?? [],
            Warnings = reader.Warnings.Select(p => p.ToString()).ToList(),
        };
        if (asJson)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(info, Indented));
            return Program.Ok;
        }
        var summary = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string value) => summary.AddRow(new Text(name), new Text(value));
        Row("Directory", reader.Directory);
        Row("Format version", manifest?.FormatVersion.ToString() ?? "(no manifest yet: never checkpointed)");
        Row("Manifest", manifest is null ? "-" : $"generation {manifest.Generation}, written {manifest.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z");
        Row("Model fingerprint", manifest?.ModelFingerprint ?? "-");
        Row("Checkpoint LSN", reader.CheckpointLsn.ToString("N0"));
        Row("Last LSN", reader.LastLsn.ToString("N0"));
        Row("WAL", $"{reader.WalSegments.Count} segment(s), {Bytes(reader.WalBytes)}, {reader.WalRecordsAfterCheckpoint:N0} record(s) after the checkpoint" + (reader.TornTailBytes > 0 ? $", torn tail of {reader.TornTailBytes} bytes" : ""));
        console.Write(summary);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Collection").AddColumn("Key").AddColumn(new TableColumn("Documents").RightAligned()).AddColumn(new TableColumn("Chunks").RightAligned())
            .AddColumn(new TableColumn("Size").RightAligned()).AddColumn(new TableColumn("In WAL").RightAligned()).AddColumn(new TableColumn("Indexes").NoWrap());
        foreach (var c in collections)
            table.AddRow(Markup.Escape(c.Name), Markup.Escape($"{c.Key ?? "?"} ({c.KeyKind})"), c.Documents.ToString("N0"), c.Chunks.ToString("N0"), Bytes(c.ChunkBytes),
                c.PendingChanges.ToString("N0"), Markup.Escape(c.Indexes is null || c.Indexes.Count == 0 ? "-" : string.Join(", ", c.Indexes.Select(i => i.Name + (i.Unique ? " (unique)" : "") + (i.File is null ? " (no file)" : "")))));
        console.Write(table);
        foreach (var relationship in info.Relationships) Say(console, "Relationship: " + relationship);
        foreach (var warning in info.Warnings) Say(console, warning);
        return Program.Ok;
    }

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };

    // ---- verify ------------------------------------------------------------------------------------------

    private static int Verify(IAnsiConsole console, TextWriter error, string directory, CancellationToken cancel)
    {
        if (!Directory.Exists(directory)) throw new ZgDbException($"'{directory}' does not exist.");
        if (DatabaseDirectory.IsOpenElsewhere(directory))
        {
            error.WriteLine($"error: '{directory}' is open in another process (its lock, {DatabaseDirectory.LockFileName}, is held), so its files are changing under us. Close the application first, or verify a copy: zgdb backup {directory} <copy> && zgdb verify <copy>.");
            return Program.Failed;
        }
        var report = ConsoleProgress.Run(console, p => DatabaseDirectory.Verify(directory, p, cancel));
        var errors = report.ErrorCount;
        foreach (var p in report.Problems)
            Say(console, $"{(p.IsWarning ? "warning" : "ERROR  ")} {Relative(directory, p.File)}" + (p.Offset >= 0 ? $" @{p.Offset}" : "")
                + (p.Collection is null ? "" : $" [{p.Collection}" + (p.Key is null ? "]" : $" key {p.Key}]")) + ": " + p.Message);
        Say(console, $"{(errors == 0 ? "OK" : "FAILED")}: {report.Documents:N0} documents in {report.Chunks:N0} chunks, {report.IndexFiles} index file(s), {report.WalRecords:N0} WAL records, {report.Relationships} relationship(s) checked; {errors} error(s), {report.Problems.Count - errors} warning(s).");
        return errors == 0 ? Program.Ok : Program.ProblemsFound;
    }

    private static string Relative(string directory, string file)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(directory), Path.GetFullPath(file));
        return relative == "." ? "(database)" : relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
    }

    // ---- checkpoint, compact -----------------------------------------------------------------------------

    private static int Checkpoint(IAnsiConsole console, string directory, int chunkDocuments, bool compact, CancellationToken cancel)
    {
        if (chunkDocuments < 1) throw new ZgDbException("--chunk-documents must be at least 1.");
        var report = ConsoleProgress.Run(console, p => DatabaseDirectory.Checkpoint(directory, compact, chunkDocuments, p, cancel));
        if (!report.Written)
            Say(console, $"Nothing to checkpoint: the WAL holds no change after LSN {report.CheckpointLsn:N0}.");
        else if (compact)
            Say(console, $"Compacted {report.Collections} collection(s), {report.Documents:N0} documents: {report.ChunksBefore:N0} chunks ({Bytes(report.ChunkBytesBefore)}) -> {report.ChunksAfter:N0} chunks ({Bytes(report.ChunkBytesAfter)}); WAL {Bytes(report.WalBytesBefore)} -> {Bytes(report.WalBytesAfter)}. Manifest generation {report.ManifestGeneration}, checkpoint LSN {report.CheckpointLsn:N0}.");
        else
            Say(console, $"Checkpointed {report.Changes:N0} change(s) in {report.CollectionsRewritten} collection(s) up to LSN {report.CheckpointLsn:N0}: {report.ChunksBefore:N0} -> {report.ChunksAfter:N0} chunks ({Bytes(report.ChunkBytesAfter)}); WAL {Bytes(report.WalBytesBefore)} -> {Bytes(report.WalBytesAfter)}. Manifest generation {report.ManifestGeneration}.");
        return Program.Ok;
    }

    // ---- backup, restore ---------------------------------------------------------------------------------

    private static int Backup(IAnsiConsole console, string directory, string target, CancellationToken cancel)
    {
        var result = ConsoleProgress.Run(console, p => DatabaseDirectory.Backup(directory, target, p, cancel));
        Say(console, $"Backed up '{directory}' to '{target}': manifest generation {result.ManifestGeneration} (checkpoint LSN {result.CheckpointLsn:N0}), {result.Chunks:N0} chunks, {result.WalSegments} WAL segment(s) up to LSN {result.LastLsn:N0}, {Bytes(result.Bytes)}" + (result.Attempts > 1 ? $", after {result.Attempts} attempts (checkpoints deleted files before they could be opened)" : "") + ". The copy verifies.");
        return Program.Ok;
    }

    private static int Restore(IAnsiConsole console, string backup, string directory, bool replace, CancellationToken cancel)
    {
        var bytes = ConsoleProgress.Run(console, p => DatabaseDirectory.Restore(backup, directory, replace, p, cancel));
        Say(console, $"Restored '{backup}' into '{directory}' ({Bytes(bytes)}).");
        return Program.Ok;
    }

    // ---- export, import ----------------------------------------------------------------------------------

    private static int Export(IAnsiConsole console, string directory, string target, string[] only, CancellationToken cancel)
    {
        // A failed try leaves nothing behind (the export writes a temporary directory and moves it at the end).
        var result = LiveRead.Run(directory, () => ConsoleProgress.Run(console, p => DatabaseDirectory.ExportJson(directory, target, only, p, cancel)));
        foreach (var collection in result.Collections)
            Say(console, $"{collection.Name}.jsonl: {collection.Documents:N0} documents, {Bytes(collection.Bytes)}");
        Say(console, $"Exported {result.Documents:N0} documents to '{target}'.");
        return Program.Ok;
    }

    private static int Import(IAnsiConsole console, string directory, string source, bool upsert, int chunkDocuments, CancellationToken cancel)
    {
        if (chunkDocuments < 1) throw new ZgDbException("--chunk-documents must be at least 1.");
        var result = ConsoleProgress.Run(console, p => DatabaseDirectory.ImportJson(directory, source, upsert, chunkDocuments, p, cancel));
        foreach (var collection in result.Collections)
            Say(console, $"{collection.Name}: {collection.Documents:N0} documents imported");
        Say(console, $"Imported {result.Documents:N0} documents into '{directory}'.");
        return Program.Ok;
    }

    // ---- query -------------------------------------------------------------------------------------------

    private static int Query(IAnsiConsole console, string directory, string name, string? where, int take, int skip, bool asJson, bool countOnly, CancellationToken cancel)
    {
        if (!string.IsNullOrWhiteSpace(where)) Filter.Parse(where); // syntax errors first, before any file is read
        long printed = 0; // JSON lines stream out as they are read: a try that printed some is not done again
        return LiveRead.Run(directory,
            () => Query(console, DatabaseDirectory.Read(directory), name, where, take, skip, asJson, countOnly, () => printed++, cancel),
            mayRetry: () => printed == 0);
    }

    private static int Query(IAnsiConsole console, DatabaseDirectoryReader reader, string name, string? where, int take, int skip, bool asJson, bool countOnly, Action printedOne, CancellationToken cancel)
    {
        var collection = reader.Find(name) ?? throw new ZgDbException(
            $"The database has no collection '{name}' (it has: {string.Join(", ", reader.Collections.Select(c => c.Name))}).");
        // A misspelt property would match nothing and print 0: names are checked against the stored model (and the
        // properties it remembers as removed, whose values old documents may still hold).
        var filter = string.IsNullOrWhiteSpace(where) ? (_ => true) : Filter.Parse(where, reader, collection);
        var rows = new List<JsonObject>();
        long matched = 0;
        foreach (var document in reader.Scan(collection, cancel))
        {
            using var json = document.Parse();
            if (!filter(json.RootElement)) continue;
            matched++;
            if (countOnly || matched <= skip) continue;
            if (asJson)
            {
                console.Profile.Out.Writer.WriteLine(System.Text.Encoding.UTF8.GetString(document.JsonLine.Span));
                printedOne();
            }
            else rows.Add(JsonNode.Parse(document.Json.Span)!.AsObject());
            if (matched - skip >= take) break;
        }
        if (countOnly)
        {
            Say(console, matched.ToString());
            return Program.Ok;
        }
        if (asJson) return Program.Ok;
        var columns = new List<string>();
        if (collection.KeyProperty is { } key) columns.Add(key);
        foreach (var row in rows)
            foreach (var property in row)
                if (!columns.Contains(property.Key)) columns.Add(property.Key);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns) table.AddColumn(Markup.Escape(column));
        if (columns.Count == 0) table.AddColumn("(no documents)");
        foreach (var row in rows)
            table.AddRow(columns.Select(c => Markup.Escape(Cell(row[c], row.ContainsKey(c)))).ToArray());
        console.Write(table);
        Say(console, $"{rows.Count} document(s) shown" + (rows.Count == take ? $" (--take {take}; more may match)" : "") + ".");
        return Program.Ok;
    }

    private static string Cell(JsonNode? value, bool present)
    {
        if (!present) return "";
        if (value is null) return "null";
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
        return text.Length <= 48 ? text : text[..45] + "...";
    }
}
