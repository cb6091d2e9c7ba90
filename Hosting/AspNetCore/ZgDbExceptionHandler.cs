using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ZgDb.AspNetCore;

/// <summary>
/// Answers the ZgDb errors a request can cause with problem details (RFC 9457) through the app's
/// <see cref="IProblemDetailsService"/>: <see cref="ZgDbValidationException"/> 400 Bad Request,
/// <see cref="ZgDbUniqueConstraintException"/> and <see cref="ZgDbDuplicateKeyException"/> 409 Conflict,
/// <see cref="ZgDbForeignKeyException"/> 409 Conflict (the write refers to a missing row, or a delete is restricted
/// by dependents: either way the request conflicts with what is stored), <see cref="ZgDbNotFoundException"/>
/// 404 Not Found. Every other exception is left to the next handler (a 500 by default): a faulted disk, a
/// corrupt file or a locked directory is the server's problem, not the client's.
/// Register it with <see cref="Microsoft.Extensions.DependencyInjection.ZgDbProblemDetailsServiceCollectionExtensions.AddZgDbProblemDetails"/>
/// and call <c>app.UseExceptionHandler()</c>.
/// </summary>
public sealed class ZgDbExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (ZgDbProblemDetails.From(exception) is not { } details) return false;
        httpContext.Response.StatusCode = details.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = details,
            Exception = exception,
        }).ConfigureAwait(false);
    }
}

/// <summary>The problem details ZgDb's errors map to (used by <see cref="ZgDbExceptionHandler"/>; call it from your own handler too).</summary>
public static class ZgDbProblemDetails
{
    /// <summary>
    /// The problem details for <paramref name="exception"/>, or null when it is not one a client caused. The detail is
    /// the exception's message (it names the collection, the property or index and the offending value, all from the
    /// request); the extensions carry <c>collection</c> and, where known, <c>index</c>, <c>relationship</c> or <c>key</c>.
    /// </summary>
    public static ProblemDetails? From(Exception exception) => exception switch
    {
        ZgDbValidationException e => Problem(StatusCodes.Status400BadRequest, "The document is not valid.", e, ("collection", e.Collection)),
        ZgDbUniqueConstraintException e => Problem(StatusCodes.Status409Conflict, "A unique index already holds this value.", e, ("collection", e.Collection), ("index", e.Index)),
        ZgDbDuplicateKeyException e => Problem(StatusCodes.Status409Conflict, "A document with this key already exists.", e, ("collection", e.Collection), ("key", e.Key)),
        ZgDbForeignKeyException e => Problem(StatusCodes.Status409Conflict, "The write breaks a relationship.", e, ("collection", e.Collection), ("relationship", e.Relationship)),
        ZgDbNotFoundException e => Problem(StatusCodes.Status404NotFound, "No document has this key.", e, ("collection", e.Collection), ("key", e.Key)),
        _ => null,
    };

    private static ProblemDetails Problem(int status, string title, ZgDbException exception, params (string Name, object? Value)[] extensions)
    {
        var details = new ProblemDetails { Status = status, Title = title, Detail = exception.Message };
        foreach (var (name, value) in extensions) details.Extensions[name] = value?.ToString();
        return details;
    }
}
