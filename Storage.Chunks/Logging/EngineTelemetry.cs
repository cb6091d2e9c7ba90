using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ZgDb.Storage;

/// <summary>
/// ZgDb's one <see cref="ActivitySource"/> and one <see cref="Meter"/> (both named "ZgDb"; the query and write layer
/// above uses the same two), and the instruments measured inside the engine: the write gate's wait, the WAL's flushes,
/// checkpoints, the chunk cache's hits and evictions. Each is recorded only when something listens
/// (<see cref="Instrument.Enabled"/>, <see cref="ActivitySource.HasListeners"/>): a database nobody observes pays one
/// volatile read per point.
/// </summary>
internal static class EngineInstruments
{
    /// <summary>"ZgDb": the name of the source and of the meter.</summary>
    public const string Name = "ZgDb";

    public static readonly ActivitySource Source = new(Name, typeof(EngineInstruments).Assembly.GetName().Version?.ToString());
    public static readonly Meter Meter = new(Name, typeof(EngineInstruments).Assembly.GetName().Version?.ToString());

    // Seconds: a gate wait or a flush is microseconds to milliseconds; a checkpoint milliseconds to seconds.
    private static readonly double[] Seconds = [0.000001, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60];

    /// <summary><c>zgdb.write_gate.wait</c> (s): how long each write, transaction, checkpoint swap or close waited for the single-writer gate.</summary>
    public static readonly Histogram<double> WriteGateWait = Meter.CreateHistogram("zgdb.write_gate.wait", "s",
        "Time a writer waited for ZgDb's single-writer gate (a write, a transaction, a checkpoint's snapshot, the close).",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });

    /// <summary><c>zgdb.wal.flush.duration</c> (s): each group commit's append and fsync.</summary>
    public static readonly Histogram<double> WalFlushDuration = Meter.CreateHistogram("zgdb.wal.flush.duration", "s",
        "Time of one write-ahead log group commit: appending the queued records and flushing them to disk.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });

    /// <summary><c>zgdb.wal.flush.records</c>: records in each group commit (its batch size).</summary>
    public static readonly Histogram<long> WalFlushRecords = Meter.CreateHistogram("zgdb.wal.flush.records", "{record}",
        "Write-ahead log records made durable by one group commit (one write is one record, or several parts when large).",
        tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384] });

    /// <summary><c>zgdb.wal.flush.bytes</c> (By): bytes appended by each group commit.</summary>
    public static readonly Histogram<long> WalFlushBytes = Meter.CreateHistogram("zgdb.wal.flush.bytes", "By",
        "Write-ahead log bytes appended and flushed by one group commit.",
        tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });

    /// <summary><c>zgdb.checkpoint.duration</c> (s): each checkpoint that wrote something, from its snapshot to its swap.</summary>
    public static readonly Histogram<double> CheckpointDuration = Meter.CreateHistogram("zgdb.checkpoint.duration", "s",
        "Time of one checkpoint: folding the changes into new chunk files, the new manifest, and the swap.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });

    /// <summary><c>zgdb.chunk_cache.hits</c>: reads of a chunk found decoded in the cache.</summary>
    public static readonly Counter<long> ChunkCacheHits = Meter.CreateCounter<long>("zgdb.chunk_cache.hits", "{chunk}",
        "Reads of a chunk that found it decoded in the chunk cache (a miss loads it: zgdb.chunk_cache.loads).");

    /// <summary><c>zgdb.chunk_cache.evictions</c>: chunks dropped to stay under the cache's budget.</summary>
    public static readonly Counter<long> ChunkCacheEvictions = Meter.CreateCounter<long>("zgdb.chunk_cache.evictions", "{chunk}",
        "Decoded chunks dropped from the chunk cache to keep it under ZgDbOptions.ChunkCacheBytes.");

    /// <summary>Seconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static double SecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}

/// <summary>
/// The telemetry identity of one open database: the attributes every engine measurement carries
/// (<c>db.system.name</c> = <c>zgdb</c>, <c>db.namespace</c> = the database class's name) and its spans
/// (<c>recovery</c>, <c>checkpoint</c>).
/// </summary>
internal sealed class EngineTelemetry(string @namespace)
{
    /// <summary>For engines opened without a database class (tools, tests).</summary>
    public static readonly EngineTelemetry Unnamed = new("ZgDatabase");

    /// <summary>The <c>db.namespace</c> attribute: the database class's name.</summary>
    public string Namespace { get; } = @namespace;

    private readonly KeyValuePair<string, object?> _system = new("db.system.name", "zgdb");
    private readonly KeyValuePair<string, object?> _namespace = new("db.namespace", @namespace);

    /// <summary>The two attributes, as a <see cref="TagList"/> (no allocation for two).</summary>
    public TagList Tags => new() { _system, _namespace };

    /// <summary>Starts an engine span (<c>recovery</c>, <c>checkpoint</c>) when something listens, else null.</summary>
    public Activity? StartSpan(string operation)
    {
        if (!EngineInstruments.Source.HasListeners()) return null;
        var activity = EngineInstruments.Source.StartActivity(operation, ActivityKind.Internal);
        if (activity is null) return null;
        activity.SetTag("db.system.name", "zgdb");
        activity.SetTag("db.namespace", Namespace);
        activity.SetTag("db.operation.name", operation);
        return activity;
    }

    /// <summary>Marks a span failed: status Error, <c>error.type</c> the exception's full type name.</summary>
    public static void Failed(Activity? activity, Exception e)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, e.Message);
        activity.SetTag("error.type", e.GetType().FullName);
    }

    /// <summary>Records a histogram value with this database's attributes, when the histogram is listened to.</summary>
    public void Record(Histogram<double> histogram, double value)
    {
        if (histogram.Enabled) histogram.Record(value, Tags);
    }

    /// <inheritdoc cref="Record(Histogram{double}, double)"/>
    public void Record(Histogram<long> histogram, long value)
    {
        if (histogram.Enabled) histogram.Record(value, Tags);
    }

    /// <summary>Adds to a counter with this database's attributes, when the counter is listened to.</summary>
    public void Add(Counter<long> counter, long value)
    {
        if (counter.Enabled) counter.Add(value, Tags);
    }
}
