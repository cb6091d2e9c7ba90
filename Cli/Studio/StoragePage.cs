using System.Globalization;

namespace ZgDb.Cli.Studio;

/// <summary>
/// What the database occupies on disk, from the manifest and the directory: where the bytes are (chunks, index
/// files, WAL, manifests), each collection's chunks by size, the WAL's segments. The chunk cache lives in the
/// application's memory and no file records it, so it is named and not drawn.
/// </summary>
internal static class StoragePage
{
    public static StudioPages.Page Render(StudioDatabase database) => database.Read(reader =>
    {
        var html = new Html();
        long chunkBytes = reader.Collections.Sum(c => c.ChunkBytes);
        long indexBytes = reader.Collections.Sum(c => c.IndexFiles.Sum(i => i.Bytes));
        long manifestBytes = Directory.GetFiles(reader.Directory, "manifest-*.zgm").Sum(f => new FileInfo(f).Length);
        SvgBarChart.Write(html, "chart-totals", $"On disk: chunks {Commands.Bytes(chunkBytes)}, index files {Commands.Bytes(indexBytes)}, WAL {Commands.Bytes(reader.WalBytes)}, manifests {Commands.Bytes(manifestBytes)}.",
            [new Bar("chunks", chunkBytes), new Bar("indexes", indexBytes), new Bar("WAL", reader.WalBytes), new Bar("manifests", manifestBytes)], "#2f8f6a");
        html.Element("h2", "Chunks per collection");
        SvgBarChart.Write(html, "chart-collections", "Chunk bytes per collection.",
            reader.Collections.Select(c => new Bar(c.Name, c.ChunkBytes, $"{c.Chunks.Count:N0} chunk(s), {c.Count:N0} document(s)")).ToList());
        foreach (var collection in reader.Collections.Where(c => c.Chunks.Count > 0))
        {
            html.Raw("<h2").Attribute("id", "chunks-" + collection.Name).Raw(">").Text($"{collection.Name}: {collection.Chunks.Count:N0} chunk(s)").Raw("</h2>");
            SvgBarChart.Write(html, "chart-chunks-" + collection.Name, $"Each chunk of {collection.Name} in key order, by file size (largest {Commands.Bytes(collection.Chunks.Max(c => c.Bytes))}).",
                collection.Chunks.Select(c => new Bar(c.File, c.Bytes, $"{c.Documents:N0} documents, keys {c.FirstKey} .. {c.LastKey}")).ToList());
            html.Raw("<details><summary>The chunk files</summary><table>").HeaderRow("File", "Documents", "Bytes", "First key", "Last key");
            foreach (var chunk in collection.Chunks)
                html.Row(chunk.File, chunk.Documents.ToString("N0", CultureInfo.InvariantCulture), chunk.Bytes.ToString("N0", CultureInfo.InvariantCulture), chunk.FirstKey, chunk.LastKey);
            html.Raw("</table></details>");
        }
        html.Element("h2", "WAL");
        SvgBarChart.Write(html, "chart-wal", $"{reader.WalSegments.Count} WAL segment(s), {Commands.Bytes(reader.WalBytes)}; {reader.WalRecordsAfterCheckpoint:N0} record(s) after the checkpoint at LSN {reader.CheckpointLsn:N0}.",
            reader.WalSegments.Select(s => new Bar(s.File, s.Bytes, $"from LSN {s.FirstLsn:N0}")).ToList(), "#c2814a");
        html.Element("h2", "Chunk cache");
        html.Element("p", "The chunk cache is the application's memory (ZgDbOptions.ChunkCacheBytes); the files do not record its use, so the studio cannot show it. The application's GetStatistics() reports it.", "note");
        return new StudioPages.Page("Storage", html.ToString());
    });
}
