using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZgDb.Tooling;

namespace ZgDb.Cli.Studio;

/// <summary>
/// One run of the tool's filter language (<see cref="Filter"/>, <c>zgdb query --where</c>) over a collection, as the
/// studio's pages show it: the page of matching documents, how many matched in all, and what was read. Without the
/// application's types the filter is evaluated on each document's JSON, so the only access path is a full scan in key
/// order (the chunks merged with the WAL's changes); indexes are listed but not used.
/// </summary>
internal sealed record StudioQuery(CollectionFiles Collection, string? Where, IReadOnlyList<string> Properties, List<FileDocument> Page,
    long Examined, long Matched, int Skip, int Take, TimeSpan Elapsed)
{
    public static StudioQuery Run(DatabaseDirectoryReader reader, string collectionName, string? where, int skip, int take, CancellationToken cancel = default)
    {
        var collection = reader.Find(collectionName) ?? throw new ZgDbException(
            $"The database has no collection '{collectionName}' (it has: {string.Join(", ", reader.Collections.Select(c => c.Name))}).");
        bool filtered = !string.IsNullOrWhiteSpace(where);
        var properties = filtered ? Filter.PropertyPaths(where!) : [];
        // Names are checked against the stored model as zgdb query checks them (a misspelt one is an error, not 0 matches).
        var filter = !filtered ? (_ => true) : Filter.Parse(where!, reader, collection);
        var clock = Stopwatch.StartNew();
        var page = new List<FileDocument>();
        long examined = 0, matched = 0;
        foreach (var document in reader.Scan(collection, cancel))
        {
            examined++;
            if (filtered)
            {
                using var json = document.Parse();
                if (!filter(json.RootElement)) continue;
            }
            matched++;
            if (matched > skip && page.Count < take) page.Add(document);
        }
        return new StudioQuery(collection, filtered ? where : null, properties, page, examined, matched, skip, take, clock.Elapsed);
    }

    /// <summary>The plan, line by line: the access path, what it read, what the filter does, what it found.</summary>
    public IEnumerable<string> Plan()
    {
        var c = Collection;
        yield return $"Full scan of '{c.Name}' in key order ({c.KeyProperty ?? "?"}, {c.KeyKind}): {c.Chunks.Count:N0} chunk(s), {Commands.Bytes(c.ChunkBytes)}, merged with {c.PendingChanges:N0} change(s) from the WAL.";
        yield return Where is null
            ? "No filter: every document matches."
            : $"Filter on each document's JSON: {Where}  (reads {(Properties.Count == 0 ? "no property" : string.Join(", ", Properties))})";
        var indexes = c.Entity?.Indexes ?? [];
        if (indexes.Count > 0)
            yield return $"Indexes of the collection ({string.Join(", ", indexes.Select(i => i.Name))}) are not used: without the application's types the tool evaluates filters on the stored JSON.";
        yield return $"Examined {Examined:N0} document(s), matched {Matched:N0}, showing {Page.Count:N0} from #{(Page.Count == 0 ? 0 : Skip + 1):N0}, in {Elapsed.TotalMilliseconds:0.0} ms.";
    }

    /// <summary>The columns of a page: the key, then every top-level property in order of first appearance.</summary>
    public List<string> Columns(out List<JsonObject> rows)
    {
        rows = Page.Select(d => JsonNode.Parse(d.Json.Span)!.AsObject()).ToList();
        var columns = new List<string>();
        if (Collection.KeyProperty is { } key) columns.Add(key);
        foreach (var row in rows)
            foreach (var property in row)
                if (!columns.Contains(property.Key)) columns.Add(property.Key);
        return columns;
    }

    public static string Cell(JsonObject row, string column)
    {
        if (!row.TryGetPropertyValue(column, out var value)) return "";
        if (value is null) return "null";
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    /// <summary>The key as JSON text, the form the document page's URL carries.</summary>
    public static string KeyJson(FileDocument document) => document.KeyJson;

    /// <summary>An indented rendering of a stored document.</summary>
    public static string Pretty(ReadOnlyMemory<byte> json) =>
        JsonNode.Parse(json.Span)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
