using ZgDb.Query.Execution;
using ZgDb.Query.Plans;

namespace ZgDb.Relations;

/// <summary>
/// The documents a navigation leads to, read from one <see cref="QueryContext"/>: the principal of a foreign key
/// (a primary-key lookup) or the dependents of a principal key (through the foreign-key index, or a scan when the
/// collection has none). Every navigation, Include and explicit load reads through here, so a query's navigations see
/// the same database state as the query itself. Returns copies the caller owns (the execution's one copy per document
/// when it resolves identity).
/// </summary>
internal static class RelatedDocuments
{
    /// <summary>A copy of the document of <typeparamref name="T"/> whose primary key is <paramref name="foreignKey"/>, or null.</summary>
    public static T? Principal<T>(QueryContext context, object? foreignKey) where T : class
    {
        if (foreignKey is null) return null;
        var snapshot = context.Snapshot<T>();
        return snapshot.Get(foreignKey) is { } stored ? context.Materialize(stored) : null;
    }

    /// <summary>Copies of the documents of <typeparamref name="T"/> whose foreign key of <paramref name="relationship"/> is <paramref name="principalKey"/>, in key order.</summary>
    public static List<T> Dependents<T>(QueryContext context, Relationship relationship, object principalKey) where T : class =>
        context.NavigationList(relationship, principalKey, () => Load<T>(context, relationship, principalKey));

    private static List<T> Load<T>(QueryContext context, Relationship relationship, object principalKey) where T : class
    {
        var snapshot = context.Snapshot<T>();
        if (snapshot.GetIndex(relationship.ForeignKeyIndexName) is { } index)
        {
            var keys = index.Range(principalKey is CompositeKey composite ? [.. composite.Parts] : [principalKey], null, null, descending: false).ToList();
            keys.Sort(KeyComparer.For(relationship.Dependent.KeyKind));
            var found = new List<T>(keys.Count);
            foreach (var key in keys)
                if (snapshot.Get(key) is { } stored) found.Add(context.Materialize(stored));
            return found;
        }
        return snapshot.Scan().Where(d => Equals(relationship.ForeignKeyOf(d), principalKey)).Select(context.Materialize).ToList();
    }

    /// <summary>
    /// Copies of the <typeparamref name="TTarget"/> documents a many-to-many navigation lists for the entity with key
    /// <paramref name="key"/>: its rows in the join collection <typeparamref name="TJoin"/> (through the index on the join's
    /// foreign key to the entity), then a primary-key lookup of each target, in the target's key order.
    /// </summary>
    public static List<TTarget> SkipTargets<TJoin, TTarget>(QueryContext context, SkipNavigation skip, object key) where TJoin : class where TTarget : class =>
        context.NavigationList(skip, key, () =>
        {
            var joins = context.Snapshot<TJoin>();
            var index = joins.GetIndex(skip.ToEntity.ForeignKeyIndexName)
                ?? throw new InvalidOperationException($"The join collection {skip.JoinEntity.CollectionName} has no index on {skip.ToEntity.ForeignKeyName}.");
            var targetKeys = index.Range([key], null, null, descending: false).Select(skip.TargetKeyOf).ToList();
            targetKeys.Sort(KeyComparer.For(skip.Target.KeyKind));
            var targets = context.Snapshot<TTarget>();
            var found = new List<TTarget>(targetKeys.Count);
            foreach (var targetKey in targetKeys)
                if (targets.Get(targetKey) is { } stored) found.Add(context.Materialize(stored));
            return found;
        });

    /// <summary>The one dependent of a one-to-one <paramref name="relationship"/> (a copy), or null.</summary>
    public static T? Dependent<T>(QueryContext context, Relationship relationship, object principalKey) where T : class =>
        Dependents<T>(context, relationship, principalKey).FirstOrDefault();
}
