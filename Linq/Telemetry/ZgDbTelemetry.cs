using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ZgDb;

/// <summary>
/// ZgDb's OpenTelemetry sources: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="ActivitySourceName"/> ("ZgDb"). Register them with the OpenTelemetry SDK
/// (<c>.WithTracing(t =&gt; t.AddSource(ZgDbTelemetry.ActivitySourceName))</c>,
/// <c>.WithMetrics(m =&gt; m.AddMeter(ZgDbTelemetry.MeterName))</c>). Spans: one per query (from its execution to the end
/// of its enumeration), per write and per transaction, with OpenTelemetry's database attributes (docs/TELEMETRY.md).
/// Nothing is allocated or measured while no listener is attached.
/// </summary>
public static class ZgDbTelemetry
{
    /// <summary>The name of ZgDb's <see cref="ActivitySource"/>: "ZgDb".</summary>
    public const string ActivitySourceName = "ZgDb";

    /// <summary>The name of ZgDb's <see cref="Meter"/>: "ZgDb".</summary>
    public const string MeterName = "ZgDb";

    /// <summary>
    /// Whether query spans carry <c>db.query.text</c>: the query's shape, with every constant and captured value as a
    /// parameter (<c>@p0</c>), never the values. Off by default (OpenTelemetry's conventions make it opt-in); process-wide.
    /// </summary>
    public static bool RecordQueryText { get; set; }

    // The engine's source and meter: one of each for the whole of ZgDb (the engine's spans and instruments are on them too).
    internal static readonly ActivitySource Source = Storage.EngineInstruments.Source;
    internal static readonly Meter Meter = Storage.EngineInstruments.Meter;

    // Bucket boundaries in seconds: an embedded database answers in microseconds, so below OpenTelemetry's default.
    private static readonly double[] DurationBuckets = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

    /// <summary><c>db.client.operation.duration</c> (s): queries, writes and commits, told apart by <c>db.operation.name</c>.</summary>
    internal static readonly Histogram<double> OperationDuration = Meter.CreateHistogram("db.client.operation.duration", "s",
        "Duration of ZgDb operations: queries (to the end of their enumeration), writes and commits.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary><c>db.client.response.returned_rows</c>: rows a query returned.</summary>
    internal static readonly Histogram<long> ReturnedRows = Meter.CreateHistogram("db.client.response.returned_rows", "{row}",
        "Rows returned by ZgDb queries that return sequences.",
        tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000, 100000] });

    private static readonly ConditionalWeakTable<ZgDatabase, object> OpenDatabases = new();

    static ZgDbTelemetry()
    {
        Meter.CreateObservableGauge("zgdb.collection.documents", () => Observe(static (db, m) => db.Collections(m, c => c.Count)), "{document}",
            "Documents stored per collection.");
        Meter.CreateObservableGauge("zgdb.collection.pending_changes", () => Observe(static (db, m) => db.Collections(m, c => c.PendingChanges)), "{change}",
            "Changes per collection not yet folded into chunk files by a checkpoint.");
        Meter.CreateObservableCounter("zgdb.chunk_cache.loads", () => Observe(static (db, m) => m.Add(db.Measure(db.Statistics.ChunkLoads))), "{chunk}",
            "Chunks loaded from disk since open (chunk cache misses).");
        Meter.CreateObservableUpDownCounter("zgdb.chunk_cache.size", () => Observe(static (db, m) => m.Add(db.Measure(db.Statistics.CachedBytes))), "By",
            "Estimated bytes of the chunk cache.");
        Meter.CreateObservableUpDownCounter("zgdb.chunk_cache.chunks", () => Observe(static (db, m) => m.Add(db.Measure(db.Statistics.CachedChunks))), "{chunk}",
            "Chunks in the chunk cache.");
        Meter.CreateObservableCounter("zgdb.wal.written", () => Observe(static (db, m) => m.Add(db.Measure(db.Statistics.WalBytesWritten))), "By",
            "Write-ahead log bytes written since open.");
        Meter.CreateObservableGauge("zgdb.wal.unflushed", () => Observe(static (db, m) => m.Add(db.Measure(db.Statistics.LastLsn - db.Statistics.DurableLsn))), "{record}",
            "Writes applied but not yet flushed to the write-ahead log (newest LSN minus durable LSN).");
        Meter.CreateObservableGauge("zgdb.checkpoint.lag", () => Observe(static (db, m) => m.Add(db.Measure(db.Statistics.LastLsn - db.Statistics.CheckpointLsn))), "{record}",
            "Writes not yet folded into chunk files (newest LSN minus the last checkpoint's).");
    }

    /// <summary>Called when a database opens: its figures join the observable instruments.</summary>
    internal static void Opened(ZgDatabase database) => OpenDatabases.AddOrUpdate(database, database.GetType().Name);

    /// <summary>Called when a database is disposed.</summary>
    internal static void Closed(ZgDatabase database) => OpenDatabases.Remove(database);

    /// <summary>The <c>db.namespace</c> of a database: its class name.</summary>
    internal static string NamespaceOf(ZgDatabase database) => database.GetType().Name;

    /// <summary>One measurement set per open database, read from <see cref="ZgDatabase.GetStatistics"/>; a database disposed meanwhile is skipped.</summary>
    private static IEnumerable<Measurement<long>> Observe(Action<OpenDatabase, List<Measurement<long>>> read)
    {
        var measurements = new List<Measurement<long>>();
        foreach (var (database, _) in (IEnumerable<KeyValuePair<ZgDatabase, object>>)OpenDatabases)
        {
            DatabaseStatistics statistics;
            try
            {
                statistics = database.GetStatistics();
            }
            catch (ObjectDisposedException)
            {
                continue;
            }
            read(new OpenDatabase(NamespaceOf(database), statistics), measurements);
        }
        return measurements;
    }

    private readonly record struct OpenDatabase(string Namespace, DatabaseStatistics Statistics)
    {
        public Measurement<long> Measure(long value) => new(value, new KeyValuePair<string, object?>(TelemetryTags.SystemName, TelemetryTags.System),
            new KeyValuePair<string, object?>(TelemetryTags.Namespace, Namespace));

        public void Collections(List<Measurement<long>> measurements, Func<CollectionStatistics, long> value)
        {
            foreach (var collection in Statistics.Collections)
                measurements.Add(new Measurement<long>(value(collection), new KeyValuePair<string, object?>(TelemetryTags.SystemName, TelemetryTags.System),
                    new KeyValuePair<string, object?>(TelemetryTags.Namespace, Namespace), new KeyValuePair<string, object?>(TelemetryTags.CollectionName, collection.Name)));
        }
    }
}

/// <summary>OpenTelemetry's database attribute names, and ZgDb's own.</summary>
internal static class TelemetryTags
{
    public const string System = "zgdb";
    public const string SystemName = "db.system.name";
    public const string Namespace = "db.namespace";
    public const string CollectionName = "db.collection.name";
    public const string OperationName = "db.operation.name";
    public const string QueryText = "db.query.text";
    public const string ReturnedRows = "db.response.returned_rows";
    public const string ErrorType = "error.type";
    public const string AccessPath = "zgdb.query.access_path";
    public const string Documents = "zgdb.write.documents";
    public const string Outcome = "zgdb.transaction.outcome";
    public const string Restarted = "zgdb.query.restarted_for_chunk_load";
}
