using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ZgDb.Migrations.Export;

/// <summary>
/// After a table's rows are copied with their keys, moves its key generator past the highest key, so the EF Core
/// application's first insert gets a new key instead of colliding with a copied one: PostgreSQL
/// <c>ALTER TABLE ... ALTER COLUMN ... RESTART WITH max + 1</c> on the identity column, SQLite the table's row of
/// <c>sqlite_sequence</c> (AUTOINCREMENT never hands out a key at or below it). In the export's transaction.
/// </summary>
internal static class KeySequences
{
    /// <summary>
    /// Restarts the identity of <paramref name="clrType"/>'s key past its highest copied value; returns the next key, or
    /// null when the highest key is already <paramref name="largest"/> (the largest key ZgDb assigns for the key's type:
    /// the generator is then left at that value, and the target, like ZgDb, cannot generate a new key).
    /// </summary>
    public static async Task<long?> RestartAsync(DbContext context, Type clrType, long largest, CancellationToken cancellationToken)
    {
        var entityType = context.Model.FindEntityType(clrType)!;
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var key = entityType.FindPrimaryKey()!.Properties.Single();
        var sql = context.GetService<ISqlGenerationHelper>();
        var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        var column = sql.DelimitIdentifier(key.GetColumnName(table)!);

        // Keys ZgDb assigned start at 1; explicit keys may be negative, which the generator never reaches.
        var highest = await ScalarAsync(context, $"SELECT MAX({column}) FROM {tableName}", cancellationToken);
        long max = highest is null or DBNull ? 0 : Math.Max(0, Convert.ToInt64(highest, System.Globalization.CultureInfo.InvariantCulture));
        bool exhausted = max >= largest;
        max = Math.Min(max, largest);
        if (context.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) == true)
        {
            var name = table.Name.Replace("'", "''", StringComparison.Ordinal);
            if (await ScalarAsync(context, $"SELECT COUNT(*) FROM sqlite_sequence WHERE name = '{name}'", cancellationToken) is long and > 0)
                await ExecuteAsync(context, $"UPDATE sqlite_sequence SET seq = {max} WHERE name = '{name}'", cancellationToken);
            else
                await ExecuteAsync(context, $"INSERT INTO sqlite_sequence (name, seq) VALUES ('{name}', {max})", cancellationToken);
        }
        else
            await ExecuteAsync(context, $"ALTER TABLE {tableName} ALTER COLUMN {column} RESTART WITH {(exhausted ? max : max + 1)}", cancellationToken);
        return exhausted ? null : max + 1;
    }

    private static async Task<object?> ScalarAsync(DbContext context, string text, CancellationToken cancellationToken)
    {
        await using var command = Command(context, text);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(DbContext context, string text, CancellationToken cancellationToken)
    {
        await using var command = Command(context, text);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static System.Data.Common.DbCommand Command(DbContext context, string text)
    {
        var command = context.Database.GetDbConnection().CreateCommand();
        command.Transaction = context.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = text;
        return command;
    }
}
