using System.Text;
using System.Text.Json;
using ZgDb.Storage.Manifests;

namespace ZgDb.Storage.Inspection;

/// <summary>What an export or import moved.</summary>
internal sealed record TransferResult(IReadOnlyList<(string Collection, long Documents, long Bytes)> Collections)
{
    public long Documents => Collections.Sum(c => c.Documents);
}

/// <summary>
/// JSON Lines export and import: one file per collection (<c>&lt;collection&gt;.jsonl</c>), one document per line,
/// exactly as stored. Both stream: an export holds one chunk at a time; an import sorts its input in runs of
/// <see cref="ImportRunDocuments"/> spilled to temporary files and merges them, so neither needs a collection in memory.
/// </summary>
internal static class JsonTransfer
{
    /// <summary>Documents sorted in memory at a time before a run is spilled to a temporary file (tests lower it).</summary>
    public static int ImportRunDocuments { get; set; } = 100_000;

    /// <summary>
    /// Exports the collections (all when <paramref name="only"/> is empty) into the new directory <paramref name="target"/>.
    /// Writes into a temporary sibling directory and renames it at the end: a cancelled or failed export leaves no target.
    /// </summary>
    public static TransferResult Export(string directory, string target, IReadOnlyCollection<string> only, IWorkProgress progress, CancellationToken cancel)
    {
        target = Path.GetFullPath(target);
        if (File.Exists(target) || Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new ZgDbException($"'{target}' already exists and is not an empty directory; export writes a new directory.");
        var reader = DatabaseReader.Open(directory, strict: true);
        var collections = reader.Collections.Where(c => only.Count == 0 || only.Contains(c.Name)).ToList();
        foreach (var name in only)
            if (reader.Find(name) is null) throw new ZgDbException($"The database has no collection '{name}' (it has: {string.Join(", ", reader.Collections.Select(c => c.Name))}).");
        var temp = $"{target.TrimEnd(Path.DirectorySeparatorChar)}.partial-{Environment.ProcessId}";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        var results = new List<(string, long, long)>();
        try
        {
            foreach (var collection in collections)
            {
                var task = progress.Start($"export {collection.Name}", Math.Max(1, collection.Count));
                long count = 0;
                using var file = new FileStream(Path.Combine(temp, collection.Name + ".jsonl"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
                foreach (var document in reader.Scan(collection, cancel))
                {
                    file.Write(DocumentJson.OneLine(document.Json).Span);
                    file.WriteByte((byte)'\n');
                    if (++count % 1024 == 0)
                    {
                        task.Advance(1024);
                        cancel.ThrowIfCancellationRequested();
                    }
                }
                task.Advance(count % 1024);
                file.Flush(flushToDisk: true);
                results.Add((collection.Name, count, file.Length));
            }
            if (Directory.Exists(target)) Directory.Delete(target);
            Directory.Move(temp, target);
            return new TransferResult(results);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Imports every <c>&lt;collection&gt;.jsonl</c> of <paramref name="source"/> (a directory, or one such file) into
    /// the closed database <paramref name="directory"/>: each line is checked against the stored model, keys must be
    /// set and unique, foreign keys must resolve; documents whose key exists fail the import unless
    /// <paramref name="upsert"/>. Nothing is visible until the new manifest is durable; a failure leaves the database as it was.
    /// </summary>
    public static TransferResult Import(string directory, string source, bool upsert, int chunkDocuments, IWorkProgress progress, CancellationToken cancel)
    {
        var files = File.Exists(source) ? [Path.GetFullPath(source)]
            : Directory.Exists(source) ? Directory.GetFiles(source, "*.jsonl").OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : throw new ZgDbException($"'{source}' does not exist.");
        if (files.Length == 0) throw new ZgDbException($"'{source}' holds no .jsonl file.");
        using var writer = DatabaseWriter.Open(directory);
        var reader = writer.Reader;
        var relationships = reader.Manifest!.Model.Relationships;
        var changed = new Dictionary<string, List<ManifestChunk>>(StringComparer.Ordinal);
        var keys = new Dictionary<string, HashSet<StoredKey>>(StringComparer.Ordinal);
        var references = new List<(StoredRelationship Relationship, StoredKey Key, JsonElement Value)>();
        var results = new List<(string, long, long)>();
        var temp = Path.Combine(reader.Directory, $".import-{Environment.ProcessId}");
        try
        {
            foreach (var file in files)
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var collection = reader.Find(name) ?? throw new ZgDbException(
                    $"'{file}': the database has no collection '{name}' (it has: {string.Join(", ", reader.Collections.Select(c => c.Name))}).");
                var entity = collection.Entity!;
                var outgoing = relationships.Where(r => r.Dependent == name).ToList();
                var task = progress.Start($"import {name}", new FileInfo(file).Length);
                long imported = 0;
                var input = SortedInput(file, collection, entity, outgoing, references, temp, task, () => imported++, cancel);
                bool isPrincipal = relationships.Any(r => r.Principal == name);
                var principalKeys = isPrincipal ? keys[name] = [] : null;
                var merged = MergeExisting(reader.Scan(collection, cancel), input, upsert, collection);
                if (principalKeys is not null) merged = merged.Select(d => { principalKeys.Add(d.Key); return d; });
                if (entity.Indexes.Where(i => i.Unique).ToList() is { Count: > 0 } unique) merged = CheckUnique(merged, collection, unique);
                changed[name] = writer.WriteDense(collection, merged, chunkDocuments, NoProgress.Instance, cancel);
                results.Add((name, imported, new FileInfo(file).Length));
            }
            // The WAL's changes since the checkpoint are folded too: the new manifest's checkpoint covers them.
            foreach (var collection in reader.Collections)
                if (!changed.ContainsKey(collection.Name) && collection.Delta.Count > 0)
                    changed[collection.Name] = writer.Fold(collection, chunkDocuments, NoProgress.Instance, cancel);
            CheckReferences(reader, references, keys, cancel);
            cancel.ThrowIfCancellationRequested();
            writer.Commit(changed, changed.Keys.ToHashSet(StringComparer.Ordinal));
            return new TransferResult(results);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static void CheckReferences(DatabaseReader reader, List<(StoredRelationship Relationship, StoredKey Key, JsonElement Value)> references,
        Dictionary<string, HashSet<StoredKey>> keys, CancellationToken cancel)
    {
        foreach (var (relationship, key, value) in references)
        {
            var principal = reader.Find(relationship.Principal)!;
            if (!keys.TryGetValue(principal.Name, out var principalKeys))
                keys[principal.Name] = principalKeys = reader.Scan(principal, cancel).Select(d => d.Key).ToHashSet();
            // A composite foreign key's value is the whole document (see ReadLine): its parts are read from it.
            bool composite = relationship.ForeignKey.Contains(',');
            bool valid = composite ? DocumentJson.TryReadKey(value, relationship.ForeignKey, principal.KeyKind, out var target) : StoredKey.TryFrom(value, principal.KeyKind, out target);
            if (!valid || !principalKeys.Contains(target))
                throw new ZgDbForeignKeyException(relationship.Dependent, $"{relationship.Dependent}.{relationship.ForeignKey} -> {relationship.Principal}",
                    $"document {key} refers to {(composite ? "(" + DocumentJson.ReferenceText(value, relationship.ForeignKey) + ")" : value.GetRawText())} through {relationship.ForeignKey}, which does not exist in '{relationship.Principal}'. Nothing was imported.");
        }
    }

    /// <summary>
    /// Fails the import when two documents share the values of a unique index (documents with a null value are not
    /// checked, as in the engine). Values compare by their JSON (strings by their text).
    /// </summary>
    private static IEnumerable<RawDocument> CheckUnique(IEnumerable<RawDocument> documents, InspectedCollection collection, List<StoredIndex> indexes)
    {
        var seen = indexes.Select(_ => new Dictionary<string, StoredKey>(StringComparer.Ordinal)).ToArray();
        var paths = indexes.Select(i => i.Name.Split(',').Select(p => p.Split('.')).ToArray()).ToArray();
        foreach (var document in documents)
        {
            using (var json = document.Parse())
            {
                for (int i = 0; i < indexes.Count; i++)
                {
                    var values = new List<string>();
                    foreach (var path in paths[i])
                    {
                        JsonElement? value = json.RootElement;
                        foreach (var name in path)
                            value = value is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var next) ? next : null;
                        if (value is null || value.Value.ValueKind == JsonValueKind.Null) break;
                        values.Add(value.Value.ValueKind == JsonValueKind.String ? "s:" + value.Value.GetString() : value.Value.GetRawText());
                    }
                    if (values.Count < paths[i].Length) continue;
                    var tuple = string.Join("\u0001", values);
                    if (seen[i].TryGetValue(tuple, out var other))
                        throw new ZgDbUniqueConstraintException(collection.Name, indexes[i].Name, string.Join(", ", values.Select(v => v.StartsWith("s:", StringComparison.Ordinal) ? v[2..] : v)), other.Number ?? (object)other.ToString().Trim('\''));
                    seen[i][tuple] = document.Key;
                }
            }
            yield return document;
        }
    }

    private static IEnumerable<RawDocument> MergeExisting(IEnumerable<RawDocument> existing, IEnumerable<RawDocument> input, bool upsert, InspectedCollection collection)
    {
        using var a = existing.GetEnumerator();
        using var b = input.GetEnumerator();
        bool hasA = a.MoveNext(), hasB = b.MoveNext();
        while (hasA || hasB)
        {
            int order = !hasA ? 1 : !hasB ? -1 : a.Current.Key.CompareTo(b.Current.Key);
            if (order == 0 && !upsert)
                throw new ZgDbValidationException(collection.Name, $"key {b.Current.Key} is already in the database; import only adds documents unless --upsert is given. Nothing was imported.");
            if (order < 0)
            {
                yield return a.Current;
                hasA = a.MoveNext();
                continue;
            }
            yield return b.Current;
            if (order == 0) hasA = a.MoveNext();
            hasB = b.MoveNext();
        }
    }

    /// <summary>Reads, checks and sorts one input file: runs of sorted documents spilled to <paramref name="temp"/>, merged.</summary>
    private static IEnumerable<RawDocument> SortedInput(string file, InspectedCollection collection, StoredEntity entity, List<StoredRelationship> outgoing,
        List<(StoredRelationship, StoredKey, JsonElement)> references, string temp, IWorkTask task, Action counted, CancellationToken cancel)
    {
        var runs = new List<string>();
        var batch = new List<RawDocument>();
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
        using (var lines = new StreamReader(stream, new UTF8Encoding(false, true)))
        {
            long lineNumber = 0, lastPosition = 0;
            while (lines.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Length == 0) continue;
                var bytes = Encoding.UTF8.GetBytes(line);
                batch.Add(ReadLine(file, lineNumber, bytes, collection, entity, outgoing, references));
                counted();
                if (batch.Count == ImportRunDocuments)
                {
                    cancel.ThrowIfCancellationRequested();
                    runs.Add(Spill(batch, temp, collection.Name, runs.Count));
                    batch.Clear();
                }
                if (lineNumber % 1024 == 0)
                {
                    task.Advance(stream.Position - lastPosition);
                    lastPosition = stream.Position;
                }
            }
            task.Advance(stream.Length - lastPosition);
        }
        batch.Sort((x, y) => x.Key.CompareTo(y.Key));
        IEnumerable<RawDocument> sorted = runs.Count == 0 ? batch : MergeRuns([.. runs.Select(r => ReadRun(r, collection)), batch]);
        StoredKey? previous = null;
        foreach (var document in sorted)
        {
            if (previous == document.Key)
                throw new ZgDbException($"'{file}': key {document.Key} appears more than once.");
            previous = document.Key;
            yield return document;
        }
    }

    private static RawDocument ReadLine(string file, long line, byte[] bytes, InspectedCollection collection, StoredEntity entity,
        List<StoredRelationship> outgoing, List<(StoredRelationship, StoredKey, JsonElement)> references)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ZgDbValidationException(collection.Name, $"'{file}' line {line} is not valid JSON: {e.Message}");
        }
        using (json)
        {
            if (ModelChecker.Check(json.RootElement, entity) is { } error)
                throw new ZgDbValidationException(collection.Name, $"'{file}' line {line}: {error}");
            if (!DocumentJson.TryReadKey(json.RootElement, entity.Key, collection.KeyKind, out var key) || key.IsUnassigned)
                throw new ZgDbValidationException(collection.Name, $"'{file}' line {line}: the key '{entity.Key}' must be a set {collection.KeyKind} (0 and the empty Guid are not keys).");
            foreach (var relationship in outgoing)
                if (relationship.ForeignKey.Contains(','))
                {
                    if (!DocumentJson.IsNullReference(json.RootElement, relationship.ForeignKey)) references.Add((relationship, key, json.RootElement.Clone()));
                }
                else if (json.RootElement.TryGetProperty(relationship.ForeignKey, out var value) && value.ValueKind != JsonValueKind.Null)
                    references.Add((relationship, key, value.Clone()));
                else if (relationship.Required)
                    throw new ZgDbValidationException(collection.Name, $"'{file}' line {line}: {relationship.ForeignKey} is required (every {relationship.Dependent} needs a {relationship.Principal}).");
            return new RawDocument(key, bytes);
        }
    }

    private static string Spill(List<RawDocument> batch, string temp, string collection, int run)
    {
        batch.Sort((x, y) => x.Key.CompareTo(y.Key));
        Directory.CreateDirectory(temp);
        var path = Path.Combine(temp, $"{collection}-{run:D5}.jsonl");
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        foreach (var document in batch)
        {
            file.Write(document.Json.Span);
            file.WriteByte((byte)'\n');
        }
        return path;
    }

    private static IEnumerable<RawDocument> ReadRun(string path, InspectedCollection collection)
    {
        using var lines = new StreamReader(path, Encoding.UTF8);
        while (lines.ReadLine() is { } line)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            DocumentJson.TryReadKey(bytes, collection.KeyProperty!, collection.KeyKind, out var key);
            yield return new RawDocument(key, bytes);
        }
    }

    private static IEnumerable<RawDocument> MergeRuns(IEnumerable<RawDocument>[] runs)
    {
        var enumerators = runs.Select(r => r.GetEnumerator()).ToArray();
        try
        {
            var queue = new PriorityQueue<int, StoredKey>();
            for (int i = 0; i < enumerators.Length; i++)
                if (enumerators[i].MoveNext()) queue.Enqueue(i, enumerators[i].Current.Key);
            while (queue.TryDequeue(out var i, out _))
            {
                yield return enumerators[i].Current;
                if (enumerators[i].MoveNext()) queue.Enqueue(i, enumerators[i].Current.Key);
            }
        }
        finally
        {
            foreach (var e in enumerators) e.Dispose();
        }
    }
}
