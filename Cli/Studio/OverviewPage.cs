using System.Globalization;

namespace ZgDb.Cli.Studio;

/// <summary>The start page: the database's manifest and WAL in one line each, then its collections (what <c>zgdb info</c> prints).</summary>
internal static class OverviewPage
{
    public static StudioPages.Page Render(StudioDatabase database) => database.Read(reader =>
    {
        var html = new Html();
        var manifest = reader.Manifest;
        html.Raw("<table id=\"summary\">")
            .Row("Format version", manifest?.FormatVersion.ToString(CultureInfo.InvariantCulture) ?? "(no manifest yet: never checkpointed)")
            .Row("Manifest", manifest is null ? "-" : $"generation {manifest.Generation}, written {manifest.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z")
            .Row("Model fingerprint", manifest?.ModelFingerprint ?? "-")
            .Row("Checkpoint LSN", reader.CheckpointLsn.ToString("N0", CultureInfo.InvariantCulture))
            .Row("Last LSN", reader.LastLsn.ToString("N0", CultureInfo.InvariantCulture))
            .Row("WAL", $"{reader.WalSegments.Count} segment(s), {Commands.Bytes(reader.WalBytes)}, {reader.WalRecordsAfterCheckpoint:N0} record(s) after the checkpoint")
            .Row("Open elsewhere", database.IsOpenElsewhere ? "yes: an application holds the lock (reads are live; edits are refused)" : "no")
            .Raw("</table>");
        html.Element("h2", "Collections");
        html.Raw("<table id=\"collections\">").HeaderRow("Collection", "Key", "Documents", "Chunks", "Size", "In WAL", "Indexes");
        foreach (var c in reader.Collections)
        {
            var indexes = c.Entity?.Indexes.Select(i => i.Name + (i.Unique ? " (unique)" : "")
                + (c.IndexFiles.Any(f => f.Index == i.Name) ? "" : " (no file yet)")).ToList() ?? [];
            html.Raw("<tr><td>").Link("/documents?collection=" + Html.Url(c.Name), c.Name).Raw("</td>")
                .Element("td", $"{c.KeyProperty ?? "?"} ({c.KeyKind})")
                .Element("td", c.Count.ToString("N0", CultureInfo.InvariantCulture), "n")
                .Element("td", c.Chunks.Count.ToString("N0", CultureInfo.InvariantCulture), "n")
                .Element("td", Commands.Bytes(c.ChunkBytes), "n")
                .Element("td", c.PendingChanges.ToString("N0", CultureInfo.InvariantCulture), "n")
                .Element("td", indexes.Count == 0 ? "-" : string.Join(", ", indexes))
                .Raw("</tr>");
        }
        html.Raw("</table>");
        if (reader.Collections.Count == 0) html.Element("p", "The database has no collection yet.", "note");
        var relationships = manifest?.Model.Relationships ?? [];
        if (relationships.Count > 0)
        {
            html.Element("h2", "Relationships").Raw("<ul>");
            foreach (var r in relationships)
                html.Element("li", $"{r.Dependent}.{r.ForeignKey} -> {r.Principal} ({r.OnDelete}{(r.Required ? ", required" : "")}{(r.Unique ? ", one-to-one" : "")})");
            html.Raw("</ul>");
        }
        foreach (var problem in reader.Warnings)
            html.Element("p", problem.ToString(), "warning");
        return new StudioPages.Page("Collections", html.ToString());
    });
}
