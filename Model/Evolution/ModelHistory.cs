namespace ZgDb;

/// <summary>
/// Carries the stored model's history from one manifest generation to the next. Documents are never rewritten when
/// the model changes, so a removed property, the former type of a widened one and the old name of a renamed one stay
/// in the files; the history records them (collection, path, type) so that a later model that adds the name back is
/// judged against what the documents hold (<see cref="SchemaDiff"/>). No point rewrites every document of a
/// collection, so entries are kept for good; they are a few names per change.
/// </summary>
internal static class ModelHistory
{
    /// <summary>
    /// <paramref name="next"/> with the history of <paramref name="previous"/> plus every property shape
    /// <paramref name="previous"/> described that <paramref name="next"/> no longer does.
    /// </summary>
    public static StoredModel Carry(StoredModel next, StoredModel? previous)
    {
        if (previous is null || ReferenceEquals(previous, next)) return next;
        var removed = new List<StoredRemovedProperty>(previous.RemovedProperties ?? []);
        removed.AddRange(next.RemovedProperties ?? []);
        var removedEntities = (previous.RemovedEntities ?? []).Concat(next.RemovedEntities ?? [])
            .Where(r => next.Entities.All(e => e.Collection != r.Collection)).ToList();

        foreach (var before in previous.Entities.Concat(previous.RemovedEntities ?? []))
        {
            var after = next.Entities.FirstOrDefault(e => e.Collection == before.Collection);
            if (after is null)
            {
                if (previous.Entities.Contains(before))
                {
                    removedEntities.RemoveAll(r => r.Collection == before.Collection);
                    removedEntities.Add(before);
                }
                continue;
            }
            foreach (var (path, property) in Flatten("", before.Properties))
                if (!Describes(after.Properties, path, property))
                    removed.Add(new StoredRemovedProperty
                    {
                        Collection = before.Collection, Path = path, Type = property.Type, Underlying = property.Underlying, Nested = property.Nested,
                    });
        }
        var distinct = removed.DistinctBy(r => (r.Collection, r.Path, r.Type, r.Underlying)).ToList();
        return next with
        {
            RemovedProperties = distinct.Count == 0 ? null : distinct,
            RemovedEntities = removedEntities.Count == 0 ? null : removedEntities,
        };
    }

    /// <summary>Every property with its dotted path, nested ones after their parent.</summary>
    internal static IEnumerable<(string Path, StoredProperty Property)> Flatten(string prefix, List<StoredProperty> properties)
    {
        foreach (var property in properties)
        {
            yield return (prefix + property.Name, property);
            if (property.Nested is not null)
                foreach (var nested in Flatten(prefix + property.Name + ".", property.Nested)) yield return nested;
        }
    }

    /// <summary>Whether <paramref name="properties"/> hold, at <paramref name="path"/>, the same stored shape as <paramref name="old"/>.</summary>
    private static bool Describes(List<StoredProperty> properties, string path, StoredProperty old)
    {
        StoredProperty? current = null;
        List<StoredProperty>? level = properties;
        foreach (var name in path.Split('.'))
        {
            current = level?.FirstOrDefault(p => p.Name == name);
            if (current is null) return false;
            level = current.Nested;
        }
        return current!.Type == old.Type && (old.Underlying is null || old.Underlying == current.Underlying);
    }
}
