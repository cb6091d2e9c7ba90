namespace ZgDb;

/// <summary>What changed between the model stored with the data and the model of the running application.</summary>
public enum SchemaChangeKind
{
    /// <summary>A collection the stored model did not have (it starts empty).</summary>
    CollectionAdded,
    /// <summary>A stored collection the model no longer has (its data is kept untouched in the files).</summary>
    CollectionRemoved,
    /// <summary>A new property: existing documents read with the type's default.</summary>
    PropertyAdded,
    /// <summary>A property the model no longer has: ignored when documents are read.</summary>
    PropertyRemoved,
    /// <summary>A property renamed with <c>HasFormerName</c>: documents are read under the new name.</summary>
    PropertyRenamed,
    /// <summary>A type change JSON converts without loss (int to long, int to decimal, T to T?).</summary>
    TypeWidened,
    /// <summary>A type change that could lose or misread data: the database is not opened.</summary>
    TypeChangeRefused,
    /// <summary>The key's property or type changed: the database is not opened.</summary>
    KeyChangeRefused,
    /// <summary>A new index (built from the documents).</summary>
    IndexAdded,
    /// <summary>An index the model no longer declares (dropped).</summary>
    IndexRemoved,
}

/// <summary>One difference between the stored model and the current one.</summary>
/// <param name="Kind">What kind of change.</param>
/// <param name="Collection">The collection.</param>
/// <param name="Property">The property (dotted for nested ones), when the change is about one.</param>
/// <param name="Detail">A readable description, e.g. <c>int32 -&gt; int64</c>.</param>
public sealed record SchemaChange(SchemaChangeKind Kind, string Collection, string? Property, string Detail)
{
    /// <summary>Whether this change stops the database from opening.</summary>
    public bool IsRefused => Kind is SchemaChangeKind.TypeChangeRefused or SchemaChangeKind.KeyChangeRefused;

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Collection}{(Property is null ? "" : "." + Property)}: {Detail}";
}

/// <summary>
/// Compares a stored model with the current one (a pure function: no I/O). Used when a database opens: refused
/// changes stop the open with <see cref="ZgDbSchemaMismatchException"/> before any file is touched.
/// </summary>
public static class SchemaDiff
{
    /// <summary>Every difference between <paramref name="stored"/> and <paramref name="current"/>.</summary>
    public static IReadOnlyList<SchemaChange> Compare(StoredModel stored, DatabaseModel current)
    {
        var changes = new List<SchemaChange>();
        var now = current.Stored;
        foreach (var entity in now.Entities)
        {
            var before = stored.Entities.FirstOrDefault(e => e.Collection == entity.Collection);
            if (before is null)
            {
                changes.Add(new(SchemaChangeKind.CollectionAdded, entity.Collection, null, "new collection"));
                continue;
            }
            if (before.Key != entity.Key || before.KeyKind != entity.KeyKind)
                changes.Add(new(SchemaChangeKind.KeyChangeRefused, entity.Collection, entity.Key,
                    $"the stored key is {before.Key} ({before.KeyKind}) but the model's key is {entity.Key} ({entity.KeyKind}); changing a key needs a copy into a new collection"));
            var model = current.FindCollection(entity.Collection)!;
            CompareProperties(entity.Collection, "", before.Properties, entity.Properties, model.Properties, changes);
            foreach (var index in entity.Indexes.Where(i => before.Indexes.All(b => b.Name != i.Name)))
                changes.Add(new(SchemaChangeKind.IndexAdded, entity.Collection, null, index.Name));
            foreach (var index in before.Indexes.Where(b => entity.Indexes.All(i => i.Name != b.Name)))
                changes.Add(new(SchemaChangeKind.IndexRemoved, entity.Collection, null, index.Name));
        }
        foreach (var entity in stored.Entities.Where(s => now.Entities.All(e => e.Collection != s.Collection)))
            changes.Add(new(SchemaChangeKind.CollectionRemoved, entity.Collection, null, "kept in the files untouched; open with a model that has it to read it"));
        return changes;
    }

    private static void CompareProperties(string collection, string prefix, List<StoredProperty> before, List<StoredProperty> after,
        IReadOnlyList<EntityProperty>? model, List<SchemaChange> changes)
    {
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in after)
        {
            var former = model?.FirstOrDefault(p => p.Name == property.Name)?.FormerNames ?? [];
            var old = before.FirstOrDefault(b => b.Name == property.Name);
            if (old is null && former.FirstOrDefault(f => before.Any(b => b.Name == f)) is { } formerName)
            {
                old = before.First(b => b.Name == formerName);
                changes.Add(new(SchemaChangeKind.PropertyRenamed, collection, prefix + property.Name, $"{formerName} -> {property.Name}"));
            }
            if (old is null)
            {
                changes.Add(new(SchemaChangeKind.PropertyAdded, collection, prefix + property.Name, property.Type));
                continue;
            }
            matched.Add(old.Name);
            if (old.Type != property.Type)
            {
                if (Converts(old, property))
                    changes.Add(new(SchemaChangeKind.TypeWidened, collection, prefix + property.Name, $"{old.Type} -> {property.Type}"));
                else
                    changes.Add(new(SchemaChangeKind.TypeChangeRefused, collection, prefix + property.Name,
                        $"the stored type {old.Type} cannot be read as {property.Type} without loss; migrate the data explicitly (a new property, copied in a migration step)"));
            }
            else if (old.Nested is not null && property.Nested is not null)
            {
                CompareProperties(collection, prefix + property.Name + ".", old.Nested, property.Nested,
                    model?.FirstOrDefault(p => p.Name == property.Name)?.NestedProperties, changes);
            }
        }
        foreach (var old in before.Where(b => !matched.Contains(b.Name)))
            changes.Add(new(SchemaChangeKind.PropertyRemoved, collection, prefix + old.Name, "ignored when documents are read"));
    }

    private static readonly Dictionary<string, string[]> Widenings = new()
    {
        ["byte"] = ["int16", "uint16", "int32", "uint32", "int64", "uint64", "decimal", "single", "double"],
        ["sbyte"] = ["int16", "int32", "int64", "decimal", "single", "double"],
        ["int16"] = ["int32", "int64", "decimal", "single", "double"],
        ["uint16"] = ["int32", "uint32", "int64", "uint64", "decimal", "single", "double"],
        ["int32"] = ["int64", "decimal", "double"],
        ["uint32"] = ["int64", "uint64", "decimal", "double"],
        ["int64"] = ["decimal"],
        ["uint64"] = ["decimal"],
        ["single"] = ["double"],
    };

    /// <summary>Whether JSON written for the old type reads back exactly as the new one.</summary>
    private static bool Converts(StoredProperty old, StoredProperty now) => Converts(old.Type, now.Type, old.Nested, now.Nested);

    private static bool Converts(string from, string to, List<StoredProperty>? fromNested, List<StoredProperty>? toNested)
    {
        if (from == to) return true;
        bool fromNullable = from.EndsWith('?'), toNullable = to.EndsWith('?');
        if (fromNullable && !toNullable) return false; // a stored null has nowhere to go
        from = from.TrimEnd('?');
        to = to.TrimEnd('?');
        if (from == to) return true;
        if (from.StartsWith("list<", StringComparison.Ordinal) && to.StartsWith("list<", StringComparison.Ordinal))
            return Converts(from[5..^1], to[5..^1], fromNested, toNested);
        if (from.StartsWith("enum:", StringComparison.Ordinal)) from = "int32"; // enums are stored as numbers
        if (to.StartsWith("enum:", StringComparison.Ordinal)) to = "int32";
        if (from == to) return true;
        if (Widenings.TryGetValue(from, out var wider) && wider.Contains(to)) return true;
        // A nested class renamed or reshaped: fine when every stored nested property still reads.
        return fromNested is not null && toNested is not null
            && fromNested.All(f => toNested.FirstOrDefault(t => t.Name == f.Name) is not { } t || Converts(f.Type, t.Type, f.Nested, t.Nested));
    }
}
