using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZgDb;
using ZgDb.Extensions.Hosting;

// The namespace of IServiceCollection, as the framework's own Add* methods: no extra using in Program.cs.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a ZgDb database with the .NET generic host.</summary>
public static class ZgDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TDb"/>, stored in <paramref name="directory"/>, as a singleton. The host opens it
    /// when it starts (an error opening it, such as <see cref="ZgDbLockedException"/> or
    /// <see cref="ZgDbSchemaMismatchException"/>, fails the start with that exception), flushes it when it stops, and
    /// disposes it (a checkpoint, then the directory's lock is released) when the host is disposed. The database logs
    /// to the host's <see cref="ILoggerFactory"/> (categories <c>ZgDb.Storage</c>, <c>ZgDb.Recovery</c>, ... of
    /// <see cref="ZgDbLogCategories"/>, each event with its <see cref="ZgDbEvents"/> id) unless <paramref name="configure"/>
    /// sets <see cref="ZgDbOptions.Logger"/> or <see cref="ZgDbOptions.LoggerFactory"/>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="directory">The database directory (relative paths are relative to the current directory), created if missing.</param>
    /// <param name="configure">Sets options, e.g. <c>o =&gt; o.Durability = Durability.Synchronous</c>.</param>
    /// <exception cref="InvalidOperationException"><typeparamref name="TDb"/> is already registered.</exception>
    public static IServiceCollection AddZgDb<TDb>(this IServiceCollection services, string directory, Action<ZgDbOptions>? configure = null)
        where TDb : ZgDatabase, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return services.AddZgDb<TDb>(_ => (directory, new ZgDbOptions()), configure);
    }

    /// <summary>
    /// Registers <typeparamref name="TDb"/> as <see cref="AddZgDb{TDb}(IServiceCollection, string, Action{ZgDbOptions}?)"/>
    /// does, with the directory and options read from <paramref name="configuration"/> when the host starts, e.g.
    /// <c>builder.Configuration.GetSection("ZgDb")</c> over
    /// <c>{ "ZgDb": { "Directory": "data/blog", "Durability": "Synchronous", "Checkpoint": { "MaxWalBytes": 134217728 } } }</c>.
    /// The keys are <c>Directory</c> (required) and the settable <see cref="ZgDbOptions"/> properties except
    /// <see cref="ZgDbOptions.Logger"/>; an unknown key, a missing directory or a value of the wrong type fails the
    /// start with an <see cref="InvalidOperationException"/> that names the key. <paramref name="configure"/> runs
    /// after the binding.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The section holding <c>Directory</c> and the options.</param>
    /// <param name="configure">Sets options after the binding.</param>
    /// <exception cref="InvalidOperationException"><typeparamref name="TDb"/> is already registered.</exception>
    public static IServiceCollection AddZgDb<TDb>(this IServiceCollection services, IConfiguration configuration, Action<ZgDbOptions>? configure = null)
        where TDb : ZgDatabase, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddZgDb<TDb>(_ => ZgDbConfiguration.Read(configuration), configure);
    }

    private static IServiceCollection AddZgDb<TDb>(this IServiceCollection services,
        Func<IServiceProvider, (string Directory, ZgDbOptions Options)> settings, Action<ZgDbOptions>? configure)
        where TDb : ZgDatabase, new()
    {
        if (services.Any(s => s.ServiceType == typeof(TDb)))
            throw new InvalidOperationException($"{typeof(TDb).Name} is already registered: call AddZgDb<{typeof(TDb).Name}> once (one database instance per directory).");
        services.AddSingleton(provider =>
        {
            var (directory, options) = settings(provider);
            configure?.Invoke(options);
            // The host's factory, one logger per ZgDb category, unless the application chose a logger or a factory.
            if (options.LoggerFactory is null && options.Logger is Microsoft.Extensions.Logging.Abstractions.NullLogger
                && provider.GetService<ILoggerFactory>() is { } loggers)
                options.LoggerFactory = loggers;
            return ZgDatabase.Open<TDb>(directory, options);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ZgDbLifetime<TDb>>());
        return services;
    }
}
