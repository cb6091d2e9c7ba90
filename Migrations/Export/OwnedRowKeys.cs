using System.Collections;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ZgDb.Migrations.Export;

/// <summary>
/// Keys of the rows of lists of nested classes stored as tables (<see cref="EfCore.NestedTypeMapping.OwnedColumns"/>):
/// numbered 1, 2, 3, ... in list order across the whole table, so EF Core, which reads an owned collection ordered by
/// its key, returns every list in ZgDb's order (left to the database, a batch's rows may be numbered in another order).
/// After the copy each such table's identity is restarted past its highest key, so the application's new elements get
/// new keys. In the export's transaction.
/// </summary>
internal sealed class OwnedRowKeys
{
    private readonly Dictionary<IEntityType, int> _last = [];

    /// <summary>Numbers the owned collection elements of <paramref name="owners"/> (tracked as Added, in copy order).</summary>
    public void Assign(DbContext context, IEnumerable<object> owners)
    {
        foreach (var owner in owners) Visit(context, context.Entry(owner));
    }

    private void Visit(DbContext context, EntityEntry entry)
    {
        foreach (var navigation in entry.Metadata.GetNavigations().Where(n => n.ForeignKey.IsOwnership && !n.IsOnDependent))
        {
            var value = navigation.GetGetter().GetClrValue(entry.Entity);
            if (value is null) continue;
            var target = navigation.TargetEntityType;
            if (!navigation.IsCollection)
            {
                Visit(context, context.Entry(value));
                continue;
            }
            if (target.IsMappedToJson()) continue;
            var key = target.FindPrimaryKey()!.Properties.Single();
            foreach (var item in (IEnumerable)value)
            {
                var element = context.Entry(item);
                int next = _last[target] = _last.GetValueOrDefault(target) + 1;
                element.Property(key.Name).CurrentValue = next;
                Visit(context, element);
            }
        }
    }

    /// <summary>Restarts the identity of every owned table numbered here past its highest key (PostgreSQL; SQLite's AUTOINCREMENT has followed the explicit keys).</summary>
    public async Task RestartAsync(DbContext context, CancellationToken cancellationToken)
    {
        if (context.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) == true) return;
        var sql = context.GetService<ISqlGenerationHelper>();
        foreach (var (entityType, last) in _last)
        {
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var column = entityType.FindPrimaryKey()!.Properties.Single().GetColumnName(table)!;
            await using var command = context.Database.GetDbConnection().CreateCommand();
            command.Transaction = context.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"ALTER TABLE {sql.DelimitIdentifier(table.Name, table.Schema)} ALTER COLUMN {sql.DelimitIdentifier(column)} RESTART WITH {last + 1}");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
