using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ZgDb.Migrations.Export;

/// <summary>
/// Multi-row INSERT statements for an entity type whose columns are all plain properties (no owned types, no JSON
/// column): EF Core's own metadata gives the table, the column names and, through each property's type mapping, the
/// parameters (value converters included), so rows are stored exactly as <c>SaveChanges</c> would store them, without
/// the change tracker. Other entity types go through <c>SaveChanges</c>.
/// </summary>
internal sealed class BulkInserter
{
    // Npgsql sends a statement's parameters in one message: large statements are fastest (PostgreSQL allows 65,535).
    // Microsoft.Data.Sqlite binds each parameter by a name lookup over the statement, so a statement's cost grows with
    // the square of its parameters: a few hundred per statement is fastest there.
    private const int MaxParametersPostgreSql = 30_000;
    private const int MaxParametersSqlite = 400;
    private readonly DbContext _context;
    private readonly IProperty[] _properties;
    private readonly string _prefix;
    private readonly int _rowsPerStatement;

    private BulkInserter(DbContext context, IEntityType entityType, IProperty[] properties)
    {
        _context = context;
        _properties = properties;
        var sql = context.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        _prefix = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) VALUES ";
        int maxParameters = context.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) == true ? MaxParametersSqlite : MaxParametersPostgreSql;
        _rowsPerStatement = Math.Max(1, maxParameters / properties.Length);
    }

    /// <summary>An inserter for <paramref name="clrType"/>, or null when its mapping needs <c>SaveChanges</c> (owned types, JSON columns, shadow properties).</summary>
    public static BulkInserter? For(DbContext context, Type clrType)
    {
        var entityType = context.Model.FindEntityType(clrType);
        if (entityType is null || entityType.GetTableName() is null || entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
            return null;
        var properties = entityType.GetProperties().ToArray();
        if (properties.Any(p => p.IsShadowProperty() || p.PropertyInfo is null)) return null;
        return new BulkInserter(context, entityType, properties);
    }

    public async Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class
    {
        var connection = _context.Database.GetDbConnection();
        var transaction = _context.Database.CurrentTransaction?.GetDbTransaction();
        for (int start = 0; start < rows.Count; start += _rowsPerStatement)
        {
            int count = Math.Min(_rowsPerStatement, rows.Count - start);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder(_prefix);
            int parameter = 0;
            for (int r = 0; r < count; r++)
            {
                var row = rows[start + r];
                text.Append(r == 0 ? "(" : ", (");
                for (int c = 0; c < _properties.Length; c++)
                {
                    var name = "p" + parameter++;
                    var property = _properties[c];
                    var mapping = (RelationalTypeMapping)property.GetTypeMapping();
                    command.Parameters.Add(mapping.CreateParameter(command, name, property.PropertyInfo!.GetValue(row), property.IsNullable));
                    text.Append(c == 0 ? "" : ", ").Append('@').Append(name);
                }
                text.Append(')');
            }
            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
