using Microsoft.AspNetCore.Http;

namespace ZgDb.Cli.Studio;

/// <summary>One document as stored (indented JSON); with <c>--write</c>, a form to edit it and a button to delete it.</summary>
internal static class DocumentPage
{
    public static StudioPages.Page Render(StudioDatabase database, StudioAccess access, IQueryCollection query, string? message, bool failed = false)
    {
        var name = query["collection"].ToString();
        var keyJson = query["key"].ToString();
        return database.Read(reader =>
        {
            var html = new Html();
            var collection = reader.Find(name) ?? throw new ZgDbException($"The database has no collection '{name}'.");
            if (message is not null) html.Raw(failed ? "<p class=\"error\" id=\"edit-result\">" : "<p class=\"ok\" id=\"edit-result\">").Text(message).Raw("</p>");
            html.Raw("<p>").Link("/documents?collection=" + Html.Url(name), "Back to " + name).Raw("</p>");
            var key = Tooling.DatabaseDirectoryReader.KeyText(collection, keyJson);
            var document = reader.FindDocument(collection, keyJson);
            if (document is null)
            {
                html.Element("p", $"'{name}' has no document with key {key}.", "note");
                return new StudioPages.Page($"{name} {key}", html.ToString(), message is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
            }
            var pretty = StudioQuery.Pretty(document.Json);
            if (!database.Writable)
            {
                html.Raw("<pre id=\"document\">").Text(pretty).Raw("</pre>");
                html.Element("p", "Read-only: start the studio with --write to edit or delete documents (while no application has the database open).", "note");
                return new StudioPages.Page($"{name} {key}", html.ToString());
            }
            if (database.IsOpenElsewhere)
                html.Element("p", "An application has this database open (it holds the lock): the studio cannot edit it now, and refuses to. Close the application to edit.", "warning");
            html.Raw("<form method=\"post\" action=\"/document/save\" id=\"edit-form\">").Raw(StudioPages.TokenField(access))
                .Raw("<input type=\"hidden\" name=\"collection\"").Attribute("value", name).Raw(">")
                .Raw("<input type=\"hidden\" name=\"key\"").Attribute("value", keyJson).Raw(">")
                .Raw("<textarea name=\"json\" id=\"document\">").Text(pretty).Raw("</textarea>")
                .Raw("<p><button type=\"submit\" id=\"save\">Save</button></p></form>");
            html.Raw("<form method=\"post\" action=\"/document/delete\" id=\"delete-form\">").Raw(StudioPages.TokenField(access))
                .Raw("<input type=\"hidden\" name=\"collection\"").Attribute("value", name).Raw(">")
                .Raw("<input type=\"hidden\" name=\"key\"").Attribute("value", keyJson).Raw(">")
                .Raw("<button type=\"submit\" id=\"delete\">Delete this document</button></form>");
            return new StudioPages.Page($"{name} {key}", html.ToString());
        });
    }

    public static StudioPages.Page Save(StudioDatabase database, StudioAccess access, IFormCollection form) =>
        Edit(database, access, form, "Saved.", () => Tooling.DatabaseDirectory.ReplaceDocument(database.Directory, form["collection"].ToString(), form["key"].ToString(), form["json"].ToString()));

    public static StudioPages.Page Delete(StudioDatabase database, StudioAccess access, IFormCollection form) =>
        Edit(database, access, form, "Deleted.", () => Tooling.DatabaseDirectory.DeleteDocument(database.Directory, form["collection"].ToString(), form["key"].ToString()));

    private static StudioPages.Page Edit(StudioDatabase database, StudioAccess access, IFormCollection form, string done, Action edit)
    {
        var query = new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["collection"] = form["collection"],
            ["key"] = form["key"],
        });
        if (!database.Writable)
            return Render(database, access, query, "The studio is read-only: start it with --write to edit. Nothing was changed.", failed: true) with { Status = StatusCodes.Status403Forbidden };
        try
        {
            edit();
        }
        catch (ZgDbLockedException e)
        {
            var refused = "An application has the database open, so the studio cannot edit it (it would have to write files the application owns). Close the application and try again. Nothing was changed. (" + e.Message + ")";
            return Render(database, access, query, refused, failed: true) with { Status = StatusCodes.Status409Conflict };
        }
        catch (ZgDbException e)
        {
            return Render(database, access, query, e.Message, failed: true) with { Status = StatusCodes.Status400BadRequest };
        }
        return Render(database, access, query, done);
    }
}
