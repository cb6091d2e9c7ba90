using Microsoft.AspNetCore.Http;

namespace ZgDb.Cli.Studio;

/// <summary>The query box: a collection, a filter in the tool's language, the result and the plan that produced it.</summary>
internal static class QueryPage
{
    public static StudioPages.Page Render(StudioDatabase database, IQueryCollection query)
    {
        var name = query["collection"].ToString();
        var where = query["where"].ToString();
        int take = DocumentsPage.Number(query["take"], 20, 1, DocumentsPage.MaxPageSize);
        return database.Read(reader =>
        {
            var html = new Html();
            html.Raw("<form method=\"get\" action=\"/query\" id=\"query-form\"><label>Collection <select name=\"collection\" id=\"collection\">");
            foreach (var c in reader.Collections)
            {
                html.Raw("<option").Attribute("value", c.Name);
                if (c.Name == name) html.Raw(" selected");
                html.Raw(">").Text(c.Name).Raw("</option>");
            }
            html.Raw("</select></label> <label>where <input type=\"text\" name=\"where\" id=\"where\"").Attribute("value", where)
                .Raw("></label> <label>take <input type=\"number\" name=\"take\" min=\"1\"").Attribute("max", DocumentsPage.MaxPageSize.ToString())
                .Attribute("value", take.ToString()).Raw("></label> <button type=\"submit\" id=\"run\">Run</button></form>");
            html.Raw("<p class=\"note\">The language of <code>zgdb query --where</code>: <code>Age &gt; 25 and (City = 'Oslo' or Name startswith 'A')</code>, ")
                .Raw("<code>Tags contains 'x'</code>, <code>Email != null</code>, <code>Address.City = 'Oslo'</code>; ")
                .Raw("operators = != &lt; &lt;= &gt; &gt;= contains startswith endswith, and, or, not.</p>");
            if (!query.ContainsKey("collection")) return new StudioPages.Page("Query", html.ToString());
            StudioQuery result;
            try
            {
                result = StudioQuery.Run(reader, name, where, 0, take);
            }
            catch (FilterSyntaxException e)
            {
                DocumentsPage.FilterError(html, where, e);
                return new StudioPages.Page("Query", html.ToString(), StatusCodes.Status400BadRequest);
            }
            html.Element("h2", "Plan").Raw("<ul id=\"plan\">");
            foreach (var line in result.Plan()) html.Element("li", line);
            html.Raw("</ul>");
            html.Element("h2", "Result").Raw("<p id=\"matched\">").Text($"{result.Matched:N0} document(s) match; {result.Page.Count:N0} shown.").Raw("</p>");
            DocumentsPage.Table(html, result, result.Collection.Name);
            if (result.Matched > result.Page.Count)
                html.Raw("<p>").Link($"/documents?collection={Html.Url(name)}&where={Html.Url(where)}&skip={result.Page.Count}", "Browse the rest").Raw("</p>");
            return new StudioPages.Page("Query", html.ToString());
        });
    }
}
