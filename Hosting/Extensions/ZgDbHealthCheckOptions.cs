namespace ZgDb.Extensions.Hosting;

/// <summary>
/// When <see cref="ZgDbHealthCheck{TDb}"/> reports <c>Degraded</c>: the work a checkpoint has not yet folded into
/// chunk files grew past what the checkpoint policy lets it reach in normal operation (checkpoints are failing,
/// or cannot keep up). Such a database still works, but its next open replays more log and its memory grows.
/// </summary>
public sealed class ZgDbHealthCheckOptions
{
    /// <summary>
    /// Degraded when the write-ahead log files on disk hold more bytes than this. Default 256 MiB (four times
    /// <see cref="CheckpointPolicy.MaxWalBytes"/>'s default, at which a checkpoint starts).
    /// </summary>
    public long MaxWalBytes { get; set; } = 256L << 20;

    /// <summary>
    /// Degraded when more documents than this changed since the last checkpoint (the delta: the sum of
    /// <see cref="CollectionStatistics.PendingChanges"/>). Default 200,000 (four times
    /// <see cref="CheckpointPolicy.MaxChangedDocuments"/>'s default).
    /// </summary>
    public long MaxPendingChanges { get; set; } = 200_000;
}
