using ZgDb.Tooling;

namespace ZgDb.Migrations.Export;

/// <summary>
/// The order rows are copied in so every foreign key finds its principal already in the target: collections
/// principals first; inside a self-referencing collection, parents before children.
/// </summary>
internal static class ExportOrder
{
    /// <summary>The entities, principals before dependents, otherwise in the model's order.</summary>
    /// <exception cref="ZgDbExportException">Two collections reference each other (a cycle), which a single ordered copy cannot satisfy.</exception>
    public static List<EntityType> Collections(DatabaseModel model)
    {
        var remaining = model.Entities.ToList();
        var ordered = new List<EntityType>();
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(e => model.PrincipalsOf(e).All(r => r.Principal == e || ordered.Contains(r.Principal)));
            if (next is null)
                throw new ZgDbExportException(remaining[0].CollectionName,
                    $"the collections {string.Join(", ", remaining.Select(r => r.CollectionName))} reference each other in a cycle; the exporter copies principals before dependents and cannot order them. Export them with the relationship made optional and set afterwards.");
            ordered.Add(next);
            remaining.Remove(next);
        }
        return ordered;
    }

    /// <summary>
    /// <paramref name="rows"/> reordered so a row comes after the row its self-reference points at (stable
    /// otherwise). Rows of a collection without self-references are returned as they are.
    /// </summary>
    public static IEnumerable<T> Rows<T>(IEnumerable<T> rows, EntityType entity, DatabaseModel model) where T : class
    {
        var selfReferences = model.PrincipalsOf(entity).Where(r => r.Principal == entity).ToList();
        if (selfReferences.Count == 0) return rows;
        var all = rows.ToList();
        var byKey = all.ToDictionary(r => entity.KeyOf(r)!, ZgDbTooling.KeyEquality(entity.KeyKind));
        var depth = new Dictionary<object, int>(ZgDbTooling.KeyEquality(entity.KeyKind));
        var visiting = new HashSet<object>(ZgDbTooling.KeyEquality(entity.KeyKind));
        int Depth(object key)
        {
            if (depth.TryGetValue(key, out var known)) return known;
            if (!visiting.Add(key))
                throw new ZgDbExportException(entity.CollectionName, $"document {key} is its own ancestor through {string.Join(", ", selfReferences.Select(f => f.ForeignKeyName))}; a cycle of self references cannot be copied in order.");
            int d = 0;
            foreach (var fk in selfReferences)
                if (fk.ForeignKeyOf(byKey[key]) is { } parent && byKey.ContainsKey(parent))
                    d = Math.Max(d, Depth(parent) + 1);
            visiting.Remove(key);
            depth[key] = d;
            return d;
        }
        return all.OrderBy(r => Depth(entity.KeyOf(r)!));
    }
}
