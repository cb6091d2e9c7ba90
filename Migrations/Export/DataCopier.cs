using Microsoft.EntityFrameworkCore;
using ZgDb.Tooling;

namespace ZgDb.Migrations.Export;

/// <summary>Copies one collection of a ZgDb snapshot into the target's open transaction, then reads it back to verify.</summary>
internal sealed class DataCopier(ZgDatabase source, DatabaseSnapshot snapshot, DbContext target, ExportOptions options,
    IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
{
    /// <summary>Rows of the collection being copied that the target has accepted so far (for the failure report).</summary>
    public long CopiedInCurrent { get; private set; }

    /// <summary>The keys of owned collection rows stored as tables (OwnedColumns), numbered in list order.</summary>
    public OwnedRowKeys OwnedRowKeys { get; } = new();

    public Task<TableReport> CopyAsync(EntityType entity, string table) =>
        (Task<TableReport>)typeof(DataCopier).GetMethod(nameof(CopyTypedAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(entity.ClrType).Invoke(this, [entity, table])!;

    /// <summary>
    /// Copies an implicit join collection (<c>PostTag</c>) into EF Core's implicit join entity of the same name, a
    /// shared-type <c>Dictionary&lt;string, object&gt;</c> whose entries are the join row's two foreign keys; verifies it
    /// as the other tables (its rows read back into join rows).
    /// </summary>
    public Task<TableReport> CopyJoinAsync(EntityType entity, string table) =>
        (Task<TableReport>)typeof(DataCopier).GetMethod(nameof(CopyJoinTypedAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(entity.ClrType).Invoke(this, [entity, table])!;

    private async Task<TableReport> CopyJoinTypedAsync<T>(EntityType entity, string table) where T : class
    {
        long total = snapshot.Count<T>();
        var checksum = new ContentChecksum();
        var set = target.Set<Dictionary<string, object>>(entity.CollectionName);
        CopiedInCurrent = 0;
        progress?.Report(new ExportProgress(ExportPhase.Copy, entity.CollectionName, 0, total));
        int pending = 0;
        foreach (var stored in snapshot.ScanStored<T>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            checksum.Add(stored, entity.Properties);
            set.Add(entity.KeyParts.ToDictionary(p => p.Name, p => p.Info.GetValue(stored)!));
            if (++pending >= options.BatchSize) await FlushAsync();
        }
        await FlushAsync();

        async Task FlushAsync()
        {
            if (pending == 0) return;
            await target.SaveChangesAsync(cancellationToken);
            target.ChangeTracker.Clear();
            CopiedInCurrent += pending;
            pending = 0;
            progress?.Report(new ExportProgress(ExportPhase.Copy, entity.CollectionName, CopiedInCurrent, total));
        }

        if (!options.Verify)
            return new TableReport(entity.CollectionName, table, checksum.Rows, CopiedInCurrent, null, checksum.Value, null);
        long targetRows = await set.LongCountAsync(cancellationToken);
        var targetChecksum = new ContentChecksum();
        await foreach (var row in set.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var joinRow = Activator.CreateInstance(entity.ClrType)!;
            foreach (var part in entity.KeyParts) part.Info.SetValue(joinRow, row[part.Name]);
            targetChecksum.Add(joinRow, entity.Properties);
        }
        return new TableReport(entity.CollectionName, table, checksum.Rows, CopiedInCurrent, targetRows, checksum.Value, targetChecksum.Value);
    }

    private async Task<TableReport> CopyTypedAsync<T>(EntityType entity, string table) where T : class
    {
        long total = snapshot.Count<T>();
        var checksum = new ContentChecksum { UnorderedNestedLists = options.NestedTypes == EfCore.NestedTypeMapping.OwnedColumns };
        var batch = new List<T>(options.BatchSize);
        var set = target.Set<T>();
        var bulk = options.UseSaveChanges ? null : BulkInserter.For(target, typeof(T));
        CopiedInCurrent = 0;
        progress?.Report(new ExportProgress(ExportPhase.Copy, entity.CollectionName, 0, total));
        foreach (var stored in ExportOrder.Rows(snapshot.ScanStored<T>(), entity, source.Model))
        {
            cancellationToken.ThrowIfCancellationRequested();
            checksum.Add(stored, entity.PropertiesOf(stored.GetType()) ?? entity.Properties, entity.HasHierarchy ? stored.GetType().Name : null); // a derived document: its type and own properties
            batch.Add(snapshot.Copy(stored)); // EF fixes up navigations of what it tracks: never hand it a stored document
            if (batch.Count >= options.BatchSize) await FlushAsync();
        }
        await FlushAsync();

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            if (bulk is not null)
                await bulk.InsertAsync(batch, cancellationToken);
            else
            {
                set.AddRange(batch);
                OwnedRowKeys.Assign(target, batch);
                await target.SaveChangesAsync(cancellationToken);
                target.ChangeTracker.Clear();
            }
            CopiedInCurrent += batch.Count;
            batch.Clear();
            progress?.Report(new ExportProgress(ExportPhase.Copy, entity.CollectionName, CopiedInCurrent, total));
        }

        if (!options.Verify)
            return new TableReport(entity.CollectionName, table, checksum.Rows, CopiedInCurrent, null, checksum.Value, null);

        progress?.Report(new ExportProgress(ExportPhase.Verify, entity.CollectionName, 0, total));
        long targetRows = await set.LongCountAsync(cancellationToken);
        var targetChecksum = new ContentChecksum { UnorderedNestedLists = options.NestedTypes == EfCore.NestedTypeMapping.OwnedColumns };
        await foreach (var row in set.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
            targetChecksum.Add(row, entity.PropertiesOf(row.GetType()) ?? entity.Properties, entity.HasHierarchy ? row.GetType().Name : null);
        progress?.Report(new ExportProgress(ExportPhase.Verify, entity.CollectionName, targetChecksum.Rows, total));
        return new TableReport(entity.CollectionName, table, checksum.Rows, CopiedInCurrent, targetRows, checksum.Value, targetChecksum.Value);
    }
}
