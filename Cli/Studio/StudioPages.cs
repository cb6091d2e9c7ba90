using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ZgDb.Cli.Studio;

/// <summary>The studio's routes and the frame every page is drawn in (header, navigation, styles).</summary>
internal static class StudioPages
{
    /// <summary>A page's title and body; the body is built with <see cref="Html"/> (user data encoded).</summary>
    internal sealed record Page(string Title, string Body, int Status = StatusCodes.Status200OK);

    public static void Map(IEndpointRouteBuilder app, StudioDatabase database, StudioAccess access)
    {
        void Get(string path, Func<HttpContext, Page> page) =>
            app.MapGet(path, context => Render(context, database, access, () => page(context)));
        Get("/", _ => OverviewPage.Render(database));
        Get("/documents", context => DocumentsPage.Render(database, context.Request.Query));
        Get("/document", context => DocumentPage.Render(database, access, context.Request.Query, message: null));
        Get("/query", context => QueryPage.Render(database, context.Request.Query));
        Get("/model", _ => ModelPage.Render(database));
        Get("/storage", _ => StoragePage.Render(database));
        app.MapPost("/document/save", context => Render(context, database, access, () => DocumentPage.Save(database, access, context.Request.Form)));
        app.MapPost("/document/delete", context => Render(context, database, access, () => DocumentPage.Delete(database, access, context.Request.Form)));
    }

    private static Task Render(HttpContext context, StudioDatabase database, StudioAccess access, Func<Page> build)
    {
        Page page;
        try
        {
            page = build();
        }
        catch (Exception e) when (e is ZgDbException or IOException or UnauthorizedAccessException)
        {
            page = new Page("Error", new Html().Raw("<p class=\"error\" id=\"error\">").Text(e.Message).Raw("</p>").ToString(), StatusCodes.Status500InternalServerError);
        }
        context.Response.StatusCode = page.Status;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(Frame(database, page), context.RequestAborted);
    }

    private static string Frame(StudioDatabase database, Page page)
    {
        var html = new Html();
        html.Raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Raw("<title>").Text(page.Title + " - ZgDb Studio").Raw("</title><style>").Raw(Styles).Raw("</style></head><body>")
            .Raw("<header><span class=\"brand\">ZgDb Studio</span> <span class=\"dir\" id=\"directory\">").Text(database.Directory).Raw("</span> ")
            .Raw(database.Writable ? "<span class=\"mode write\" id=\"mode\">write</span>" : "<span class=\"mode\" id=\"mode\">read-only</span>")
            .Raw("<nav><a id=\"nav-collections\" href=\"/\">Collections</a><a id=\"nav-query\" href=\"/query\">Query</a>")
            .Raw("<a id=\"nav-model\" href=\"/model\">Model</a><a id=\"nav-storage\" href=\"/storage\">Storage</a></nav></header><main>")
            .Element("h1", page.Title).Raw(page.Body).Raw("</main></body></html>");
        return html.ToString();
    }

    /// <summary>A form's hidden token field (every post must carry it, see <see cref="StudioAccess"/>).</summary>
    public static string TokenField(StudioAccess access) =>
        new Html().Raw("<input type=\"hidden\"").Attribute("name", StudioAccess.FormField).Attribute("value", access.Token).Raw(">").ToString();

    private const string Styles = """
        body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
        header{background:#1d2b45;color:#fff;padding:8px 16px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
        header .brand{font-weight:600}header .dir{font-family:ui-monospace,monospace;opacity:.8}
        .mode{background:#3a4a6b;border-radius:3px;padding:1px 6px;font-size:12px}.mode.write{background:#b5462f}
        nav{margin-left:auto;display:flex;gap:14px}nav a{color:#cfe0ff;text-decoration:none}
        main{padding:12px 20px}h1{font-size:20px;margin:6px 0 12px}h2{font-size:16px;margin:18px 0 6px}
        table{border-collapse:collapse;background:#fff;margin:6px 0}td,th{border:1px solid #d9dde5;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#eef1f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
        pre,code,.mono{font-family:ui-monospace,monospace;font-size:13px}pre{background:#fff;border:1px solid #d9dde5;padding:8px;overflow:auto;max-height:32em}
        .error{color:#a11;background:#fde8e8;border:1px solid #f3b5b5;padding:6px 10px;white-space:pre-wrap}
        .ok{color:#155724;background:#e3f4e7;border:1px solid #a9d8b3;padding:6px 10px}
        .note{color:#555}.warning{color:#7a5200;background:#fff4d6;border:1px solid #eed48d;padding:6px 10px}
        form.inline{display:inline}input[type=text]{width:36em;font-family:ui-monospace,monospace}textarea{width:100%;height:22em;font-family:ui-monospace,monospace}
        .pager a,.pager span{margin-right:12px}svg{background:#fff;border:1px solid #d9dde5}
        """;
}
