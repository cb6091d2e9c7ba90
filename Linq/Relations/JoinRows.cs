using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using ZgDb.Storage.Engine;

namespace ZgDb.Relations;

/// <summary>
/// Keeps the join collections of many-to-many relationships in step with the skip navigations of the documents
/// written (<c>post.Tags</c>): <c>Insert</c>, <c>InsertMany</c>, <c>Update</c> and <c>Upsert</c> of a document add the links
/// its list holds, in the same engine write as the document, so both commit or neither does (inside a transaction, in
/// the transaction). Links the list does not hold are deleted only when ZgDb loaded that list into that object
/// (<see cref="LoadedSkipLists"/>: Include or explicit loading, then items removed or another list assigned); a list never loaded (a document
/// read without Include, a new object) cannot say which links it lacks, so none is deleted. A null list leaves the
/// document's join rows as they are. A listed entity is linked by its key and must exist (the join row's foreign key
/// is checked like any other: <see cref="ZgDbForeignKeyException"/> naming it); it is never inserted. Deletes need
/// nothing here: the join rows' foreign keys cascade.
/// </summary>
internal static class JoinRows
{
    private static readonly ConcurrentDictionary<Type, Action<StorageEngine, object>> Inserters = new();
    private static readonly MethodInfo InsertMethod = typeof(JoinRows).GetMethod(nameof(InsertRow), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Runs <paramref name="write"/> (the documents' own write) and then syncs their join rows, as one atomic write.</summary>
    public static void Write<T>(ZgDatabase database, SkipNavigation[] skips, IReadOnlyList<T> documents, Action write) where T : class
    {
        if (skips.Length == 0)
        {
            write();
            return;
        }
        var engine = database.Engine;
        engine.Write(set =>
        {
            write();
            foreach (var document in documents)
                foreach (var skip in skips)
                    Sync(engine, set, skip, document);
        });
    }

    private static void Sync(StorageEngine engine, WriteSet set, SkipNavigation skip, object document)
    {
        if (skip.Navigation.GetValue(document) is not IEnumerable listed) return;
        bool removeUnlisted = LoadedSkipLists.WasLoaded(document, skip.Navigation);
        var key = skip.Entity.KeyOf(document)!;
        var wanted = new List<object>();
        var seen = new HashSet<object>();
        int position = 0;
        foreach (var item in listed)
        {
            if (item is null)
                throw new ZgDbValidationException(skip.Entity.CollectionName,
                    $"{skip.Entity.Name} {ZgDbDuplicateKeyException.FormatKey(key)}: {skip.Navigation.Name}[{position}] is null; a many-to-many list holds {skip.Target.Name} entities. Nothing was written.");
            var targetKey = skip.Target.KeyOf(item)!;
            if (seen.Add(targetKey)) wanted.Add(targetKey);
            position++;
        }
        var joins = engine.Stores.First(s => s.Entity == skip.JoinEntity);
        var have = new HashSet<object>();
        foreach (var joinKey in joins.DependentKeys(set, skip.ToEntity, key))
        {
            var targetKey = skip.TargetKeyOf(joinKey);
            if (seen.Contains(targetKey)) have.Add(targetKey);
            else if (removeUnlisted) joins.RemoveKey(set, joinKey);
        }
        var insert = Inserters.GetOrAdd(skip.JoinEntity.ClrType, type => InsertMethod.MakeGenericMethod(type).CreateDelegate<Action<StorageEngine, object>>());
        var targets = engine.Stores.First(s => s.Entity == skip.Target);
        foreach (var targetKey in wanted)
        {
            if (have.Contains(targetKey)) continue;
            // The join row's foreign key would refuse it too; this says it in the terms of the list.
            if (!targets.ContainsKey(set, targetKey))
                throw new ZgDbForeignKeyException(skip.Entity.CollectionName, skip.ToString(),
                    $"{skip.Entity.Name} {ZgDbDuplicateKeyException.FormatKey(key)} lists {skip.Target.Name} {ZgDbDuplicateKeyException.FormatKey(targetKey)} in {skip.Navigation.Name}, " +
                    $"which does not exist in '{skip.Target.CollectionName}'. A many-to-many list links existing entities only: insert it first (in the same transaction if need be). Nothing was written.");
            insert(engine, skip.NewJoinRow(key, targetKey));
        }
    }

    private static void InsertRow<TJoin>(StorageEngine engine, object row) where TJoin : class => engine.Store<TJoin>().Insert((TJoin)row);
}
