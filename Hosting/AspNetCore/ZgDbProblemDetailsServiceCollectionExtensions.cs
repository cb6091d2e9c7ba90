using ZgDb.AspNetCore;

// The namespace of IServiceCollection, as the framework's own Add* methods: no extra using in Program.cs.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ZgDbExceptionHandler"/>.</summary>
public static class ZgDbProblemDetailsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the problem details service (<c>AddProblemDetails</c>) and <see cref="ZgDbExceptionHandler"/>, which
    /// answers ZgDb's validation, unique-constraint, duplicate-key, foreign-key and not-found errors with 400, 409 and
    /// 404 problem details. The app must call <c>app.UseExceptionHandler()</c> for exception handlers to run.
    /// </summary>
    public static IServiceCollection AddZgDbProblemDetails(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddProblemDetails();
        services.AddExceptionHandler<ZgDbExceptionHandler>();
        return services;
    }
}
