namespace ZgDb.Storage.Engine;

/// <summary>
/// Referential integrity for the writes of one collection: a stored document's foreign keys must name principals
/// that exist in the same write set (<see cref="CheckPrincipals"/>), and a deleted document's dependents follow each
/// relationship's delete behaviour: cascade, set null, or refuse the delete (<see cref="ApplyDeleteBehaviours"/>).
/// </summary>
internal sealed class ReferentialChecks<TKey>(EntityType entity, string name) where TKey : notnull
{
    private (Relationship Relationship, ICollectionStore Principal)[] _principals = [];
    private (Relationship Relationship, ICollectionStore Dependent)[] _dependents = [];

    /// <summary>Wires the relationships to the other collections' stores (after every store exists).</summary>
    public void Link(DatabaseModel model, IReadOnlyList<ICollectionStore> stores)
    {
        ICollectionStore StoreOf(EntityType other) => stores.First(s => s.Entity == other);
        _principals = model.PrincipalsOf(entity).Select(r => (r, StoreOf(r.Principal))).ToArray();
        _dependents = model.DependentsOf(entity).Select(r => (r, StoreOf(r.Dependent))).ToArray();
    }

    /// <summary>Refuses a document whose foreign key is missing (a required relationship) or names no principal.</summary>
    public void CheckPrincipals(WriteSet set, object document, TKey key)
    {
        foreach (var (relationship, principal) in _principals)
        {
            var value = relationship.ForeignKeyOf(document);
            if (value is null)
            {
                if (relationship.IsRequired)
                    throw new ZgDbForeignKeyException(name, relationship.ToString(),
                        $"{entity.Name} {ZgDbDuplicateKeyException.FormatKey(key)} has no {relationship.ForeignKeyName}, but every {entity.Name} needs a {relationship.Principal.Name}.");
                continue;
            }
            if (!principal.ContainsKey(set, value))
                throw new ZgDbForeignKeyException(name, relationship.ToString(),
                    $"{entity.Name} {ZgDbDuplicateKeyException.FormatKey(key)} refers to {relationship.Principal.Name} {ZgDbDuplicateKeyException.FormatKey(value)} through {relationship.ForeignKeyName}, which does not exist in '{relationship.Principal.CollectionName}'.");
        }
    }

    /// <summary>After the document under <paramref name="key"/> is deleted (tombstoned): its dependents are deleted, cleared, or the delete is refused.</summary>
    public void ApplyDeleteBehaviours(WriteSet set, TKey key)
    {
        foreach (var (relationship, dependents) in _dependents)
        {
            var keys = dependents.DependentKeys(set, relationship, key);
            if (keys.Count == 0) continue;
            switch (relationship.DeleteBehavior)
            {
                case DeleteBehavior.Cascade or DeleteBehavior.ClientCascade:
                    foreach (var dependent in keys) dependents.RemoveKey(set, dependent);
                    break;
                case DeleteBehavior.SetNull:
                    foreach (var dependent in keys) dependents.ClearForeignKey(set, dependent, relationship);
                    break;
                default:
                    throw new ZgDbForeignKeyException(name, relationship.ToString(),
                        $"cannot delete {entity.Name} {ZgDbDuplicateKeyException.FormatKey(key)}: {keys.Count} {relationship.Dependent.Name} document(s) " +
                        $"(keys {string.Join(", ", keys.Take(5).Select(ZgDbDuplicateKeyException.FormatKey))}{(keys.Count > 5 ? ", ..." : "")}) still reference it through " +
                        $"{relationship.Dependent.Name}.{relationship.ForeignKeyName} and the delete behaviour is {relationship.DeleteBehavior}. Delete or re-point them first.");
            }
        }
    }

    /// <summary>The values the foreign key's index is searched for: the principal's key, or a composite key's parts (one per index column).</summary>
    public static object?[] ForeignKeyPrefix(object principalKey) => principalKey is CompositeKey composite ? [.. composite.Parts] : [principalKey];
}
