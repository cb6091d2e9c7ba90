using System.Text;
using System.Text.Json;
using ZgDb.Storage.Inspection;
using ZgDb.Storage.Manifests;

namespace ZgDb.Tooling;

/// <summary>
/// The edits of <see cref="DatabaseDirectory.ReplaceDocument"/> and <see cref="DatabaseDirectory.DeleteDocument"/> (the
/// studio's <c>--write</c>): replace or delete one document of a closed database, through
/// <see cref="DatabaseWriter"/> as <c>zgdb checkpoint</c> and <c>zgdb import</c> write: the directory's lock is taken
/// for the whole edit (an application that has the database open holds it, and the edit is refused with
/// <see cref="ZgDbLockedException"/>), the change is checked against the stored model, unique indexes and
/// relationships, then folded into new chunks with the WAL's other changes and made durable by a new manifest.
/// A refused edit changes nothing.
/// </summary>
internal static class DocumentEditor
{
    public static void Replace(string directory, string collectionName, string keyJson, string json, CancellationToken cancel = default)
    {
        using var writer = DatabaseWriter.Open(directory);
        var reader = writer.Reader;
        var (collection, key) = Find(reader, collectionName, keyJson);
        var entity = collection.Entity!;
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ZgDbValidationException(collection.Name, $"the edited document is not valid JSON: {e.Message} Nothing was changed.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (ModelChecker.Check(root, entity) is { } error)
                throw new ZgDbValidationException(collection.Name, error + " Nothing was changed.");
            if (!DocumentJson.TryReadKey(bytes, entity.Key, collection.KeyKind, out var edited) || edited != key)
                throw new ZgDbValidationException(collection.Name, $"the key '{entity.Key}' cannot be changed (it was {key}). Nothing was changed.");
            CheckReferences(reader, collection, key, root, cancel);
            CheckUnique(reader, collection, key, root, cancel);
        }
        collection.Delta[key] = new RawDocument(key, DocumentJson.OneLine(bytes).ToArray());
        Commit(writer, cancel);
    }

    public static void Delete(string directory, string collectionName, string keyJson, CancellationToken cancel = default)
    {
        using var writer = DatabaseWriter.Open(directory);
        var reader = writer.Reader;
        var (collection, key) = Find(reader, collectionName, keyJson);
        // The engine would cascade or null out dependents per OnDelete; the studio refuses instead of guessing.
        foreach (var relationship in reader.Manifest!.Model.Relationships.Where(r => r.Principal == collection.Name))
        {
            var dependent = reader.Find(relationship.Dependent)!;
            foreach (var other in reader.Scan(dependent, cancel))
            {
                using var json = other.Parse();
                if (json.RootElement.TryGetProperty(relationship.ForeignKey, out var value) && StoredKey.TryFrom(value, collection.KeyKind, out var target) && target == key)
                    throw new ZgDbForeignKeyException(collection.Name, $"{relationship.Dependent}.{relationship.ForeignKey} -> {relationship.Principal}",
                        $"document {key} is referred to by {relationship.Dependent} {other.Key} (and maybe others); the studio does not cascade deletes: delete or change those first. Nothing was changed.");
            }
        }
        collection.Delta[key] = null;
        Commit(writer, cancel);
    }

    private static (InspectedCollection, StoredKey) Find(DatabaseReader reader, string collectionName, string keyJson)
    {
        var collection = reader.Find(collectionName) ?? throw new ZgDbException($"The database has no collection '{collectionName}'.");
        if (!StoredKey.TryFrom(Encoding.UTF8.GetBytes(keyJson), collection.KeyKind, out var key))
            throw new ZgDbException($"'{keyJson}' is not a {collection.KeyKind} key of '{collectionName}'.");
        if (!reader.Scan(collection).Any(d => d.Key == key))
            throw new ZgDbNotFoundException(collection.Name, key.ToString());
        return (collection, key);
    }

    private static void CheckReferences(DatabaseReader reader, InspectedCollection collection, StoredKey key, JsonElement root, CancellationToken cancel)
    {
        foreach (var relationship in reader.Manifest!.Model.Relationships.Where(r => r.Dependent == collection.Name))
        {
            if (!root.TryGetProperty(relationship.ForeignKey, out var value) || value.ValueKind == JsonValueKind.Null) continue; // required ones: ModelChecker
            var principal = reader.Find(relationship.Principal)!;
            if (!StoredKey.TryFrom(value, principal.KeyKind, out var target) || !reader.Scan(principal, cancel).Any(d => d.Key == target))
                throw new ZgDbForeignKeyException(collection.Name, $"{relationship.Dependent}.{relationship.ForeignKey} -> {relationship.Principal}",
                    $"document {key} would refer to {value.GetRawText()}, which does not exist in '{relationship.Principal}'. Nothing was changed.");
        }
    }

    private static void CheckUnique(DatabaseReader reader, InspectedCollection collection, StoredKey key, JsonElement root, CancellationToken cancel)
    {
        foreach (var index in collection.Entity!.Indexes.Where(i => i.Unique))
        {
            var paths = index.Name.Split(',').Select(p => p.Split('.')).ToArray();
            if (Values(root, paths) is not { } mine) continue; // a null value is not checked, as in the engine
            foreach (var other in reader.Scan(collection, cancel))
            {
                if (other.Key == key) continue;
                using var json = other.Parse();
                if (Values(json.RootElement, paths) == mine)
                    throw new ZgDbUniqueConstraintException(collection.Name, index.Name, string.Join(", ", mine.Split('\u0001').Select(v => v.StartsWith("s:", StringComparison.Ordinal) ? v[2..] : v)), other.Key.Number ?? (object)other.Key.ToString().Trim('\''));
            }
        }
    }

    private static string? Values(JsonElement root, string[][] paths)
    {
        var values = new List<string>();
        foreach (var path in paths)
        {
            JsonElement? value = root;
            foreach (var name in path)
                value = value is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var next) ? next : null;
            if (value is null || value.Value.ValueKind == JsonValueKind.Null) return null;
            values.Add(value.Value.ValueKind == JsonValueKind.String ? "s:" + value.Value.GetString() : value.Value.GetRawText());
        }
        return string.Join("\u0001", values);
    }

    /// <summary>Folds every collection's changes (this edit and what the WAL held) and writes the new manifest.</summary>
    private static void Commit(DatabaseWriter writer, CancellationToken cancel)
    {
        var changed = new Dictionary<string, List<ManifestChunk>>(StringComparer.Ordinal);
        foreach (var collection in writer.Reader.Collections.Where(c => c.Delta.Count > 0))
            changed[collection.Name] = writer.Fold(collection, DatabaseDirectory.DefaultChunkDocuments, NoProgress.Instance, cancel);
        writer.Commit(changed, changed.Keys.ToHashSet(StringComparer.Ordinal));
    }
}
