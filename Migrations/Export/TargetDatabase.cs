using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using ZgDb.Migrations.EfCore;

namespace ZgDb.Migrations.Export;

/// <summary>
/// The target database around the copy: created when it does not exist (PostgreSQL, as <c>dotnet ef database update</c>
/// does; dropped again when the export that created it fails), and the baseline migration recorded in EF Core's
/// <c>__EFMigrationsHistory</c> with EF Core's own history scripts.
/// </summary>
internal static class TargetDatabase
{
    /// <summary>Creates the PostgreSQL database when it does not exist; returns whether it did. (SQLite creates its file on open.)</summary>
    public static async Task<bool> CreateIfMissingAsync(DbContext context, ExportTarget target, CancellationToken cancellationToken)
    {
        if (target.Provider != ExportProvider.PostgreSql) return false;
        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken)) return false;
        try
        {
            await creator.CreateAsync(cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.PostgresException or Npgsql.NpgsqlException)
        {
            throw new ZgDbExportException(null, $"{target} does not exist and could not be created ({e.Message}): create it (CREATE DATABASE), or connect as a user with the CREATEDB privilege.", null, e);
        }
        return true;
    }

    /// <summary>Creates <c>__EFMigrationsHistory</c> if missing and inserts <paramref name="migrationId"/> with this EF Core's version, in the open transaction.</summary>
    public static async Task RecordBaselineAsync(DbContext context, string migrationId, CancellationToken cancellationToken)
    {
        var history = context.GetService<IHistoryRepository>();
        await context.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
        await context.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(migrationId, ProductInfo.GetVersion())), cancellationToken);
    }

    /// <summary>Drops a database this export created (its transaction was rolled back, so it is empty).</summary>
    public static async Task DropQuietlyAsync(ExportTarget target, EfMappingPlan plan)
    {
        try
        {
            await using var context = new ZgDbReplayContext(plan.Model, target.BuildOptions(null), plan);
            await context.GetService<IRelationalDatabaseCreator>().DeleteAsync();
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException) { }
    }
}
