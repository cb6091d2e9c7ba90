namespace ZgDb.Server;

/// <summary>The first difference between the server's stored model and a client's, in words (collection, property, types).</summary>
internal static class ModelDifference
{
    public static string First(StoredModel server, StoredModel client)
    {
        foreach (var entity in server.Entities)
        {
            var other = client.Entities.FirstOrDefault(e => e.Collection == entity.Collection);
            if (other is null) return $"collection '{entity.Collection}' ({entity.ClrType}) is in the server's model but not in the client's";
            if (other.Key != entity.Key || other.KeyKind != entity.KeyKind)
                return $"collection '{entity.Collection}': the key is {entity.Key} ({entity.KeyKind}) on the server, {other.Key} ({other.KeyKind}) on the client";
            foreach (var property in entity.EveryProperty())
            {
                var theirs = other.EveryProperty().FirstOrDefault(p => p.Name == property.Name);
                if (theirs is null) return $"collection '{entity.Collection}', property '{property.Name}' ({property.Type}) is on the server but not in the client's model";
                if (theirs.Type != property.Type) return $"collection '{entity.Collection}', property '{property.Name}': {property.Type} on the server, {theirs.Type} on the client";
                if (theirs.Required != property.Required || theirs.MaxLength != property.MaxLength)
                    return $"collection '{entity.Collection}', property '{property.Name}': its rules differ (required {property.Required}/{theirs.Required}, max length {property.MaxLength}/{theirs.MaxLength}, server/client)";
            }
            if (other.EveryProperty().FirstOrDefault(p => entity.EveryProperty().All(q => q.Name != p.Name)) is { } extra)
                return $"collection '{entity.Collection}', property '{extra.Name}' ({extra.Type}) is in the client's model but not on the server";
            if (string.Join(",", other.Indexes.Select(i => i.Name + i.Unique)) != string.Join(",", entity.Indexes.Select(i => i.Name + i.Unique)))
                return $"collection '{entity.Collection}': the indexes differ (server: {string.Join(", ", entity.Indexes.Select(i => i.Name))}; client: {string.Join(", ", other.Indexes.Select(i => i.Name))})";
        }
        if (client.Entities.FirstOrDefault(e => server.Entities.All(s => s.Collection != e.Collection)) is { } added)
            return $"collection '{added.Collection}' is in the client's model but not on the server";
        return "the relationships or type hierarchies differ";
    }
}
