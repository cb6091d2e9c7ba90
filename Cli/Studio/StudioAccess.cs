using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ZgDb.Cli.Studio;

/// <summary>
/// The studio's only gate. A request is let through when it carries the run's token: once in the query string
/// (<c>?token=</c>, the URL <c>zgdb studio</c> prints), which sets an HttpOnly, SameSite=Strict cookie and redirects
/// to the same page without the token, then in that cookie. No token: 401; a wrong token: 403. A Host header other
/// than the loopback address the studio listens on is refused too (a DNS-rebinding page cannot name it), and every
/// form post must also carry the token in a field (no other site can make the browser post with it).
/// </summary>
internal sealed class StudioAccess(string token)
{
    public const string QueryName = "token";
    public const string FormField = "token";

    /// <summary>Cookies are not port-specific: two studios on 127.0.0.1 keep apart by a name that holds the port.</summary>
    public static string CookieName(HttpContext context) => $"zgdb-studio-{context.Connection.LocalPort}";

    public string Token { get; } = token;

    /// <summary>A new random token (256 bits, URL-safe).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Token));

    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        // No script runs on any page; a value that escaped encoding could not execute. The token never leaves in a Referer.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        var host = context.Request.Host.Host;
        if (host is not ("127.0.0.1" or "localhost"))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, $"This studio answers only on 127.0.0.1 (the Host header named '{host}').");
            return;
        }
        if (context.Request.Query.TryGetValue(QueryName, out var fromQuery))
        {
            if (!Matches(fromQuery.ToString()))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "Wrong token: open the exact URL that zgdb studio printed.");
                return;
            }
            context.Response.Cookies.Append(CookieName(context), Token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
            var rest = string.Join('&', context.Request.Query.Where(q => q.Key != QueryName)
                .SelectMany(q => q.Value.Select(v => Html.Url(q.Key) + "=" + Html.Url(v))));
            context.Response.Redirect(context.Request.Path + (rest.Length == 0 ? "" : "?" + rest));
            return;
        }
        if (!context.Request.Cookies.TryGetValue(CookieName(context), out var fromCookie))
        {
            await Refuse(context, StatusCodes.Status401Unauthorized, "This ZgDb Studio needs the token: open the URL (with ?token=...) that zgdb studio printed.");
            return;
        }
        if (!Matches(fromCookie))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "Wrong token: open the exact URL that zgdb studio printed.");
            return;
        }
        if (HttpMethods.IsPost(context.Request.Method))
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
            if (form is null || !Matches(form[FormField].ToString()))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "A form post without the studio's token is refused.");
                return;
            }
        }
        await next(context);
    }

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
