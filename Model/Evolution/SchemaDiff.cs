namespace ZgDb;

/// <summary>What changed between the model stored with the data and the model of the running application.</summary>
internal enum SchemaChangeKind
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
    /// <summary>
    /// A rename (<c>HasFormerName</c>) onto a name the stored documents also hold: two stored values would be read into
    /// one property, so the database is not opened.
    /// </summary>
    RenameRefused,
    /// <summary>
    /// A property removed and one of the same type added at the same level in one open: it looks like a rename made
    /// without <c>HasFormerName</c>, which would read every stored value as the default. Logged as a warning; refused
    /// when <c>ZgDbOptions.StrictSchema</c> is set.
    /// </summary>
    PossibleRename,
    /// <summary>A derived type added to a collection's hierarchy (or a hierarchy given to a collection).</summary>
    DerivedTypeAdded,
    /// <summary>
    /// A derived type the model no longer has, or whose discriminator value changed, or a changed discriminator
    /// property: stored documents of it could not be read, so the database is not opened.
    /// </summary>
    HierarchyChangeRefused,
}

/// <summary>One difference between the stored model and the current one.</summary>
/// <param name="Kind">What kind of change.</param>
/// <param name="Collection">The collection.</param>
/// <param name="Property">The property (dotted for nested ones), when the change is about one.</param>
/// <param name="Detail">A readable description, e.g. <c>int32 -&gt; int64</c>.</param>
internal sealed record SchemaChange(SchemaChangeKind Kind, string Collection, string? Property, string Detail)
{
    /// <summary>Whether this change stops the database from opening.</summary>
    public bool IsRefused => Kind is SchemaChangeKind.TypeChangeRefused or SchemaChangeKind.KeyChangeRefused or SchemaChangeKind.RenameRefused
        or SchemaChangeKind.HierarchyChangeRefused;

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Collection}{(Property is null ? "" : "." + Property)}: {Detail}";
}

/// <summary>
/// Compares a stored model with the current one (a pure function: no I/O). Used when a database opens: refused
/// changes stop the open with <see cref="ZgDbSchemaMismatchException"/> before any file is touched. Every name a
/// current property reads (its own and its former names) is judged against every shape stored documents may hold
/// under it: the stored property and the stored model's history (<see cref="StoredModel.RemovedProperties"/>).
/// </summary>
internal static class SchemaDiff
{
    /// <summary>Every difference between <paramref name="stored"/> and <paramref name="current"/>.</summary>
    public static IReadOnlyList<SchemaChange> Compare(StoredModel stored, DatabaseModel current)
    {
        var changes = new List<SchemaChange>();
        var now = current.Stored;
        foreach (var entity in now.Entities)
        {
            var before = stored.Entities.FirstOrDefault(e => e.Collection == entity.Collection);
            if (before is null && stored.RemovedEntities?.FirstOrDefault(e => e.Collection == entity.Collection) is { } removed)
            {
                before = removed;
                changes.Add(new(SchemaChangeKind.CollectionAdded, entity.Collection, null, "added back: the documents kept in the files are read under the new model"));
            }
            else if (before is null)
            {
                changes.Add(new(SchemaChangeKind.CollectionAdded, entity.Collection, null, "new collection"));
                continue;
            }
            if (before.Key != entity.Key || before.KeyKind != entity.KeyKind || !(before.KeyParts ?? []).SequenceEqual(entity.KeyParts ?? []))
                changes.Add(new(SchemaChangeKind.KeyChangeRefused, entity.Collection, entity.Key,
                    $"the stored key is {before.Key} ({KindText(before)}) but the model's key is {entity.Key} ({KindText(entity)}); changing a key needs a copy into a new collection"));
            var model = current.FindCollection(entity.Collection)!;
            var history = (stored.RemovedProperties ?? []).Where(r => r.Collection == entity.Collection).ToList();
            new PropertyComparison(entity.Collection, history, changes).Compare("", before.Properties, entity.Properties, model.Properties, report: true);
            HierarchyDiff.Compare(before, entity, model, changes, (b, a, m) => new PropertyComparison(entity.Collection, history, changes).Compare("", b, a, m, report: true));
            foreach (var index in entity.Indexes.Where(i => before.Indexes.All(b => b.Name != i.Name)))
                changes.Add(new(SchemaChangeKind.IndexAdded, entity.Collection, null, index.Name));
            foreach (var index in before.Indexes.Where(b => entity.Indexes.All(i => i.Name != b.Name)))
                changes.Add(new(SchemaChangeKind.IndexRemoved, entity.Collection, null, index.Name));
        }
        foreach (var entity in stored.Entities.Where(s => now.Entities.All(e => e.Collection != s.Collection)))
            changes.Add(new(SchemaChangeKind.CollectionRemoved, entity.Collection, null, "kept in the files untouched; open with a model that has it to read it"));
        return changes;
    }

    /// <summary>The property-by-property comparison of one collection, nested levels included.</summary>
    private static string KindText(StoredEntity entity) =>
        entity.KeyParts is { } parts ? $"{entity.KeyKind} of {string.Join(", ", parts)}" : entity.KeyKind;

    private sealed class PropertyComparison(string collection, List<StoredRemovedProperty> history, List<SchemaChange> changes)
    {
        /// <param name="prefix">The dotted path of the level compared (empty for the entity itself).</param>
        /// <param name="before">The stored properties of this level (empty when the level is new).</param>
        /// <param name="after">The current stored form of this level.</param>
        /// <param name="model">The current model's properties of this level (for former names).</param>
        /// <param name="report">False under a property that is itself new: only what stored documents hold is judged.</param>
        public void Compare(string prefix, List<StoredProperty> before, List<StoredProperty> after, IReadOnlyList<EntityProperty>? model, bool report)
        {
            var matched = new HashSet<string>(StringComparer.Ordinal);
            var added = new List<StoredProperty>();
            foreach (var property in after)
            {
                var path = prefix + property.Name;
                var former = model?.FirstOrDefault(p => p.Name == property.Name)?.FormerNames ?? [];
                var old = before.FirstOrDefault(b => b.Name == property.Name);
                var renamedFrom = former.Where(f => before.Any(b => b.Name == f)).ToList();
                if (!CheckRename(path, property, old, before, former)) continue;
                if (old is null && renamedFrom.Count > 0)
                {
                    old = before.First(b => b.Name == renamedFrom[0]);
                    if (report) changes.Add(new(SchemaChangeKind.PropertyRenamed, collection, path, $"{renamedFrom[0]} -> {property.Name}"));
                }
                matched.UnionWith(renamedFrom);
                if (old is not null) matched.Add(old.Name);

                var earlier = StoredShapes(prefix, property.Name, former, before).ToList();
                if (old is null && report && former.FirstOrDefault(f => history.Any(h => h.Path == prefix + f)) is { } removedName)
                    changes.Add(new(SchemaChangeKind.PropertyRenamed, collection, path, $"{removedName} -> {property.Name} (from documents stored while the model had {removedName})"));
                else if (old is null && report)
                {
                    changes.Add(new(SchemaChangeKind.PropertyAdded, collection, path, earlier.Count == 0 ? property.Type
                        : $"{property.Type} (added back: stored documents hold it as {string.Join(", ", earlier.Select(e => e.Shape.Type).Distinct())}, read as {property.Type})"));
                    if (earlier.Count == 0) added.Add(property);
                }
                if (old is not null && (old.Type != property.Type || old.Underlying is not null && old.Underlying != property.Underlying) && Converts(old, property) && report)
                    changes.Add(new(SchemaChangeKind.TypeWidened, collection, path, $"{Describe(old)} -> {Describe(property)}"));
                if (earlier.FindIndex(e => !BothNested(e.Shape, property) && !Converts(e.Shape, property)) is var at and >= 0)
                {
                    var lossy = earlier[at];
                    changes.Add(new(SchemaChangeKind.TypeChangeRefused, collection, path, lossy.Source switch
                    {
                        null => $"the stored type {Describe(lossy.Shape)} cannot be read as {Describe(property)} without loss; migrate the data explicitly (a new property, copied in a migration step)",
                        var source => $"stored documents hold {source} as {Describe(lossy.Shape)}, which cannot be read as {Describe(property)} without loss; " +
                            "give the property another name, or migrate the data explicitly (a new property, copied in a migration step)",
                    }));
                    continue;
                }
                if (property.Nested is not null)
                    Compare(path + ".", old?.Nested ?? [], property.Nested, model?.FirstOrDefault(p => p.Name == property.Name)?.NestedProperties, report && old is not null);
            }
            if (!report) return;
            foreach (var old in before.Where(b => !matched.Contains(b.Name)))
            {
                changes.Add(new(SchemaChangeKind.PropertyRemoved, collection, prefix + old.Name, "ignored when documents are read"));
                var sameType = added.Where(a => Describe(a) == Describe(old)).Select(a => a.Name).ToList();
                if (sameType.Count > 0)
                    changes.Add(new(SchemaChangeKind.PossibleRename, collection, prefix + old.Name,
                        $"{prefix}{old.Name} ({Describe(old)}) was removed and {string.Join(" and ", sameType.Select(n => prefix + n))} of the same type added: " +
                        $"if {prefix}{sameType[0]} is {old.Name} renamed, declare it with HasFormerName(\"{old.Name}\"), or every stored value of {old.Name} reads as the default"));
            }
        }

        /// <summary>
        /// A rename onto a name that stored documents hold too is refused (two stored values would be read into one
        /// property), unless the stored model already had the rename: then it was judged when it was made. Returns
        /// whether the property can be compared further.
        /// </summary>
        private bool CheckRename(string path, StoredProperty property, StoredProperty? old, List<StoredProperty> before, IReadOnlyList<string> former)
        {
            string prefix = path[..^property.Name.Length];
            if (old is null && history.All(h => h.Path != path)) return true;
            foreach (var name in former)
            {
                if (old?.FormerNames?.Contains(name) == true) continue;
                if (before.All(b => b.Name != name) && history.All(h => h.Path != prefix + name)) continue;
                changes.Add(new(SchemaChangeKind.RenameRefused, collection, path,
                    $"HasFormerName(\"{name}\") reads the stored values of {prefix}{name} into {property.Name}, but stored documents also hold values " +
                    $"under {property.Name} itself: both would be read into one property and one of them lost. Drop the former name and copy the values in a migration step"));
                return false;
            }
            return true;
        }

        /// <summary>Every shape stored documents may hold under the names a property reads, with where it comes from (null: the stored property).</summary>
        private IEnumerable<(StoredProperty Shape, string? Source)> StoredShapes(string prefix, string name, IReadOnlyList<string> former, List<StoredProperty> before)
        {
            foreach (var read in former.Prepend(name))
            {
                if (before.FirstOrDefault(b => b.Name == read) is { } stored)
                    yield return (stored, read == name ? null : $"{prefix}{read} (the former name)");
                foreach (var removed in history.Where(h => h.Path == prefix + read))
                    yield return (removed.AsProperty(), $"{prefix}{read} (a property removed or changed in an earlier model)");
            }
        }
    }

    /// <summary>Nested classes (or lists of them) are judged property by property, each under its own path.</summary>
    private static bool BothNested(StoredProperty a, StoredProperty b) =>
        a.Nested is not null && b.Nested is not null && a.Type.StartsWith("list<", StringComparison.Ordinal) == b.Type.StartsWith("list<", StringComparison.Ordinal);

    private static string Describe(StoredProperty p) => p.Underlying is null ? p.Type : $"{p.Type} ({p.Underlying})";

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
    private static bool Converts(StoredProperty old, StoredProperty now) => Converts(old.Type, old.Underlying, now.Type, now.Underlying, old.Nested, now.Nested);

    private static bool Converts(string from, string? fromUnderlying, string to, string? toUnderlying, List<StoredProperty>? fromNested, List<StoredProperty>? toNested)
    {
        bool fromNullable = from.EndsWith('?'), toNullable = to.EndsWith('?');
        if (fromNullable && !toNullable) return false; // a stored null has nowhere to go
        from = from.TrimEnd('?');
        to = to.TrimEnd('?');
        if (from.StartsWith("list<", StringComparison.Ordinal) && to.StartsWith("list<", StringComparison.Ordinal))
            return Converts(from[5..^1], fromUnderlying, to[5..^1], toUnderlying, fromNested, toNested);
        // Enums are stored as numbers of their underlying type; a model stored before that was recorded says nothing
        // of it (then an enum read as an enum is accepted, as it was).
        if (from.StartsWith("enum:", StringComparison.Ordinal))
        {
            if (fromUnderlying is null && to.StartsWith("enum:", StringComparison.Ordinal)) return true;
            from = fromUnderlying ?? "int32";
        }
        if (to.StartsWith("enum:", StringComparison.Ordinal)) to = toUnderlying ?? "int32";
        if (from == to) return true; // a nested class of the same name is compared property by property
        if (Widenings.TryGetValue(from, out var wider) && wider.Contains(to)) return true;
        // A nested class renamed or reshaped: fine when every stored nested property still reads.
        return fromNested is not null && toNested is not null && NestedConverts(fromNested, toNested);
    }

    private static bool NestedConverts(List<StoredProperty> from, List<StoredProperty> to) =>
        from.All(f => to.FirstOrDefault(t => t.Name == f.Name) is not { } t || Converts(f.Type, f.Underlying, t.Type, t.Underlying, f.Nested, t.Nested));
}
