using Microsoft.Extensions.Diagnostics.HealthChecks;
using ZgDb.Tooling;

namespace ZgDb.Extensions.Hosting;

/// <summary>
/// The health of a registered database. <c>Unhealthy</c> when it no longer accepts writes (a write-ahead log flush or
/// a checkpoint failed: the description gives the cause; reopen the database to recover) or was disposed;
/// <c>Degraded</c> when the write-ahead log or the pending changes pass <see cref="ZgDbHealthCheckOptions"/>;
/// otherwise <c>Healthy</c>. Each check flushes the log (cheap when nothing is pending), so a disk that stopped taking
/// writes shows at once. The data gives the figures: <c>walBytes</c>, <c>pendingChanges</c>, <c>documents</c>,
/// <c>lastLsn</c>, <c>durableLsn</c>, <c>checkpointLsn</c>.
/// </summary>
/// <typeparam name="TDb">The database class.</typeparam>
public sealed class ZgDbHealthCheck<TDb> : IHealthCheck where TDb : ZgDatabase
{
    private readonly TDb _database;
    private readonly ZgDbHealthCheckOptions _options;

    /// <summary>Checks <paramref name="database"/> against <paramref name="options"/>.</summary>
    public ZgDbHealthCheck(TDb database, ZgDbHealthCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _options = options;
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        try
        {
            if (ZgDbTooling.Fault(_database) is { } fault) return Faulted(failure, fault);
            await _database.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException e)
        {
            return new HealthCheckResult(failure, $"{typeof(TDb).Name} is disposed.", e);
        }
        catch (ZgDbFaultedException e)
        {
            return Faulted(failure, e);
        }

        var statistics = _database.GetStatistics();
        long pending = statistics.Collections.Sum(c => (long)c.PendingChanges);
        long walBytes = WalBytesOnDisk(_database.Directory);
        var data = new Dictionary<string, object>
        {
            ["walBytes"] = walBytes,
            ["pendingChanges"] = pending,
            ["documents"] = statistics.Collections.Sum(c => c.Count),
            ["lastLsn"] = statistics.LastLsn,
            ["durableLsn"] = statistics.DurableLsn,
            ["checkpointLsn"] = statistics.CheckpointLsn,
        };
        var problems = new List<string>();
        if (walBytes > _options.MaxWalBytes)
            problems.Add($"the write-ahead log holds {walBytes:N0} bytes, more than {_options.MaxWalBytes:N0}");
        if (pending > _options.MaxPendingChanges)
            problems.Add($"{pending:N0} changed documents are not checkpointed, more than {_options.MaxPendingChanges:N0}");
        return problems.Count > 0
            ? HealthCheckResult.Degraded($"{typeof(TDb).Name}: {string.Join("; ", problems)} (are checkpoints failing? see the ZgDb log).", data: data)
            : HealthCheckResult.Healthy($"{typeof(TDb).Name} is writable.", data);
    }

    private static HealthCheckResult Faulted(HealthStatus failure, Exception fault) =>
        new(failure, $"{typeof(TDb).Name} no longer accepts writes: {fault.Message}", fault);

    private static long WalBytesOnDisk(string? directory)
    {
        if (directory is null) return 0;
        var wal = new DirectoryInfo(Path.Combine(directory, "wal"));
        if (!wal.Exists) return 0;
        long bytes = 0;
        foreach (var file in wal.EnumerateFiles())
        {
            try { bytes += file.Length; }
            catch (FileNotFoundException) { } // a checkpoint deleted it meanwhile
        }
        return bytes;
    }
}
