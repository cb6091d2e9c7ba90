namespace ZgDb;

/// <summary>
/// Judges a change of a collection's hierarchy (table-per-hierarchy) between the stored model and the current one:
/// every discriminator value stored documents may hold must still name a type with a constructor, under the same
/// discriminator property; derived types' properties are judged as the entity's are.
/// </summary>
internal static class HierarchyDiff
{
    /// <summary>Adds the hierarchy's changes (and its derived types' property changes, through <paramref name="compareProperties"/>) to <paramref name="changes"/>.</summary>
    public static void Compare(StoredEntity before, StoredEntity now, EntityType model, List<SchemaChange> changes,
        Action<List<StoredProperty>, List<StoredProperty>, IReadOnlyList<EntityProperty>?> compareProperties)
    {
        var collection = now.Collection;
        if (before.Discriminator is { } stored && now.Discriminator != stored)
        {
            changes.Add(new(SchemaChangeKind.HierarchyChangeRefused, collection, stored, now.Discriminator is null
                ? $"the stored documents hold the discriminator '{stored}' of a hierarchy ({Types(before)}) but the model has no derived types; " +
                  "configure them again (model.Entity<Derived>()), or copy the documents into a new collection in a migration step"
                : $"the stored documents name their type in '{stored}' but the model's discriminator is '{now.Discriminator}'; keep HasDiscriminator(\"{stored}\")"));
            return;
        }
        if (now.Discriminator is null) return;
        // Documents stored before the hierarchy existed have no discriminator and read as the root type.
        bool rootDocumentsStored = before.Discriminator is null || before.DiscriminatorValue is not null;
        if (rootDocumentsStored && now.DiscriminatorValue is null)
            changes.Add(new(SchemaChangeKind.HierarchyChangeRefused, collection, null,
                $"{model.Name} is abstract now, but stored documents of {model.Name} itself may exist (the stored model had it {(before.Discriminator is null ? "without a hierarchy" : $"with the value '{before.DiscriminatorValue}'")}); " +
                "they could not be read. Keep it concrete, or delete those documents first"));
        else if (before.DiscriminatorValue is { } value && now.DiscriminatorValue != value)
            changes.Add(new(SchemaChangeKind.HierarchyChangeRefused, collection, null,
                $"stored documents of {model.Name} hold the discriminator '{value}' but the model's value is '{now.DiscriminatorValue}'; keep HasValue(\"{value}\")"));
        foreach (var old in before.DerivedTypes ?? [])
        {
            if (old.DiscriminatorValue is null) continue; // abstract: no documents
            var current = now.DerivedTypes?.FirstOrDefault(d => d.DiscriminatorValue == old.DiscriminatorValue);
            if (current is null)
            {
                changes.Add(new(SchemaChangeKind.HierarchyChangeRefused, collection, null,
                    $"the derived type {old.Name} (discriminator '{old.DiscriminatorValue}') is no longer in the model, but documents of it may be stored and could not be read; " +
                    $"keep it (model.Entity<{old.Name}>()), or delete its documents with the model that has it"));
                continue;
            }
            var derivedModel = model.DerivedTypes.First(d => d.DiscriminatorValue == old.DiscriminatorValue);
            compareProperties(old.Properties, current.Properties, derivedModel.Properties);
        }
        foreach (var added in (now.DerivedTypes ?? []).Where(d => (before.DerivedTypes ?? []).All(b => b.DiscriminatorValue != d.DiscriminatorValue || d.DiscriminatorValue is null)))
            if (added.DiscriminatorValue is not null || (before.DerivedTypes ?? []).All(b => b.Name != added.Name))
                changes.Add(new(SchemaChangeKind.DerivedTypeAdded, collection, null, $"{added.Name} (discriminator '{added.DiscriminatorValue}')"));
    }

    private static string Types(StoredEntity entity) => string.Join(", ", (entity.DerivedTypes ?? []).Select(d => d.Name));
}
