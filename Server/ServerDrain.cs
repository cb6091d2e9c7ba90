using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ZgDb.Server;

/// <summary>
/// The server's stop (SIGTERM, Ctrl+C, <c>StopAsync</c>): before the web server stops, new data calls are refused
/// (UNAVAILABLE, "the server is stopping", which a client retries elsewhere or reports), the calls in flight (an open
/// transaction's stream included) are waited for up to <see cref="ZgServerOptions.DrainTimeout"/>, the ones still
/// running then are cancelled (an open transaction rolls back), and the database is flushed and checkpointed, so a
/// restart replays nothing. The database itself is disposed afterwards with the application's services.
/// </summary>
internal sealed class ServerDrain(ServedDatabase served, ILogger<ServerDrain>? logger = null) : IHostedLifecycleService
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before any hosted service's StopAsync, Kestrel's included, so the calls in flight can still answer.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        served.BeginStopping();
        var clock = Stopwatch.StartNew();
        int waitedFor = served.Calls.Current;
        while (served.Calls.Current > 0 && clock.Elapsed < served.Options.DrainTimeout && !cancellationToken.IsCancellationRequested)
            await Task.Delay(20, CancellationToken.None);
        int cut = served.Calls.Current;
        if (cut > 0)
        {
            // Past the bound: the streams still open stop now (a transaction rolls back), then their handlers end.
            served.AbortCalls();
            var abortClock = Stopwatch.StartNew();
            while (served.Calls.Current > 0 && abortClock.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(20, CancellationToken.None);
        }
        try
        {
            await served.Database.FlushAsync(CancellationToken.None);
            served.Database.Checkpoint();
            _logger.LogInformation(ZgDbEvents.ServerDrained, "ZgDb server stopping: {Calls} calls in flight drained in {Elapsed} ms ({Cut} cut at ZgServerOptions.DrainTimeout {Timeout}); flushed and checkpointed at LSN {Lsn}.",
                waitedFor - cut, (long)clock.Elapsed.TotalMilliseconds, cut, served.Options.DrainTimeout, served.Database.GetStatistics().CheckpointLsn);
        }
        catch (ZgDbException e)
        {
            // The database's own dispose tries again; the error is the operator's to see, not a reason to hang the stop.
            _logger.LogError(ZgDbEvents.ServerDrainFailed, e, "ZgDb server stopping: the final flush or checkpoint failed.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
