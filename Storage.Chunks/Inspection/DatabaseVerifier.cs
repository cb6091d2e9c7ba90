using System.Text.Json;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Format;

namespace ZgDb.Storage.Inspection;

/// <summary>What <see cref="DatabaseVerifier"/> found.</summary>
internal sealed record VerifyReport(IReadOnlyList<InspectionProblem> Problems, long Documents, int Chunks, int WalRecords, int Relationships, int IndexFiles = 0)
{
    public IEnumerable<InspectionProblem> Errors => Problems.Where(p => !p.IsWarning);
    public bool IsHealthy => !Errors.Any();
}

/// <summary>
/// Checks a database directory end to end without the application's types: every manifest, chunk and WAL
/// checksum (through <see cref="DatabaseReader"/>), manifest-to-chunk reachability, key order inside and across
/// chunks, counts, and that every foreign key of the stored model's relationships resolves. Never throws for
/// damaged files: everything found is a <see cref="InspectionProblem"/>.
/// </summary>
internal static class DatabaseVerifier
{
    /// <summary>Dangling foreign keys listed one by one per relationship; the rest are counted.</summary>
    public const int MaxListed = 20;

    public static VerifyReport Verify(string directory, IWorkProgress? progress = null, CancellationToken cancel = default)
    {
        progress ??= NoProgress.Instance;
        DatabaseReader reader;
        try
        {
            reader = DatabaseReader.Open(directory, strict: false);
        }
        catch (ZgDbException e)
        {
            return new VerifyReport([new InspectionProblem(directory, -1, null, null, e.Message)], 0, 0, 0, 0);
        }
        var problems = reader.Problems;
        if (reader.Manifest is null && reader.ManifestFile is null && !problems.Any(p => !p.IsWarning) && reader.WalRecords > 0)
            problems.Add(new InspectionProblem(reader.Directory, -1, null, null, "no manifest yet (the database was never checkpointed): documents in the WAL are checked for checksums only.", IsWarning: true));

        // Reachability: files the manifest lists exist (checked when loading); files no manifest lists are leftovers.
        var referenced = DatabaseFiles.Referenced(reader.Manifest, reader.PreviousManifest);
        foreach (var name in new DatabaseFiles(reader.FileSystem, reader.ChunkDirectory).Stored())
            if (!referenced.Contains(name))
                problems.Add(new InspectionProblem(Path.Combine(reader.ChunkDirectory, name), -1, null, null, "no manifest lists this file (left by an interrupted checkpoint); opening the database deletes it.", IsWarning: true));
        foreach (var chunk in reader.PreviousManifest?.Collections.SelectMany(c => c.Chunks) ?? [])
            if (!reader.FileSystem.FileExists(Path.Combine(reader.ChunkDirectory, chunk.File)))
                problems.Add(new InspectionProblem(Path.Combine(reader.ChunkDirectory, chunk.File), -1, null, null, "the previous manifest generation lists this chunk but it is missing: falling back to that generation would fail.", IsWarning: true));

        long total = reader.Collections.Sum(c => c.Count);
        var task = progress.Start("verify", Math.Max(1, total));
        long documents = 0;
        var keysByCollection = new Dictionary<string, HashSet<StoredKey>>(StringComparer.Ordinal);
        var relationships = reader.Manifest?.Model.Relationships ?? [];
        var principals = relationships.Select(r => r.Principal).ToHashSet(StringComparer.Ordinal);
        var damaged = new HashSet<string>(StringComparer.Ordinal);
        int indexFiles = 0;
        foreach (var collection in reader.Collections)
        {
            cancel.ThrowIfCancellationRequested();
            var keys = principals.Contains(collection.Name) ? new HashSet<StoredKey>() : null;
            int errorsBefore = problems.Count(p => !p.IsWarning);
            long count = 0;
            StoredKey? previous = null;
            foreach (var document in reader.Scan(collection, cancel))
            {
                if (previous is { } p && p >= document.Key)
                    problems.Add(new InspectionProblem(reader.ManifestFile ?? reader.Directory, -1, collection.Name, document.Key.ToString(), $"documents are out of key order across chunks (after {p})."));
                previous = document.Key;
                keys?.Add(document.Key);
                count++;
                if (++documents % 4096 == 0) task.Advance(4096);
            }
            if (count != collection.Count)
                problems.Add(new InspectionProblem(reader.ManifestFile ?? reader.Directory, ManifestLayout.HeaderLength, collection.Name, null, $"the manifest and the WAL account for {collection.Count} documents but {count} were read."));
            indexFiles += reader.CheckIndexFiles(collection);
            if (problems.Count(p => !p.IsWarning) > errorsBefore) damaged.Add(collection.Name);
            else if (keys is not null) keysByCollection[collection.Name] = keys;
        }
        task.Advance(documents % 4096);

        foreach (var relationship in relationships)
        {
            cancel.ThrowIfCancellationRequested();
            var dependent = reader.Find(relationship.Dependent);
            var principal = reader.Find(relationship.Principal);
            string name = $"{relationship.Dependent}.{relationship.ForeignKey} -> {relationship.Principal}";
            if (dependent is null || principal is null) continue;
            if (damaged.Contains(principal.Name) || damaged.Contains(dependent.Name) || !keysByCollection.TryGetValue(principal.Name, out var principalKeys))
            {
                problems.Add(new InspectionProblem(reader.Directory, -1, dependent.Name, null, $"{name}: foreign keys not checked, because documents of '{(damaged.Contains(principal.Name) ? principal.Name : dependent.Name)}' could not all be read.", IsWarning: true));
                continue;
            }
            int found = 0;
            foreach (var document in reader.Scan(dependent, cancel))
            {
                using var json = document.Parse();
                if (DocumentJson.IsNullReference(json.RootElement, relationship.ForeignKey))
                {
                    if (relationship.Required && ++found <= MaxListed)
                        problems.Add(new InspectionProblem(reader.Directory, -1, dependent.Name, document.Key.ToString(), $"{name}: the foreign key is null but the relationship is required."));
                    continue;
                }
                if (!DocumentJson.TryReadKey(json.RootElement, relationship.ForeignKey, principal.KeyKind, out var target) || !principalKeys.Contains(target))
                {
                    if (++found <= MaxListed)
                        problems.Add(new InspectionProblem(reader.Directory, -1, dependent.Name, document.Key.ToString(), $"{name}: {relationship.ForeignKey} = {DocumentJson.ReferenceText(json.RootElement, relationship.ForeignKey)} does not resolve to a document of '{principal.Name}'."));
                }
            }
            if (found > MaxListed)
                problems.Add(new InspectionProblem(reader.Directory, -1, dependent.Name, null, $"{name}: {found - MaxListed} more dangling foreign keys not listed."));
        }
        return new VerifyReport(problems, documents, reader.Collections.Sum(c => c.Chunks.Count), reader.WalRecords, relationships.Count, indexFiles);
    }
}
