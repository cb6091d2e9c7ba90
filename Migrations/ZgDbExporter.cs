using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using ZgDb.Migrations.EfCore;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.SourceGeneration;
using ZgDb.Tooling;

namespace ZgDb.Migrations;

/// <summary>
/// The way out of ZgDb: replays a database's model into EF Core, writes a ready-to-compile DbContext, and copies
/// the data into SQLite or PostgreSQL, verified. The entry points of <c>zgdb export efcore</c>.
/// </summary>
public static class ZgDbExporter
{
    /// <summary>
    /// Copies every collection of <paramref name="source"/> (one consistent snapshot) into <paramref name="target"/>:
    /// creates the tables, keys, indexes and foreign keys, copies principals before dependents in batches of
    /// <see cref="ExportOptions.BatchSize"/> with their keys as they are, reads every table back and compares its
    /// row count and content checksum, restarts the identity of every integer key past its highest copied value (so
    /// the EF Core application's new rows get new keys), and commits. Everything happens in one target transaction: on any failure
    /// or cancellation it is rolled back (a SQLite file the export created is deleted). The source is only read.
    /// </summary>
    /// <returns>The committed export's report: per table, rows and checksums.</returns>
    /// <exception cref="ZgDbExportException">The model cannot be expressed in EF Core, the target refused the schema or a row, or
    /// verification found a difference. <see cref="ZgDbExportException.Detail"/> holds the <see cref="ExportReport"/> of what was done before the rollback.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the target was rolled back.</exception>
    public static async Task<ExportReport> ExportAsync(ZgDatabase source, ExportTarget target, ExportOptions? options = null,
        IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new ExportOptions();
        if (options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be positive.");
        var model = source.Model;
        var plan = EfMappingPlanner.Build(model, options.Mapping); // refuses what EF Core cannot express, before touching the target
        var order = ExportOrder.Collections(model);
        var report = new ExportReport(target.ToString());
        report.Notes.AddRange(plan.Notes);
        var clock = Stopwatch.StartNew();

        bool createdFile = false;
        if (target.FilePath is { } file)
        {
            if (options.OverwriteSqliteFile && File.Exists(file)) File.Delete(file);
            createdFile = !File.Exists(file);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        }

        var snapshot = ZgDbTooling.Snapshot(source); // one snapshot of every collection: foreign keys agree across tables
        string? current = null;
        DataCopier? copier = null;
        var context = new ZgDbReplayContext(model, target.BuildOptions(null), plan);
        bool createdDatabase = false;
        try
        {
            createdDatabase = await TargetDatabase.CreateIfMissingAsync(context, target, cancellationToken);
            report.CreatedDatabase = createdDatabase || createdFile;
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            await context.Database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            progress?.Report(new ExportProgress(ExportPhase.Schema, null, 0, 0));
            try
            {
                await context.GetService<IRelationalDatabaseCreator>().CreateTablesAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new ZgDbExportException(null, $"{target} refused the schema (does it already hold tables of these names?): {e.Message}", report, e);
            }

            copier = new DataCopier(source, snapshot, context, options, progress, cancellationToken);
            foreach (var entity in order)
            {
                current = entity.CollectionName;
                var entityPlan = plan.Entities.Concat(plan.ImplicitJoins).First(p => p.Entity == entity);
                TableReport tableReport;
                try
                {
                    tableReport = plan.ImplicitJoins.Contains(entityPlan)
                        ? await copier.CopyJoinAsync(entity, entityPlan.Table)
                        : await copier.CopyAsync(entity, entityPlan.Table);
                }
                catch (Exception e) when (e is not OperationCanceledException and not ZgDbExportException)
                {
                    throw new ZgDbExportException(entity.CollectionName,
                        $"{target} refused a row after {copier.CopiedInCurrent} rows of this collection had been written: {Innermost(e).Message}", report, e);
                }
                if (entityPlan.KeyGeneration == EfKeyGeneration.Identity)
                {
                    try
                    {
                        if (await KeySequences.RestartAsync(context, entity.ClrType, ZgDbTooling.MaxAssignedKey(entity.KeyKind), cancellationToken) is null)
                            report.Notes.Add($"{entity.Name}.{entity.Key.Name}: the highest key is {ZgDbTooling.MaxAssignedKey(entity.KeyKind)}, the largest a {entity.Key.ClrType.Name} key ZgDb assigns; as in ZgDb, new rows of {target} need explicit keys.");
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        throw new ZgDbExportException(entity.CollectionName,
                            $"{target} refused to restart the key's identity past the copied keys: {Innermost(e).Message}", report, e);
                    }
                }
                report.Tables.Add(tableReport);
                if (options.Verify && !tableReport.Verified)
                    throw new ZgDbExportException(entity.CollectionName,
                        $"verification failed: the source has {tableReport.SourceRows} rows (checksum {tableReport.SourceChecksum}) but {target} returns {tableReport.TargetRows} (checksum {tableReport.TargetChecksum}).", report);
            }
            try
            {
                await copier.OwnedRowKeys.RestartAsync(context, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new ZgDbExportException(null, $"{target} refused to restart the identity of a table of nested lists: {Innermost(e).Message}", report, e);
            }
            if (options.BaselineMigrationId is { } baseline)
            {
                try
                {
                    await TargetDatabase.RecordBaselineAsync(context, baseline, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new ZgDbExportException(null, $"{target} refused to record the baseline migration '{baseline}' in __EFMigrationsHistory: {Innermost(e).Message}", report, e);
                }
                report.BaselineMigrationId = baseline;
            }
            await transaction.CommitAsync(cancellationToken);
            report.Committed = true;
            report.Elapsed = clock.Elapsed;
            progress?.Report(new ExportProgress(ExportPhase.Done, null, report.Rows, report.Rows));
            return report;
        }
        catch (Exception e)
        {
            report.Elapsed = clock.Elapsed;
            await context.DisposeAsync(); // an uncommitted transaction is rolled back when its connection closes
            if (createdFile && target.FilePath is { } created) DeleteQuietly(created);
            if (createdDatabase) await TargetDatabase.DropQuietlyAsync(target, plan);
            if (e is ZgDbExportException or OperationCanceledException) throw;
            throw new ZgDbExportException(current, $"the export to {target} failed and was rolled back: {Innermost(e).Message}", report, e);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    /// <summary>
    /// Writes the C# source of a DbContext for <paramref name="source"/>'s model: DbSets named like the
    /// collections and an <c>OnModelCreating</c> that mirrors the ZgDb configuration (the same mapping as
    /// <see cref="EfModelReplay"/>). The default class name is the database class's name + "Context".
    /// </summary>
    /// <exception cref="ZgDbExportException">A part of the model EF Core cannot express.</exception>
    public static string GenerateDbContext(ZgDatabase source, DbContextSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var type = source.GetType();
        options ??= new DbContextSourceOptions();
        return GenerateDbContext(source.Model, options with
        {
            ContextName = options.ContextName ?? type.Name + "Context",
            Namespace = options.Namespace ?? type.Namespace,
        });
    }

    /// <summary>
    /// Writes <c>&lt;ContextName&gt;.cs</c> (e.g. <c>BlogDbContext.cs</c>) into <paramref name="directory"/> (created if missing)
    /// with the source of <see cref="GenerateDbContext(ZgDatabase, DbContextSourceOptions?)"/>; returns the file's path.
    /// An existing file of that name is replaced.
    /// </summary>
    public static string WriteDbContextFile(ZgDatabase source, string directory, DbContextSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var name = options?.ContextName ?? source.GetType().Name + "Context";
        var code = GenerateDbContext(source, (options ?? new DbContextSourceOptions()) with { ContextName = name });
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".cs");
        File.WriteAllText(path, code);
        return path;
    }

    /// <summary>Writes the C# source of a DbContext for <paramref name="model"/> (see the other overload).</summary>
    public static string GenerateDbContext(DatabaseModel model, DbContextSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return DbContextSourceGenerator.Generate(EfMappingPlanner.Build(model, options.Mapping), options);
    }

    /// <summary>
    /// The sources of an EF Core project that starts from the database <paramref name="target"/> receives: the DbContext
    /// (as <see cref="GenerateDbContext(ZgDatabase, DbContextSourceOptions?)"/>), an <c>IDesignTimeDbContextFactory</c> for
    /// <c>dotnet ef</c> (connecting to <paramref name="target"/>, without its password), and a baseline migration
    /// <c>Initial</c> with the model snapshot, generated by EF Core Design's migrations code generator for the target's
    /// provider. Export with <see cref="ExportOptions.BaselineMigrationId"/> set to <see cref="EfCoreProject.MigrationId"/>
    /// (and the same <see cref="ExportOptions.NestedTypes"/> / <see cref="ExportOptions.StringCollation"/> as
    /// <paramref name="options"/>' mapping): the export then records the baseline in <c>__EFMigrationsHistory</c>, so
    /// <c>dotnet ef migrations add Next</c> and <c>dotnet ef database update</c> work on the exported database at once.
    /// </summary>
    /// <exception cref="ZgDbExportException">A part of the model EF Core cannot express.</exception>
    public static EfCoreProject GenerateEfCoreProject(ZgDatabase source, ExportTarget target, DbContextSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var type = source.GetType();
        options ??= new DbContextSourceOptions();
        options = options with
        {
            ContextName = options.ContextName ?? type.Name + "Context",
            Namespace = options.Namespace ?? type.Namespace,
        };
        return EfCoreProjectGenerator.Generate(source.Model, EfMappingPlanner.Build(source.Model, options.Mapping), target, options);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null && e is not Npgsql.PostgresException) e = e.InnerException;
        return e;
    }

    private static void DeleteQuietly(string file)
    {
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
        catch (IOException) { }
    }
}
