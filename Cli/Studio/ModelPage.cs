namespace ZgDb.Cli.Studio;

/// <summary>
/// The stored model (the manifest's copy of the application's model, the one documents are checked against) and its
/// history: the properties and entities removed since, which old documents may still hold, former names, and the
/// fingerprints of the two kept manifest generations.
/// </summary>
internal static class ModelPage
{
    public static StudioPages.Page Render(StudioDatabase database) => database.Read(reader =>
    {
        var html = new Html();
        var manifest = reader.Manifest;
        if (manifest is null)
        {
            html.Element("p", "No manifest yet (the database was never checkpointed), so no model is stored: the application's model is known only to the application.", "note");
            return new StudioPages.Page("Model", html.ToString());
        }
        var model = manifest.Model;
        html.Raw("<table id=\"generations\">").HeaderRow("Manifest generation", "Written (UTC)", "Model fingerprint", "Checkpoint LSN")
            .Row(manifest.Generation.ToString(), manifest.CreatedUtc.ToString("yyyy-MM-dd HH:mm:ss"), manifest.ModelFingerprint, manifest.CheckpointLsn.ToString("N0"));
        if (reader.PreviousManifest is { } previous)
            html.Row(previous.Generation.ToString(), previous.CreatedUtc.ToString("yyyy-MM-dd HH:mm:ss"), previous.ModelFingerprint, previous.CheckpointLsn.ToString("N0"));
        html.Raw("</table>");
        if (reader.PreviousManifest is { } before && before.ModelFingerprint != manifest.ModelFingerprint)
            html.Element("p", $"The model changed between generation {before.Generation} and {manifest.Generation}.", "note");
        foreach (var (key, value) in reader.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
            html.Raw("<p>").Text($"Metadata {key} = {value}").Raw("</p>");
        foreach (var entity in model.Entities)
        {
            html.Raw("<h2").Attribute("id", "entity-" + entity.Collection).Raw(">").Text($"{entity.Collection} ({entity.ClrType})").Raw("</h2>");
            html.Raw("<table class=\"properties\">").HeaderRow("Property", "Type", "Required", "Max length", "Former names");
            void Properties(List<StoredProperty> properties, string prefix)
            {
                foreach (var p in properties)
                {
                    var type = p.Type + (p.Underlying is null ? "" : $" ({p.Underlying})") + (prefix.Length == 0 && p.Name == entity.Key ? ", key " + entity.KeyKind : "");
                    html.Row(prefix + p.Name, type, p.Required ? "yes" : "", p.MaxLength?.ToString() ?? "", p.FormerNames is null ? "" : string.Join(", ", p.FormerNames));
                    if (p.Nested is { } nested) Properties(nested, prefix + p.Name + ".");
                }
            }
            Properties(entity.Properties, "");
            html.Raw("</table>");
            if (entity.Indexes.Count > 0)
                html.Raw("<p>").Text("Indexes: " + string.Join(", ", entity.Indexes.Select(i => i.Name + (i.Unique ? " (unique)" : "")))).Raw("</p>");
            var removed = (model.RemovedProperties ?? []).Where(r => r.Collection == entity.Collection).ToList();
            if (removed.Count > 0)
            {
                html.Raw("<p class=\"removed\">").Text("Removed properties (old documents may still hold them; a filter may name them): "
                    + string.Join(", ", removed.Select(r => $"{r.Path} ({r.Type})"))).Raw("</p>");
            }
        }
        if (model.Relationships.Count > 0)
        {
            html.Element("h2", "Relationships").Raw("<table id=\"relationships\">").HeaderRow("Dependent", "Foreign key", "Principal", "On delete", "Required", "One-to-one");
            foreach (var r in model.Relationships)
                html.Row(r.Dependent, r.ForeignKey, r.Principal, r.OnDelete, r.Required ? "yes" : "", r.Unique ? "yes" : "");
            html.Raw("</table>");
        }
        if (model.RemovedEntities is { Count: > 0 } gone)
            html.Element("h2", "Removed collections").Element("p", string.Join(", ", gone.Select(e => $"{e.Collection} ({e.ClrType})")));
        var orphans = (model.RemovedProperties ?? []).Where(r => model.Entities.All(e => e.Collection != r.Collection)).ToList();
        if (orphans.Count > 0)
            html.Element("p", "Removed properties of removed collections: " + string.Join(", ", orphans.Select(r => $"{r.Collection}.{r.Path} ({r.Type})")));
        return new StudioPages.Page("Model", html.ToString());
    });
}
