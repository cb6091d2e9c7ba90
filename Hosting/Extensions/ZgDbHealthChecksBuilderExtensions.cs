using Microsoft.Extensions.Diagnostics.HealthChecks;
using ZgDb;
using ZgDb.Extensions.Hosting;

// The namespace of IHealthChecksBuilder, as the framework's own AddCheck: no extra using in Program.cs.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of a registered ZgDb database.</summary>
public static class ZgDbHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="ZgDbHealthCheck{TDb}"/> for the database registered with <c>AddZgDb&lt;TDb&gt;</c>:
    /// healthy when writable, degraded when the write-ahead log or the pending changes pass the thresholds of
    /// <paramref name="configure"/>, unhealthy (or <paramref name="failureStatus"/>) when it no longer accepts writes.
    /// </summary>
    /// <param name="builder">From <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name; default <c>zgdb-</c> and the database class's name.</param>
    /// <param name="configure">Sets the degraded thresholds.</param>
    /// <param name="failureStatus">Reported when the database is faulted or disposed; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>["ready"]</c>).</param>
    public static IHealthChecksBuilder AddZgDb<TDb>(this IHealthChecksBuilder builder, string? name = null,
        Action<ZgDbHealthCheckOptions>? configure = null, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
        where TDb : ZgDatabase
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ZgDbHealthCheckOptions();
        configure?.Invoke(options);
        return builder.Add(new HealthCheckRegistration(
            name ?? "zgdb-" + typeof(TDb).Name,
            provider => new ZgDbHealthCheck<TDb>(provider.GetRequiredService<TDb>(), options),
            failureStatus,
            tags));
    }
}
