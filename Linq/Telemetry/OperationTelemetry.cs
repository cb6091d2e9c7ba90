using System.Diagnostics;

namespace ZgDb.Telemetry;

/// <summary>
/// One measured operation (a query, a write, a commit): its span, when the source has listeners, and its duration
/// for <c>db.client.operation.duration</c>, when that instrument is enabled. <see cref="Start"/> returns null when
/// neither is, so an operation nobody observes allocates nothing. Not thread-safe: one per operation.
/// </summary>
internal sealed class OperationTelemetry
{
    private readonly Activity? _activity;
    private readonly long _started;
    private readonly string _namespace;
    private readonly string _operation;
    private string? _collection;
    private bool _ended;

    private OperationTelemetry(Activity? activity, string @namespace, string operation, string? collection)
    {
        _activity = activity;
        _namespace = @namespace;
        _operation = operation;
        _collection = collection;
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>Starts measuring <paramref name="operation"/> (<c>db.operation.name</c>) on a collection (or several: null), or returns null when nothing listens.</summary>
    public static OperationTelemetry? Start(ZgDatabase database, string operation, string? collection)
    {
        bool traced = ZgDbTelemetry.Source.HasListeners();
        if (!traced && !ZgDbTelemetry.OperationDuration.Enabled && !ZgDbTelemetry.ReturnedRows.Enabled) return null;
        var @namespace = ZgDbTelemetry.NamespaceOf(database);
        Activity? activity = null;
        if (traced)
        {
            var tags = new ActivityTagsCollection
            {
                [TelemetryTags.SystemName] = TelemetryTags.System,
                [TelemetryTags.Namespace] = @namespace,
                [TelemetryTags.OperationName] = operation,
            };
            if (collection is not null) tags[TelemetryTags.CollectionName] = collection;
            activity = ZgDbTelemetry.Source.StartActivity(SpanName(operation, collection), ActivityKind.Client, default(ActivityContext), tags);
        }
        return new OperationTelemetry(activity, @namespace, operation, collection);
    }

    /// <summary>The span, when one is recorded (to add attributes).</summary>
    public Activity? Activity => _activity;

    /// <summary>Names the collection once the plan is known (a query reading one collection).</summary>
    public void SetCollection(string collection)
    {
        _collection = collection;
        if (_activity is null) return;
        _activity.SetTag(TelemetryTags.CollectionName, collection);
        _activity.DisplayName = SpanName(_operation, collection);
    }

    /// <summary>Ends the operation as a success; <paramref name="rows"/> (a query's returned rows) is recorded when given.</summary>
    public void Succeeded(long? rows = null) => End(rows, null);

    /// <summary>Ends the operation as a failure: the span's status is Error and <c>error.type</c> the exception's type.</summary>
    public void Failed(Exception error, long? rows = null) => End(rows, error);

    /// <summary>For exception filters: records the failure and returns false, so the exception goes on unchanged.</summary>
    public static bool FailedFilter(OperationTelemetry? telemetry, Exception error)
    {
        telemetry?.Failed(error);
        return false;
    }

    private void End(long? rows, Exception? error)
    {
        if (_ended) return;
        _ended = true;
        // An asynchronous query stopped to await a chunk load runs again from its start (Storage.Engine.AsyncChunkLoads):
        // not a failure; this span ends as a restarted attempt and the next run has its own.
        bool restarted = error is Storage.Engine.ChunkLoadRequired;
        if (restarted) error = null;
        double seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        string? errorType = error is null ? null : error is OperationCanceledException ? "cancelled" : error.GetType().FullName;
        if (ZgDbTelemetry.OperationDuration.Enabled || ZgDbTelemetry.ReturnedRows.Enabled)
        {
            var tags = new TagList
            {
                { TelemetryTags.SystemName, TelemetryTags.System },
                { TelemetryTags.Namespace, _namespace },
                { TelemetryTags.OperationName, _operation },
            };
            if (_collection is not null) tags.Add(TelemetryTags.CollectionName, _collection);
            if (errorType is not null) tags.Add(TelemetryTags.ErrorType, errorType);
            ZgDbTelemetry.OperationDuration.Record(seconds, tags);
            if (rows is { } returned) ZgDbTelemetry.ReturnedRows.Record(returned, tags);
        }
        if (_activity is null) return;
        if (rows is { } count) _activity.SetTag(TelemetryTags.ReturnedRows, count);
        if (restarted) _activity.SetTag(TelemetryTags.Restarted, true);
        if (error is not null)
        {
            _activity.SetTag(TelemetryTags.ErrorType, errorType);
            _activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
        // A query's span may end after other code made its own spans current (the enumeration runs later): keep theirs.
        var current = Activity.Current;
        _activity.Stop();
        if (current != _activity) Activity.Current = current;
    }

    /// <summary>
    /// A query's rows, measured until the enumeration ends (or is abandoned: disposed early): the span gets
    /// <c>db.response.returned_rows</c> and, when given, the access path. The span stops being current here, so code
    /// between enumeration steps does not nest its spans under the query.
    /// </summary>
    public IEnumerable<TRow> Observe<TRow>(IEnumerable<TRow> rows, string? accessPath = null)
    {
        if (accessPath is not null) _activity?.SetTag(TelemetryTags.AccessPath, accessPath);
        Detach();
        return Observed(rows);
    }

    /// <summary>Makes the span's parent current again (the span itself goes on until <see cref="End"/>).</summary>
    public void Detach()
    {
        if (_activity is not null && Activity.Current == _activity) Activity.Current = _activity.Parent;
    }

    private IEnumerable<TRow> Observed<TRow>(IEnumerable<TRow> rows)
    {
        long count = 0;
        IEnumerator<TRow> enumerator;
        try
        {
            enumerator = rows.GetEnumerator();
        }
        catch (Exception e)
        {
            Failed(e);
            throw;
        }
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = enumerator.MoveNext();
                }
                catch (Exception e)
                {
                    Failed(e, count);
                    throw;
                }
                if (!more) break;
                count++;
                yield return enumerator.Current;
            }
        }
        finally
        {
            enumerator.Dispose();
            Succeeded(count); // nothing when it failed already
        }
    }

    private static string SpanName(string operation, string? collection) => collection is null ? operation : operation + " " + collection;
}
