using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ZgDb.Extensions.Hosting;

/// <summary>
/// Ties a registered database to the host's lifetime: <see cref="StartAsync"/> opens it (resolving the singleton),
/// so an error opening it fails the host's start with that error instead of the first request; <see cref="StopAsync"/>
/// flushes the write-ahead log, so every write acknowledged before the stop is on disk. The container disposes the
/// singleton when the host is disposed (checkpoint, then the directory's lock is released).
/// </summary>
/// <typeparam name="TDb">The database class.</typeparam>
internal sealed class ZgDbLifetime<TDb>(IServiceProvider services) : IHostedService where TDb : ZgDatabase, new()
{
    private TDb? _database;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _database = services.GetRequiredService<TDb>();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_database is not null) await _database.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
