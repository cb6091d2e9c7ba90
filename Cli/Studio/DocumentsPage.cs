using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ZgDb.Cli.Studio;

/// <summary>The document browser: one collection's documents in key order, a page at a time, optionally filtered.</summary>
internal static class DocumentsPage
{
    public const int DefaultPageSize = 25, MaxPageSize = 500;

    public static StudioPages.Page Render(StudioDatabase database, IQueryCollection query)
    {
        var name = query["collection"].ToString();
        var where = query["where"].ToString();
        int skip = Number(query["skip"], 0, 0, int.MaxValue);
        int take = Number(query["take"], DefaultPageSize, 1, MaxPageSize);
        return database.Read(reader =>
        {
            var html = new Html();
            var collection = reader.Find(name) ?? throw new ZgDbException(
                $"The database has no collection '{name}' (it has: {string.Join(", ", reader.Collections.Select(c => c.Name))}).");
            html.Raw("<form method=\"get\" action=\"/documents\" id=\"filter-form\"><input type=\"hidden\" name=\"collection\"").Attribute("value", name)
                .Raw("><label>Filter <input type=\"text\" name=\"where\" id=\"where\"").Attribute("value", where)
                .Raw(" placeholder=\"Age &gt; 25 and (City = 'Oslo' or Name startswith 'A')\"></label> <button type=\"submit\">Apply</button></form>");
            StudioQuery result;
            try
            {
                result = StudioQuery.Run(reader, name, where, skip, take);
            }
            catch (FilterSyntaxException e)
            {
                FilterError(html, where, e);
                return new StudioPages.Page(collection.Name, html.ToString(), StatusCodes.Status400BadRequest);
            }
            long first = result.Page.Count == 0 ? 0 : skip + 1, last = skip + result.Page.Count;
            html.Raw("<p id=\"page-info\">").Text($"Documents {first:N0}-{last:N0} of {result.Matched:N0}" + (result.Where is null ? "" : $" matching (of {result.Examined:N0})") + ".").Raw("</p>");
            Table(html, result, name);
            html.Raw("<p class=\"pager\">");
            string Href(int s) => $"/documents?collection={Html.Url(name)}&where={Html.Url(where)}&skip={s}&take={take}";
            if (skip > 0) html.Link(Href(Math.Max(0, skip - take)), "< Previous", "prev");
            if (last < result.Matched) html.Link(Href(skip + take), "Next >", "next");
            html.Raw("</p>");
            return new StudioPages.Page(collection.Name, html.ToString());
        });
    }

    /// <summary>The matching documents as a table whose key cells link to the document.</summary>
    public static void Table(Html html, StudioQuery result, string collection)
    {
        var columns = result.Columns(out var rows);
        html.Raw("<table id=\"documents\"><tr>");
        foreach (var column in columns) html.Element("th", column);
        if (columns.Count == 0) html.Element("th", "(no documents)");
        html.Raw("</tr>");
        for (int i = 0; i < rows.Count; i++)
        {
            html.Raw("<tr>");
            for (int c = 0; c < columns.Count; c++)
            {
                if (c == 0 && columns[0] == result.Collection.KeyProperty)
                    html.Raw("<td>").Link($"/document?collection={Html.Url(collection)}&key={Html.Url(StudioQuery.KeyJson(result.Page[i]))}", StudioQuery.Cell(rows[i], columns[c])).Raw("</td>");
                else
                    html.Element("td", StudioQuery.Cell(rows[i], columns[c]));
            }
            html.Raw("</tr>");
        }
        html.Raw("</table>");
    }

    /// <summary>A filter that does not parse: the message, and the text with a caret under the position.</summary>
    public static void FilterError(Html html, string where, FilterSyntaxException e)
    {
        html.Raw("<div class=\"error\" id=\"filter-error\">").Text(e.Message).Raw("<pre class=\"mono\">").Text(where).Raw("\n")
            .Text(new string(' ', Math.Clamp(e.Position, 0, where.Length)) + "^").Raw("</pre></div>");
    }

    public static int Number(string? text, int fallback, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? Math.Clamp(value, min, max) : fallback;
}
